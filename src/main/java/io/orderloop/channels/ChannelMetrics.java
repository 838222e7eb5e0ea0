package io.orderloop.channels;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The channels' gauges, beside the counters the intake keeps ({@code orderloop.channel.deliveries},
 * {@code orderloop.channel.deliveries.refused}): deliveries waiting to be processed or held for an
 * operator, pushes back to the stores waiting or given up, and the time since each connected
 * channel last sent anything (a channel that went silent). Refreshed every {@code
 * orderloop.metrics.gauge-interval}, on partial indexes (V15, V26).
 */
@Component
class ChannelMetrics {

  /** Each channel and the table of its connected accounts. */
  static final java.util.Map<String, String> CONNECTED =
      java.util.Map.of("shopify", "channel_shopify_shops", "square", "channel_square_merchants");

  private final JdbcClient jdbc;
  private final Clock clock;
  private final MultiGauge deliveries;
  private final MultiGauge pushes;
  private final MultiGauge silence;

  ChannelMetrics(MeterRegistry registry, JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
    deliveries =
        MultiGauge.builder("orderloop.channel.deliveries.waiting")
            .description(
                "Channel deliveries not done: RECEIVED or FAILED (will be retried), HELD (an"
                    + " operator must look)")
            .register(registry);
    pushes =
        MultiGauge.builder("orderloop.channel.pushes.waiting")
            .description("Pushes back to the stores PENDING or FAILED (retried), or GAVE_UP")
            .register(registry);
    silence =
        MultiGauge.builder("orderloop.channel.last.delivery.age")
            .description(
                "Time since a connected channel's newest delivery (channels that ever sent one)")
            .baseUnit("seconds")
            .register(registry);
  }

  /** Rows of a query answering (channel, status, n), as gauge rows tagged by channel and status. */
  private List<MultiGauge.Row<?>> countsByChannelAndStatus(String sql) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    jdbc.sql(sql)
        .query(
            rs -> {
              rows.add(
                  MultiGauge.Row.of(
                      Tags.of("channel", rs.getString("channel"), "status", rs.getString("status")),
                      rs.getLong("n")));
            });
    return rows;
  }

  @Scheduled(
      initialDelayString = "${orderloop.metrics.gauge-interval:PT30S}",
      fixedDelayString = "${orderloop.metrics.gauge-interval:PT30S}")
  void refresh() {
    deliveries.register(
        countsByChannelAndStatus(
            "SELECT channel, status, count(*) AS n FROM channel_deliveries"
                + " WHERE status IN ('RECEIVED', 'FAILED') AND next_attempt_at IS NOT NULL"
                + " GROUP BY 1, 2 UNION ALL SELECT channel, status, count(*) FROM channel_deliveries"
                + " WHERE status = 'HELD' GROUP BY 1, 2"),
        true);
    pushes.register(
        countsByChannelAndStatus(
            "SELECT channel, status, count(*) AS n FROM channel_pushes"
                + " WHERE status IN ('PENDING', 'FAILED') GROUP BY 1, 2 UNION ALL"
                + " SELECT channel, status, count(*) FROM channel_pushes WHERE status = 'GAVE_UP'"
                + " GROUP BY 1, 2"),
        true);
    List<MultiGauge.Row<?>> ages = new ArrayList<>();
    for (var c : CONNECTED.entrySet()) {
      String channel = c.getKey();
      // Only a channel with a connected account can fall silent (a disconnected one is quiet).
      if (!jdbc.sql("SELECT EXISTS (SELECT 1 FROM " + c.getValue() + ")")
          .query(Boolean.class)
          .single()) {
        continue;
      }
      jdbc.sql("SELECT max(received_at) FROM channel_deliveries WHERE channel = ?")
          .param(channel)
          .query(Timestamp.class)
          .optional()
          .ifPresent(
              newest ->
                  ages.add(
                      MultiGauge.Row.of(
                          Tags.of("channel", channel),
                          Math.max(
                              0,
                              Duration.between(newest.toInstant(), clock.instant()).toSeconds()))));
    }
    silence.register(ages, true);
  }
}
