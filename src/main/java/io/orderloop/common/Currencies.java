package io.orderloop.common;

import java.math.BigDecimal;
import java.util.Currency;

/** ISO 4217 currency checks shared by every module that takes money from a client. */
public final class Currencies {

  private Currencies() {}

  /** The currency for an upper-case ISO 4217 code; {@link IllegalArgumentException} otherwise. */
  public static Currency require(String code) {
    if (code == null || !code.matches("[A-Z]{3}")) {
      throw new IllegalArgumentException(
          "'" + code + "' is not an ISO 4217 currency code (three upper-case letters, e.g. USD)");
    }
    try {
      return Currency.getInstance(code);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + code + "' is not a known ISO 4217 currency code");
    }
  }

  /**
   * True when the amount has no more decimal places than the currency allows (2 for USD, 0 for
   * JPY).
   */
  public static boolean fitsScale(BigDecimal amount, Currency currency) {
    int digits = Math.max(currency.getDefaultFractionDigits(), 0);
    return amount.stripTrailingZeros().scale() <= digits;
  }
}
