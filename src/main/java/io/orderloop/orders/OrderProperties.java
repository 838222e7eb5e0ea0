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
 * @param closeGrace how long a DELIVERED order waits before it is CLOSED ({@code
 *     orderloop.orders.close-grace}, default zero: closed on delivery); with a grace, a scheduler
 *     on every instance closes orders whose grace has passed
 * @param transitLeadDays days a B2B shipment needs in transit: an order not shipped by its window
 *     start minus these days is flagged at risk ({@code orderloop.orders.transit-lead-days});
 *     unset, the window end is the last ship date
 * @param scheduleInterval how often each instance closes delivered orders past their grace and
 *     flags B2B orders at risk ({@code orderloop.orders.schedule-interval}, default 1 minute)
 */
@ConfigurationProperties("orderloop.orders")
public record OrderProperties(
    @DefaultValue("OL") String numberPrefix,
    @DefaultValue("PT1M") java.time.Duration backorderSweepInterval,
    @DefaultValue("PT0S") java.time.Duration closeGrace,
    Integer transitLeadDays,
    @DefaultValue("PT1M") java.time.Duration scheduleInterval) {

  public OrderProperties {
    if (numberPrefix == null || !numberPrefix.matches("[A-Z0-9]{1,10}")) {
      throw new IllegalArgumentException(
          "orderloop.orders.number-prefix must be 1 to 10 upper-case letters or digits");
    }
    if (closeGrace.isNegative()) {
      throw new IllegalArgumentException("orderloop.orders.close-grace must not be negative");
    }
    if (transitLeadDays != null && transitLeadDays < 0) {
      throw new IllegalArgumentException("orderloop.orders.transit-lead-days must not be negative");
    }
  }
}
