package io.orderloop.orders;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The loop's meters: orders received (channel, type), transitions (from, to), the time from receipt
 * to ALLOCATED, SHIPPED and CLOSED, and gauges an operator alerts on — orders per state (the kept
 * counts), orders older than {@code orderloop.metrics.stuck-after} in each open state, at-risk
 * orders and held orders per hold kind. Counters move after commit, so a rolled-back command counts
 * nothing; the gauges are refreshed every {@code orderloop.metrics.gauge-interval} by bounded
 * queries on the existing indexes. Tags are low-cardinality: no order ids, SKUs or customers.
 */
@Component
class OrderMetrics {

  /** A gauge of stuck orders counts at most this many per state (the query stays bounded). */
  static final int STUCK_CAP = 10_000;

  private final MeterRegistry registry;
  private final OrderStateCounts counts;
  private final JdbcClient jdbc;
  private final Clock clock;
  private final Duration stuckAfter;
  private final Map<OrderState, AtomicLong> perState = new EnumMap<>(OrderState.class);
  private final Map<OrderState, AtomicLong> stuck = new EnumMap<>(OrderState.class);
  private final AtomicLong atRisk = new AtomicLong();
  private final Map<HoldKind, AtomicLong> held = new EnumMap<>(HoldKind.class);
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<OrderState, Timer> timeTo = new EnumMap<>(OrderState.class);
  private final AtomicLong backorderedUnits = new AtomicLong();
  private final AtomicLong oldestBackorderSeconds = new AtomicLong();

  OrderMetrics(
      MeterRegistry registry,
      OrderStateCounts counts,
      JdbcClient jdbc,
      Clock clock,
      @Value("${orderloop.metrics.stuck-after:PT24H}") Duration stuckAfter) {
    this.registry = registry;
    this.counts = counts;
    this.jdbc = jdbc;
    this.clock = clock;
    this.stuckAfter = stuckAfter;
    for (OrderState s : OrderState.values()) {
      AtomicLong n = new AtomicLong();
      perState.put(s, n);
      Gauge.builder("orderloop.orders", n, AtomicLong::get)
          .description("Orders in each state (the kept counts)")
          .tag("state", s.name())
          .register(registry);
    }
    for (OrderState s : OrderState.OPEN) {
      AtomicLong n = new AtomicLong();
      stuck.put(s, n);
      Gauge.builder("orderloop.orders.stuck", n, AtomicLong::get)
          .description(
              "Open orders received longer ago than orderloop.metrics.stuck-after, per state"
                  + " (counted up to "
                  + STUCK_CAP
                  + ")")
          .tag("state", s.name())
          .register(registry);
    }
    Gauge.builder("orderloop.orders.at.risk", atRisk, AtomicLong::get)
        .description("B2B orders flagged at risk of missing their delivery window")
        .register(registry);
    for (HoldKind k : HoldKind.values()) {
      AtomicLong n = new AtomicLong();
      held.put(k, n);
      Gauge.builder("orderloop.orders.held", n, AtomicLong::get)
          .description("Orders on hold, per hold kind")
          .tag("kind", k.name())
          .register(registry);
    }
    Gauge.builder("orderloop.backorders.units", backorderedUnits, AtomicLong::get)
        .description("Units of open order lines waiting for stock")
        .register(registry);
    Gauge.builder("orderloop.backorders.oldest", oldestBackorderSeconds, AtomicLong::get)
        .description("Age of the oldest order with units waiting for stock")
        .baseUnit("seconds")
        .register(registry);
    for (OrderState s :
        new OrderState[] {OrderState.ALLOCATED, OrderState.SHIPPED, OrderState.CLOSED}) {
      timeTo.put(
          s,
          Timer.builder("orderloop.orders.time.to.state")
              .description("Time from an order's receipt to entering the state")
              .tag("state", s.name())
              // A dozen buckets from a second to two weeks (not a ~140-bucket percentile
              // histogram).
              .serviceLevelObjectives(
                  Duration.ofSeconds(1),
                  Duration.ofMinutes(1),
                  Duration.ofMinutes(15),
                  Duration.ofHours(1),
                  Duration.ofHours(4),
                  Duration.ofHours(12),
                  Duration.ofDays(1),
                  Duration.ofDays(2),
                  Duration.ofDays(4),
                  Duration.ofDays(7),
                  Duration.ofDays(14))
              .register(registry));
    }
  }

  /** After the command's commit: what it recorded. */
  @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
  void on(OrderEventRecorded e) {
    if (e.event() instanceof OrderEvent.Received) {
      counter(
              "orderloop.orders.received",
              "Orders received",
              "channel",
              e.channel() == null ? "UNKNOWN" : e.channel().name(),
              "type",
              e.type() == null ? "UNKNOWN" : e.type().name())
          .increment();
    }
    if (e.event() instanceof OrderEvent.Reserved r) {
      counter(
              "orderloop.inventory.units",
              "Units reserved for and released from orders",
              "change",
              "reserved")
          .increment(r.reservations().stream().mapToInt(OrderEvent.ReservedUnits::quantity).sum());
    } else if (e.event() instanceof OrderEvent.Released r) {
      counter(
              "orderloop.inventory.units",
              "Units reserved for and released from orders",
              "change",
              "released")
          .increment(r.lines().stream().mapToInt(OrderEvent.LineUnits::quantity).sum());
    }
    if (e.toState() != null) {
      counter(
              "orderloop.orders.transitions",
              "Orders entering a state, by the state left (NONE at receipt)",
              "from",
              e.fromState() == null ? "NONE" : e.fromState().name(),
              "to",
              e.toState().name())
          .increment();
      Timer timer = timeTo.get(e.toState());
      if (timer != null && e.orderCreatedAt() != null && e.at() != null) {
        Duration age = Duration.between(e.orderCreatedAt(), e.at());
        timer.record(age.isNegative() ? Duration.ZERO : age);
      }
    }
  }

  private Counter counter(String name, String description, String... tags) {
    return counters.computeIfAbsent(
        name + String.join(",", tags),
        k -> Counter.builder(name).description(description).tags(tags).register(registry));
  }

  /** Refreshes the gauges: the kept counts, then bounded counts on partial and state indexes. */
  @Scheduled(
      initialDelayString = "${orderloop.metrics.gauge-interval:PT30S}",
      fixedDelayString = "${orderloop.metrics.gauge-interval:PT30S}")
  void refresh() {
    counts.counts(null, null).forEach((s, n) -> perState.get(s).set(n));
    Timestamp before = Timestamp.from(clock.instant().minus(stuckAfter));
    for (OrderState s : OrderState.OPEN) {
      stuck
          .get(s)
          .set(
              jdbc.sql(
                      "SELECT count(*) FROM (SELECT 1 FROM orders WHERE state = ? AND created_at < ?"
                          + " LIMIT "
                          + STUCK_CAP
                          + ") o")
                  .params(s.name(), before)
                  .query(Long.class)
                  .single());
    }
    atRisk.set(jdbc.sql("SELECT count(*) FROM orders WHERE at_risk").query(Long.class).single());
    Map<HoldKind, Long> byKind = new EnumMap<>(HoldKind.class);
    jdbc.sql(
            "SELECT h->>'kind' AS kind, count(*) AS n FROM orders, jsonb_array_elements(holds) h"
                + " WHERE hold_reason IS NOT NULL GROUP BY 1")
        .query(
            rs -> {
              try {
                byKind.put(HoldKind.valueOf(rs.getString("kind")), rs.getLong("n"));
              } catch (IllegalArgumentException unknown) {
                // a kind this version does not know: not counted
              }
            });
    held.forEach((k, n) -> n.set(byKind.getOrDefault(k, 0L)));
    // On the partial index of waiting lines (the backorder queue's).
    jdbc.sql(
            "SELECT coalesce(sum(l.backordered), 0) AS units, min(o.created_at) AS oldest"
                + " FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE l.backordered > 0")
        .query(
            rs -> {
              backorderedUnits.set(rs.getLong("units"));
              Timestamp oldest = rs.getTimestamp("oldest");
              oldestBackorderSeconds.set(
                  oldest == null
                      ? 0
                      : Math.max(
                          0, Duration.between(oldest.toInstant(), clock.instant()).toSeconds()));
            });
  }
}
