package io.orderloop.common;

/**
 * Reads the {@code If-Match} header of state-changing requests: the version from an ETag this
 * service issued.
 */
public final class IfMatch {

  private IfMatch() {}

  /**
   * The version in {@code If-Match: "3"} (also {@code W/"3"}); {@code null} for no header or {@code
   * *}, which mean no version check. 400 for anything else.
   */
  public static Integer version(String ifMatch) {
    if (ifMatch == null || ifMatch.isBlank() || ifMatch.strip().equals("*")) {
      return null;
    }
    String v = ifMatch.strip();
    if (v.startsWith("W/")) {
      v = v.substring(2);
    }
    v = v.replace("\"", "");
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw ApiProblem.badRequest(
          "If-Match: '" + ifMatch + "' is not an ETag this service issued (e.g. \"3\")");
    }
  }
}
