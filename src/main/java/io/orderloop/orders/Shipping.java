package io.orderloop.orders;

import io.orderloop.common.IfMatch;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * The orders module's API for execution: ship units of an order and record deliveries. The
 * fulfillment module calls it and keeps its shipment records from the {@code
 * order.shipment_recorded} and {@code order.delivered} events it publishes; nothing here calls back
 * into fulfillment.
 *
 * <p>Rejects: 404 unknown order; 409 a state or hold that does not allow shipping (with {@code
 * currentState}, {@code allowedTransitions} and {@code shippableStates}); 412 stale {@code
 * If-Match}; 422 a SKU, quantity or lot the order cannot ship. Records {@code
 * order.shipment_recorded}, {@code invoice.issued} (B2B), {@code shipment.delivered} and the state
 * changes.
 */
@Service
public class Shipping {

  private final OrderCommands commands;
  private final Stock stock;
  private final Invoices invoices;

  Shipping(OrderCommands commands, Stock stock, Invoices invoices) {
    this.commands = commands;
    this.stock = stock;
    this.invoices = invoices;
  }

  /**
   * What a shipment did to the order: its state after, the shipment, and the invoice for a B2B
   * order.
   */
  public record Shipped(
      UUID orderId,
      String orderNumber,
      OrderType type,
      OrderState state,
      Shipment shipment,
      Invoice invoice) {}

  /**
   * Ships units of an order in FULFILLMENT_QUEUED or PARTIALLY_SHIPPED: consumes their reservations
   * (on hand and reserved go down, with ledger rows), moves the order to PARTIALLY_SHIPPED or
   * SHIPPED, and issues an invoice for a B2B order. Joins the caller's transaction.
   */
  public Shipped ship(
      UUID shipmentId,
      String idOrNumber,
      String carrier,
      String trackingNumber,
      List<Shipment.Line> lines,
      IfMatch expectedVersion) {
    return commands.call(
        idOrNumber,
        expectedVersion,
        order -> ship(order, shipmentId, carrier, trackingNumber, lines),
        shipped -> shipped);
  }

  /** Ships on an order whose command is already running (also the manual SHIPPED move). */
  Shipped ship(
      Order order,
      UUID shipmentId,
      String carrier,
      String trackingNumber,
      List<Shipment.Line> lines) {
    Shipment shipment = order.ship(stock, shipmentId, carrier, trackingNumber, lines);
    Invoice invoice = order.type == OrderType.B2B ? invoices.issue(order, shipment) : null;
    return new Shipped(order.id, order.number, order.type, order.state, shipment, invoice);
  }

  /**
   * Records a shipment's delivery on its order (joins the caller's transaction): a SHIPPED order
   * whose shipped units are all delivered becomes DELIVERED, and CLOSED at once when the close
   * grace is zero. An order confirmed delivered already is left as it is.
   *
   * @param unitsPerLine delivered units per order line
   */
  public OrderState recordDelivery(
      UUID orderId, UUID shipmentId, Map<Integer, Integer> unitsPerLine, Instant deliveredAt) {
    return commands.call(
        orderId.toString(),
        null,
        order -> {
          order.recordDelivery(shipmentId, unitsPerLine, deliveredAt);
          return order.state;
        },
        state -> state);
  }
}
