package io.orderloop.common;

import java.math.BigDecimal;
import java.math.RoundingMode;
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

  /** The currency's decimal places (2 for USD, 0 for JPY). */
  public static int digits(String currency) {
    return Math.max(Currency.getInstance(currency).getDefaultFractionDigits(), 0);
  }

  /** An amount at exactly the currency's scale ({@code 1200} USD → {@code 1200.00}), half-even. */
  public static BigDecimal atScale(BigDecimal amount, String currency) {
    return amount == null ? null : amount.setScale(digits(currency), RoundingMode.HALF_EVEN);
  }

  /**
   * A derived amount with the decimals it needs but at least the currency's: a per-unit {@code
   * 4.1667} stays, {@code 2.5000} USD shows as {@code 2.50}.
   */
  public static BigDecimal atLeastScale(BigDecimal amount, String currency) {
    if (amount == null) {
      return null;
    }
    BigDecimal stripped = amount.stripTrailingZeros();
    return stripped.setScale(
        Math.max(digits(currency), stripped.scale()), RoundingMode.UNNECESSARY);
  }
}
