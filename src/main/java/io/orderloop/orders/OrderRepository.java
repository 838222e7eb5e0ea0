package io.orderloop.orders;

import io.orderloop.common.DeferredWrites;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * Loads and saves the {@link Order} aggregate with explicit SQL. {@link #save} writes what the
 * command changed — a new order's row in its final state or the row with its version moved once,
 * new and changed lines, and the recorded events as history rows — as writes held back to travel
 * together in one round trip ({@link DeferredWrites}), and publishes each event as {@link
 * OrderEventRecorded} inside the transaction.
 */
@Repository
class OrderRepository {

  static final String ORDER_COLUMNS =
      """
      id, number, channel, external_id, type, state, fulfillment_policy, customer_name, customer_email, ship_to,
      bill_to, currency, total_amount, buyer_po, payment_terms, window_from, window_to, version, created_at, updated_at,
      holds::text AS holds, at_risk, delivered_at, last_event_seq, notes, channel_order::text AS channel_order
      """;

  private static final String INSERT_LINE =
      """
      INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_of_measure, case_pack, unit_price, lot,
          lot_pinned, allocated, backordered, shipped, cancelled, pallet_quantity, line_amount, delivered)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

  private static final String UPDATE_LINE =
      """
      UPDATE order_lines SET quantity = ?, unit_price = ?, line_amount = ?, allocated = ?, backordered = ?,
          shipped = ?, cancelled = ?, lot = ?, lot_pinned = ?, delivered = ?
      WHERE order_id = ? AND line_no = ?""";

  private static final String INSERT_EVENT =
      """
      INSERT INTO order_events (order_id, sequence, type, from_state, to_state, at, actor, reason, details)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)""";

  private static final tools.jackson.core.type.TypeReference<List<Order.Hold>> HOLDS =
      new tools.jackson.core.type.TypeReference<>() {};

  private final JdbcClient jdbc;
  private final DeferredWrites deferred;
  private final JsonMapper json;
  private final ApplicationEventPublisher events;

  OrderRepository(
      JdbcClient jdbc, DeferredWrites deferred, JsonMapper json, ApplicationEventPublisher events) {
    this.jdbc = jdbc;
    this.deferred = deferred;
    this.json = json;
    this.events = events;
  }

  // ------------------------------------------------------------------ writing

  /**
   * Writes what the running command changed: a new order's row (once, in its final state) or the
   * changed row, new lines (a new order's lines are written once, with their first allocation),
   * changed lines and the history, all held back to travel in one round trip. An order that existed
   * moves its version once; one whose command recorded nothing is left alone.
   */
  void save(Order o) {
    List<Order.Recorded> recorded = o.recorded();
    List<Object[]> inserts = new ArrayList<>();
    List<Object[]> updates = new ArrayList<>();
    for (OrderLine l : o.lines) {
      if (l.isNew) {
        inserts.add(
            new Object[] {
              o.id,
              l.lineNo,
              l.sku,
              l.quantity,
              l.unitOfMeasure.name(),
              l.casePack,
              l.unitPrice,
              l.lot,
              l.lotPinned,
              l.allocated,
              l.backordered,
              l.shipped,
              l.cancelled,
              l.palletQuantity,
              l.lineAmount,
              l.delivered
            });
      } else if (l.dirty) {
        updates.add(
            new Object[] {
              l.quantity,
              l.unitPrice,
              l.lineAmount,
              l.allocated,
              l.backordered,
              l.shipped,
              l.cancelled,
              l.lot,
              l.lotPinned,
              l.delivered,
              o.id,
              l.lineNo
            });
      }
    }
    if (recorded.isEmpty() && inserts.isEmpty() && updates.isEmpty() && !o.headerChanged) {
      return;
    }
    boolean existed = !o.isNew;
    if (existed
        && (o.headerChanged
            || recorded.stream().anyMatch(r -> !(r.event() instanceof OrderEvent.HistoryOnly)))) {
      o.version++;
    }
    List<OrderEventRecorded> published = new ArrayList<>();
    List<Object[]> history = new ArrayList<>();
    for (Order.Recorded r : recorded) {
      int sequence = ++o.lastEventSeq;
      history.add(
          new Object[] {
            o.id,
            sequence,
            r.event().eventType(),
            r.from() == null ? null : r.from().name(),
            r.to() == null ? null : r.to().name(),
            Timestamp.from(r.at()),
            r.actor(),
            r.reason(),
            json.writeValueAsString(r.event())
          });
      published.add(
          new OrderEventRecorded(
              o.id,
              o.number,
              sequence,
              r.from(),
              r.to(),
              r.at(),
              r.actor(),
              r.reason(),
              r.event(),
              o.createdAt,
              o.channel,
              o.type));
    }
    // Held back (DeferredWrites): the row first (its lines and history refer to it), then the
    // lines and the history; they travel together, at the latest with the commit.
    if (existed) {
      writeRow(o);
    } else {
      insertRow(o);
    }
    inserts.forEach(row -> deferred.add(INSERT_LINE, row));
    updates.forEach(row -> deferred.add(UPDATE_LINE, row));
    history.forEach(row -> deferred.add(INSERT_EVENT, row));
    published.forEach(events::publishEvent);
    o.saved();
  }

  /**
   * A new order's row, written once in the state its intake left it in (no insert-then-update). A
   * channel order's {@code (channel, external_id)} may have been stored by a concurrent delivery
   * since intake looked: then the insert changes nothing and the transaction is run again, and
   * finds that order ({@link DeferredWrites#addExpecting}).
   */
  private void insertRow(Order o) {
    String sql =
        "INSERT INTO orders (id, number, channel, external_id, type, fulfillment_policy, currency, created_at,"
            + " created_by, "
            + String.join(", ", ROW_COLUMNS.keySet())
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
            + String.join(", ", ROW_COLUMNS.values())
            + ")";
    List<Object> params =
        new ArrayList<>(
            java.util.Arrays.asList(
                o.id,
                o.number,
                o.channel.name(),
                o.externalId,
                o.type.name(),
                o.policy.name(),
                o.currency,
                Timestamp.from(o.createdAt),
                o.actor()));
    params.addAll(rowValues(o));
    if (o.externalId == null) {
      deferred.add(sql, params.toArray());
    } else {
      deferred.addExpecting(
          1,
          o.channel + " order " + o.externalId + " was stored meanwhile",
          sql + "\nON CONFLICT (channel, external_id) WHERE external_id IS NOT NULL DO NOTHING",
          params.toArray());
    }
  }

  private void writeRow(Order o) {
    List<String> set = new ArrayList<>();
    ROW_COLUMNS.forEach((column, value) -> set.add(column + " = " + value));
    List<Object> params = rowValues(o);
    params.add(o.id);
    deferred.add("UPDATE orders SET " + String.join(", ", set) + " WHERE id = ?", params.toArray());
  }

  /** The columns a command may change, with their placeholders, in {@link #rowValues} order. */
  private static final Map<String, String> ROW_COLUMNS = new java.util.LinkedHashMap<>();

  static {
    for (String column :
        List.of(
            "state",
            "version",
            "updated_at",
            "last_event_seq",
            "holds:jsonb",
            "hold_reason",
            "hold_by",
            "hold_at",
            "at_risk",
            "delivered_at",
            "customer_name",
            "customer_email",
            "ship_to:jsonb",
            "bill_to:jsonb",
            "total_amount",
            "buyer_po",
            "payment_terms",
            "window_from",
            "window_to",
            "notes",
            "channel_order:jsonb")) {
      String[] parts = column.split(":");
      ROW_COLUMNS.put(parts[0], parts.length == 2 ? "?::" + parts[1] : "?");
    }
  }

  private List<Object> rowValues(Order o) {
    Order.Hold first = o.holds.isEmpty() ? null : o.holds.getFirst();
    CreateOrder.DeliveryWindow window = o.b2b == null ? null : o.b2b.deliveryWindow();
    return new ArrayList<>(
        java.util.Arrays.asList(
            o.state.name(),
            o.version,
            Timestamp.from(o.updatedAt),
            o.lastEventSeq,
            json.writeValueAsString(o.holds),
            first == null ? null : first.reason(),
            first == null ? null : first.by(),
            first == null ? null : Timestamp.from(first.at()),
            o.atRisk,
            o.deliveredAt == null ? null : Timestamp.from(o.deliveredAt),
            o.customer.name(),
            o.customer.email(),
            json.writeValueAsString(o.shipTo),
            o.billTo == null ? null : json.writeValueAsString(o.billTo),
            o.total,
            o.b2b == null ? null : o.b2b.buyerPo(),
            o.b2b == null ? null : o.b2b.paymentTerms(),
            window == null ? null : window.from(),
            window == null ? null : window.to(),
            o.notes,
            channelJson(o)));
  }

  private String channelJson(Order o) {
    return o.channelOrder == null ? null : json.writeValueAsString(o.channelOrder);
  }

  // ------------------------------------------------------------------ reading

  Optional<UUID> idByExternalId(Channel channel, String externalId) {
    return jdbc.sql("SELECT id FROM orders WHERE channel = ? AND external_id = ?")
        .params(channel.name(), externalId)
        .query(UUID.class)
        .optional();
  }

  Optional<UUID> resolve(String idOrNumber) {
    try {
      UUID id = UUID.fromString(idOrNumber);
      return jdbc.sql("SELECT id FROM orders WHERE id = ?").param(id).query(UUID.class).optional();
    } catch (IllegalArgumentException notUuid) {
      return jdbc.sql("SELECT id FROM orders WHERE number = ?")
          .param(idOrNumber)
          .query(UUID.class)
          .optional();
    }
  }

  /**
   * Loads an order with its lines; {@code lock} takes the order's row lock for the rest of the
   * transaction.
   */
  Optional<Order> load(UUID id, boolean lock) {
    return loadWhere("id = ?" + (lock ? " FOR UPDATE" : ""), id);
  }

  /** Loads and locks an order unless another transaction holds it ({@code SKIP LOCKED}). */
  Optional<Order> loadIfUnlocked(UUID id) {
    return loadWhere("id = ? FOR UPDATE SKIP LOCKED", id);
  }

  private Optional<Order> loadWhere(String where, UUID id) {
    Optional<Order> order =
        jdbc.sql("SELECT " + ORDER_COLUMNS + " FROM orders WHERE " + where)
            .param(id)
            .query(rowMapper())
            .optional();
    order.ifPresent(o -> withLines(List.of(o)));
    return order;
  }

  /** Reads the lines of these orders (one query) into them; returns the orders. */
  List<Order> withLines(List<Order> orders) {
    if (orders.isEmpty()) {
      return orders;
    }
    Map<UUID, Order> byId = new HashMap<>();
    orders.forEach(o -> byId.put(o.id, o));
    jdbc.sql(
            """
            SELECT order_id, line_no, sku, quantity, unit_of_measure, case_pack, unit_price, lot, lot_pinned, allocated,
                   backordered, shipped, cancelled, delivered, pallet_quantity, line_amount
            FROM order_lines WHERE order_id IN (:ids) ORDER BY order_id, line_no""")
        .param("ids", byId.keySet())
        .query(
            (rs, n) -> {
              OrderLine l =
                  new OrderLine(
                      rs.getInt("line_no"),
                      rs.getString("sku"),
                      rs.getInt("quantity"),
                      UnitOfMeasure.valueOf(rs.getString("unit_of_measure")),
                      rs.getInt("case_pack"),
                      (Integer) rs.getObject("pallet_quantity"),
                      rs.getBigDecimal("unit_price"),
                      rs.getBigDecimal("line_amount"));
              l.lot = rs.getString("lot");
              l.lotPinned = rs.getBoolean("lot_pinned");
              l.allocated = rs.getInt("allocated");
              l.backordered = rs.getInt("backordered");
              l.shipped = rs.getInt("shipped");
              l.cancelled = rs.getInt("cancelled");
              l.delivered = rs.getInt("delivered");
              byId.get(rs.getObject("order_id", UUID.class)).lines.add(l);
              return l;
            })
        .list();
    return orders;
  }

  /** Maps a row of {@link #ORDER_COLUMNS} (lines not included). */
  RowMapper<Order> rowMapper() {
    return (rs, n) -> mapOrder(rs);
  }

  private Order mapOrder(ResultSet rs) throws SQLException {
    OrderType type = OrderType.valueOf(rs.getString("type"));
    Order o =
        new Order(
            rs.getObject("id", UUID.class),
            Channel.valueOf(rs.getString("channel")),
            rs.getString("external_id"),
            type,
            FulfillmentPolicy.valueOf(rs.getString("fulfillment_policy")),
            rs.getString("currency"),
            rs.getTimestamp("created_at").toInstant());
    o.number = rs.getString("number");
    o.state = OrderState.valueOf(rs.getString("state"));
    o.customer =
        new CreateOrder.Customer(rs.getString("customer_name"), rs.getString("customer_email"));
    o.shipTo = json.readValue(rs.getString("ship_to"), Address.class);
    String billTo = rs.getString("bill_to");
    o.billTo = billTo == null ? null : json.readValue(billTo, Address.class);
    o.total = rs.getBigDecimal("total_amount");
    String po = rs.getString("buyer_po");
    String terms = rs.getString("payment_terms");
    LocalDate from = rs.getObject("window_from", LocalDate.class);
    LocalDate to = rs.getObject("window_to", LocalDate.class);
    if (type == OrderType.B2B && (po != null || terms != null || from != null)) {
      o.b2b =
          new CreateOrder.B2b(
              po, terms, from == null ? null : new CreateOrder.DeliveryWindow(from, to));
    }
    o.version = rs.getInt("version");
    o.updatedAt = rs.getTimestamp("updated_at").toInstant();
    o.holds.addAll(json.readValue(rs.getString("holds"), HOLDS));
    o.atRisk = rs.getBoolean("at_risk");
    o.deliveredAt = instant(rs.getTimestamp("delivered_at"));
    o.lastEventSeq = rs.getInt("last_event_seq");
    o.notes = rs.getString("notes");
    String channel = rs.getString("channel_order");
    o.channelOrder = channel == null ? null : json.readValue(channel, ChannelOrder.class);
    return o;
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  /** Loads several orders with their lines, in the order of {@code ids}. */
  List<Order> loadAll(Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    List<Order> orders =
        jdbc.sql("SELECT " + ORDER_COLUMNS + " FROM orders WHERE id IN (:ids)")
            .param("ids", ids)
            .query(rowMapper())
            .list();
    Map<UUID, Order> byId = new HashMap<>();
    withLines(orders).forEach(o -> byId.put(o.id, o));
    return ids.stream().map(byId::get).filter(java.util.Objects::nonNull).toList();
  }
}
