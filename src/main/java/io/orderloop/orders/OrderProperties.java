package io.orderloop.orders;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Order settings.
 *
 * @param numberPrefix prefix of human order numbers {@code {prefix}-ORD-{yyyy}-{seq}} ({@code
 *     orderloop.orders.number-prefix}, default {@code OL}; with {@code LMB}: {@code
 *     LMB-ORD-2026-0041})
 * @param backorderSweepInterval how often every instance looks for backorders that stock could
 *     fill, as a safety net behind the immediate fill on each receipt ({@code
 *     orderloop.orders.backorder-sweep-interval}, default 1 minute)
 */
@ConfigurationProperties("orderloop.orders")
public record OrderProperties(
    @DefaultValue("OL") String numberPrefix,
    @DefaultValue("PT1M") java.time.Duration backorderSweepInterval) {

  public OrderProperties {
    if (numberPrefix == null || !numberPrefix.matches("[A-Z0-9]{1,10}")) {
      throw new IllegalArgumentException(
          "orderloop.orders.number-prefix must be 1 to 10 upper-case letters or digits");
    }
  }
}
