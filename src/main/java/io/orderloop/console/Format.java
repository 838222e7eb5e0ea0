package io.orderloop.console;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Currency;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * How the console writes numbers and times, used by the templates as {@code @fmt}: amounts with
 * their currency's symbol and digits ({@code $3,050.00}, {@code €12.50}), times in UTC to the
 * minute.
 */
@Component("fmt")
public class Format {

  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  public static String money(BigDecimal amount, String currency) {
    if (amount == null) {
      return "—";
    }
    try {
      NumberFormat f = NumberFormat.getCurrencyInstance(Locale.US);
      Currency c = Currency.getInstance(currency);
      f.setCurrency(c);
      f.setMinimumFractionDigits(Math.max(c.getDefaultFractionDigits(), 0));
      f.setMaximumFractionDigits(Math.max(c.getDefaultFractionDigits(), amount.scale()));
      return f.format(amount);
    } catch (IllegalArgumentException | NullPointerException unknown) {
      return amount.toPlainString() + (currency == null ? "" : " " + currency);
    }
  }

  public String amount(BigDecimal amount, String currency) {
    return money(amount, currency);
  }

  public String time(Instant at) {
    return at == null ? "—" : MINUTE.format(at);
  }

  /** Units as whole cases and pallets, for B2B lines: "24 cases · 1 pallet (of 40 cases)". */
  public String packs(int units, int casePack, Integer palletQuantity) {
    StringBuilder s = new StringBuilder();
    if (casePack > 1) {
      int cases = units / casePack;
      int loose = units % casePack;
      s.append(cases).append(cases == 1 ? " case" : " cases");
      if (loose > 0) {
        s.append(" + ").append(loose).append(" loose");
      }
    } else {
      s.append(units).append(units == 1 ? " unit" : " units");
    }
    if (palletQuantity != null && palletQuantity > 0) {
      int pallets = (units + palletQuantity - 1) / palletQuantity;
      s.append(" · ").append(pallets).append(pallets == 1 ? " pallet" : " pallets");
    }
    return s.toString();
  }
}
