package io.orderloop.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The event pipeline's meters: events waiting for their feed position, each webhook subscription's
 * and Kafka topic's backlog (events after its cursor), the age of the oldest event an active
 * subscription has not delivered, dead subscriptions, and delivery attempts by outcome. Gauges are
 * refreshed every {@code orderloop.metrics.gauge-interval}; subscriptions and topics are few
 * (operators create them), so they are tags.
 */
@Component
class EventMetrics {

  private final JdbcClient jdbc;
  private final Clock clock;
  private final AtomicLong unpositioned = new AtomicLong();
  private final AtomicLong dead = new AtomicLong();
  private final MultiGauge subscriptionBacklog;
  private final MultiGauge oldestUndelivered;
  private final MultiGauge topicBacklog;
  private final Counter delivered;
  private final Counter failed;

  EventMetrics(MeterRegistry registry, JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
    Gauge.builder("orderloop.outbox.unpositioned", unpositioned, AtomicLong::get)
        .description("Committed events not yet given their feed position (should stay near 0)")
        .register(registry);
    Gauge.builder("orderloop.webhooks.dead", dead, AtomicLong::get)
        .description("Webhook subscriptions DEAD after their retries ran out")
        .register(registry);
    subscriptionBacklog =
        MultiGauge.builder("orderloop.webhooks.backlog")
            .description("Events after a webhook subscription's cursor (filtered types included)")
            .register(registry);
    oldestUndelivered =
        MultiGauge.builder("orderloop.webhooks.oldest.undelivered")
            .description(
                "Age of the oldest event a webhook subscription (active or dead) has not delivered")
            .baseUnit("seconds")
            .register(registry);
    topicBacklog =
        MultiGauge.builder("orderloop.kafka.backlog")
            .description("Events after the Kafka relay's cursor, per topic")
            .register(registry);
    delivered =
        Counter.builder("orderloop.webhooks.attempts")
            .description("Webhook delivery attempts by outcome")
            .tag("outcome", "delivered")
            .register(registry);
    failed =
        Counter.builder("orderloop.webhooks.attempts")
            .description("Webhook delivery attempts by outcome")
            .tag("outcome", "failed")
            .register(registry);
  }

  /** One delivery attempt's outcome. */
  void attempt(boolean ok) {
    (ok ? delivered : failed).increment();
  }

  @Scheduled(
      initialDelayString = "${orderloop.metrics.gauge-interval:PT30S}",
      fixedDelayString = "${orderloop.metrics.gauge-interval:PT30S}")
  void refresh() {
    unpositioned.set(
        jdbc.sql(
                "SELECT count(*) FROM (SELECT 1 FROM outbox WHERE position IS NULL LIMIT 100000) o")
            .query(Long.class)
            .single());
    long head =
        jdbc.sql("SELECT coalesce(max(position), 0) FROM outbox").query(Long.class).single();
    record Sub(String id, String state, long cursor) {}
    List<Sub> subs =
        jdbc.sql("SELECT id::text AS id, state, cursor FROM webhook_subscriptions")
            .query(
                (rs, n) -> new Sub(rs.getString("id"), rs.getString("state"), rs.getLong("cursor")))
            .list();
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    List<MultiGauge.Row<?>> ages = new ArrayList<>();
    for (Sub s : subs) {
      rows.add(
          MultiGauge.Row.of(
              Tags.of("subscription", s.id(), "state", s.state()), Math.max(0, head - s.cursor())));
      // A paused subscription is an operator's choice; a dead one still owes its receiver.
      if (!"PAUSED".equals(s.state()) && head > s.cursor()) {
        Instant first =
            jdbc.sql("SELECT time FROM outbox WHERE position > ? ORDER BY position LIMIT 1")
                .param(s.cursor())
                .query(java.sql.Timestamp.class)
                .optional()
                .map(java.sql.Timestamp::toInstant)
                .orElse(null);
        if (first != null) {
          ages.add(
              MultiGauge.Row.of(
                  Tags.of("subscription", s.id(), "state", s.state()),
                  Math.max(0, Duration.between(first, clock.instant()).toSeconds())));
        }
      }
    }
    subscriptionBacklog.register(rows, true);
    oldestUndelivered.register(ages, true);
    dead.set(subs.stream().filter(s -> "DEAD".equals(s.state())).count());
    List<MultiGauge.Row<?>> topics = new ArrayList<>();
    jdbc.sql("SELECT topic, cursor FROM kafka_relay")
        .query(
            rs -> {
              topics.add(
                  MultiGauge.Row.of(
                      Tags.of("topic", rs.getString("topic")),
                      Math.max(0, head - rs.getLong("cursor"))));
            });
    topicBacklog.register(topics, true);
  }
}
