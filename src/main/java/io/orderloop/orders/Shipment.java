package io.orderloop.orders;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Units of an order that left together, as the order recorded them.
 *
 * @param units per order line, lot and location, with the line's case pack and pallet size
 */
public record Shipment(
    UUID id, String carrier, String trackingNumber, Instant shippedAt, List<Units> units) {

  /**
   * Units of one SKU to ship, of one lot when given (by default the reserved lots, oldest first).
   */
  public record Line(String sku, int quantity, String lot) {}

  /** Units that left: order line, lot and location, with the line's case pack and pallet size. */
  public record Units(
      int lineNo,
      String sku,
      int quantity,
      String lot,
      String location,
      int casePack,
      Integer palletQuantity) {}
}
