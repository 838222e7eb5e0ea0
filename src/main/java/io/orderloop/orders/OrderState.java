package io.orderloop.orders;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The order loop. This table is the one place that says which moves are allowed, and the predicates
 * below are the one place that says what each state permits; the SQL that filters by state takes
 * its sets from here ({@link #sqlIn}).
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

  /**
   * Orders with units still to allocate, cancel or ship: backorders wait on them, operators manage
   * their reservations, they may be held and flagged at risk.
   */
  public static final Set<OrderState> OPEN =
      Collections.unmodifiableSet(
          EnumSet.of(RECEIVED, ALLOCATED, FULFILLMENT_QUEUED, PARTIALLY_SHIPPED));

  /** Orders released to fulfillment: they may ship (unless held). */
  public static final Set<OrderState> SHIPPABLE =
      Collections.unmodifiableSet(EnumSet.of(FULFILLMENT_QUEUED, PARTIALLY_SHIPPED));

  /** Orders whose shipments all arrived: returns may be opened against them. */
  public static final Set<OrderState> RETURNABLE =
      Collections.unmodifiableSet(EnumSet.of(DELIVERED, CLOSED));

  /** Moves a hold blocks: a held order is not released to fulfillment and does not ship. */
  static final Set<OrderState> BLOCKED_BY_HOLD =
      Collections.unmodifiableSet(EnumSet.of(FULFILLMENT_QUEUED, PARTIALLY_SHIPPED, SHIPPED));

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

  /** See {@link #OPEN}. */
  public boolean isOpen() {
    return OPEN.contains(this);
  }

  /** See {@link #SHIPPABLE}. */
  public boolean isShippable() {
    return SHIPPABLE.contains(this);
  }

  /** See {@link #RETURNABLE}. */
  public boolean isReturnable() {
    return RETURNABLE.contains(this);
  }

  /** Units may still be cancelled line by line (before they ship). */
  public boolean allowsLineCancellation() {
    return isOpen();
  }

  /** Units reserved now join the fulfillment queue by themselves. */
  boolean isInFulfillment() {
    return isShippable();
  }

  /** The history and event type of entering this state, e.g. {@code order.fulfillment_queued}. */
  public String eventType() {
    return "order." + name().toLowerCase(Locale.ROOT);
  }

  /** {@code ('RECEIVED', 'ALLOCATED')}: a set of states as an SQL list, for {@code state IN …}. */
  static String sqlIn(Set<OrderState> states) {
    return states.stream()
        .sorted()
        .map(s -> "'" + s.name() + "'")
        .collect(Collectors.joining(", ", "(", ")"));
  }
}
