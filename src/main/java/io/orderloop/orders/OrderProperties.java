package io.orderloop.orders;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Order settings.
 *
 * @param numberPrefix prefix of human order numbers {@code {prefix}-ORD-{yyyy}-{seq}} ({@code
 *     orderloop.orders.number-prefix}, default {@code OL}; with {@code LMB}: {@code
 *     LMB-ORD-2026-0041})
 */
@ConfigurationProperties("orderloop.orders")
public record OrderProperties(@DefaultValue("OL") String numberPrefix) {

  public OrderProperties {
    if (numberPrefix == null || !numberPrefix.matches("[A-Z0-9]{1,10}")) {
      throw new IllegalArgumentException(
          "orderloop.orders.number-prefix must be 1 to 10 upper-case letters or digits");
    }
  }
}
