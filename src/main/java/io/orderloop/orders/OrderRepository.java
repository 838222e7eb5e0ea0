package io.orderloop.orders;

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
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * Loads and saves the {@link Order} aggregate with explicit SQL. {@link #save} writes what the
 * command changed — new and changed lines, the order's row with its version moved once, and the
 * recorded events as history rows — in a few batched round trips, and publishes each event as
 * {@link OrderEventRecorded} inside the transaction.
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
  private final JdbcTemplate batch;
  private final JsonMapper json;
  private final ApplicationEventPublisher events;

  OrderRepository(
      JdbcClient jdbc, JdbcTemplate batch, JsonMapper json, ApplicationEventPublisher events) {
    this.jdbc = jdbc;
    this.batch = batch;
    this.json = json;
    this.events = events;
  }

  // ------------------------------------------------------------------ writing

  /**
   * Inserts a new order's row (state, hold and history follow with {@link #save}) and returns its
   * number, or empty when the channel already has this external id.
   */
  Optional<String> insertNew(Order o, String prefix, int year) {
    CreateOrder.DeliveryWindow window = o.b2b == null ? null : o.b2b.deliveryWindow();
    return jdbc.sql(
            """
            INSERT INTO orders (id, number, channel, external_id, type, state, fulfillment_policy, customer_name,
                customer_email, ship_to, bill_to, currency, total_amount, buyer_po, payment_terms, window_from,
                window_to, version, created_at, updated_at, created_by, notes, channel_order)
            VALUES (:id, orderloop_number(:prefix, 'ORD', :year, nextval('order_number_seq')),
                :channel, :externalId, :type, :state, :policy, :customerName, :customerEmail, :shipTo::jsonb,
                :billTo::jsonb, :currency, :total, :buyerPo, :terms, :windowFrom, :windowTo, 0, :now, :now, :actor,
                :notes, :channelOrder::jsonb)
            ON CONFLICT (channel, external_id) DO NOTHING
            RETURNING number""")
        .param("id", o.id)
        .param("prefix", prefix)
        .param("year", String.valueOf(year))
        .param("channel", o.channel.name())
        .param("externalId", o.externalId)
        .param("type", o.type.name())
        .param("state", o.state.name())
        .param("policy", o.policy.name())
        .param("customerName", o.customer.name())
        .param("customerEmail", o.customer.email())
        .param("shipTo", json.writeValueAsString(o.shipTo))
        .param("billTo", o.billTo == null ? null : json.writeValueAsString(o.billTo))
        .param("currency", o.currency)
        .param("total", o.total)
        .param("buyerPo", o.b2b == null ? null : o.b2b.buyerPo())
        .param("terms", o.b2b == null ? null : o.b2b.paymentTerms())
        .param("windowFrom", window == null ? null : window.from())
        .param("windowTo", window == null ? null : window.to())
        .param("now", Timestamp.from(o.createdAt))
        .param("actor", o.actor())
        .param("notes", o.notes)
        .param("channelOrder", channelJson(o))
        .query(String.class)
        .optional();
  }

  /**
   * Writes what the running command changed: new lines (one batch; a new order's lines are written
   * once, with their first allocation), changed lines (one batch), the history (one batch) and the
   * row. An order that existed moves its version once; one whose command recorded nothing is left
   * alone.
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
    batchOrOne(INSERT_LINE, inserts);
    batchOrOne(UPDATE_LINE, updates);
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
    batchOrOne(INSERT_EVENT, history);
    writeRow(o);
    published.forEach(events::publishEvent);
    o.saved();
  }

  private void writeRow(Order o) {
    Order.Hold first = o.holds.isEmpty() ? null : o.holds.getFirst();
    CreateOrder.DeliveryWindow window = o.b2b == null ? null : o.b2b.deliveryWindow();
    jdbc.sql(
            """
            UPDATE orders SET state = :state, version = :version, updated_at = :updatedAt,
                last_event_seq = :seq, holds = :holds::jsonb, hold_reason = :holdReason, hold_by = :holdBy,
                hold_at = :holdAt,
                at_risk = :atRisk, delivered_at = :deliveredAt, customer_name = :customerName,
                customer_email = :customerEmail, ship_to = :shipTo::jsonb, bill_to = :billTo::jsonb,
                total_amount = :total, buyer_po = :buyerPo, payment_terms = :terms, window_from = :windowFrom,
                window_to = :windowTo, notes = :notes, channel_order = :channelOrder::jsonb
            WHERE id = :id""")
        .param("state", o.state.name())
        .param("version", o.version)
        .param("updatedAt", Timestamp.from(o.updatedAt))
        .param("seq", o.lastEventSeq)
        .param("holds", json.writeValueAsString(o.holds))
        .param("holdReason", first == null ? null : first.reason())
        .param("holdBy", first == null ? null : first.by())
        .param("holdAt", first == null ? null : Timestamp.from(first.at()))
        .param("atRisk", o.atRisk)
        .param("deliveredAt", o.deliveredAt == null ? null : Timestamp.from(o.deliveredAt))
        .param("customerName", o.customer.name())
        .param("customerEmail", o.customer.email())
        .param("shipTo", json.writeValueAsString(o.shipTo))
        .param("billTo", o.billTo == null ? null : json.writeValueAsString(o.billTo))
        .param("total", o.total)
        .param("buyerPo", o.b2b == null ? null : o.b2b.buyerPo())
        .param("terms", o.b2b == null ? null : o.b2b.paymentTerms())
        .param("windowFrom", window == null ? null : window.from())
        .param("windowTo", window == null ? null : window.to())
        .param("notes", o.notes)
        .param("channelOrder", channelJson(o))
        .param("id", o.id)
        .update();
  }

  private String channelJson(Order o) {
    return o.channelOrder == null ? null : json.writeValueAsString(o.channelOrder);
  }

  private void batchOrOne(String sql, List<Object[]> rows) {
    if (rows.size() == 1) {
      jdbc.sql(sql).params(rows.getFirst()).update();
    } else if (!rows.isEmpty()) {
      batch.batchUpdate(sql, rows);
    }
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
