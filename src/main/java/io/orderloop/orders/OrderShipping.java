package io.orderloop.orders;

import io.orderloop.common.ApiProblem;
import io.orderloop.inventory.reservations.LineReservation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The order's shipping rules: which units may ship, consuming their reservations, the state a
 * shipment leaves, deliveries confirmed. Part of the {@link Order} aggregate.
 */
final class OrderShipping {

  private final Order o;

  OrderShipping(Order o) {
    this.o = o;
  }

  /**
   * The lines of the shipment that leaves when an operator ships every reserved unit, checked
   * against the state the operator asked for (SHIPPED or PARTIALLY_SHIPPED).
   */
  List<Shipment.Line> everythingReserved(OrderState requested) {
    Map<String, Integer> perSku = new LinkedHashMap<>();
    o.lines.stream()
        .filter(l -> l.allocated > 0)
        .forEach(l -> perSku.merge(l.sku, l.allocated, Integer::sum));
    if (perSku.isEmpty()) {
      throw o.conflict("nothing is reserved to ship: " + o.describeBackorders());
    }
    boolean complete = o.lines.stream().allMatch(l -> l.open() == l.allocated);
    OrderState result = complete ? OrderState.SHIPPED : OrderState.PARTIALLY_SHIPPED;
    if (result != requested) {
      throw o.conflict(
          "shipping every reserved unit would leave the order "
              + result
              + ", not "
              + requested
              + (complete ? "" : ": " + o.describeBackorders()));
    }
    List<Shipment.Line> out = new ArrayList<>();
    perSku.forEach((sku, q) -> out.add(new Shipment.Line(sku, q, null)));
    return out;
  }

  /**
   * Ships units: consumes their reservations, records the shipment, and moves the order to
   * PARTIALLY_SHIPPED or SHIPPED. Only orders released to fulfillment and not on hold ship.
   */
  Shipment ship(
      Stock stock, UUID shipmentId, String carrier, String tracking, List<Shipment.Line> request) {
    if (!o.state.isShippable()) {
      throw o.conflict(
              "only orders in FULFILLMENT_QUEUED or PARTIALLY_SHIPPED can ship; "
                  + (o.state == OrderState.ALLOCATED
                      ? "release it to fulfillment first"
                      : "this one is " + o.state))
          .with("shippableStates", List.copyOf(OrderState.SHIPPABLE).stream().sorted().toList());
    }
    if (o.onHold()) {
      throw o.onHold("ship it");
    }
    List<Shipment.Units> shipped = new ArrayList<>();
    for (int i = 0; i < request.size(); i++) {
      shipLine(stock, request.get(i), "lines[" + i + "]", shipmentId, shipped);
    }
    o.record(
        new OrderEvent.ShipmentRecorded(
            shipmentId.toString(),
            carrier,
            tracking,
            shipped.stream()
                .map(
                    u ->
                        new OrderEvent.ShippedUnits(
                            u.lineNo(), u.sku(), u.quantity(), u.lot(), u.location()))
                .toList()),
        null);
    OrderState next =
        o.lines.stream().allMatch(l -> l.open() == 0)
            ? OrderState.SHIPPED
            : OrderState.PARTIALLY_SHIPPED;
    if (next != o.state) {
      o.transitionTo(
          next,
          next == OrderState.SHIPPED
              ? new OrderEvent.Shipped(shipmentId.toString(), null)
              : new OrderEvent.PartiallyShipped(shipmentId.toString()),
          null);
    }
    return new Shipment(shipmentId, carrier, tracking, o.now(), shipped);
  }

  private void shipLine(
      Stock stock, Shipment.Line request, String field, UUID shipmentId, List<Shipment.Units> out) {
    List<OrderLine> matching = o.linesOf(request.sku(), field);
    if (matching.stream().allMatch(OrderLine::isCancelled)) {
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
    for (OrderLine line : matching) {
      int take = Math.min(left, line.allocated);
      if (take == 0) {
        continue;
      }
      List<LineReservation.Slice> slices =
          stock.consume(o.id, line.lineNo, take, request.lot(), "shipment " + shipmentId);
      int got = slices.stream().mapToInt(LineReservation.Slice::quantity).sum();
      line.allocated -= got;
      line.shipped += got;
      line.changed();
      for (LineReservation.Slice s : slices) {
        out.add(
            new Shipment.Units(
                line.lineNo,
                line.sku,
                s.quantity(),
                s.lot(),
                s.location(),
                line.casePack,
                line.palletQuantity));
      }
      left -= got;
      if (left == 0) {
        break;
      }
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

  /**
   * A shipment arrived: its units count as delivered; a SHIPPED order whose shipped units are all
   * delivered becomes DELIVERED (and CLOSED at once when the close grace is zero). Returns false
   * when the order was confirmed delivered already (nothing changes).
   */
  boolean recordDelivery(UUID shipmentId, Map<Integer, Integer> unitsPerLine, Instant at) {
    if (o.state.isReturnable()) {
      return false;
    }
    o.deliveryTime = at;
    unitsPerLine.forEach(
        (lineNo, q) -> {
          OrderLine line = o.line(lineNo);
          line.delivered = Math.min(line.shipped, line.delivered + q);
          line.changed();
        });
    o.record(new OrderEvent.ShipmentDelivered(shipmentId.toString(), at.toString()), null);
    if (o.state == OrderState.SHIPPED && o.allShippedUnitsDelivered()) {
      o.transitionTo(
          OrderState.DELIVERED,
          new OrderEvent.Delivered(shipmentId.toString(), null, null, null),
          null);
    }
    return true;
  }

  /** A delivered order whose close grace has passed closes. */
}
