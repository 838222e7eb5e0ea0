package io.orderloop.returns;

import io.orderloop.common.Actors;
import io.orderloop.common.ApiProblem;
import io.orderloop.common.Currencies;
import io.orderloop.common.Rows;
import io.orderloop.orders.OrderQueries;
import io.orderloop.orders.OrderView;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The returns' rows: reading returns and their lines and history, writing their history. */
@Component
class ReturnRecords {

  private final JdbcClient jdbc;
  private final OrderQueries queries;
  private final Clock clock;
  private final JsonMapper json;

  ReturnRecords(JdbcClient jdbc, OrderQueries queries, Clock clock, JsonMapper json) {
    this.jdbc = jdbc;
    this.queries = queries;
    this.clock = clock;
    this.json = json;
  }

  Map<String, Integer> alreadyReturning(UUID orderId) {
    Map<String, Integer> result = new HashMap<>();
    jdbc.sql(
            """
            SELECT l.sku, sum(l.quantity)::int AS quantity FROM return_lines l JOIN returns r ON r.id = l.return_id
            WHERE r.order_id = ? AND r.state <> 'REJECTED' GROUP BY l.sku""")
        .param(orderId)
        .query(
            (rs, n) -> {
              result.put(rs.getString("sku"), rs.getInt("quantity"));
              return null;
            })
        .list();
    return result;
  }

  ReturnView get(String idOrNumber) {
    ReturnRow row =
        find(idOrNumber, false)
            .orElseThrow(
                () -> ApiProblem.notFound("no return with id or number '" + idOrNumber + "'"));
    return view(row, queries.get(row.orderId().toString()).number());
  }

  /** A return as the API shows it, its order's number given (a list reads the order once). */
  private ReturnView view(ReturnRow row, String orderNumber) {
    List<ReturnView.Line> lines =
        lines(row.id()).stream()
            .map(
                l ->
                    new ReturnView.Line(
                        l.lineNo(),
                        l.sku(),
                        l.quantity(),
                        Currencies.atLeastScale(l.unitPrice(), row.currency()),
                        l.disposition(),
                        l.location(),
                        l.lot()))
            .toList();
    ReturnState state = ReturnState.valueOf(row.state());
    return new ReturnView(
        row.id(),
        row.number(),
        row.orderId(),
        orderNumber,
        state,
        row.reason(),
        row.currency(),
        Currencies.atScale(row.refundAmount(), row.currency()),
        lines,
        state.allowedTransitions(),
        row.createdAt().toInstant(),
        row.updatedAt().toInstant());
  }

  List<ReturnView> forOrder(String orderIdOrNumber) {
    OrderView order = queries.get(orderIdOrNumber);
    return jdbc
        .sql("SELECT id FROM returns WHERE order_id = ? ORDER BY created_at, number")
        .param(order.id())
        .query(UUID.class)
        .list()
        .stream()
        .map(id -> view(find(id.toString(), false).orElseThrow(), order.number()))
        .toList();
  }

  /** One customer's returns (by their orders' e-mail, any case), newest first. */
  List<ReturnView> ofCustomer(String email, int limit) {
    record Row(UUID id, String number) {}
    return jdbc
        .sql(
            "SELECT r.id, o.number FROM returns r JOIN orders o ON o.id = r.order_id"
                + " WHERE lower(o.customer_email) = ? ORDER BY r.created_at DESC, r.number DESC"
                + " LIMIT ?")
        .params(email.strip().toLowerCase(java.util.Locale.ROOT), limit)
        .query((rs, n) -> new Row(rs.getObject("id", UUID.class), rs.getString("number")))
        .list()
        .stream()
        .map(r -> view(find(r.id().toString(), false).orElseThrow(), r.number()))
        .toList();
  }

  List<Returns.ReturnEvent> history(String idOrNumber) {
    ReturnRow row =
        find(idOrNumber, false)
            .orElseThrow(
                () -> ApiProblem.notFound("no return with id or number '" + idOrNumber + "'"));
    return jdbc.sql(
            """
            SELECT sequence, type, from_state, to_state, at, actor, details::text AS details
            FROM return_events WHERE return_id = ? ORDER BY sequence""")
        .param(row.id())
        .query(
            (rs, n) ->
                new Returns.ReturnEvent(
                    rs.getInt("sequence"),
                    rs.getString("type"),
                    rs.getString("from_state") == null
                        ? null
                        : ReturnState.valueOf(rs.getString("from_state")),
                    ReturnState.valueOf(rs.getString("to_state")),
                    rs.getTimestamp("at").toInstant(),
                    rs.getString("actor"),
                    json.readValue(
                        rs.getString("details"), new TypeReference<Map<String, Object>>() {})))
        .list();
  }

  void appendEvent(
      UUID returnId, String type, ReturnState from, ReturnState to, Map<String, Object> details) {
    int sequence =
        jdbc.sql(
                "UPDATE returns SET last_event_seq = last_event_seq + 1 WHERE id = ? RETURNING last_event_seq")
            .param(returnId)
            .query(Integer.class)
            .single();
    jdbc.sql(
            """
            INSERT INTO return_events (return_id, sequence, type, from_state, to_state, at, actor, details)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb)""")
        .params(
            returnId,
            sequence,
            type,
            from == null ? null : from.name(),
            to.name(),
            Timestamp.from(clock.instant()),
            Actors.current(),
            json.writeValueAsString(details))
        .update();
  }

  record ReturnRow(
      UUID id,
      String number,
      UUID orderId,
      String state,
      String reason,
      String currency,
      BigDecimal refundAmount,
      Timestamp createdAt,
      Timestamp updatedAt) {}

  record LineRow(
      int lineNo,
      String sku,
      int quantity,
      BigDecimal unitPrice,
      BigDecimal amount,
      String disposition,
      String location,
      String lot) {}

  ReturnRow lockReturn(String idOrNumber) {
    return find(idOrNumber, true)
        .orElseThrow(() -> ApiProblem.notFound("no return with id or number '" + idOrNumber + "'"));
  }

  java.util.Optional<ReturnRow> find(String idOrNumber, boolean lock) {
    String columns =
        "SELECT id, number, order_id, state, reason, currency, refund_amount, created_at, updated_at FROM returns ";
    String suffix = lock ? " FOR UPDATE" : "";
    try {
      UUID id = UUID.fromString(idOrNumber);
      return jdbc.sql(columns + "WHERE id = ?" + suffix)
          .param(id)
          .query(Rows.of(ReturnRow.class))
          .optional();
    } catch (IllegalArgumentException notUuid) {
      return jdbc.sql(columns + "WHERE number = ?" + suffix)
          .param(idOrNumber)
          .query(Rows.of(ReturnRow.class))
          .optional();
    }
  }

  List<LineRow> lines(UUID returnId) {
    return jdbc.sql(
            """
            SELECT line_no, sku, quantity, unit_price, amount, disposition, location, lot
            FROM return_lines WHERE return_id = ? ORDER BY line_no""")
        .param(returnId)
        .query(Rows.of(LineRow.class))
        .list();
  }

  /** An erasure: return reasons and return history of the customer's orders lose their data. */
  @org.springframework.context.event.EventListener
  void on(io.orderloop.orders.CustomerErased e) {
    if (e.orderIds().isEmpty()) {
      return;
    }
    java.util.UUID[] orders = e.orderIds().toArray(java.util.UUID[]::new);
    record Reason(java.util.UUID id, String reason) {}
    for (Reason r :
        jdbc.sql("SELECT id, reason FROM returns WHERE order_id = ANY(?)")
            .param(orders)
            .query((rs, n) -> new Reason(rs.getObject(1, java.util.UUID.class), rs.getString(2)))
            .list()) {
      String redacted = e.redactText(r.reason());
      if (!redacted.equals(r.reason())) {
        jdbc.sql("UPDATE returns SET reason = ? WHERE id = ?").params(redacted, r.id()).update();
      }
    }
    record Entry(java.util.UUID id, int sequence, String details) {}
    for (Entry entry :
        jdbc.sql(
                """
                SELECT e.return_id, e.sequence, e.details::text FROM return_events e
                JOIN returns r ON r.id = e.return_id WHERE r.order_id = ANY(?)""")
            .param(orders)
            .query(
                (rs, n) ->
                    new Entry(rs.getObject(1, java.util.UUID.class), rs.getInt(2), rs.getString(3)))
            .list()) {
      String redacted = e.redactJson(entry.details(), json);
      if (!redacted.equals(entry.details())) {
        jdbc.sql("UPDATE return_events SET details = ?::jsonb WHERE return_id = ? AND sequence = ?")
            .params(redacted, entry.id(), entry.sequence())
            .update();
      }
    }
  }
}
