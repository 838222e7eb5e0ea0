package io.orderloop.events;

import io.orderloop.common.DeferredWrites;
import io.orderloop.inventory.StockArrived;
import io.orderloop.orders.CustomerErased;
import io.orderloop.orders.OrderEventRecorded;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
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
 *
 * <p>Inside a transaction the rows are held back ({@link DeferredWrites}) and travel with the
 * transaction's other held-back writes, in the order they were appended, at the latest with its
 * commit.
 */
@Component
class Outbox {

  private static final String INSERT =
      "INSERT INTO outbox (id, type, subject, order_id, time, data) VALUES (?, ?, ?, ?, ?, ?::json)";

  private final JdbcClient jdbc;
  private final DeferredWrites deferred;
  private final JsonMapper json;
  private final Clock clock;

  Outbox(JdbcClient jdbc, DeferredWrites deferred, JsonMapper json, Clock clock) {
    this.jdbc = jdbc;
    this.deferred = deferred;
    this.json = json;
    this.clock = clock;
  }

  @EventListener
  void on(OrderEventRecorded e) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("orderId", e.orderId().toString());
    data.put("orderNumber", e.orderNumber());
    data.put("sequence", e.sequence());
    data.put("fromState", e.fromState() == null ? null : e.fromState().name());
    data.put("toState", e.toState() == null ? null : e.toState().name());
    data.put("actor", e.actor());
    data.put("reason", e.reason());
    data.put("details", e.event());
    insert(
        // Stable and derived: the same history entry always yields the same event id.
        UUID.nameUUIDFromBytes((e.orderId() + "#" + e.sequence()).getBytes()),
        e.event().eventType(),
        e.orderId().toString(),
        e.orderId(),
        Timestamp.from(e.at()),
        data);
  }

  /**
   * An erasure: the stored copies of the customer's order events (delivered or not) are rewritten,
   * so the feed and replays no longer carry them; then one {@code customer.erased} event. Events
   * receivers already got cannot be recalled.
   */
  @EventListener
  void on(CustomerErased e) {
    if (!e.orderIds().isEmpty()) {
      record Stored(long seq, String data) {}
      List<Stored> rows =
          jdbc.sql("SELECT seq, data::text FROM outbox WHERE order_id = ANY(?)")
              .param(e.orderIds().toArray(UUID[]::new))
              .query((rs, n) -> new Stored(rs.getLong(1), rs.getString(2)))
              .list();
      for (Stored row : rows) {
        String redacted = e.redactJson(row.data(), json);
        if (!redacted.equals(row.data())) {
          jdbc.sql("UPDATE outbox SET data = ?::json WHERE seq = ?")
              .params(redacted, row.seq())
              .update();
        }
      }
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("pseudonym", e.pseudonym());
    data.put("orders", e.orderIds().size());
    data.put("erasedAt", e.at().toString());
    insert(UUID.randomUUID(), "customer.erased", e.pseudonym(), null, Timestamp.from(e.at()), data);
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
    deferred.add(INSERT, id, type, subject, orderId, time, json.writeValueAsString(data));
  }
}
