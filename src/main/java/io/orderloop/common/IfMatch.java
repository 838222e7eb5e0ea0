package io.orderloop.common;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code If-Match} precondition of a state-changing request, read as RFC 9110 §13.1.1 says:
 * {@code *} or a comma-separated list of entity tags, compared strongly against the resource's
 * current ETag ({@code "<version>"}). A weak tag ({@code W/"3"}) never matches under strong
 * comparison, so it fails the precondition (412) like any other tag that does not match. A header
 * that is present but empty or not a list of entity tags is 400.
 */
public final class IfMatch {

  private static final IfMatch ANY = new IfMatch(true, List.of());

  private final boolean any;
  private final List<String> strongTags;

  private IfMatch(boolean any, List<String> strongTags) {
    this.any = any;
    this.strongTags = strongTags;
  }

  /** The precondition in a header value; {@code null} when the header is absent. */
  public static IfMatch parse(String header) {
    if (header == null) {
      return null;
    }
    String value = header.strip();
    if (value.isEmpty()) {
      throw ApiProblem.badRequest(
          "If-Match is empty; send the ETag from the last read (e.g. \"3\") or leave the header out");
    }
    if (value.equals("*")) {
      return ANY;
    }
    List<String> strong = new ArrayList<>();
    int i = 0;
    while (i < value.length()) {
      char c = value.charAt(i);
      if (c == ' ' || c == '\t' || c == ',') {
        i++;
        continue;
      }
      boolean weak = value.startsWith("W/", i);
      int open = weak ? i + 2 : i;
      int close =
          open < value.length() && value.charAt(open) == '"' ? value.indexOf('"', open + 1) : -1;
      if (close < 0) {
        throw malformed(header);
      }
      String opaque = value.substring(open + 1, close);
      if (!opaque.chars().allMatch(ch -> ch == 0x21 || (ch >= 0x23 && ch <= 0x7e))) {
        throw malformed(header);
      }
      if (!weak) {
        strong.add(opaque);
      }
      i = close + 1;
      if (i < value.length()
          && value.charAt(i) != ','
          && value.charAt(i) != ' '
          && value.charAt(i) != '\t') {
        throw malformed(header);
      }
    }
    return new IfMatch(false, List.copyOf(strong));
  }

  /** Whether a resource at {@code version} (ETag {@code "<version>"}) meets the precondition. */
  public boolean matches(long version) {
    return any || strongTags.contains(Long.toString(version));
  }

  /** The header as understood, for a 412's detail. */
  public String describe() {
    if (any) {
      return "*";
    }
    return strongTags.isEmpty()
        ? "only weak tags, which never match"
        : String.join(", ", strongTags.stream().map(t -> "\"" + t + "\"").toList());
  }

  private static ApiProblem malformed(String header) {
    return ApiProblem.badRequest(
        "If-Match must be * or a list of entity tags such as \"3\" (quoted), not '"
            + (header.length() > 40 ? header.substring(0, 40) + "…" : header)
            + "'");
  }
}
