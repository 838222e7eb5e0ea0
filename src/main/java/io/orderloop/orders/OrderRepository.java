package io.orderloop.orders;

import io.orderloop.common.Money;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Explicit SQL for orders, their lines and their history. */
@Repository
class OrderRepository {

  private static final String ORDER_COLUMNS =
      """
      id, number, channel, external_id, type, state, fulfillment_policy, customer_name, customer_email, ship_to,
      bill_to, currency, total_amount, buyer_po, payment_terms, window_from, window_to, version, created_at, updated_at,
      hold_reason, hold_by, hold_at, at_risk, delivered_at
      """;

  private final JdbcClient jdbc;
  private final JdbcTemplate batch;
  private final JsonMapper json;
  private final org.springframework.context.ApplicationEventPublisher events;

  OrderRepository(
      JdbcClient jdbc,
      JdbcTemplate batch,
      JsonMapper json,
      org.springframework.context.ApplicationEventPublisher events) {
    this.jdbc = jdbc;
    this.batch = batch;
    this.json = json;
    this.events = events;
  }

  /** Mutable line quantities while a command runs. */
  static final class LineRecord {
    final int lineNo;
    final String sku;
    final int quantity;
    final UnitOfMeasure unitOfMeasure;
    final int casePack;
    final BigDecimal unitPrice;
    String lot;
    boolean lotPinned;
    int allocated;
    int backordered;
    int shipped;
    int cancelled;
    int delivered;
    Integer palletQuantity;

    /**
     * Price × quantity as ordered (e.g. per case): invoices and refunds divide this, never a
     * rounded unit price.
     */
    BigDecimal lineAmount;

    LineRecord(
        int lineNo,
        String sku,
        int quantity,
        UnitOfMeasure unitOfMeasure,
        int casePack,
        BigDecimal unitPrice,
        String lot,
        boolean lotPinned,
        int allocated,
        int backordered,
        int shipped,
        int cancelled) {
      this.lineNo = lineNo;
      this.sku = sku;
      this.quantity = quantity;
      this.unitOfMeasure = unitOfMeasure;
      this.casePack = casePack;
      this.unitPrice = unitPrice;
      this.lot = lot;
      this.lotPinned = lotPinned;
      this.allocated = allocated;
      this.backordered = backordered;
      this.shipped = shipped;
      this.cancelled = cancelled;
    }

    /** Units neither shipped nor cancelled. */
    int open() {
      return quantity - shipped - cancelled;
    }
  }

  /** An order while a command runs: header fields plus mutable state and lines. */
  static final class OrderRecord {
    UUID id;
    String number;
    Channel channel;
    String externalId;
    OrderType type;
    OrderState state;
    FulfillmentPolicy policy;
    CreateOrder.Customer customer;
    Address shipTo;
    Address billTo;
    String currency;
    BigDecimal total;
    CreateOrder.B2b b2b;
    int version;
    Instant createdAt;
    Instant updatedAt;
    String holdReason;
    String holdBy;
    Instant holdAt;
    boolean atRisk;
    Instant deliveredAt;
    List<LineRecord> lines = new ArrayList<>();
  }

  /**
   * Inserts the order row and returns its number, or empty when the channel already has this
   * external id. The lines follow through {@link #insertLines}.
   */
  Optional<String> insert(OrderRecord o, String prefix, int year, String actor) {
    CreateOrder.DeliveryWindow window = o.b2b == null ? null : o.b2b.deliveryWindow();
    Optional<String> number =
        jdbc.sql(
                """
            INSERT INTO orders (id, number, channel, external_id, type, state, fulfillment_policy, customer_name,
                customer_email, ship_to, bill_to, currency, total_amount, buyer_po, payment_terms, window_from,
                window_to, version, created_at, updated_at, created_by)
            VALUES (:id, orderloop_number(:prefix, 'ORD', :year, nextval('order_number_seq')),
                :channel, :externalId, :type, :state, :policy, :customerName, :customerEmail, :shipTo::jsonb,
                :billTo::jsonb, :currency, :total, :buyerPo, :terms, :windowFrom, :windowTo, 0, :now, :now, :actor)
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
            .param("actor", actor)
            .query(String.class)
            .optional();
    return number;
  }

  /**
   * Inserts the lines of an order inserted in this transaction, in one round trip (the driver sends
   * a batch as one pipeline). Intake inserts them once their first allocation is known: an update
   * of a row inserted in the same transaction re-checks its foreign key, so writing each line once
   * saves the database that work.
   */
  void insertLines(OrderRecord o) {
    batch.batchUpdate(
        """
        INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_of_measure, case_pack, unit_price, lot,
            lot_pinned, allocated, backordered, shipped, cancelled, pallet_quantity, line_amount)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        o.lines.stream()
            .map(
                l ->
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
                      l.lineAmount
                    })
            .toList());
  }

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
  Optional<OrderRecord> load(UUID id, boolean lock) {
    Optional<OrderRecord> order =
        jdbc.sql(
                "SELECT "
                    + ORDER_COLUMNS
                    + " FROM orders WHERE id = ?"
                    + (lock ? " FOR UPDATE" : ""))
            .param(id)
            .query((rs, n) -> mapOrder(rs))
            .optional();
    order.ifPresent(o -> o.lines.addAll(lines(List.of(o.id)).getOrDefault(o.id, List.of())));
    return order;
  }

  /** Loads and locks an order unless another transaction holds it ({@code SKIP LOCKED}). */
  Optional<OrderRecord> loadIfUnlocked(UUID id) {
    Optional<OrderRecord> order =
        jdbc.sql("SELECT " + ORDER_COLUMNS + " FROM orders WHERE id = ? FOR UPDATE SKIP LOCKED")
            .param(id)
            .query((rs, n) -> mapOrder(rs))
            .optional();
    order.ifPresent(o -> o.lines.addAll(lines(List.of(o.id)).getOrDefault(o.id, List.of())));
    return order;
  }

  /** An order waiting for a SKU, with its place in the backorder queue. */
  record BackorderCandidate(UUID id, Instant priority) {}

  /**
   * Open orders with backordered units of {@code sku} in the order backorders are filled: by the
   * date each order is due — a B2B order's delivery window start, any other order's creation time —
   * then by id.
   */
  List<BackorderCandidate> backorderQueue(String sku, BackorderCandidate after, int limit) {
    return jdbc.sql(
            """
            SELECT o.id, coalesce(o.window_from::timestamp AT TIME ZONE 'UTC', o.created_at) AS priority
            FROM orders o
            WHERE o.state IN ('RECEIVED', 'ALLOCATED', 'FULFILLMENT_QUEUED', 'PARTIALLY_SHIPPED')
              AND EXISTS (SELECT 1 FROM order_lines l
                          WHERE l.order_id = o.id AND l.sku = :sku AND l.backordered > 0)
              AND (CAST(:afterPriority AS timestamptz) IS NULL
                   OR (coalesce(o.window_from::timestamp AT TIME ZONE 'UTC', o.created_at), o.id)
                      > (CAST(:afterPriority AS timestamptz), CAST(:afterId AS uuid)))
            ORDER BY 2, o.id
            LIMIT :limit""")
        .param("sku", sku)
        .param("afterPriority", after == null ? null : Timestamp.from(after.priority()))
        .param("afterId", after == null ? null : after.id())
        .param("limit", limit)
        .query(
            (rs, n) ->
                new BackorderCandidate(
                    rs.getObject("id", UUID.class), rs.getTimestamp("priority").toInstant()))
        .list();
  }

  /** SKUs with backordered units on open orders. */
  List<String> skusWithBackorders() {
    return jdbc.sql(
            """
            SELECT DISTINCT l.sku FROM order_lines l JOIN orders o ON o.id = l.order_id
            WHERE l.backordered > 0
              AND o.state IN ('RECEIVED', 'ALLOCATED', 'FULFILLMENT_QUEUED', 'PARTIALLY_SHIPPED')""")
        .query(String.class)
        .list();
  }

  Map<UUID, List<LineRecord>> lines(Collection<UUID> orderIds) {
    Map<UUID, List<LineRecord>> result = new HashMap<>();
    if (orderIds.isEmpty()) {
      return result;
    }
    jdbc.sql(
            """
            SELECT order_id, line_no, sku, quantity, unit_of_measure, case_pack, unit_price, lot, lot_pinned, allocated,
                   backordered, shipped, cancelled, delivered, pallet_quantity, line_amount
            FROM order_lines WHERE order_id IN (:ids) ORDER BY order_id, line_no""")
        .param("ids", orderIds)
        .query(
            (rs, n) -> {
              LineRecord l =
                  new LineRecord(
                      rs.getInt("line_no"),
                      rs.getString("sku"),
                      rs.getInt("quantity"),
                      UnitOfMeasure.valueOf(rs.getString("unit_of_measure")),
                      rs.getInt("case_pack"),
                      rs.getBigDecimal("unit_price"),
                      rs.getString("lot"),
                      rs.getBoolean("lot_pinned"),
                      rs.getInt("allocated"),
                      rs.getInt("backordered"),
                      rs.getInt("shipped"),
                      rs.getInt("cancelled"));
              l.delivered = rs.getInt("delivered");
              l.palletQuantity = (Integer) rs.getObject("pallet_quantity");
              l.lineAmount = rs.getBigDecimal("line_amount");
              result
                  .computeIfAbsent(rs.getObject("order_id", UUID.class), k -> new ArrayList<>())
                  .add(l);
              return l;
            })
        .list();
    return result;
  }

  private static final String UPDATE_LINE =
      """
      UPDATE order_lines SET allocated = ?, backordered = ?, shipped = ?, cancelled = ?, lot = ?, lot_pinned = ?,
          delivered = ?
      WHERE order_id = ? AND line_no = ?""";

  void updateLine(UUID orderId, LineRecord l) {
    jdbc.sql(UPDATE_LINE).params(lineValues(orderId, l)).update();
  }

  /** Writes several lines' quantities in one round trip. */
  void updateLines(UUID orderId, Collection<LineRecord> lines) {
    if (lines.size() == 1) {
      updateLine(orderId, lines.iterator().next());
    } else if (!lines.isEmpty()) {
      batch.batchUpdate(UPDATE_LINE, lines.stream().map(l -> lineValues(orderId, l)).toList());
    }
  }

  private static Object[] lineValues(UUID orderId, LineRecord l) {
    return new Object[] {
      l.allocated,
      l.backordered,
      l.shipped,
      l.cancelled,
      l.lot,
      l.lotPinned,
      l.delivered,
      orderId,
      l.lineNo
    };
  }

  void markDelivered(UUID orderId, Instant at) {
    jdbc.sql("UPDATE orders SET delivered_at = ? WHERE id = ?")
        .params(Timestamp.from(at), orderId)
        .update();
  }

  void setHold(UUID orderId, String reason, String by, Instant at) {
    Deferred d = deferred(orderId);
    if (d != null) {
      d.holdReason = reason;
      d.holdBy = by;
      d.holdAt = at;
      return;
    }
    jdbc.sql("UPDATE orders SET hold_reason = ?, hold_by = ?, hold_at = ? WHERE id = ?")
        .params(reason, by, at == null ? null : Timestamp.from(at), orderId)
        .update();
  }

  void clearAtRisk(UUID orderId) {
    jdbc.sql("UPDATE orders SET at_risk = false WHERE id = ?").param(orderId).update();
  }

  void setAtRisk(UUID orderId) {
    jdbc.sql("UPDATE orders SET at_risk = true WHERE id = ?").param(orderId).update();
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
   * B2B orders not yet shipped whose last ship date has passed: the window start minus the transit
   * lead time, or the window end when no lead time is set.
   */
  List<UUID> pastShipBy(java.time.LocalDate today, Integer leadDays, int limit) {
    return jdbc.sql(
            """
            SELECT id FROM orders
            WHERE window_from IS NOT NULL AND NOT at_risk
              AND state IN ('RECEIVED', 'ALLOCATED', 'FULFILLMENT_QUEUED', 'PARTIALLY_SHIPPED')
              AND (CASE WHEN CAST(:lead AS integer) IS NULL THEN window_to
                        ELSE window_from - CAST(:lead AS integer) END) < :today
            ORDER BY window_from LIMIT :limit FOR UPDATE SKIP LOCKED""")
        .param("lead", leadDays)
        .param("today", today)
        .param("limit", limit)
        .query(UUID.class)
        .list();
  }

  /**
   * Orders in fulfillment and not on hold, most urgent first (window start or creation), keyset
   * after a cursor.
   */
  List<OrderRecord> inFulfillment(BackorderCandidate after, int limit) {
    List<OrderRecord> orders =
        jdbc.sql(
                "SELECT "
                    + ORDER_COLUMNS
                    + """
                    FROM orders
                    WHERE state IN ('FULFILLMENT_QUEUED', 'PARTIALLY_SHIPPED') AND hold_reason IS NULL
                      AND (CAST(:p AS timestamptz) IS NULL
                           OR (coalesce(window_from::timestamp AT TIME ZONE 'UTC', created_at), id)
                              > (CAST(:p AS timestamptz), CAST(:id AS uuid)))
                    ORDER BY coalesce(window_from::timestamp AT TIME ZONE 'UTC', created_at), id
                    LIMIT :limit""")
            .param("p", after == null ? null : Timestamp.from(after.priority()))
            .param("id", after == null ? null : after.id())
            .param("limit", limit)
            .query((rs, n) -> mapOrder(rs))
            .list();
    Map<UUID, List<LineRecord>> lines = lines(orders.stream().map(o -> o.id).toList());
    orders.forEach(o -> o.lines.addAll(lines.getOrDefault(o.id, List.of())));
    return orders;
  }

  /** An issued invoice as stored. */
  String insertInvoice(
      UUID id,
      String prefix,
      int year,
      UUID orderId,
      UUID shipmentId,
      String currency,
      java.math.BigDecimal total,
      String terms,
      java.time.LocalDate issuedOn,
      java.time.LocalDate dueOn,
      String linesJson,
      Instant now) {
    return jdbc.sql(
            """
            INSERT INTO invoices (id, number, order_id, shipment_id, currency, total_amount, payment_terms, issued_on,
                                  due_on, lines, created_at)
            VALUES (:id, orderloop_number(:prefix, 'INV', :year, nextval('invoice_number_seq')),
                    :order, :shipment, :currency, :total, :terms, :issued, :due, :lines::jsonb, :now)
            RETURNING number""")
        .param("id", id)
        .param("prefix", prefix)
        .param("year", String.valueOf(year))
        .param("order", orderId)
        .param("shipment", shipmentId)
        .param("currency", currency)
        .param("total", total)
        .param("terms", terms)
        .param("issued", issuedOn)
        .param("due", dueOn)
        .param("lines", linesJson)
        .param("now", Timestamp.from(now))
        .query(String.class)
        .single();
  }

  List<Invoice> invoices(UUID orderId) {
    return jdbc.sql(
            """
            SELECT id, number, order_id, shipment_id, currency, total_amount, payment_terms, issued_on, due_on,
                   lines::text AS lines
            FROM invoices WHERE order_id = ? ORDER BY created_at, number""")
        .param(orderId)
        .query(
            (rs, n) -> {
              String currency = rs.getString("currency");
              return new Invoice(
                  rs.getObject("id", UUID.class),
                  rs.getString("number"),
                  rs.getObject("order_id", UUID.class),
                  rs.getObject("shipment_id", UUID.class),
                  rs.getString("currency"),
                  atCurrencyScale(rs.getBigDecimal("total_amount"), rs.getString("currency")),
                  rs.getString("payment_terms"),
                  rs.getObject("issued_on", java.time.LocalDate.class),
                  rs.getObject("due_on", java.time.LocalDate.class),
                  json
                      .readValue(rs.getString("lines"), new TypeReference<List<Invoice.Line>>() {})
                      .stream()
                      .map(
                          l ->
                              new Invoice.Line(
                                  l.lineNo(),
                                  l.sku(),
                                  l.quantity(),
                                  atCurrencyScale(l.unitPrice(), currency),
                                  l.amount()))
                      .toList());
            })
        .list();
  }

  void updateState(UUID orderId, OrderState state) {
    Deferred d = deferred(orderId);
    if (d != null) {
      d.state = state;
      return;
    }
    jdbc.sql("UPDATE orders SET state = ? WHERE id = ?").params(state.name(), orderId).update();
  }

  /** One version step per accepted command; the ETag follows it. */
  int bumpVersion(UUID orderId, Instant now) {
    return jdbc.sql(
            "UPDATE orders SET version = version + 1, updated_at = ? WHERE id = ? RETURNING version")
        .params(Timestamp.from(now), orderId)
        .query(Integer.class)
        .single();
  }

  void appendEvent(
      UUID orderId,
      String type,
      OrderState from,
      OrderState to,
      Instant at,
      String actor,
      String reason,
      Map<String, Object> details) {
    Deferred d = deferred(orderId);
    if (d != null) {
      int sequence = ++d.lastSequence;
      d.events.add(
          new Object[] {
            orderId,
            sequence,
            type,
            from == null ? null : from.name(),
            to == null ? null : to.name(),
            Timestamp.from(at),
            actor,
            reason,
            json.writeValueAsString(details)
          });
      events.publishEvent(
          new OrderHistoryAppended(
              orderId, d.number, sequence, type, from, to, at, actor, reason, details));
      return;
    }
    // One round trip: the order's next event number and its history row.
    SequenceAndNumber next =
        jdbc.sql(
                """
                WITH next AS (
                    UPDATE orders SET last_event_seq = last_event_seq + 1 WHERE id = ?
                    RETURNING id, last_event_seq, number)
                INSERT INTO order_events (order_id, sequence, type, from_state, to_state, at, actor, reason, details)
                SELECT id, last_event_seq, ?, ?, ?, ?, ?, ?, ?::jsonb FROM next
                RETURNING sequence, (SELECT number FROM next) AS number""")
            .params(
                orderId,
                type,
                from == null ? null : from.name(),
                to == null ? null : to.name(),
                Timestamp.from(at),
                actor,
                reason,
                json.writeValueAsString(details))
            .query((rs, n) -> new SequenceAndNumber(rs.getInt(1), rs.getString(2)))
            .single();
    int sequence = next.sequence();
    events.publishEvent(
        new OrderHistoryAppended(
            orderId, next.number(), sequence, type, from, to, at, actor, reason, details));
  }

  record SequenceAndNumber(int sequence, String number) {}

  /**
   * The state, hold and history of an order inserted in this transaction, kept in memory until
   * {@link #writeDeferred}: intake then writes its history in one batch (one round trip) and its
   * row once more, instead of an update of the row and an insert for every history entry.
   */
  private static final class Deferred {
    final UUID orderId;
    final String number;
    int lastSequence;
    OrderState state;
    String holdReason;
    String holdBy;
    Instant holdAt;
    final List<Object[]> events = new ArrayList<>();

    Deferred(UUID orderId, String number) {
      this.orderId = orderId;
      this.number = number;
    }
  }

  private static final Object DEFERRED_KEY = new Object();

  /** From now until {@link #writeDeferred}, keeps this new order's writes in memory. */
  void deferWrites(UUID orderId, String number) {
    if (TransactionSynchronizationManager.hasResource(DEFERRED_KEY)) {
      throw new IllegalStateException("writes are already deferred in this transaction");
    }
    TransactionSynchronizationManager.bindResource(DEFERRED_KEY, new Deferred(orderId, number));
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void beforeCommit(boolean readOnly) {
            if (TransactionSynchronizationManager.hasResource(DEFERRED_KEY)) {
              throw new IllegalStateException("deferred order writes were never written");
            }
          }

          @Override
          public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(DEFERRED_KEY);
          }
        });
  }

  /** Writes the deferred history (one batch) and row changes (one update). */
  void writeDeferred(UUID orderId) {
    Deferred d = deferred(orderId);
    if (d == null) {
      return;
    }
    TransactionSynchronizationManager.unbindResource(DEFERRED_KEY);
    if (!d.events.isEmpty()) {
      batch.batchUpdate(
          """
          INSERT INTO order_events (order_id, sequence, type, from_state, to_state, at, actor, reason, details)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)""",
          d.events);
    }
    jdbc.sql(
            """
            UPDATE orders SET last_event_seq = :seq, state = coalesce(:state, state),
                hold_reason = coalesce(:holdReason, hold_reason), hold_by = coalesce(:holdBy, hold_by),
                hold_at = coalesce(:holdAt, hold_at)
            WHERE id = :id""")
        .param("seq", d.lastSequence)
        .param("state", d.state == null ? null : d.state.name())
        .param("holdReason", d.holdReason)
        .param("holdBy", d.holdBy)
        .param("holdAt", d.holdAt == null ? null : Timestamp.from(d.holdAt))
        .param("id", d.orderId)
        .update();
  }

  private static Deferred deferred(UUID orderId) {
    Deferred d = (Deferred) TransactionSynchronizationManager.getResource(DEFERRED_KEY);
    return d != null && d.orderId.equals(orderId) ? d : null;
  }

  List<OrderEvent> events(UUID orderId) {
    return jdbc.sql(
            """
            SELECT sequence, type, from_state, to_state, at, actor, reason, details::text AS details
            FROM order_events WHERE order_id = ? ORDER BY sequence""")
        .param(orderId)
        .query(
            (rs, n) ->
                new OrderEvent(
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

  /** Filters for the order list; null fields do not filter. */
  record ListFilter(
      Boolean atRisk,
      Boolean onHold,
      OrderState state,
      Channel channel,
      OrderType type,
      Instant createdFrom,
      Instant createdTo,
      String text) {}

  /** Keyset page, newest first: (created_at, id) strictly after the cursor. */
  List<OrderRecord> page(ListFilter filter, Cursor after, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + ORDER_COLUMNS + " FROM orders WHERE true");
    Map<String, Object> params = new HashMap<>();
    if (filter.atRisk() != null) {
      sql.append(" AND at_risk = :atRisk");
      params.put("atRisk", filter.atRisk());
    }
    if (filter.onHold() != null) {
      sql.append(filter.onHold() ? " AND hold_reason IS NOT NULL" : " AND hold_reason IS NULL");
    }
    if (filter.state() != null) {
      sql.append(" AND state = :state");
      params.put("state", filter.state().name());
    }
    if (filter.channel() != null) {
      sql.append(" AND channel = :channel");
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
    if (filter.text() != null) {
      sql.append(
          " AND (number = :exact OR lower(customer_name) LIKE :like ESCAPE '\\'"
              + " OR lower(customer_email) LIKE :like ESCAPE '\\' OR lower(buyer_po) LIKE :like ESCAPE '\\'"
              + " OR number LIKE :upperLike ESCAPE '\\')");
      String escaped =
          filter.text().toLowerCase().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
      params.put("exact", filter.text());
      params.put("like", "%" + escaped + "%");
      params.put("upperLike", "%" + escaped.toUpperCase() + "%");
    }
    if (after != null) {
      sql.append(" AND (created_at, id) < (:afterCreated, :afterId)");
      params.put("afterCreated", Timestamp.from(after.createdAt()));
      params.put("afterId", after.id());
    }
    sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
    params.put("limit", limit);
    List<OrderRecord> orders =
        jdbc.sql(sql.toString()).params(params).query((rs, n) -> mapOrder(rs)).list();
    Map<UUID, List<LineRecord>> lines = lines(orders.stream().map(o -> o.id).toList());
    orders.forEach(o -> o.lines.addAll(lines.getOrDefault(o.id, List.of())));
    return orders;
  }

  /** An opaque position in the newest-first order list. */
  record Cursor(Instant createdAt, UUID id) {
    String encode() {
      String raw = createdAt.getEpochSecond() + ":" + createdAt.getNano() + ":" + id;
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

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

  private OrderRecord mapOrder(ResultSet rs) throws SQLException {
    OrderRecord o = new OrderRecord();
    o.id = rs.getObject("id", UUID.class);
    o.number = rs.getString("number");
    o.channel = Channel.valueOf(rs.getString("channel"));
    o.externalId = rs.getString("external_id");
    o.type = OrderType.valueOf(rs.getString("type"));
    o.state = OrderState.valueOf(rs.getString("state"));
    o.policy = FulfillmentPolicy.valueOf(rs.getString("fulfillment_policy"));
    o.customer =
        new CreateOrder.Customer(rs.getString("customer_name"), rs.getString("customer_email"));
    o.shipTo = json.readValue(rs.getString("ship_to"), Address.class);
    String billTo = rs.getString("bill_to");
    o.billTo = billTo == null ? null : json.readValue(billTo, Address.class);
    o.currency = rs.getString("currency");
    o.total = rs.getBigDecimal("total_amount");
    String po = rs.getString("buyer_po");
    String terms = rs.getString("payment_terms");
    LocalDate from = rs.getObject("window_from", LocalDate.class);
    LocalDate to = rs.getObject("window_to", LocalDate.class);
    if (o.type == OrderType.B2B && (po != null || terms != null || from != null)) {
      o.b2b =
          new CreateOrder.B2b(
              po, terms, from == null ? null : new CreateOrder.DeliveryWindow(from, to));
    }
    o.version = rs.getInt("version");
    o.createdAt = rs.getTimestamp("created_at").toInstant();
    o.updatedAt = rs.getTimestamp("updated_at").toInstant();
    o.holdReason = rs.getString("hold_reason");
    o.holdBy = rs.getString("hold_by");
    o.holdAt = instant(rs.getTimestamp("hold_at"));
    o.atRisk = rs.getBoolean("at_risk");
    o.deliveredAt = instant(rs.getTimestamp("delivered_at"));
    return o;
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  static OrderView view(OrderRecord o) {
    List<OrderView.Line> lines =
        o.lines.stream()
            .map(
                l ->
                    new OrderView.Line(
                        l.lineNo,
                        l.sku,
                        l.quantity,
                        l.unitOfMeasure,
                        l.casePack,
                        o.type == OrderType.B2B && l.casePack > 1 && l.quantity % l.casePack == 0
                            ? l.quantity / l.casePack
                            : null,
                        atCurrencyScale(l.unitPrice, o.currency),
                        atCurrencyScale(l.lineAmount, o.currency),
                        l.allocated,
                        l.backordered,
                        l.shipped,
                        l.cancelled,
                        l.delivered,
                        l.palletQuantity,
                        l.lot,
                        l.lotPinned))
            .toList();
    return new OrderView(
        o.id,
        o.number,
        o.channel,
        o.externalId,
        o.type,
        o.state,
        o.version,
        o.policy,
        o.customer,
        o.shipTo,
        o.billTo,
        o.currency,
        new Money(o.total, o.currency),
        lines,
        o.b2b,
        o.atRisk,
        o.holdReason == null ? null : new OrderView.Hold(o.holdReason, o.holdBy, o.holdAt),
        OrderLoop.allowed(o),
        o.createdAt,
        o.updatedAt,
        o.deliveredAt);
  }

  /**
   * Trailing zeros trimmed down to the currency's scale: 2.5000 USD shows as 2.50, a per-unit
   * 0.8333 stays.
   */
  static BigDecimal atCurrencyScale(BigDecimal amount, String currency) {
    int digits = Math.max(java.util.Currency.getInstance(currency).getDefaultFractionDigits(), 0);
    BigDecimal stripped = amount.stripTrailingZeros();
    return stripped.setScale(
        Math.max(digits, stripped.scale()), java.math.RoundingMode.UNNECESSARY);
  }

  private static OrderState state(String name) {
    return name == null ? null : OrderState.valueOf(name);
  }
}
