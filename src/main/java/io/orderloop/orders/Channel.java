package io.orderloop.orders;

/** Where an order came from. */
public enum Channel {
  SHOPIFY,
  SQUARE,
  EDI,
  MANUAL,
  API
}
