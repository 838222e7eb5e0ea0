package io.orderloop.orders;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Reads an order's history as stored (the repository writes it with the order). */
@Component
class OrderHistory {

  private final JdbcClient jdbc;
  private final JsonMapper json;

  OrderHistory(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  List<HistoryEntry> of(UUID orderId) {
    return jdbc.sql(
            """
            SELECT sequence, type, from_state, to_state, at, actor, reason, details::text AS details
            FROM order_events WHERE order_id = ? ORDER BY sequence""")
        .param(orderId)
        .query(
            (rs, n) ->
                new HistoryEntry(
                    rs.getInt("sequence"),
                    rs.getString("type"),
                    state(rs.getString("from_state")),
                    state(rs.getString("to_state")),
                    rs.getTimestamp("at").toInstant(),
                    rs.getString("actor"),
                    rs.getString("reason"),
                    json.readValue(
                        rs.getString("details"), new TypeReference<Map<String, Object>>() {})))
        .list();
  }

  private static OrderState state(String name) {
    return name == null ? null : OrderState.valueOf(name);
  }
}
