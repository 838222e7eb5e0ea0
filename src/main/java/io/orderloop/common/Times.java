package io.orderloop.common;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Times and dates the API accepts: ISO 8601, instants with an offset ({@code
 * 2026-03-10T14:00:00Z}), in years 0001 to 9999 — what every system around us and the database can
 * store. Anything else is refused (400) rather than overflowing later.
 */
public final class Times {

  static final String INSTANT_RULE =
      "expected an ISO-8601 date-time with an offset, such as 2026-03-10T14:00:00Z, in years 0001"
          + " to 9999";
  static final String DATE_RULE =
      "expected an ISO-8601 date, such as 2026-03-10, in years 0001 to 9999";

  private static final Instant FIRST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LAST = Instant.parse("9999-12-31T23:59:59.999999Z");

  private Times() {}

  /** Parses an instant; {@link IllegalArgumentException} naming the rule when it breaks it. */
  public static Instant instant(String text) {
    Instant value;
    try {
      value = OffsetDateTime.parse(text.strip()).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(INSTANT_RULE);
    }
    if (value.isBefore(FIRST) || value.isAfter(LAST)) {
      throw new IllegalArgumentException(INSTANT_RULE);
    }
    return value;
  }

  /** Parses a date; {@link IllegalArgumentException} naming the rule when it breaks it. */
  public static LocalDate date(String text) {
    LocalDate value;
    try {
      value = LocalDate.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(DATE_RULE);
    }
    if (value.getYear() < 1 || value.getYear() > 9999) {
      throw new IllegalArgumentException(DATE_RULE);
    }
    return value;
  }
}
