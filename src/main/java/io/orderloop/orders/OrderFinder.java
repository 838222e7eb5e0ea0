package io.orderloop.orders;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The SQL that finds orders rather than loading one: the filtered list, the fulfillment and
 * backorder queues, and the orders the scheduler is due to close or flag. State sets come from
 * {@link OrderState}.
 */
@Component
class OrderFinder {

  private static final String OPEN = OrderState.sqlIn(OrderState.OPEN);
  private static final String SHIPPABLE = OrderState.sqlIn(OrderState.SHIPPABLE);

  /** A B2B order is due by its delivery window start, any other order by its creation time. */
  private static final String DUE =
      "coalesce(window_from::timestamp AT TIME ZONE 'UTC', created_at)";

  private final JdbcClient jdbc;
  private final OrderRepository repository;

  OrderFinder(JdbcClient jdbc, OrderRepository repository) {
    this.jdbc = jdbc;
    this.repository = repository;
  }

  /** An opaque position in a list ordered by a time and then the order id. */
  record Cursor(Instant at, UUID id) {
    String encode() {
      String raw = at.getEpochSecond() + ":" + at.getNano() + ":" + id;
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor, or null when it is not one this service issued. */
    static Cursor decode(String cursor) {
      try {
        String[] parts =
            new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(":");
        long seconds = Long.parseLong(parts[0]);
        if (seconds < 0 || seconds > 253402300799L) {
          return null; // outside 1970..9999: not a cursor this service issued
        }
        return new Cursor(
            Instant.ofEpochSecond(seconds, Long.parseLong(parts[1])), UUID.fromString(parts[2]));
      } catch (RuntimeException e) {
        return null;
      }
    }
  }

  /**
   * Keyset page, newest first: (created_at, id) strictly after the cursor; {@code text} is the
   * query's search text, trimmed (null: none).
   */
  List<Order> page(OrderQueries.ListQuery filter, String text, Cursor after, int limit) {
    StringBuilder sql =
        new StringBuilder("SELECT " + OrderRepository.ORDER_COLUMNS + " FROM orders WHERE true");
    Map<String, Object> params = new HashMap<>();
    if (filter.atRisk() != null) {
      // Literal, so the planner can match the partial index of at-risk orders (V19).
      sql.append(filter.atRisk() ? " AND at_risk" : " AND NOT at_risk");
    }
    if (filter.onHold() != null) {
      sql.append(filter.onHold() ? " AND hold_reason IS NOT NULL" : " AND hold_reason IS NULL");
    }
    // A state (or else a channel) is matched as a range of one value and the page is ordered by it
    // first: the same rows in the same order, but only that column's index (state or channel, then
    // newest first) gives them in order, so the planner reads 50 entries of it. As an equality, the
    // column drops out of the ordering and the planner may walk every order newest first and
    // filter, fast only while the value is common among the newest orders: the first page of CLOSED
    // at 1,000,000 orders, none of the newest 400,000 CLOSED, took 394 ms that way and 0.1 ms
    // by the state's index (docs/BENCHMARKS.md). Not with a filter that has an ordered index of its
    // own or bounds the creation time: there the equality keeps that index, or the bounds, usable
    // to start and stop the scan.
    boolean ranged =
        filter.customerEmail() == null
            && filter.atRisk() == null
            && filter.onHold() == null
            && filter.createdFrom() == null
            && filter.createdTo() == null;
    String leading =
        !ranged
            ? null
            : filter.state() != null ? "state" : filter.channel() != null ? "channel" : null;
    if (filter.state() != null) {
      sql.append(" AND ").append(matching("state", "state".equals(leading)));
      params.put("state", filter.state().name());
    }
    if (filter.channel() != null) {
      sql.append(" AND ").append(matching("channel", "channel".equals(leading)));
      params.put("channel", filter.channel().name());
    }
    if (filter.type() != null) {
      sql.append(" AND type = :type");
      params.put("type", filter.type().name());
    }
    if (filter.createdFrom() != null) {
      sql.append(" AND created_at >= :createdFrom");
      params.put("createdFrom", Timestamp.from(filter.createdFrom()));
    }
    if (filter.createdTo() != null) {
      sql.append(" AND created_at < :createdTo");
      params.put("createdTo", Timestamp.from(filter.createdTo()));
    }
    if (filter.location() != null) {
      // Read-only look at the inventory module's reservations (its partial index by order): the
      // orders with units reserved at the location, i.e. the ones to be picked there.
      sql.append(
          " AND EXISTS (SELECT 1 FROM reservations r JOIN stock s ON s.id = r.stock_id"
              + " WHERE r.order_id = orders.id AND r.status = 'ACTIVE' AND s.location = :location)");
      params.put("location", filter.location());
    }
    if (filter.customerEmail() != null) {
      sql.append(" AND lower(customer_email) = :customerEmail");
      params.put("customerEmail", filter.customerEmail().strip().toLowerCase(Locale.ROOT));
    }
    if (text != null) {
      // The expression of the trigram index orders_text_search (V27): the four fields, apart.
      sql.append(
          " AND (number = :exact OR lower(number || chr(31) || coalesce(customer_name, '') ||"
              + " chr(31) || coalesce(customer_email, '') || chr(31) || coalesce(buyer_po, ''))"
              + " LIKE :like ESCAPE '\\')");
      String escaped =
          text.toLowerCase(Locale.ROOT)
              .replace("\\", "\\\\")
              .replace("%", "\\%")
              .replace("_", "\\_");
      params.put("exact", text);
      params.put("like", "%" + escaped + "%");
    }
    if (after != null) {
      sql.append(" AND (created_at, id) < (:afterCreated, :afterId)");
      params.put("afterCreated", Timestamp.from(after.at()));
      params.put("afterId", after.id());
    }
    sql.append(" ORDER BY ")
        .append(leading == null ? "" : leading + ", ")
        .append("created_at DESC, id DESC LIMIT :limit");
    params.put("limit", limit);
    return repository.withLines(
        jdbc.sql(sql.toString()).params(params).query(repository.rowMapper()).list());
  }

  /** {@code column} equal to the parameter of its name: as a range of one value, or plainly. */
  private static String matching(String column, boolean asRange) {
    return asRange
        ? column + " >= :" + column + " AND " + column + " <= :" + column
        : column + " = :" + column;
  }

  /** Orders in fulfillment and not on hold, most urgent first, keyset after a cursor. */
  List<Order> inFulfillment(Cursor after, int limit) {
    return repository.withLines(
        jdbc.sql(
                "SELECT "
                    + OrderRepository.ORDER_COLUMNS
                    + " FROM orders WHERE state IN "
                    + SHIPPABLE
                    + " AND hold_reason IS NULL AND (CAST(:p AS timestamptz) IS NULL OR ("
                    + DUE
                    + ", id) > (CAST(:p AS timestamptz), CAST(:id AS uuid))) ORDER BY "
                    + DUE
                    + ", id LIMIT :limit")
            .param("p", after == null ? null : Timestamp.from(after.at()))
            .param("id", after == null ? null : after.id())
            .param("limit", limit)
            .query(repository.rowMapper())
            .list());
  }

  /** When an order is due: its delivery window start, or its creation. */
  static Instant due(Order o) {
    return o.b2b != null && o.b2b.deliveryWindow() != null
        ? o.b2b.deliveryWindow().from().atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
        : o.createdAt;
  }

  /**
   * Open orders with backordered units of {@code sku} in the order backorders are filled: by the
   * date each order is due, then by id.
   */
  List<Cursor> backorderQueue(String sku, Cursor after, int limit) {
    return jdbc.sql(
            "SELECT o.id, "
                + DUE
                + " AS priority FROM orders o WHERE o.state IN "
                + OPEN
                + """
                 AND EXISTS (SELECT 1 FROM order_lines l
                              WHERE l.order_id = o.id AND l.sku = :sku AND l.backordered > 0)
                  AND (CAST(:afterPriority AS timestamptz) IS NULL
                       OR (coalesce(o.window_from::timestamp AT TIME ZONE 'UTC', o.created_at), o.id)
                          > (CAST(:afterPriority AS timestamptz), CAST(:afterId AS uuid)))
                ORDER BY 2, o.id
                LIMIT :limit""")
        .param("sku", sku)
        .param("afterPriority", after == null ? null : Timestamp.from(after.at()))
        .param("afterId", after == null ? null : after.id())
        .param("limit", limit)
        .query(
            (rs, n) ->
                new Cursor(rs.getTimestamp("priority").toInstant(), rs.getObject("id", UUID.class)))
        .list();
  }

  /** SKUs with backordered units on open orders. */
  List<String> skusWithBackorders() {
    return jdbc.sql(
            "SELECT DISTINCT l.sku FROM order_lines l JOIN orders o ON o.id = l.order_id"
                + " WHERE l.backordered > 0 AND o.state IN "
                + OPEN)
        .query(String.class)
        .list();
  }

  /**
   * Delivered orders whose close grace has passed, locked for closing; rows others hold are
   * skipped.
   */
  List<UUID> deliveredBefore(Instant cutoff, int limit) {
    return jdbc.sql(
            """
            SELECT id FROM orders WHERE state = 'DELIVERED' AND delivered_at <= ?
            ORDER BY delivered_at LIMIT ? FOR UPDATE SKIP LOCKED""")
        .params(Timestamp.from(cutoff), limit)
        .query(UUID.class)
        .list();
  }

  /**
   * Open B2B orders whose last ship date ({@link Order#shipBy}) has passed and that are not flagged
   * yet, locked for flagging; rows others hold are skipped.
   */
  List<UUID> pastShipBy(LocalDate today, Integer leadDays, int limit) {
    return jdbc.sql(
            "SELECT id FROM orders WHERE window_from IS NOT NULL AND NOT at_risk AND state IN "
                + OPEN
                + """
                 AND (CASE WHEN CAST(:lead AS integer) IS NULL THEN window_to
                           ELSE window_from - CAST(:lead AS integer) END) < :today
                ORDER BY window_from LIMIT :limit FOR UPDATE SKIP LOCKED""")
        .param("lead", leadDays)
        .param("today", today)
        .param("limit", limit)
        .query(UUID.class)
        .list();
  }
}
