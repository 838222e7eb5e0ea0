package io.orderloop.channels.edi;

import io.xlate.edi.schema.EDISchemaException;
import io.xlate.edi.schema.Schema;
import io.xlate.edi.schema.SchemaFactory;
import io.xlate.edi.stream.EDIInputFactory;
import io.xlate.edi.stream.EDIStreamEvent;
import io.xlate.edi.stream.EDIStreamException;
import io.xlate.edi.stream.EDIStreamReader;
import io.xlate.edi.stream.EDIStreamValidationError;
import io.xlate.edi.stream.Location;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads X12 interchanges with StAEDI into segments grouped by interchange, group and transaction,
 * with every validation error StAEDI reports placed where a 997 names it: the envelope's control
 * counts and references, and for an 850 its segments and elements against {@code edi/x12-850.xml}.
 * Any delimiters the ISA declares, a UTF-8 BOM, line breaks around and inside segments, several
 * interchanges per stream. The whole stream is read before anything is done with it: a stream that
 * breaks off part way is {@link Unreadable}, and nothing of it is used.
 */
final class X12Reader {

  /** Segments kept per transaction: past this the transaction is refused as too large. */
  static final int MAX_SEGMENTS = 20_000;

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

  /** PO1 lines past which a set is not validated against the schema (it is refused anyway). */
  static final int MAX_VALIDATED_LINES = io.orderloop.orders.CreateOrder.MAX_LINES;

  /** AK3 segment errors noted per transaction (the 997 stays readable). */
  static final int MAX_ERRORS = 100;

  private static final Schema PO_SCHEMA = schema("edi/x12-850.xml");
  private static final Schema FA_SCHEMA = schema("edi/x12-997.xml");

  /** The stream cannot be read as X12 at all, or breaks off: nothing of it is used. */
  static final class Unreadable extends Exception {
    Unreadable(String message) {
      super(message);
    }
  }

  /** One segment: its tag, its position in its transaction (ST is 1), its elements' components. */
  record Segment(String tag, int position, List<List<String>> elements) {
    /** Element {@code i} (1-based), its first component; "" when absent. */
    String el(int i) {
      return comp(i, 1);
    }

    /** Component {@code c} (1-based) of element {@code i}; "" when absent. */
    String comp(int i, int c) {
      if (i < 1 || i > elements.size()) {
        return "";
      }
      List<String> e = elements.get(i - 1);
      return c <= e.size() && e.get(c - 1) != null ? e.get(c - 1) : "";
    }
  }

  /** An element error, as AK4 gives it. */
  record ElementError(int position, int component, String reference, String code, String data) {}

  /** A segment error, as AK3 gives it; {@code code} is AK304. */
  record SegmentError(String tag, int position, String code, List<ElementError> elements) {}

  /** A transaction set (ST … SE). */
  static final class Transaction {
    String type = "";
    String control = "";
    int stPosition;
    final List<Segment> segments = new ArrayList<>();
    final List<SegmentError> errors = new ArrayList<>();

    /** AK502 codes for the set as a whole (trailer count or control mismatch). */
    final List<String> setErrors = new ArrayList<>();

    boolean tooLarge;

    /** Every segment that had an error, also past {@link #MAX_ERRORS}. */
    final java.util.Set<String> errorTags = new java.util.HashSet<>();

    /** A mandatory segment is missing (also past {@link #MAX_ERRORS}). */
    boolean missingMandatory;

    Segment first(String tag) {
      return segments.stream().filter(s -> s.tag().equals(tag)).findFirst().orElse(null);
    }
  }

  /** A functional group (GS … GE). */
  static final class Group {
    String functionalId = "";
    String senderId = "";
    String receiverId = "";
    String control = "";
    String version = "";
    String declaredCount = "";
    final List<Transaction> transactions = new ArrayList<>();

    /** AK905 codes for the group as a whole. */
    final List<String> groupErrors = new ArrayList<>();
  }

  /** An interchange (ISA … IEA). */
  static final class Interchange {
    String senderQualifier = "";
    String senderId = "";
    String receiverQualifier = "";
    String receiverId = "";
    String version = "";
    String control = "";
    String usage = "";
    final List<Group> groups = new ArrayList<>();

    /** Envelope problems (IEA count or control mismatch), for the person reading the report. */
    final List<String> problems = new ArrayList<>();
  }

  private X12Reader() {}

  static List<Interchange> read(byte[] data) throws Unreadable {
    int start = 0;
    if (data.length >= 3
        && (data[0] & 0xff) == 0xEF
        && (data[1] & 0xff) == 0xBB
        && (data[2] & 0xff) == 0xBF) {
      start = 3; // a UTF-8 byte order mark, which StAEDI does not skip
    }
    while (start < data.length && Character.isWhitespace(data[start])) {
      start++;
    }
    if (data.length - start < 106 || data[start] != 'I' || data[start + 1] != 'S') {
      throw new Unreadable(
          "the body is not an X12 interchange: it must start with a 106-character ISA segment");
    }
    EDIInputFactory factory = EDIInputFactory.newFactory();
    factory.setProperty(EDIInputFactory.EDI_IGNORE_EXTRANEOUS_CHARACTERS, true);
    factory.setProperty(EDIInputFactory.EDI_VALIDATE_CONTROL_CODE_VALUES, false);
    // StAEDI's schema validation takes time growing with the square of a loop's repetitions (10,000
    // PO1 lines: minutes). A first pass without transaction schemas counts each set's PO1s; the
    // second validates only the sets an order can hold (more lines are refused anyway).
    List<Interchange> out = new ArrayList<>();
    List<Integer> lineCounts = new ArrayList<>();
    List<Interchange> first = new ArrayList<>();
    String charset = utf8(data, start) ? "UTF-8" : "ISO-8859-1";
    try (InputStream in = new ByteArrayInputStream(data, start, data.length - start);
        EDIStreamReader reader = factory.createEDIStreamReader(in, charset)) {
      new Pass(reader, first, null, lineCounts).run();
    } catch (EDIStreamException | RuntimeException e) {
      throw new Unreadable(describe(e, out));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (InputStream in = new ByteArrayInputStream(data, start, data.length - start);
        EDIStreamReader reader = factory.createEDIStreamReader(in, charset)) {
      Pass second = new Pass(reader, out, lineCounts, null);
      // One interchange: its envelope schema comes from the cache (StAEDI takes one per reader).
      second.cacheControl = first.size() == 1;
      second.run();
    } catch (EDIStreamException | RuntimeException e) {
      throw new Unreadable(describe(e, out));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (out.isEmpty()) {
      throw new Unreadable("no interchange (ISA … IEA) found");
    }
    return out;
  }

  /**
   * Whether the bytes are UTF-8; X12 is meant to be plain ASCII, but names arrive in UTF-8 or in
   * Latin-1, and a Latin-1 byte must not make the whole interchange unreadable.
   */
  private static boolean utf8(byte[] data, int start) {
    try {
      java.nio.charset.StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(data, start, data.length - start));
      return true;
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
  }

  private static String describe(Exception e, List<Interchange> read) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    // StAEDI's messages name the offset, segment and element ("EDIE003 - Invalid processing
    // state at offset 108; …"): kept as they are, they tell the sender where to look.
    return "the X12 could not be read"
        + (read.isEmpty() ? "" : " after " + read.size() + " complete interchange(s)")
        + ": "
        + message;
  }

  /** One pass over the stream, building the interchanges. */
  private static final class Pass {
    private final EDIStreamReader r;
    private final List<Interchange> out;
    private Interchange interchange;
    private Group group;
    private Transaction tx;
    private String tag;
    private List<List<String>> elements;
    private List<String> composite;
    private boolean inComposite;
    private final List<Pending> pending = new ArrayList<>();

    /** Second pass: each set's PO1 count from the first, in order; null on the first pass. */
    private final List<Integer> validate;

    /** First pass: where each set's PO1 count goes; null on the second. */
    private final List<Integer> count;

    private int sets;
    private boolean cacheControl;

    /** An element error, waiting for its segment to end so it joins that segment's AK3. */
    private record Pending(String tag, int position, ElementError error) {}

    Pass(EDIStreamReader r, List<Interchange> out, List<Integer> validate, List<Integer> count) {
      this.r = r;
      this.out = out;
      this.validate = validate;
      this.count = count;
    }

    void run() throws EDIStreamException {
      while (r.hasNext()) {
        EDIStreamEvent event = r.next();
        switch (event) {
          case START_INTERCHANGE -> {
            interchange = new Interchange();
            // StAEDI would read its envelope schema again for every read: given, it is not.
            Schema control = cacheControl ? controlSchema(r.getVersion()) : null;
            if (control != null) {
              r.setControlSchema(control);
            }
          }
          case END_INTERCHANGE -> {
            out.add(interchange);
            interchange = null;
          }
          case START_GROUP -> {
            group = new Group();
            if (interchange != null) {
              interchange.groups.add(group);
            }
          }
          case END_GROUP -> group = null;
          case START_TRANSACTION -> {
            tx = new Transaction();
            if (group != null) {
              group.transactions.add(tx);
            } else if (interchange != null) {
              interchange.problems.add("a transaction set (ST) outside a functional group (GS)");
            }
          }
          case END_TRANSACTION -> tx = null;
          case START_SEGMENT -> {
            tag = r.getText();
            elements = new ArrayList<>();
            if ("ST".equals(tag) && tx != null) {
              tx.stPosition = r.getLocation().getSegmentPosition();
            }
          }
          case START_COMPOSITE -> {
            inComposite = true;
            composite = new ArrayList<>();
            place(r.getLocation().getElementPosition(), composite);
          }
          case END_COMPOSITE -> inComposite = false;
          case ELEMENT_DATA -> element(r.getText(), r.getLocation());
          case END_SEGMENT -> endSegment();
          case SEGMENT_ERROR -> segmentError(r.getErrorType(), r.getReferenceCode(), r.getText());
          case ELEMENT_DATA_ERROR, ELEMENT_OCCURRENCE_ERROR ->
              elementError(r.getErrorType(), r.getReferenceCode(), r.getText(), r.getLocation());
          default -> {}
        }
      }
    }

    private void place(int position, List<String> value) {
      while (elements.size() < position - 1) {
        elements.add(List.of());
      }
      if (elements.size() == position - 1) {
        elements.add(value);
      }
    }

    private void element(String text, Location loc) {
      String value = text == null ? "" : text;
      if (inComposite) {
        int c = Math.max(1, loc.getComponentPosition());
        while (composite.size() < c - 1) {
          composite.add("");
        }
        composite.add(value);
        return;
      }
      int position = loc.getElementPosition();
      // A repetition of an element already seen is not kept: the first occurrence is what is read.
      if (position > elements.size()) {
        List<String> single = new ArrayList<>(1);
        single.add(value);
        place(position, single);
      }
      if ("ST".equals(tag) && position == 1 && tx != null) {
        // StAEDI's own transaction type is unreliable past the first set (1.26.0): read ST01.
        tx.type = value;
        int set = sets++;
        if (count != null) {
          count.add(0);
        } else {
          // Set for every set (StAEDI keeps the last one): none past the lines an order holds.
          boolean validated = set < validate.size() && validate.get(set) <= MAX_VALIDATED_LINES;
          r.setTransactionSchema(
              !validated
                  ? null
                  : switch (value) {
                    case "850" -> PO_SCHEMA;
                    case "997" -> FA_SCHEMA;
                    default -> null;
                  });
        }
      }
    }

    private void endSegment() {
      if (count != null) {
        if ("PO1".equals(tag) && !count.isEmpty()) {
          count.set(count.size() - 1, count.getLast() + 1);
        }
        return;
      }
      Segment segment =
          new Segment(tag, tx == null ? 0 : position(r.getLocation()), List.copyOf(elements));
      switch (tag) {
        case "ISA" -> {
          interchange.senderQualifier = segment.el(5).strip();
          interchange.senderId = segment.el(6).strip();
          interchange.receiverQualifier = segment.el(7).strip();
          interchange.receiverId = segment.el(8).strip();
          interchange.version = segment.el(12).strip();
          interchange.control = segment.el(13).strip();
          interchange.usage = segment.el(15).strip();
        }
        case "GS" -> {
          if (group != null) {
            group.functionalId = segment.el(1).strip();
            group.senderId = segment.el(2).strip();
            group.receiverId = segment.el(3).strip();
            group.control = segment.el(6).strip();
            group.version = segment.el(8).strip();
          }
        }
        case "GE" -> {
          if (group != null) {
            group.declaredCount = segment.el(1).strip();
          }
        }
        case "ST" -> {
          if (tx != null) {
            tx.control = segment.el(2).strip();
          }
        }
        case "SE", "IEA" -> {}
        default -> {
          if (tx != null) {
            if (tx.segments.size() < MAX_SEGMENTS) {
              tx.segments.add(segment);
            } else {
              tx.tooLarge = true;
            }
          }
        }
      }
      flushElementErrors();
    }

    private Transaction lastTransaction() {
      if (tx != null) {
        return tx;
      }
      Group g = group != null ? group : lastGroup();
      return g == null || g.transactions.isEmpty() ? null : g.transactions.getLast();
    }

    private Group lastGroup() {
      return interchange == null || interchange.groups.isEmpty()
          ? null
          : interchange.groups.getLast();
    }

    private int position(Location loc) {
      return tx == null ? 0 : loc.getSegmentPosition() - tx.stPosition + 1;
    }

    private void segmentError(EDIStreamValidationError error, String reference, String text) {
      if (error == EDIStreamValidationError.MANDATORY_SEGMENT_MISSING && reference != null) {
        // A missing trailer: the envelope's own error, whatever set or group is open.
        switch (reference) {
          case "SE" -> {
            Transaction last = lastTransaction();
            if (last != null) {
              last.setErrors.add("2");
            }
            return;
          }
          case "GE" -> {
            Group last = group != null ? group : lastGroup();
            if (last != null) {
              last.groupErrors.add("3");
            }
            return;
          }
          case "IEA", "GS", "ST" -> {
            if (interchange != null) {
              interchange.problems.add("the " + reference + " segment is missing");
            }
            return;
          }
          default -> {}
        }
      }
      if (tx == null) {
        return;
      }
      String code = segmentCode(error);
      if (code == null) {
        return; // data element errors arrive one by one, with their segment
      }
      if (code.equals("6") && "850".equals(tx.type) && STANDARD_850.contains(text)) {
        return; // a standard 850 segment the order is not made from: passed over
      }
      String missing =
          error == EDIStreamValidationError.MANDATORY_SEGMENT_MISSING
                  || error == EDIStreamValidationError.CONDITIONAL_REQUIRED_SEGMENT_MISSING
              ? reference
              : null;
      String segmentTag = missing != null ? missing : text;
      tx.errorTags.add(segmentTag == null ? "" : segmentTag);
      tx.missingMandatory |= missing != null;
      if (tx.errors.size() < MAX_ERRORS) {
        tx.errors.add(
            new SegmentError(segmentTag, position(r.getLocation()), code, new ArrayList<>()));
      }
    }

    private void elementError(
        EDIStreamValidationError error, String reference, String text, Location loc) {
      String segmentTag = loc.getSegmentTag();
      int position = loc.getElementPosition();
      switch (segmentTag == null ? "" : segmentTag) {
        case "SE" -> {
          if (tx != null && isControl(error)) {
            tx.setErrors.add(
                error == EDIStreamValidationError.CONTROL_COUNT_DOES_NOT_MATCH_ACTUAL_COUNT
                    ? "4"
                    : "3");
          }
          return;
        }
        case "GE" -> {
          if (group != null && isControl(error)) {
            group.groupErrors.add(
                error == EDIStreamValidationError.CONTROL_COUNT_DOES_NOT_MATCH_ACTUAL_COUNT
                    ? "5"
                    : "4");
          }
          return;
        }
        case "IEA" -> {
          if (interchange != null && isControl(error)) {
            interchange.problems.add(
                error == EDIStreamValidationError.CONTROL_COUNT_DOES_NOT_MATCH_ACTUAL_COUNT
                    ? "IEA01 '" + text + "' is not the number of groups in the interchange"
                    : "IEA02 '" + text + "' does not match ISA13 '" + interchange.control + "'");
          }
          return;
        }
        case "ISA", "GS", "ST" -> {
          return; // envelope element formats (old-style dates and the like) are not held against it
        }
        default -> {}
      }
      if (tx == null) {
        return;
      }
      pending.add(
          new Pending(
              segmentTag,
              position(loc),
              new ElementError(
                  position,
                  Math.max(0, loc.getComponentPosition()),
                  reference == null ? "" : reference.replaceFirst("^E0*", ""),
                  elementCode(error),
                  text == null ? "" : text)));
    }

    private void flushElementErrors() {
      if (pending.isEmpty() || tx == null) {
        pending.clear();
        return;
      }
      Pending first = pending.getFirst();
      tx.errorTags.add(first.tag() == null ? "" : first.tag());
      List<ElementError> errors = new ArrayList<>();
      for (Pending p : pending) {
        if (errors.size() < 99) {
          errors.add(p.error());
        }
      }
      if (tx.errors.size() < MAX_ERRORS) {
        tx.errors.add(new SegmentError(first.tag(), first.position(), "8", errors));
      }
      pending.clear();
    }
  }

  private static boolean isControl(EDIStreamValidationError error) {
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

  private static final java.util.Map<String, Schema> CONTROL =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** StAEDI's X12 envelope schema for the ISA's version, loaded once per version. */
  private static Schema controlSchema(String[] version) {
    if (version == null || version.length == 0 || version[0] == null) {
      return null;
    }
    return CONTROL.computeIfAbsent(
        version[0],
        v -> {
          try {
            return SchemaFactory.newFactory()
                .getControlSchema(io.xlate.edi.stream.EDIStreamConstants.Standards.X12, version);
          } catch (EDISchemaException e) {
            return null;
          }
        });
  }

  private static Schema schema(String resource) {
    try (InputStream in = X12Reader.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the classpath");
      }
      return SchemaFactory.newFactory().createSchema(in);
    } catch (IOException | EDISchemaException e) {
      throw new IllegalStateException("cannot load the X12 schema " + resource, e);
    }
  }
}
