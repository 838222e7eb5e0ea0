package io.orderloop.fulfillment;

import io.orderloop.common.ApiProblem;
import io.orderloop.common.IfMatch;
import io.orderloop.common.Rows;
import io.orderloop.common.Transactions;
import io.orderloop.inventory.StockLedger;
import io.orderloop.orders.OrderEvent;
import io.orderloop.orders.OrderEventRecorded;
import io.orderloop.orders.OrderQueries;
import io.orderloop.orders.OrderState;
import io.orderloop.orders.OrderView;
import io.orderloop.orders.Shipment;
import io.orderloop.orders.Shipping;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The fulfillment module's API: ship, confirm delivery (by shipment id or by tracking number), list
 * shipments, and the fulfillment queue per location. A shipment, its order's change and its ledger
 * rows commit together.
 *
 * <p>Rejects: 404 unknown order or shipment; 409 an order that cannot ship now (state, hold); 422
 * lines that cannot ship (unknown SKU, more than allocated, a cancelled line, a lot not reserved)
 * or a delivery time before the shipment left.
 */
@Service
public class Fulfillment {

  private final JdbcClient jdbc;
  private final JdbcTemplate batch;
  private final Shipping shipping;
  private final OrderQueries orders;
  private final StockLedger inventory;
  private final Transactions transactions;
  private final Clock clock;

  Fulfillment(
      JdbcClient jdbc,
      JdbcTemplate batch,
      Shipping shipping,
      OrderQueries orders,
      StockLedger inventory,
      Transactions transactions,
      Clock clock) {
    this.jdbc = jdbc;
    this.batch = batch;
    this.shipping = shipping;
    this.orders = orders;
    this.inventory = inventory;
    this.transactions = transactions;
    this.clock = clock;
  }

  /**
   * Ships units of an order; see {@link Shipping#ship}. The answer is the shipment the order
   * recorded; its rows are written from the order's {@code order.shipment_recorded} event as the
   * transaction commits.
   */
  public ShipmentView ship(
      String idOrNumber,
      String carrier,
      String trackingNumber,
      List<Shipment.Line> lines,
      IfMatch expectedVersion) {
    return transactions.inTransaction(
        () -> {
          UUID id = UUID.randomUUID();
          Shipping.Shipped recorded =
              shipping.ship(id, idOrNumber, carrier, trackingNumber, lines, expectedVersion);
          Shipment s = recorded.shipment();
          return new ShipmentView(
              s.id(),
              recorded.orderId(),
              recorded.orderNumber(),
              s.carrier(),
              s.trackingNumber(),
              "SHIPPED",
              s.shippedAt(),
              null,
              s.units().stream()
                  .map(
                      u ->
                          line(
                              u.lineNo(),
                              u.sku(),
                              u.quantity(),
                              u.lot(),
                              u.location(),
                              u.casePack(),
                              u.palletQuantity()))
                  .toList(),
              recorded.state(),
              recorded.invoice());
        });
  }

  /**
   * Keeps the shipment records in step with the order, in the order's transaction, just before it
   * commits (after the order's command has returned: the orders module never calls back into this
   * one): a recorded shipment (by the shipments API or a manual SHIPPED move alike) is stored with
   * its lines; an order confirmed delivered as a whole marks its shipments still travelling
   * delivered.
   */
  @TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT)
  void on(OrderEventRecorded recorded) {
    switch (recorded.event()) {
      case OrderEvent.ShipmentRecorded s -> {
        UUID shipmentId = UUID.fromString(s.shipmentId());
        jdbc.sql(
                """
                INSERT INTO shipments (id, order_id, carrier, tracking_number, state, shipped_at, created_by)
                VALUES (?, ?, ?, ?, 'SHIPPED', ?, ?)""")
            .params(
                shipmentId,
                recorded.orderId(),
                s.carrier(),
                s.trackingNumber(),
                Timestamp.from(recorded.at()),
                recorded.actor())
            .update();
        batch.batchUpdate(
            """
            INSERT INTO shipment_lines (shipment_id, line_no, sku, quantity, lot, location)
            VALUES (?, ?, ?, ?, ?, ?)""",
            s.lines().stream()
                .map(
                    u ->
                        new Object[] {
                          shipmentId, u.lineNo(), u.sku(), u.quantity(), u.lot(), u.location()
                        })
                .toList());
      }
      case OrderEvent.Delivered d when d.deliveredAt() != null ->
          jdbc.sql(
                  """
                  UPDATE shipments SET state = 'DELIVERED', delivered_at = ?, version = version + 1
                  WHERE order_id = ? AND state = 'SHIPPED'""")
              .params(Timestamp.from(Instant.parse(d.deliveredAt())), recorded.orderId())
              .update();
      default -> {}
    }
  }

  /** Where units of a SKU of an order left from. */
  public record ShippedFrom(String location, String lot) {}

  /** The location and lot of the most recent shipment of a SKU of an order, if it shipped. */
  public Optional<ShippedFrom> lastShippedFrom(UUID orderId, String sku) {
    return jdbc.sql(
            """
            SELECT l.location, l.lot FROM shipment_lines l JOIN shipments s ON s.id = l.shipment_id
            WHERE s.order_id = ? AND l.sku = ? ORDER BY s.shipped_at DESC, l.id DESC LIMIT 1""")
        .params(orderId, sku)
        .query(Rows.of(ShippedFrom.class))
        .optional();
  }

  /** The lots a SKU of an order shipped from (returns go back to one of these). */
  public java.util.Set<String> shippedLots(UUID orderId, String sku) {
    return new java.util.HashSet<>(
        jdbc.sql(
                """
                SELECT DISTINCT l.lot FROM shipment_lines l JOIN shipments s ON s.id = l.shipment_id
                WHERE s.order_id = ? AND l.sku = ? AND l.lot IS NOT NULL""")
            .params(orderId, sku)
            .query(String.class)
            .list());
  }

  /**
   * Confirms a shipment delivered (at {@code deliveredAt}, default now). Confirming an already
   * delivered shipment changes nothing and answers it as it is, so carriers may repeat themselves.
   */
  public ShipmentView deliver(UUID shipmentId, Instant deliveredAt) {
    return transactions.inTransaction(
        () -> {
          ShipmentRow row =
              jdbc.sql(
                      """
                      SELECT id, order_id, carrier, tracking_number, state, shipped_at, delivered_at
                      FROM shipments WHERE id = ? FOR UPDATE""")
                  .param(shipmentId)
                  .query(Rows.of(ShipmentRow.class))
                  .optional()
                  .orElseThrow(() -> ApiProblem.notFound("no shipment with id " + shipmentId));
          if ("DELIVERED".equals(row.state())) {
            return view(row, null);
          }
          Instant at = deliveredAt == null ? clock.instant() : deliveredAt;
          if (at.isBefore(row.shippedAt().toInstant())) {
            throw ApiProblem.unprocessable(
                "deliveredAt",
                "the shipment left at "
                    + row.shippedAt().toInstant()
                    + "; it cannot arrive at "
                    + at);
          }
          if (at.isAfter(clock.instant().plusSeconds(3600))) {
            throw ApiProblem.unprocessable(
                "deliveredAt", at + " is in the future; confirm deliveries once they happen");
          }
          jdbc.sql(
                  "UPDATE shipments SET state = 'DELIVERED', delivered_at = ?, version = version + 1 WHERE id = ?")
              .params(Timestamp.from(at), shipmentId)
              .update();
          Map<Integer, Integer> perLine = new LinkedHashMap<>();
          lines(shipmentId).forEach(l -> perLine.merge(l.lineNo(), l.quantity(), Integer::sum));
          OrderState orderState = shipping.recordDelivery(row.orderId(), shipmentId, perLine, at);
          ShipmentRow delivered =
              new ShipmentRow(
                  row.id(),
                  row.orderId(),
                  row.carrier(),
                  row.trackingNumber(),
                  "DELIVERED",
                  row.shippedAt(),
                  Timestamp.from(at));
          return view(delivered, orderState);
        });
  }

  /**
   * Confirms delivery of the newest undelivered shipment with this tracking number (and carrier, if
   * given).
   */
  public ShipmentView deliverByTracking(
      String carrier, String trackingNumber, Instant deliveredAt) {
    return transactions.inTransaction(
        () -> {
          Optional<UUID> id =
              jdbc.sql(
                      """
                      SELECT id FROM shipments
                      WHERE tracking_number = :tracking
                        AND (CAST(:carrier AS text) IS NULL OR lower(carrier) = lower(:carrier))
                      ORDER BY (state = 'SHIPPED') DESC, shipped_at DESC LIMIT 1""")
                  .param("tracking", trackingNumber)
                  .param("carrier", carrier)
                  .query(UUID.class)
                  .optional();
          return deliver(
              id.orElseThrow(
                  () -> ApiProblem.notFound("no shipment with tracking number " + trackingNumber)),
              deliveredAt);
        });
  }

  public ShipmentView shipment(UUID id) {
    ShipmentRow row =
        jdbc.sql(
                """
                SELECT id, order_id, carrier, tracking_number, state, shipped_at, delivered_at
                FROM shipments WHERE id = ?""")
            .param(id)
            .query(Rows.of(ShipmentRow.class))
            .optional()
            .orElseThrow(() -> ApiProblem.notFound("no shipment with id " + id));
    return view(row, null);
  }

  /** The shipments of an order, oldest first. */
  public List<ShipmentView> shipments(String idOrNumber) {
    OrderView order = orders.get(idOrNumber);
    return jdbc
        .sql(
            """
            SELECT id, order_id, carrier, tracking_number, state, shipped_at, delivered_at
            FROM shipments WHERE order_id = ? ORDER BY shipped_at, id""")
        .param(order.id())
        .query(Rows.of(ShipmentRow.class))
        .list()
        .stream()
        .map(r -> view(r, null, order))
        .toList();
  }

  /** Open work at one location (or all): order, lines reserved there, lots, due date. */
  public record QueueItem(
      UUID orderId,
      String number,
      String type,
      String state,
      String location,
      Instant dueBy,
      LocalDate windowFrom,
      LocalDate windowTo,
      boolean atRisk,
      List<QueueLine> lines) {}

  /** Units of one order line to pick at the item's location. */
  public record QueueLine(int lineNo, String sku, int quantity, String lot) {}

  /** One page of the queue and the cursor of the next. */
  public record QueuePage(List<QueueItem> items, String nextCursor) {}

  /**
   * Orders released to fulfillment and not on hold, most urgent first (B2B by delivery window
   * start, others by age), as one item per location holding their reservations; filtered to one
   * location when given.
   */
  public QueuePage queue(String location, String cursor, int limit) {
    OrderQueries.Page page = orders.inFulfillment(cursor, limit);
    Map<UUID, List<StockLedger.ReservationView>> reservations =
        inventory.reservations(page.items().stream().map(OrderView::id).toList());
    List<QueueItem> items = new ArrayList<>();
    for (OrderView order : page.items()) {
      Map<String, List<QueueLine>> byLocation = new LinkedHashMap<>();
      for (StockLedger.ReservationView r : reservations.getOrDefault(order.id(), List.of())) {
        if (location == null || location.equals(r.location())) {
          byLocation
              .computeIfAbsent(r.location(), k -> new ArrayList<>())
              .add(new QueueLine(r.lineNo(), r.sku(), r.quantity(), r.lot()));
        }
      }
      var window = order.b2b() == null ? null : order.b2b().deliveryWindow();
      Instant dueBy =
          window == null
              ? order.createdAt()
              : window.from().atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
      byLocation.forEach(
          (loc, lines) ->
              items.add(
                  new QueueItem(
                      order.id(),
                      order.number(),
                      order.type().name(),
                      order.state().name(),
                      loc,
                      dueBy,
                      window == null ? null : window.from(),
                      window == null ? null : window.to(),
                      order.atRisk(),
                      lines)));
    }
    return new QueuePage(items, page.nextCursor());
  }

  record ShipmentRow(
      UUID id,
      UUID orderId,
      String carrier,
      String trackingNumber,
      String state,
      Timestamp shippedAt,
      Timestamp deliveredAt) {}

  record LineRow(int lineNo, String sku, int quantity, String lot, String location) {}

  private List<LineRow> lines(UUID shipmentId) {
    return jdbc.sql(
            """
            SELECT line_no, sku, quantity, lot, location FROM shipment_lines
            WHERE shipment_id = ? ORDER BY id""")
        .param(shipmentId)
        .query(Rows.of(LineRow.class))
        .list();
  }

  private ShipmentView view(ShipmentRow row, OrderState orderState) {
    return view(row, orderState, orders.get(row.orderId().toString()));
  }

  /** A shipment with its order already read (a list of one order's shipments reads it once). */
  private ShipmentView view(ShipmentRow row, OrderState orderState, OrderView order) {
    List<ShipmentView.Line> lines = new ArrayList<>();
    for (LineRow l : lines(row.id())) {
      OrderView current = order;
      OrderView.Line orderLine =
          order.lines().stream()
              .filter(x -> x.lineNo() == l.lineNo())
              .findFirst()
              // A line added by an edit and shipped since the order was read: read it again.
              .orElseGet(
                  () ->
                      orders.get(current.id().toString()).lines().stream()
                          .filter(x -> x.lineNo() == l.lineNo())
                          .findFirst()
                          .orElseThrow());
      lines.add(
          line(
              l.lineNo(),
              l.sku(),
              l.quantity(),
              l.lot(),
              l.location(),
              orderLine.casePack(),
              orderLine.palletQuantity()));
    }
    return new ShipmentView(
        row.id(),
        row.orderId(),
        order.number(),
        row.carrier(),
        row.trackingNumber(),
        row.state(),
        row.shippedAt().toInstant(),
        row.deliveredAt() == null ? null : row.deliveredAt().toInstant(),
        lines,
        orderState != null ? orderState : order.state(),
        null);
  }

  private static ShipmentView.Line line(
      int lineNo,
      String sku,
      int quantity,
      String lot,
      String location,
      int casePack,
      Integer palletQuantity) {
    Integer cases = casePack > 1 && quantity % casePack == 0 ? quantity / casePack : null;
    BigDecimal pallets =
        palletQuantity == null
            ? null
            : BigDecimal.valueOf(quantity)
                .divide(BigDecimal.valueOf(palletQuantity), 2, RoundingMode.HALF_UP);
    return new ShipmentView.Line(lineNo, sku, quantity, lot, location, cases, pallets);
  }
}
