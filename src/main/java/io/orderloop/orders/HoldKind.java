package io.orderloop.orders;

/**
 * Why an order is held. A held order is not released to fulfillment and does not ship; an order may
 * carry one hold of each kind, and each is released on its own.
 */
public enum HoldKind {
  /** Put by an operator or at intake ({@code holdReason}); released by an operator. */
  MANUAL,
  /**
   * A channel line maps to no SKU yet. Lifted by itself when an alias for it is added (the waiting
   * lines join the order and are allocated), or released through the API like any hold.
   */
  UNMAPPED_SKU,
  /**
   * The channel has not captured or authorised payment yet. Lifted by itself when a channel update
   * says it is paid, or released through the API like any hold.
   */
  PAYMENT_PENDING,
  /**
   * A channel sent something the loop would not take as it is: a line with a quantity of 0 or a
   * fraction, a line the catalogue refuses, or text that had control characters. Released by a
   * person once checked.
   */
  CHANNEL_DATA
}
