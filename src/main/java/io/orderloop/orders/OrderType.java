package io.orderloop.orders;

/**
 * Direct-to-consumer or business-to-business. B2B orders carry buyer PO, terms, delivery window and
 * case packs.
 */
public enum OrderType {
  DTC,
  B2B
}
