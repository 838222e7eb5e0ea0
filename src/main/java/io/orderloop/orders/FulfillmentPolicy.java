package io.orderloop.orders;

/**
 * When an order counts as allocated. {@code SHIP_COMPLETE}: every open unit reserved (default for
 * B2B); {@code SHIP_PARTIAL}: at least one unit reserved (default for DTC).
 */
public enum FulfillmentPolicy {
  SHIP_COMPLETE,
  SHIP_PARTIAL;

  static FulfillmentPolicy defaultFor(OrderType type) {
    return type == OrderType.B2B ? SHIP_COMPLETE : SHIP_PARTIAL;
  }
}
