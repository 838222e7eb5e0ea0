package io.orderloop.events;

import io.orderloop.inventory.StockArrived;
import io.orderloop.orders.OrderHistoryAppended;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes every public event to the outbox inside the transaction that caused it: listeners run
 * synchronously in the publisher's transaction, so the history entry (or stock change) and its
 * outbox row commit together or not at all.
 */
@Component
class Outbox {

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final Clock clock;

  Outbox(JdbcClient jdbc, JsonMapper json, Clock clock) {
    this.jdbc = jdbc;
    this.json = json;
    this.clock = clock;
  }

  @EventListener
  void on(OrderHistoryAppended e) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("orderId", e.orderId().toString());
    data.put("orderNumber", e.orderNumber());
    data.put("sequence", e.sequence());
    data.put("fromState", e.fromState() == null ? null : e.fromState().name());
    data.put("toState", e.toState() == null ? null : e.toState().name());
    data.put("actor", e.actor());
    data.put("reason", e.reason());
    data.put("details", e.details());
    insert(
        // Stable and derived: the same history entry always yields the same event id.
        UUID.nameUUIDFromBytes((e.orderId() + "#" + e.sequence()).getBytes()),
        e.type(),
        e.orderId().toString(),
        e.orderId(),
        Timestamp.from(e.at()),
        data);
  }

  @EventListener
  void on(StockArrived e) {
    if (!"receipt".equals(e.cause())) {
      return;
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("sku", e.sku());
    data.put("location", e.location());
    data.put("lot", e.lot());
    data.put("quantity", e.quantity());
    insert(
        UUID.randomUUID(),
        "inventory.received",
        e.sku(),
        null,
        Timestamp.from(clock.instant()),
        data);
  }

  private void insert(
      UUID id,
      String type,
      String subject,
      UUID orderId,
      Timestamp time,
      Map<String, Object> data) {
    jdbc.sql(
            """
            INSERT INTO outbox (id, type, subject, order_id, time, data) VALUES (?, ?, ?, ?, ?, ?::jsonb)""")
        .params(id, type, subject, orderId, time, json.writeValueAsString(data))
        .update();
  }
}
