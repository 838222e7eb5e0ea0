package io.orderloop.orders;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The order loop. This table is the one place that says which moves are allowed; every state change
 * goes through {@code transitionTo}, which asks it, and the API offers exactly the moves it lists.
 *
 * <pre>
 * RECEIVED → ALLOCATED → FULFILLMENT_QUEUED → PARTIALLY_SHIPPED → SHIPPED → DELIVERED → CLOSED
 *     \__________\_____________\→ CANCELLED          (FULFILLMENT_QUEUED may also ship in one go → SHIPPED)
 * </pre>
 */
public enum OrderState {
  RECEIVED,
  ALLOCATED,
  FULFILLMENT_QUEUED,
  PARTIALLY_SHIPPED,
  SHIPPED,
  DELIVERED,
  CLOSED,
  CANCELLED;

  private static final Map<OrderState, Set<OrderState>> NEXT = new EnumMap<>(OrderState.class);

  static {
    NEXT.put(RECEIVED, EnumSet.of(ALLOCATED, CANCELLED));
    NEXT.put(ALLOCATED, EnumSet.of(FULFILLMENT_QUEUED, CANCELLED));
    NEXT.put(FULFILLMENT_QUEUED, EnumSet.of(PARTIALLY_SHIPPED, SHIPPED, CANCELLED));
    NEXT.put(PARTIALLY_SHIPPED, EnumSet.of(SHIPPED));
    NEXT.put(SHIPPED, EnumSet.of(DELIVERED));
    NEXT.put(DELIVERED, EnumSet.of(CLOSED));
    NEXT.put(CLOSED, EnumSet.noneOf(OrderState.class));
    NEXT.put(CANCELLED, EnumSet.noneOf(OrderState.class));
  }

  /** The states this one may move to, in loop order. */
  public Set<OrderState> allowedTransitions() {
    return Collections.unmodifiableSet(NEXT.get(this));
  }

  public boolean canTransitionTo(OrderState next) {
    return NEXT.get(this).contains(next);
  }

  /** No move leaves this state. */
  public boolean isTerminal() {
    return NEXT.get(this).isEmpty();
  }

  /** Units may still be cancelled line by line (before they ship). */
  public boolean allowsLineCancellation() {
    return this == RECEIVED
        || this == ALLOCATED
        || this == FULFILLMENT_QUEUED
        || this == PARTIALLY_SHIPPED;
  }

  /** The history and event type of entering this state, e.g. {@code order.fulfillment_queued}. */
  public String eventType() {
    return "order." + name().toLowerCase(java.util.Locale.ROOT);
  }
}
