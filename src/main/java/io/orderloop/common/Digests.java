package io.orderloop.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Unkeyed digests, for fingerprints and in-memory names (never for secrets: see {@link Secrets}).
 */
public final class Digests {

  private Digests() {}

  /** SHA-256 of the UTF-8 bytes of {@code text}, lower-case hex. */
  public static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
