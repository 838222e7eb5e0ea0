package io.orderloop.gateway;

/**
 * Echoing what an agent sent back in an error: short, so a huge argument is not sent back whole.
 */
final class Texts {

  static final int ECHO = 80;

  private Texts() {}

  static String clip(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= ECHO ? s : s.substring(0, ECHO) + "… (" + s.length() + " characters)";
  }
}
