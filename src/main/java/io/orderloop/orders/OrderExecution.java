package io.orderloop.orders;

import io.orderloop.common.Actors;
import io.orderloop.common.ApiProblem;
import io.orderloop.common.Transactions;
import io.orderloop.inventory.Inventory;
import io.orderloop.inventory.LineReservation;
import io.orderloop.orders.OrderRepository.LineRecord;
import io.orderloop.orders.OrderRepository.OrderRecord;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * The second half of the loop, as the orders module's API for execution: holds, shipments,
 * delivery, invoices for B2B shipments, the orders in fulfillment, and return milestones on the
 * order's history. Shipment and delivery records themselves belong to the fulfillment module, which
 * calls this inside its own transaction.
 *
 * <p>Rejects: 404 unknown order; 409 a state or hold that does not allow the step (with {@code
 * currentState} and {@code allowedTransitions}); 412 stale {@code If-Match}; 422 a quantity, SKU or
 * lot the order cannot ship. History event types: {@code order.held}, {@code order.released},
 * {@code order.shipment_recorded}, {@code shipment.delivered}, {@code invoice.issued}, {@code
 * order.at_risk}, {@code return.*}, and the state changes.
 */
@Service
public class OrderExecution {

  private final OrderRepository repository;
  private final OrderLoop loop;
  private final Inventory inventory;
  private final Transactions transactions;
  private final OrderProperties properties;
  private final Clock clock;
  private final JsonMapper json;
  private final org.springframework.context.ApplicationEventPublisher events;

  OrderExecution(
      OrderRepository repository,
      OrderLoop loop,
      Inventory inventory,
      Transactions transactions,
      OrderProperties properties,
      Clock clock,
      JsonMapper json,
      org.springframework.context.ApplicationEventPublisher events) {
    this.repository = repository;
    this.loop = loop;
    this.inventory = inventory;
    this.transactions = transactions;
    this.properties = properties;
    this.clock = clock;
    this.json = json;
    this.events = events;
  }

  // ------------------------------------------------------------------ holds

  /**
   * Puts an open order on hold: it is not released to fulfillment and cannot ship until released.
   */
  public OrderView hold(String idOrNumber, String reason, Integer expectedVersion) {
    return transactions.inTransaction(
        () -> {
          OrderRecord order = loop.lockForCommand(idOrNumber, expectedVersion);
          if (!isOpen(order.state)) {
            throw OrderLoop.stateConflict(order, "an order in " + order.state + " cannot be held");
          }
          if (order.holdReason != null) {
            throw OrderLoop.stateConflict(
                order, "order " + order.number + " is already on hold (" + order.holdReason + ")");
          }
          applyHold(order, reason, Actors.current());
          repository.bumpVersion(order.id, clock.instant());
          return view(order.id);
        });
  }

  void applyHold(OrderRecord order, String reason, String actor) {
    Instant now = clock.instant();
    repository.setHold(order.id, reason, actor, now);
    repository.appendEvent(
        order.id,
        "order.held",
        null,
        null,
        now,
        actor,
        reason,
        Map.of("state", order.state.name()));
    order.holdReason = reason;
    order.holdBy = actor;
    order.holdAt = now;
  }

  /** Releases an order's hold. */
  public OrderView releaseHold(String idOrNumber, String reason, Integer expectedVersion) {
    return transactions.inTransaction(
        () -> {
          OrderRecord order = loop.lockForCommand(idOrNumber, expectedVersion);
          if (order.holdReason == null) {
            throw OrderLoop.stateConflict(order, "order " + order.number + " is not on hold");
          }
          Instant now = clock.instant();
          repository.setHold(order.id, null, null, null);
          repository.appendEvent(
              order.id,
              "order.released",
              null,
              null,
              now,
              Actors.current(),
              reason,
              Map.of("heldFor", order.holdReason));
          repository.bumpVersion(order.id, now);
          return view(order.id);
        });
  }

  // ------------------------------------------------------------------ shipments

  /**
   * Units of one SKU to ship, of one lot when given (by default the reserved lots, oldest first).
   */
  public record ShipLine(String sku, int quantity, String lot) {}

  /** Units that left: order line, lot and location, with the line's case pack and pallet size. */
  public record ShippedUnits(
      int lineNo,
      String sku,
      int quantity,
      String lot,
      String location,
      int casePack,
      Integer palletQuantity) {}

  /**
   * What a shipment did to the order: its state after, the units, and the invoice for a B2B order.
   */
  public record ShipmentRecorded(
      UUID orderId,
      String orderNumber,
      OrderType type,
      OrderState state,
      List<ShippedUnits> units,
      Invoice invoice) {}

  /**
   * Ships units of an order in FULFILLMENT_QUEUED or PARTIALLY_SHIPPED: consumes their reservations
   * (on hand and reserved go down, with ledger rows), moves the order to PARTIALLY_SHIPPED or
   * SHIPPED, and issues an invoice for a B2B order. Joins the caller's transaction.
   */
  public ShipmentRecorded recordShipment(
      UUID shipmentId,
      String idOrNumber,
      String carrier,
      String trackingNumber,
      List<ShipLine> lines,
      Integer expectedVersion) {
    return transactions.inTransaction(
        () -> {
          OrderRecord order = loop.lockForCommand(idOrNumber, expectedVersion);
          if (order.state != OrderState.FULFILLMENT_QUEUED
              && order.state != OrderState.PARTIALLY_SHIPPED) {
            throw OrderLoop.stateConflict(
                    order,
                    "only orders in FULFILLMENT_QUEUED or PARTIALLY_SHIPPED can ship; "
                        + (order.state == OrderState.ALLOCATED
                            ? "release it to fulfillment first"
                            : "this one is " + order.state))
                .with("shippableStates", List.of("FULFILLMENT_QUEUED", "PARTIALLY_SHIPPED"));
          }
          if (order.holdReason != null) {
            throw OrderLoop.onHold(order, "ship it");
          }
          String actor = Actors.current();
          List<ShippedUnits> shipped = new ArrayList<>();
          for (int i = 0; i < lines.size(); i++) {
            shipLine(order, lines.get(i), "lines[" + i + "]", shipmentId, shipped);
          }
          List<Map<String, Object>> details = new ArrayList<>();
          for (ShippedUnits u : shipped) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("lineNo", u.lineNo());
            d.put("sku", u.sku());
            d.put("quantity", u.quantity());
            d.put("lot", u.lot());
            d.put("location", u.location());
            details.add(d);
          }
          Map<String, Object> event = new LinkedHashMap<>();
          event.put("shipmentId", shipmentId.toString());
          event.put("carrier", carrier);
          event.put("trackingNumber", trackingNumber);
          event.put("lines", details);
          repository.appendEvent(
              order.id, "order.shipment_recorded", null, null, clock.instant(), actor, null, event);
          OrderState next =
              OrderLoop.everythingShipped(order)
                  ? OrderState.SHIPPED
                  : OrderState.PARTIALLY_SHIPPED;
          if (next != order.state) {
            loop.transitionTo(
                order, next, actor, null, Map.of("shipmentId", shipmentId.toString()));
          }
          Invoice invoice =
              order.type == OrderType.B2B ? issueInvoice(order, shipmentId, shipped, actor) : null;
          events.publishEvent(
              new OrderShipped(
                  order.id, shipmentId, carrier, trackingNumber, clock.instant(), shipped));
          repository.bumpVersion(order.id, clock.instant());
          return new ShipmentRecorded(
              order.id, order.number, order.type, order.state, shipped, invoice);
        });
  }

  private void shipLine(
      OrderRecord order, ShipLine request, String field, UUID shipmentId, List<ShippedUnits> out) {
    List<LineRecord> matching =
        order.lines.stream().filter(l -> l.sku.equals(request.sku())).toList();
    if (matching.isEmpty()) {
      throw ApiProblem.unprocessable(
          field + ".sku", "order " + order.number + " has no line for SKU '" + request.sku() + "'");
    }
    if (matching.stream().allMatch(l -> l.cancelled == l.quantity)) {
      throw ApiProblem.unprocessable(
          field + ".sku", "the line for SKU '" + request.sku() + "' is cancelled: nothing to ship");
    }
    int allocated = matching.stream().mapToInt(l -> l.allocated).sum();
    if (request.quantity() > allocated) {
      int backordered = matching.stream().mapToInt(l -> l.backordered).sum();
      throw ApiProblem.unprocessable(
          field + ".quantity",
          "only "
              + allocated
              + " allocated unit(s) of SKU '"
              + request.sku()
              + "' can ship, not "
              + request.quantity()
              + (backordered > 0 ? " (" + backordered + " backordered)" : ""));
    }
    int left = request.quantity();
    for (LineRecord line : matching) {
      if (left == 0) {
        break;
      }
      int take = Math.min(left, line.allocated);
      if (take == 0) {
        continue;
      }
      List<LineReservation.Slice> slices =
          inventory.consume(order.id, line.lineNo, take, request.lot(), "shipment " + shipmentId);
      int got = slices.stream().mapToInt(LineReservation.Slice::quantity).sum();
      line.allocated -= got;
      line.shipped += got;
      repository.updateLine(order.id, line);
      for (LineReservation.Slice s : slices) {
        out.add(
            new ShippedUnits(
                line.lineNo,
                line.sku,
                s.quantity(),
                s.lot(),
                s.location(),
                line.casePack,
                line.palletQuantity));
      }
      left -= got;
    }
    if (left > 0) {
      throw ApiProblem.unprocessable(
          field + ".lot",
          "only "
              + (request.quantity() - left)
              + " unit(s) of SKU '"
              + request.sku()
              + "' are reserved in lot "
              + request.lot()
              + " for this order; ship the reserved lot or move the reservation first");
    }
  }

  private Invoice issueInvoice(
      OrderRecord order, UUID shipmentId, List<ShippedUnits> shipped, String actor) {
    Map<Integer, Integer> quantities = new LinkedHashMap<>();
    shipped.forEach(u -> quantities.merge(u.lineNo(), u.quantity(), Integer::sum));
    int digits = Math.max(Currency.getInstance(order.currency).getDefaultFractionDigits(), 0);
    List<Invoice.Line> lines = new ArrayList<>();
    BigDecimal total = BigDecimal.ZERO;
    for (Map.Entry<Integer, Integer> e : quantities.entrySet()) {
      LineRecord line = OrderLoop.line(order, e.getKey());
      // Cumulative rounding: the line's invoices always add up to its ordered amount.
      int before = line.shipped - e.getValue();
      BigDecimal amount =
          share(line.lineAmount, line.shipped, line.quantity, digits)
              .subtract(share(line.lineAmount, before, line.quantity, digits));
      lines.add(
          new Invoice.Line(
              line.lineNo,
              line.sku,
              e.getValue(),
              OrderRepository.atCurrencyScale(line.unitPrice, order.currency),
              amount));
      total = total.add(amount);
    }
    Instant now = clock.instant();
    LocalDate issuedOn = LocalDate.ofInstant(now, ZoneOffset.UTC);
    String terms = order.b2b == null ? null : order.b2b.paymentTerms();
    LocalDate dueOn = issuedOn.plusDays(termDays(terms));
    UUID id = UUID.randomUUID();
    String number =
        repository.insertInvoice(
            id,
            properties.numberPrefix(),
            issuedOn.getYear(),
            order.id,
            shipmentId,
            order.currency,
            total,
            terms,
            issuedOn,
            dueOn,
            json.writeValueAsString(lines),
            now);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("invoiceId", id.toString());
    details.put("number", number);
    details.put("total", total.toPlainString());
    details.put("currency", order.currency);
    details.put("paymentTerms", terms);
    details.put("dueOn", dueOn.toString());
    details.put("shipmentId", shipmentId.toString());
    repository.appendEvent(order.id, "invoice.issued", null, null, now, actor, null, details);
    return new Invoice(
        id, number, order.id, shipmentId, order.currency, total, terms, issuedOn, dueOn, lines);
  }

  /** {@code amount × part / whole}, rounded half-even to the currency's digits. */
  static BigDecimal share(BigDecimal amount, int part, int whole, int digits) {
    return amount
        .multiply(BigDecimal.valueOf(part))
        .divide(BigDecimal.valueOf(whole), digits, RoundingMode.HALF_EVEN);
  }

  /** Days until an invoice is due: {@code NET_<days>}; any other terms are due on issue. */
  static int termDays(String terms) {
    if (terms != null && terms.startsWith("NET_")) {
      return Integer.parseInt(terms.substring(4));
    }
    return 0;
  }

  public List<Invoice> invoices(String idOrNumber) {
    UUID id = repository.resolve(idOrNumber).orElseThrow(() -> OrderLoop.notFound(idOrNumber));
    return repository.invoices(id);
  }

  // ------------------------------------------------------------------ delivery

  /** Shipped units of one order line confirmed delivered. */
  public record DeliveredUnits(int lineNo, int quantity) {}

  /**
   * Records a shipment's delivery on its order (joins the caller's transaction): a SHIPPED order
   * whose shipped units are all delivered becomes DELIVERED, and CLOSED at once when the close
   * grace is zero.
   */
  public OrderState recordDelivery(
      UUID orderId, UUID shipmentId, List<DeliveredUnits> units, Instant deliveredAt) {
    return transactions.inTransaction(
        () -> {
          OrderRecord order =
              repository
                  .load(orderId, true)
                  .orElseThrow(() -> OrderLoop.notFound(orderId.toString()));
          if (order.state == OrderState.DELIVERED || order.state == OrderState.CLOSED) {
            return order.state; // confirmed already, e.g. by hand for the whole order
          }
          order.deliveredAt =
              order.deliveredAt == null || deliveredAt.isAfter(order.deliveredAt)
                  ? deliveredAt
                  : order.deliveredAt;
          for (DeliveredUnits u : units) {
            LineRecord line = OrderLoop.line(order, u.lineNo());
            line.delivered = Math.min(line.shipped, line.delivered + u.quantity());
            repository.updateLine(order.id, line);
          }
          String actor = Actors.current();
          repository.appendEvent(
              order.id,
              "shipment.delivered",
              null,
              null,
              clock.instant(),
              actor,
              null,
              Map.of("shipmentId", shipmentId.toString(), "deliveredAt", deliveredAt.toString()));
          if (order.state == OrderState.SHIPPED && OrderLoop.allShippedUnitsDelivered(order)) {
            loop.transitionTo(
                order,
                OrderState.DELIVERED,
                actor,
                null,
                Map.of("shipmentId", shipmentId.toString()));
          }
          repository.bumpVersion(order.id, clock.instant());
          return order.state;
        });
  }

  // ------------------------------------------------------------------ queue and returns

  /** A page of orders in fulfillment, most urgent first, and the cursor of the next page. */
  public record FulfillmentPage(List<OrderView> orders, String nextCursor) {}

  /** Orders in FULFILLMENT_QUEUED or PARTIALLY_SHIPPED and not on hold, most urgent first. */
  public FulfillmentPage inFulfillment(String cursor, int limit) {
    OrderRepository.BackorderCandidate after = null;
    if (cursor != null && !cursor.isBlank()) {
      OrderRepository.Cursor c = OrderRepository.Cursor.decode(cursor);
      if (c == null) {
        throw ApiProblem.badRequest("cursor: not a cursor this service issued");
      }
      after = new OrderRepository.BackorderCandidate(c.id(), c.createdAt());
    }
    List<OrderRecord> rows = repository.inFulfillment(after, limit + 1);
    String next = null;
    if (rows.size() > limit) {
      rows = rows.subList(0, limit);
      OrderRecord last = rows.getLast();
      Instant priority =
          last.b2b != null && last.b2b.deliveryWindow() != null
              ? last.b2b.deliveryWindow().from().atStartOfDay(ZoneOffset.UTC).toInstant()
              : last.createdAt;
      next = new OrderRepository.Cursor(priority, last.id).encode();
    }
    return new FulfillmentPage(rows.stream().map(OrderRepository::view).toList(), next);
  }

  /**
   * Locks an order for the caller's transaction (e.g. while returns are created against its shipped
   * units) and returns it.
   */
  public OrderView lock(String idOrNumber) {
    return transactions.inTransaction(
        () -> OrderRepository.view(loop.lockForCommand(idOrNumber, null)));
  }

  /** Appends a return's milestone to its order's history (joins the caller's transaction). */
  public void recordReturnMilestone(
      UUID orderId, String type, String reason, Map<String, Object> details) {
    transactions.run(
        () ->
            repository.appendEvent(
                orderId, type, null, null, clock.instant(), Actors.current(), reason, details));
  }

  // ------------------------------------------------------------------ scheduled

  /** Closes delivered orders whose close grace has passed; safe on several instances. */
  int closeDelivered() {
    return transactions.inTransaction(
        () -> {
          Instant now = clock.instant();
          List<UUID> due = repository.deliveredBefore(now.minus(properties.closeGrace()), 100);
          for (UUID id : due) {
            OrderRecord order = repository.load(id, false).orElseThrow();
            loop.transitionTo(
                order,
                OrderState.CLOSED,
                Actors.SYSTEM,
                null,
                Map.of("closeGrace", properties.closeGrace().toString()));
            repository.bumpVersion(id, now);
          }
          return due.size();
        });
  }

  /** Flags B2B orders past their last ship date; safe on several instances. */
  int flagAtRisk() {
    return transactions.inTransaction(
        () -> {
          Instant now = clock.instant();
          LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
          List<UUID> late = repository.pastShipBy(today, properties.transitLeadDays(), 100);
          for (UUID id : late) {
            OrderRecord order = repository.load(id, false).orElseThrow();
            CreateOrder.DeliveryWindow window = order.b2b.deliveryWindow();
            LocalDate shipBy =
                properties.transitLeadDays() == null
                    ? window.to()
                    : window.from().minusDays(properties.transitLeadDays());
            repository.setAtRisk(id);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("shipBy", shipBy.toString());
            details.put("windowFrom", window.from().toString());
            details.put("windowTo", window.to().toString());
            details.put("state", order.state.name());
            repository.appendEvent(
                id,
                "order.at_risk",
                null,
                null,
                now,
                Actors.SYSTEM,
                "not shipped by the last day its delivery window allows",
                details);
            repository.bumpVersion(id, now);
          }
          return late.size();
        });
  }

  private static boolean isOpen(OrderState state) {
    return state == OrderState.RECEIVED
        || state == OrderState.ALLOCATED
        || state == OrderState.FULFILLMENT_QUEUED
        || state == OrderState.PARTIALLY_SHIPPED;
  }

  private OrderView view(UUID id) {
    return repository.load(id, false).map(OrderRepository::view).orElseThrow();
  }
}
