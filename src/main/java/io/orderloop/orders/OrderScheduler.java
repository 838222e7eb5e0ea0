package io.orderloop.orders;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Time-driven steps of the loop, on every instance ({@code FOR UPDATE SKIP LOCKED} keeps them from
 * doing the same order twice): closing delivered orders whose grace has passed, and flagging B2B
 * orders at risk.
 */
@Component
class OrderScheduler {

  private static final Logger log = LoggerFactory.getLogger(OrderScheduler.class);

  private final OrderExecution execution;

  OrderScheduler(OrderExecution execution) {
    this.execution = execution;
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
    for (int n = execution.closeDelivered(); n > 0; n = execution.closeDelivered()) {
      closed += n;
    }
    for (int n = execution.flagAtRisk(); n > 0; n = execution.flagAtRisk()) {
      flagged += n;
    }
    if (closed + flagged > 0) {
      log.info("closed {} delivered order(s), flagged {} at risk", closed, flagged);
    }
    return new int[] {closed, flagged};
  }
}
