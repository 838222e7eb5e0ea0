package io.orderloop.returns;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The return loop; like the order loop, its moves are listed here and nowhere else. */
public enum ReturnState {
  REQUESTED,
  AUTHORIZED,
  RECEIVED,
  REFUNDED,
  CLOSED,
  REJECTED;

  private static final Map<ReturnState, Set<ReturnState>> NEXT = new EnumMap<>(ReturnState.class);

  static {
    NEXT.put(REQUESTED, EnumSet.of(AUTHORIZED, REJECTED));
    NEXT.put(AUTHORIZED, EnumSet.of(RECEIVED, REJECTED));
    NEXT.put(RECEIVED, EnumSet.of(REFUNDED));
    NEXT.put(REFUNDED, EnumSet.of(CLOSED));
    NEXT.put(CLOSED, EnumSet.noneOf(ReturnState.class));
    NEXT.put(REJECTED, EnumSet.noneOf(ReturnState.class));
  }

  public Set<ReturnState> allowedTransitions() {
    return Collections.unmodifiableSet(NEXT.get(this));
  }

  public boolean canTransitionTo(ReturnState next) {
    return NEXT.get(this).contains(next);
  }

  /** The history type of entering this state, e.g. {@code return.authorized}. */
  public String eventType() {
    return "return." + name().toLowerCase(java.util.Locale.ROOT);
  }
}
