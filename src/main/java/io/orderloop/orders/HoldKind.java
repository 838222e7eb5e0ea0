package io.orderloop.orders;

/**
 * Why an order is held. A held order is not released to fulfillment and does not ship; an order may
 * carry one hold of each kind, and each is released on its own.
 */
public enum HoldKind {
  /** Put by an operator or at intake ({@code holdReason}); released by an operator. */
  MANUAL,
  /**
   * A channel line maps to no SKU yet. Meant to be lifted by the channel adapters when the mapping
   * is added (the channel issues); until then released through the API like any hold.
   */
  UNMAPPED_SKU,
  /**
   * The channel has not captured payment yet. Meant to be lifted by the channel adapters when it is
   * paid; until then released through the API like any hold.
   */
  PAYMENT_PENDING
}
