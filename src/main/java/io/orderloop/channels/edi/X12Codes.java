package io.orderloop.channels.edi;

import io.xlate.edi.stream.EDIStreamValidationError;

/**
 * X12's acknowledgment codes for what StAEDI reports (AK304 for segments, AK403 for elements), in
 * words for reports, and the 850 segments passed over without validation.
 */
final class X12Codes {

  private X12Codes() {}

  /**
   * The segments of the X12 850 (004010–005010) that the schema does not declare: StAEDI calls them
   * "not in the transaction set"; they are passed over (any other segment id is noted).
   */
  static final java.util.Set<String> STANDARD_850 =
      java.util.Set.of(
          "REF", "PER", "TAX", "FOB", "CTP", "PAM", "CSH", "TC2", "SAC", "DIS", "INC", "LDT", "LIN",
          "SI", "PID", "MEA", "PWK", "PKG", "TD1", "TD5", "TD3", "TD4", "MAN", "PCT", "CTB", "TXI",
          "AMT", "FA1", "FA2", "N9", "MSG", "NX2", "LM", "LQ", "SPI", "CB1", "ADV", "MTX", "CN1",
          "PO3", "IT8", "IT3", "QTY", "SCH", "LS", "LE", "SLN", "G53", "NTE", "CUR", "DTM", "ITD",
          "N1", "N2", "N3", "N4", "PO4", "SDQ");

  static boolean isControl(EDIStreamValidationError error) {
    return error == EDIStreamValidationError.CONTROL_COUNT_DOES_NOT_MATCH_ACTUAL_COUNT
        || error == EDIStreamValidationError.CONTROL_REFERENCE_MISMATCH;
  }

  /** AK304 for a segment-level error; null for the data element summary (its AK4s say it). */
  static String segmentCode(EDIStreamValidationError error) {
    return switch (error) {
      case UNRECOGNIZED_SEGMENT_ID -> "1";
      case UNEXPECTED_SEGMENT, SEGMENT_EXCLUSION_CONDITION_VIOLATED -> "2";
      case MANDATORY_SEGMENT_MISSING, CONDITIONAL_REQUIRED_SEGMENT_MISSING -> "3";
      case LOOP_OCCURS_OVER_MAXIMUM_TIMES -> "4";
      case SEGMENT_EXCEEDS_MAXIMUM_USE -> "5";
      case SEGMENT_NOT_IN_DEFINED_TRANSACTION_SET -> "6";
      case SEGMENT_NOT_IN_PROPER_SEQUENCE -> "7";
      case SEGMENT_HAS_DATA_ELEMENT_ERRORS -> null;
      default -> "2";
    };
  }

  /** AK403 for an element error. */
  static String elementCode(EDIStreamValidationError error) {
    return switch (error) {
      case REQUIRED_DATA_ELEMENT_MISSING -> "1";
      case CONDITIONAL_REQUIRED_DATA_ELEMENT_MISSING -> "2";
      case TOO_MANY_DATA_ELEMENTS -> "3";
      case DATA_ELEMENT_TOO_SHORT -> "4";
      case DATA_ELEMENT_TOO_LONG -> "5";
      case INVALID_CHARACTER_DATA -> "6";
      case INVALID_DATE -> "8";
      case INVALID_TIME -> "9";
      case EXCLUSION_CONDITION_VIOLATED -> "10";
      case TOO_MANY_REPETITIONS -> "12";
      case TOO_MANY_COMPONENTS -> "13";
      default -> "7";
    };
  }

  /** What an AK304 code means, for reports people read. */
  static String segmentMeaning(String code) {
    return switch (code) {
      case "1" -> "unrecognized segment";
      case "2" -> "unexpected segment";
      case "3" -> "mandatory segment missing";
      case "4" -> "loop occurs over its maximum";
      case "5" -> "segment exceeds its maximum use";
      case "6" -> "segment not in the transaction set";
      case "7" -> "segment not in proper sequence";
      case "8" -> "segment has data element errors";
      default -> "segment error " + code;
    };
  }

  /** What an AK403 code means. */
  static String elementMeaning(String code) {
    return switch (code) {
      case "1" -> "mandatory element missing";
      case "2" -> "conditional element missing";
      case "3" -> "too many elements";
      case "4" -> "too short";
      case "5" -> "too long";
      case "6" -> "invalid character";
      case "7" -> "invalid value";
      case "8" -> "invalid date";
      case "9" -> "invalid time";
      case "10" -> "exclusion condition violated";
      case "12" -> "too many repetitions";
      case "13" -> "too many components";
      default -> "element error " + code;
    };
  }
}
