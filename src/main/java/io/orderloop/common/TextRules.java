package io.orderloop.common;

/**
 * What text the API stores: no control characters (C0 including CR, LF and TAB, DEL, C1), no
 * bidirectional embedding, override or isolate characters (they reorder what the console, documents
 * and EDI files show), and no lone surrogates (they cannot be stored as UTF-8 and would silently
 * become {@code ?}). Requests carrying them are refused (400 naming the field); channel payloads,
 * which must never be refused for them, are cleaned with {@link #strip}.
 */
public final class TextRules {

  private TextRules() {}

  /** Why {@code text} cannot be stored, or null when it can. */
  public static String problem(String text) {
    if (text == null) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
        continue;
      }
      if (Character.isSurrogate(c)) {
        return "contains an unpaired UTF-16 surrogate (" + codePoint(c) + "), which is not text";
      }
      if (isControl(c)) {
        return "contains the control character "
            + codePoint(c)
            + "; send plain text without control characters (no tabs or line breaks)";
      }
      if (isBidiControl(c)) {
        return "contains the bidirectional formatting character "
            + codePoint(c)
            + ", which changes how text is displayed";
      }
    }
    return null;
  }

  /**
   * {@code text} as stored from a channel: control characters become a space (so words on two lines
   * stay two words), bidirectional formatting characters and unpaired surrogates are dropped, runs
   * of spaces this creates are collapsed, and the ends trimmed.
   */
  public static String strip(String text) {
    if (text == null || problem(text) == null) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        sb.append(c).append(text.charAt(++i));
      } else if (isControl(c)) {
        if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ' ') {
          sb.append(' ');
        }
      } else if (!Character.isSurrogate(c) && !isBidiControl(c)) {
        sb.append(c);
      }
    }
    return sb.toString().strip();
  }

  static boolean isControl(char c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f);
  }

  static boolean isBidiControl(char c) {
    return (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
  }

  private static String codePoint(char c) {
    return String.format("U+%04X", (int) c);
  }
}
