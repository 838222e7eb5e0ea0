package io.orderloop.orders;

import io.orderloop.common.Transactions;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Time-driven steps of the loop, on every instance ({@code FOR UPDATE SKIP LOCKED} keeps them from
 * doing the same order twice): closing delivered orders whose grace has passed, and flagging B2B
 * orders at risk. The rules are the order's ({@link Order#close}, {@link Order#flagIfAtRisk}).
 */
@Component
class OrderScheduler {

  private static final Logger log = LoggerFactory.getLogger(OrderScheduler.class);
  private static final int BATCH = 100;

  private final OrderFinder finder;
  private final OrderCommands commands;
  private final Transactions transactions;
  private final OrderProperties properties;
  private final Clock clock;

  OrderScheduler(
      OrderFinder finder,
      OrderCommands commands,
      Transactions transactions,
      OrderProperties properties,
      Clock clock) {
    this.finder = finder;
    this.commands = commands;
    this.transactions = transactions;
    this.properties = properties;
    this.clock = clock;
  }

  @Scheduled(
      initialDelayString = "PT15S",
      fixedDelayString = "${orderloop.orders.schedule-interval:PT1M}")
  void run() {
    try {
      runOnce();
    } catch (RuntimeException e) {
      log.warn("scheduled order work failed, will retry: {}", e.getMessage());
    }
  }

  /** Closes and flags until nothing is left to do now; returns {closed, flagged}. */
  int[] runOnce() {
    int closed = 0;
    int flagged = 0;
    for (int n = closeDelivered(); n > 0; n = closeDelivered()) {
      closed += n;
    }
    for (int n = flagAtRisk(); n > 0; n = flagAtRisk()) {
      flagged += n;
    }
    if (closed + flagged > 0) {
      log.info("closed {} delivered order(s), flagged {} at risk", closed, flagged);
    }
    return new int[] {closed, flagged};
  }

  /** Closes delivered orders whose close grace has passed. */
  int closeDelivered() {
    return transactions.inTransaction(
        () -> {
          List<UUID> due =
              finder.deliveredBefore(clock.instant().minus(properties.closeGrace()), BATCH);
          due.forEach(
              id ->
                  commands.asSystem(
                      id,
                      order -> {
                        order.close();
                        return null;
                      }));
          return due.size();
        });
  }

  /** Flags B2B orders past their last ship date. */
  int flagAtRisk() {
    return transactions.inTransaction(
        () -> {
          LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
          List<UUID> late = finder.pastShipBy(today, properties.transitLeadDays(), BATCH);
          late.forEach(
              id ->
                  commands.asSystem(
                      id, order -> order.flagIfAtRisk(today, properties.transitLeadDays())));
          return late.size();
        });
  }
}
