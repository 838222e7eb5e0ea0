package io.orderloop.common;

import java.time.Instant;

/**
 * Rules for query parameters that every endpoint shares. Every list takes {@code limit} from 1 to
 * {@value #MAX_LIMIT}; anything else is a 400 naming the cap (never silently clamped). Times are
 * ISO-8601 instants in years 0001 to 9999 ({@link Times}).
 */
public final class QueryParameters {

  /** The largest page any list returns. */
  public static final int MAX_LIMIT = 1000;

  private QueryParameters() {}

  /** {@code limit} checked against the one cap rule. */
  public static int limit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ApiProblem.badRequest(
          "limit: give a page size from 1 to "
              + MAX_LIMIT
              + " (the cap on every list), not "
              + limit);
    }
    return limit;
  }

  /** An optional instant parameter; 400 naming the parameter and the rule when it breaks it. */
  public static Instant instant(String name, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Times.instant(value);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.badRequest(name + ": " + e.getMessage());
    }
  }
}
