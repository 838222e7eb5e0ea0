package io.orderloop.channels;

import io.orderloop.common.ApiProblem;
import io.orderloop.common.Digests;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The deliveries log: every channel webhook delivery that passed its signature check is stored here
 * — raw body, the headers that matter — and committed before it is acknowledged. It is processed
 * once per claim (a lease: a claim not finished in time is taken again), and its outcome is kept:
 * {@code PROCESSED}, {@code STALE} (older than what the order shows), {@code IGNORED} (a topic we
 * do not act on), {@code FAILED} (will be retried), {@code HELD} (needs a person; replay it after
 * the fix). A delivery with the same delivery id, or the same event id from the same account, is a
 * duplicate and is not stored again. Raw bodies are purged after the retention; the record stays.
 */
@Component
public class ChannelDeliveries {

  /** How long a claim holds a delivery before another worker may take it. */
  static final java.time.Duration LEASE = java.time.Duration.ofMinutes(2);

  /** A verified delivery as received. */
  record Incoming(
      String channel,
      String account,
      String deliveryId,
      String eventId,
      String topic,
      Map<String, String> headers,
      String body,
      String externalId) {}

  /** A delivery to process: what the adapter needs. */
  record Claimed(
      long id, String channel, String account, String topic, String body, int attempts) {}

  /** A delivery as listed (the raw body only on request). */
  public record Delivery(
      long id,
      String channel,
      String account,
      String deliveryId,
      String eventId,
      String topic,
      String status,
      String detail,
      String externalId,
      UUID orderId,
      int attempts,
      Instant nextAttemptAt,
      Instant receivedAt,
      Instant processedAt,
      Instant purgedAt,
      String bodySha256) {}

  private static final String COLUMNS =
      """
      id, channel, account, delivery_id, event_id, topic, status, detail, external_id, order_id, attempts,
      next_attempt_at, received_at, processed_at, purged_at, body_sha256""";

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final Clock clock;

  ChannelDeliveries(JdbcClient jdbc, JsonMapper json, Clock clock) {
    this.jdbc = jdbc;
    this.json = json;
    this.clock = clock;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * Stores a delivery, claimed by the caller (attempt 1, leased); empty when it is a duplicate of
   * one already stored.
   */
  Optional<Long> store(Incoming d) {
    Instant now = now();
    return jdbc.sql(
            """
            INSERT INTO channel_deliveries (channel, account, delivery_id, event_id, topic, headers, body,
                body_sha256, status, attempts, next_attempt_at, received_at, external_id)
            VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, 'RECEIVED', 1, ?, ?, ?)
            ON CONFLICT DO NOTHING
            RETURNING id""")
        .params(
            d.channel(),
            d.account(),
            d.deliveryId(),
            d.eventId(),
            d.topic(),
            json.writeValueAsString(d.headers()),
            d.body(),
            Digests.sha256Hex(d.body()),
            Timestamp.from(now.plus(LEASE)),
            Timestamp.from(now),
            d.externalId())
        .query(Long.class)
        .optional();
  }

  /** The stored delivery a duplicate repeats. */
  Optional<Long> original(String channel, String account, String deliveryId, String eventId) {
    return jdbc.sql(
            """
            SELECT id FROM channel_deliveries
            WHERE channel = ? AND (delivery_id = ? OR (account = ? AND event_id = ?))
            ORDER BY id LIMIT 1""")
        .params(channel, deliveryId, account, eventId)
        .query(Long.class)
        .optional();
  }

  /** The delivery, claimed by the caller (it stored it or replays it). */
  Optional<Claimed> claimed(long id) {
    return jdbc.sql(
            "SELECT id, channel, account, topic, body, attempts FROM channel_deliveries WHERE id = ?")
        .param(id)
        .query(ChannelDeliveries::claim)
        .optional();
  }

  /** Claims up to {@code limit} due deliveries (received or failed, lease over). */
  List<Claimed> claimDue(int limit) {
    Instant now = now();
    return jdbc.sql(
            """
            UPDATE channel_deliveries SET attempts = attempts + 1, next_attempt_at = ?
            WHERE id IN (SELECT id FROM channel_deliveries
                         WHERE status IN ('RECEIVED', 'FAILED') AND next_attempt_at <= ?
                         ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED)
            RETURNING id, channel, account, topic, body, attempts""")
        .params(Timestamp.from(now.plus(LEASE)), Timestamp.from(now), limit)
        .query(ChannelDeliveries::claim)
        .list();
  }

  private static Claimed claim(ResultSet rs, int n) throws SQLException {
    return new Claimed(
        rs.getLong("id"),
        rs.getString("channel"),
        rs.getString("account"),
        rs.getString("topic"),
        rs.getString("body"),
        rs.getInt("attempts"));
  }

  /**
   * Records the outcome of processing (a final status), unless the delivery was claimed again since
   * ({@code attempt} is the claim's): the latest claim's outcome stands.
   */
  void finish(long id, int attempt, String status, String detail, String externalId, UUID orderId) {
    jdbc.sql(
            """
            UPDATE channel_deliveries SET status = ?, detail = ?, external_id = coalesce(?, external_id),
                order_id = coalesce(?, order_id), processed_at = ?, next_attempt_at = NULL
            WHERE id = ? AND attempts = ?""")
        .params(status, clip(detail), externalId, orderId, Timestamp.from(now()), id, attempt)
        .update();
  }

  /**
   * Records a failed attempt: tried again at {@code retryAt}, or held when attempts ran out (null);
   * ignored when the delivery was claimed again since.
   */
  void failed(long id, int attempt, String detail, Instant retryAt) {
    jdbc.sql(
            """
            UPDATE channel_deliveries SET status = CASE WHEN ?::timestamptz IS NULL THEN 'HELD' ELSE 'FAILED' END,
                detail = ?, next_attempt_at = ?, processed_at = ?
            WHERE id = ? AND attempts = ?""")
        .params(
            retryAt == null ? null : Timestamp.from(retryAt),
            clip(detail),
            retryAt == null ? null : Timestamp.from(retryAt),
            Timestamp.from(now()),
            id,
            attempt)
        .update();
  }

  /** The raw bodies of deliveries of erased customers' orders are dropped at once. */
  @org.springframework.context.event.EventListener
  void on(io.orderloop.orders.CustomerErased erased) {
    if (!erased.orderIds().isEmpty()) {
      jdbc.sql(
              """
              UPDATE channel_deliveries d SET body = NULL, headers = NULL, purged_at = coalesce(d.purged_at, ?)
              FROM orders o
              WHERE o.id = ANY(?)
                AND (d.order_id = o.id OR (d.external_id = o.external_id AND d.channel = lower(o.channel)))""")
          .params(Timestamp.from(now()), erased.orderIds().toArray(UUID[]::new))
          .update();
    }
  }

  /**
   * Makes a delivery due again and claims it for the caller: 404 unknown, 409 when its raw body was
   * purged or it is being processed.
   */
  void replay(long id) {
    Delivery d = find(id).orElseThrow(() -> ApiProblem.notFound("no channel delivery " + id));
    if (d.purgedAt() != null) {
      throw ApiProblem.conflict(
          "delivery-purged",
          "Delivery purged",
          "delivery "
              + id
              + " was received "
              + d.receivedAt()
              + " and its body purged after the retention (orderloop.channels.delivery-retention);"
              + " ask the channel to send the order again");
    }
    Instant now = now();
    int claimed =
        jdbc.sql(
                """
                UPDATE channel_deliveries SET status = 'RECEIVED', attempts = attempts + 1, next_attempt_at = ?,
                    detail = NULL
                WHERE id = ? AND NOT (status = 'RECEIVED' AND next_attempt_at > ?)""")
            .params(Timestamp.from(now.plus(LEASE)), id, Timestamp.from(now))
            .update();
    if (claimed == 0) {
      throw ApiProblem.conflict(
          "delivery-in-progress",
          "Delivery being processed",
          "delivery " + id + " is being processed; look again in a moment");
    }
  }

  public Optional<Delivery> find(long id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM channel_deliveries WHERE id = ?")
        .param(id)
        .query(ChannelDeliveries::delivery)
        .optional();
  }

  /** The raw body as received, unless purged. */
  Optional<String> body(long id) {
    return jdbc.sql("SELECT body FROM channel_deliveries WHERE id = ? AND body IS NOT NULL")
        .param(id)
        .query(String.class)
        .optional();
  }

  /**
   * The deliveries about one order, newest first: those that made or changed it, and those naming
   * its channel order id (a duplicate, a stale update, one held).
   */
  public List<Delivery> forOrder(UUID orderId, String channel, String externalId, int limit) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + """
                 FROM channel_deliveries
                WHERE order_id = :order
                   OR (CAST(:external AS text) IS NOT NULL AND channel = :channel AND external_id = :external)
                ORDER BY id DESC LIMIT :limit""")
        .param("order", orderId)
        .param("channel", channel == null ? null : channel.toLowerCase(java.util.Locale.ROOT))
        .param("external", externalId)
        .param("limit", limit)
        .query(ChannelDeliveries::delivery)
        .list();
  }

  /** Newest first, filtered by channel and status, before the {@code beforeId} cursor. */
  public List<Delivery> list(String channel, String status, Long beforeId, int limit) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + """
                 FROM channel_deliveries
                WHERE (CAST(:channel AS text) IS NULL OR channel = :channel)
                  AND (CAST(:status AS text) IS NULL OR status = :status)
                  AND (CAST(:before AS bigint) IS NULL OR id < :before)
                ORDER BY id DESC LIMIT :limit""")
        .param("channel", channel)
        .param("status", status)
        .param("before", beforeId)
        .param("limit", limit)
        .query(ChannelDeliveries::delivery)
        .list();
  }

  /** Drops raw bodies and headers older than {@code retention} once processed; answers how many. */
  int purge(java.time.Duration retention) {
    Instant now = now();
    return jdbc.sql(
            """
            UPDATE channel_deliveries SET body = NULL, headers = NULL, purged_at = ?
            WHERE id IN (SELECT id FROM channel_deliveries
                         WHERE purged_at IS NULL AND received_at < ?
                           AND status NOT IN ('RECEIVED', 'FAILED')
                         LIMIT 10000)""")
        .params(Timestamp.from(now), Timestamp.from(now.minus(retention)))
        .update();
  }

  private static Delivery delivery(ResultSet rs, int n) throws SQLException {
    return new Delivery(
        rs.getLong("id"),
        rs.getString("channel"),
        rs.getString("account"),
        rs.getString("delivery_id"),
        rs.getString("event_id"),
        rs.getString("topic"),
        rs.getString("status"),
        rs.getString("detail"),
        rs.getString("external_id"),
        rs.getObject("order_id", UUID.class),
        rs.getInt("attempts"),
        instant(rs.getTimestamp("next_attempt_at")),
        rs.getTimestamp("received_at").toInstant(),
        instant(rs.getTimestamp("processed_at")),
        instant(rs.getTimestamp("purged_at")),
        rs.getString("body_sha256"));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  private static String clip(String s) {
    return s == null || s.length() <= 2000 ? s : s.substring(0, 1997) + "...";
  }
}
