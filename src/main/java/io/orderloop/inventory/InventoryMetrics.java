package io.orderloop.inventory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Stock's meters: problems the periodic reconciliation finds (a stock row whose reserved units do
 * not match its active reservations, or that holds more reserved than on hand), and removals
 * refused because they would take stock below what is reserved (an oversell stopped). The check
 * reads every stock row and the ledger, so it runs every {@code
 * orderloop.metrics.reconcile-interval} (an hour) on one instance at a time, not per scrape.
 */
@Component
class InventoryMetrics {

  private final StockReconciliation reconciliation;
  private final io.orderloop.common.Transactions transactions;
  private final org.springframework.jdbc.core.simple.JdbcClient jdbc;
  private final AtomicLong problems = new AtomicLong();
  private final AtomicLong rowsChecked = new AtomicLong();
  private final Counter belowReserved;

  InventoryMetrics(
      MeterRegistry registry,
      StockReconciliation reconciliation,
      io.orderloop.common.Transactions transactions,
      org.springframework.jdbc.core.simple.JdbcClient jdbc) {
    this.reconciliation = reconciliation;
    this.transactions = transactions;
    this.jdbc = jdbc;
    Gauge.builder("orderloop.inventory.reconciliation.problems", problems, AtomicLong::get)
        .description("Stock rows the last reconciliation found inconsistent (0 when clean)")
        .register(registry);
    Gauge.builder("orderloop.inventory.reconciliation.rows", rowsChecked, AtomicLong::get)
        .description("Stock rows the last reconciliation checked")
        .register(registry);
    belowReserved =
        Counter.builder("orderloop.inventory.refused")
            .description("Stock changes refused because they would oversell, by reason")
            .tag("reason", "below_reserved")
            .register(registry);
  }

  /** A removal refused: it would have taken on hand below what orders hold. */
  void refusedBelowReserved() {
    belowReserved.increment();
  }

  /**
   * Runs the reconciliation on one instance at a time (a transaction-scoped advisory lock; the
   * others keep their last figure, and dashboards take the maximum across instances).
   */
  @Scheduled(
      initialDelayString = "${orderloop.metrics.gauge-interval:PT30S}",
      fixedDelayString = "${orderloop.metrics.reconcile-interval:PT1H}")
  void reconcile() {
    transactions.run(
        () -> {
          Boolean mine =
              jdbc.sql("SELECT pg_try_advisory_xact_lock(hashtext('orderloop.metrics.reconcile'))")
                  .query(Boolean.class)
                  .single();
          if (Boolean.TRUE.equals(mine)) {
            Reconciliation r = reconciliation.reconcile();
            problems.set(r.problems().size());
            rowsChecked.set(r.rowsChecked());
          }
        });
  }
}
