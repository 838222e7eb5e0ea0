package io.orderloop.fulfillment;

import io.orderloop.orders.Invoice;
import io.orderloop.orders.OrderState;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A shipment: carrier, tracking number, the units with their lot and location, its own state
 * ({@code SHIPPED} or {@code DELIVERED}), and — when just created — the order's state after it and
 * the invoice of a B2B order.
 */
public record ShipmentView(
    UUID id,
    UUID orderId,
    String orderNumber,
    String carrier,
    String trackingNumber,
    String state,
    Instant shippedAt,
    Instant deliveredAt,
    List<Line> lines,
    OrderState orderState,
    Invoice invoice) {

  /**
   * Units of one order line in the shipment. {@code cases} is the quantity in whole cases and
   * {@code pallets} in pallets, when the SKU has a case pack or pallet size.
   */
  public record Line(
      int lineNo,
      String sku,
      int quantity,
      String lot,
      String location,
      Integer cases,
      BigDecimal pallets) {}
}
