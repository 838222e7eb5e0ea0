package io.orderloop.common;

import java.net.URI;

/**
 * Problem {@code type} URIs: stable identifiers clients can switch on, documented in docs/api.md.
 */
public final class ProblemTypes {

  private ProblemTypes() {}

  public static URI of(String slug) {
    return URI.create("urn:orderloop:problem:" + slug);
  }
}
