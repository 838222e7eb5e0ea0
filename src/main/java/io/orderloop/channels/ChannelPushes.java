package io.orderloop.channels;

import io.orderloop.orders.Channel;
import io.orderloop.orders.ChannelOrder;
import io.orderloop.orders.OrderEvent;
import io.orderloop.orders.OrderEventRecorded;
import io.orderloop.orders.OrderQueries;
import io.orderloop.orders.OrderView;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What goes back to a channel (Shopify, Square), recorded in the order's own transaction (a channel
 * outbox): a shipment becomes a {@code FULFILLMENT} push (the channel's lines and quantities,
 * carrier, tracking number), a delivery confirmation a {@code DELIVERED} push, a cancellation made
 * here (not by the channel) a {@code CANCEL} push. {@link ChannelRelay} sends them, in order per
 * order.
 */
@Component
public class ChannelPushes {

  /** A push as listed, with its attempts. */
  public record Push(
      long id,
      UUID orderId,
      String orderNumber,
      String channel,
      String account,
      String kind,
      JsonNode payload,
      String status,
      int attempts,
      Instant nextAttemptAt,
      JsonNode result,
      Instant createdAt,
      Instant sentAt,
      List<Attempt> attemptLog) {}

  /** One call to the channel and its answer. */
  public record Attempt(int attempt, Instant at, String request, Integer status, String answer) {}

  /** A push claimed by the relay. */
  record Claimed(
      long id,
      UUID orderId,
      String channel,
      String account,
      String kind,
      JsonNode payload,
      int attempts) {}

  private final JdbcClient jdbc;
  private final OrderQueries queries;
  private final JsonMapper json;
  private final Clock clock;

  ChannelPushes(JdbcClient jdbc, OrderQueries queries, JsonMapper json, Clock clock) {
    this.jdbc = jdbc;
    this.queries = queries;
    this.json = json;
    this.clock = clock;
  }

  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** Records the push an order event calls for, in the event's transaction. */
  @EventListener
  void on(OrderEventRecorded e) {
    OrderEvent event = e.event();
    boolean relevant =
        event instanceof OrderEvent.LinesCancelled
            || (event instanceof OrderEvent.Edited edited && reducesLines(edited))
            || event instanceof OrderEvent.ShipmentRecorded
            || event instanceof OrderEvent.ShipmentDelivered
            || (event instanceof OrderEvent.Delivered d
                && d.shipmentId() == null
                && "transition".equals(d.confirmedBy()))
            || event instanceof OrderEvent.Cancelled;
    if (!relevant) {
      return;
    }
    OrderView order = queries.find(e.orderId().toString()).orElse(null);
    if (order == null
        || (order.channel() != Channel.SHOPIFY && order.channel() != Channel.SQUARE)
        || order.channelOrder() == null) {
      return;
    }
    String channel = order.channel().name().toLowerCase(java.util.Locale.ROOT);
    String account = order.channelOrder().account();
    if (e.actor() != null && e.actor().startsWith(channel + ":")) {
      return; // the channel's own change: it knows
    }
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("channelOrderId", order.externalId());
    String kind;
    switch (event) {
      case OrderEvent.ShipmentRecorded s -> {
        kind = "FULFILLMENT";
        Map<Integer, String> refs = new LinkedHashMap<>();
        for (ChannelOrder.LineRef r : order.channelOrder().lineRefs()) {
          refs.put(r.lineNo(), r.ref());
        }
        payload.put("shipmentId", s.shipmentId());
        payload.put("carrier", s.carrier());
        payload.put("trackingNumber", s.trackingNumber());
        Map<String, Integer> units = new LinkedHashMap<>();
        for (OrderEvent.ShippedUnits u : s.lines()) {
          String ref = refs.get(u.lineNo());
          if (ref != null) {
            units.merge(ref, u.quantity(), Integer::sum);
          }
        }
        payload.put(
            "lines",
            units.entrySet().stream()
                .map(en -> Map.of("lineItemId", en.getKey(), "quantity", en.getValue()))
                .toList());
      }
      case OrderEvent.LinesCancelled c when order.channel() != Channel.SHOPIFY -> {
        return; // Square line changes are not sent back (not supported yet)
      }
      case OrderEvent.Edited ed when order.channel() != Channel.SHOPIFY -> {
        return;
      }
      case OrderEvent.LinesCancelled c -> {
        kind = "LINES";
        payload.put("lines", targets(order));
      }
      case OrderEvent.Edited ed -> {
        kind = "LINES";
        payload.put("lines", targets(order));
      }
      case OrderEvent.ShipmentDelivered d -> {
        kind = "DELIVERED";
        payload.put("shipmentId", d.shipmentId());
      }
      case OrderEvent.Delivered d -> {
        kind = "DELIVERED";
        payload.put("shipmentId", null);
      }
      default -> {
        kind = "CANCEL";
        payload.put("reason", e.reason());
      }
    }
    Instant now = now();
    jdbc.sql(
            """
            INSERT INTO channel_pushes (order_id, order_number, channel, account, kind, payload, status,
                next_attempt_at, created_at)
            VALUES (?, ?, ?, ?, ?, ?::jsonb, 'PENDING', ?, ?)""")
        .params(
            e.orderId(),
            e.orderNumber(),
            channel,
            account,
            kind,
            json.writeValueAsString(payload),
            Timestamp.from(now),
            Timestamp.from(now))
        .update();
  }

  /**
   * What each channel line should now count in the store: its units less those cancelled here
   * (Shopify lines are in units).
   */
  private static List<Map<String, Object>> targets(OrderView order) {
    Map<Integer, OrderView.Line> lines = new LinkedHashMap<>();
    order.lines().forEach(l -> lines.put(l.lineNo(), l));
    List<Map<String, Object>> targets = new java.util.ArrayList<>();
    for (ChannelOrder.LineRef r : order.channelOrder().lineRefs()) {
      OrderView.Line l = lines.get(r.lineNo());
      if (l != null) {
        targets.add(Map.of("lineItemId", r.ref(), "quantity", l.quantity() - l.cancelled()));
      }
    }
    return targets;
  }

  /** Whether an edit lowered a line's quantity without cancelling it (that is LinesCancelled). */
  private static boolean reducesLines(OrderEvent.Edited edited) {
    if (!(edited.before().get("lines") instanceof List<?> before)
        || !(edited.after().get("lines") instanceof List<?> after)) {
      return false;
    }
    Map<Integer, Integer> was = new LinkedHashMap<>();
    for (Object o : before) {
      if (o instanceof OrderEvent.LineUnits l) {
        was.put(l.lineNo(), l.quantity());
      }
    }
    for (Object o : after) {
      if (o instanceof OrderEvent.LineUnits l
          && was.containsKey(l.lineNo())
          && l.quantity() < was.get(l.lineNo())) {
        return true;
      }
    }
    return false;
  }

  /** Whether a later push of the order cancels it as a whole (which makes line changes moot). */
  boolean cancelledLater(UUID orderId, long pushId) {
    return jdbc.sql(
                "SELECT count(*) FROM channel_pushes WHERE order_id = ? AND id > ? AND kind = 'CANCEL'")
            .params(orderId, pushId)
            .query(Integer.class)
            .single()
        > 0;
  }

  /**
   * Claims due pushes, the oldest unsent one of each order only (a later push of an order waits for
   * the earlier ones).
   */
  List<Claimed> claimDue(int limit, java.time.Duration lease) {
    Instant now = now();
    return jdbc.sql(
            """
            UPDATE channel_pushes SET attempts = attempts + 1, next_attempt_at = ?
            WHERE id IN (SELECT p.id FROM channel_pushes p
                         WHERE p.status IN ('PENDING', 'FAILED') AND p.next_attempt_at <= ?
                           AND NOT EXISTS (SELECT 1 FROM channel_pushes q
                                           WHERE q.order_id = p.order_id AND q.id < p.id
                                             AND q.status IN ('PENDING', 'FAILED'))
                         ORDER BY p.next_attempt_at, p.id LIMIT ? FOR UPDATE SKIP LOCKED)
            RETURNING id, order_id, channel, account, kind, payload::text AS payload, attempts""")
        .params(Timestamp.from(now.plus(lease)), Timestamp.from(now), limit)
        .query(
            (rs, n) ->
                new Claimed(
                    rs.getLong("id"),
                    rs.getObject("order_id", UUID.class),
                    rs.getString("channel"),
                    rs.getString("account"),
                    rs.getString("kind"),
                    json.readTree(rs.getString("payload")),
                    rs.getInt("attempts")))
        .list();
  }

  void attempt(long pushId, int attempt, String request, Integer status, String answer) {
    jdbc.sql(
            """
            INSERT INTO channel_push_attempts (push_id, attempt, at, request, status, answer)
            VALUES (?, ?, ?, ?, ?, ?)""")
        .params(
            pushId,
            attempt,
            Timestamp.from(now()),
            request,
            status,
            answer == null ? null : answer.length() > 1000 ? answer.substring(0, 1000) : answer)
        .update();
  }

  // The outcomes below apply only to the claim that made them (its attempt number): a push whose
  // lease ran out and was claimed again is settled by the newer claim.

  void sent(Claimed push, Map<String, Object> result) {
    jdbc.sql(
            """
            UPDATE channel_pushes SET status = 'SENT', sent_at = ?, result = ?::jsonb, next_attempt_at = ?
            WHERE id = ? AND attempts = ?""")
        .params(
            Timestamp.from(now()),
            json.writeValueAsString(result),
            Timestamp.from(now()),
            push.id(),
            push.attempts())
        .update();
  }

  void retry(Claimed push, Instant at, String why) {
    jdbc.sql(
            """
            UPDATE channel_pushes SET status = 'FAILED', next_attempt_at = ?,
                result = jsonb_build_object('error', ?::text)
            WHERE id = ? AND attempts = ?""")
        .params(Timestamp.from(at), why, push.id(), push.attempts())
        .update();
  }

  /**
   * The store throttled this push: it waits until {@code at} without the attempt counting, and
   * every other due push of the same account waits as long.
   */
  void throttled(Claimed push, Instant at, String why) {
    jdbc.sql(
            """
            UPDATE channel_pushes SET status = 'FAILED', next_attempt_at = ?, attempts = attempts - 1,
                result = jsonb_build_object('error', ?::text)
            WHERE id = ? AND attempts = ?""")
        .params(Timestamp.from(at), why, push.id(), push.attempts())
        .update();
    jdbc.sql(
            """
            UPDATE channel_pushes SET next_attempt_at = ?
            WHERE channel = ? AND account = ? AND status IN ('PENDING', 'FAILED') AND next_attempt_at < ?
              AND id <> ?""")
        .params(Timestamp.from(at), push.channel(), push.account(), Timestamp.from(at), push.id())
        .update();
  }

  void gaveUp(Claimed push, String why) {
    jdbc.sql(
            """
            UPDATE channel_pushes SET status = 'GAVE_UP', result = jsonb_build_object('error', ?::text)
            WHERE id = ? AND attempts = ?""")
        .params(why, push.id(), push.attempts())
        .update();
  }

  /** Whether this claim of the push made a call to the store. */
  boolean hasCalls(Claimed push) {
    return jdbc.sql("SELECT count(*) FROM channel_push_attempts WHERE push_id = ? AND attempt = ?")
            .params(push.id(), push.attempts())
            .query(Integer.class)
            .single()
        > 0;
  }

  /**
   * Extends a claim's lease before another call to the store, so no other instance takes it over.
   */
  void extend(Claimed push, java.time.Duration lease) {
    jdbc.sql("UPDATE channel_pushes SET next_attempt_at = ? WHERE id = ? AND attempts = ?")
        .params(Timestamp.from(now().plus(lease)), push.id(), push.attempts())
        .update();
  }

  /** The Shopify fulfillment ids a sent FULFILLMENT push created, by shipment (all when null). */
  List<String> fulfillmentIds(UUID orderId, String shipmentId) {
    return jdbc.sql(
            """
            SELECT result ->> 'fulfillmentId' FROM channel_pushes
            WHERE order_id = ? AND kind = 'FULFILLMENT' AND status = 'SENT'
              AND result ->> 'fulfillmentId' IS NOT NULL
              AND (CAST(? AS text) IS NULL OR payload ->> 'shipmentId' = ?)
            ORDER BY id""")
        .params(orderId, shipmentId, shipmentId)
        .query(String.class)
        .list();
  }

  /** An order's pushes with their attempts, oldest first. */
  public List<Push> forOrder(UUID orderId) {
    Map<Long, List<Attempt>> attempts = new java.util.HashMap<>();
    jdbc.sql(
            """
            SELECT a.push_id, a.attempt, a.at, a.request, a.status, a.answer
            FROM channel_push_attempts a JOIN channel_pushes p ON p.id = a.push_id
            WHERE p.order_id = ? ORDER BY a.id""")
        .param(orderId)
        .query(
            (rs, n) ->
                attempts
                    .computeIfAbsent(rs.getLong(1), k -> new java.util.ArrayList<>())
                    .add(
                        new Attempt(
                            rs.getInt(2),
                            rs.getTimestamp(3).toInstant(),
                            rs.getString(4),
                            (Integer) rs.getObject(5),
                            rs.getString(6))))
        .list();
    return jdbc.sql(
            """
            SELECT id, order_id, order_number, channel, account, kind, payload::text AS payload, status,
                   attempts, next_attempt_at, result::text AS result, created_at, sent_at
            FROM channel_pushes WHERE order_id = ? ORDER BY id""")
        .param(orderId)
        .query((rs, n) -> push(rs, attempts.getOrDefault(rs.getLong("id"), List.of())))
        .list();
  }

  private Push push(ResultSet rs, List<Attempt> attempts) throws SQLException {
    String result = rs.getString("result");
    Timestamp sent = rs.getTimestamp("sent_at");
    return new Push(
        rs.getLong("id"),
        rs.getObject("order_id", UUID.class),
        rs.getString("order_number"),
        rs.getString("channel"),
        rs.getString("account"),
        rs.getString("kind"),
        json.readTree(rs.getString("payload")),
        rs.getString("status"),
        rs.getInt("attempts"),
        // A settled push has no next attempt.
        rs.getString("status").equals("SENT") || rs.getString("status").equals("GAVE_UP")
            ? null
            : rs.getTimestamp("next_attempt_at").toInstant(),
        result == null ? null : json.readTree(result),
        rs.getTimestamp("created_at").toInstant(),
        sent == null ? null : sent.toInstant(),
        attempts);
  }
}
