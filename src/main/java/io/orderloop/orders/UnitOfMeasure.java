package io.orderloop.orders;

/** How a line's quantity is counted: single units, or cases of the SKU's case pack. */
public enum UnitOfMeasure {
  EACH,
  CASE
}
