package io.orderloop.orders;

/**
 * The order's hold rules: one hold of each {@link HoldKind} at a time on an open order; any hold
 * keeps it from fulfillment; each is released on its own. Part of the {@link Order} aggregate.
 */
final class OrderHolds {

  private final Order o;

  OrderHolds(Order o) {
    this.o = o;
  }

  /**
   * Puts an open order on hold of a kind: it is not released to fulfillment and does not ship until
   * every hold is released. One hold of each kind at a time.
   */
  void hold(HoldKind kind, String reason) {
    if (!o.state.isOpen()) {
      throw o.conflict("an order in " + o.state + " cannot be held");
    }
    o.holdOf(kind)
        .ifPresent(
            h -> {
              throw o.conflict(
                  "order " + o.number + " is already on hold (" + Order.describe(h) + ")");
            });
    o.holds.add(new Order.Hold(kind, reason, o.actor(), o.now()));
    o.record(new OrderEvent.Held(kind.name(), o.state.name(), null), reason);
  }

  /**
   * Releases a hold: the one of {@code kind}, or with no kind the only hold, or the manual one when
   * there are several.
   */
  void release(HoldKind kind, String reason) {
    if (o.holds.isEmpty()) {
      throw o.conflict("order " + o.number + " is not on hold");
    }
    HoldKind which =
        kind != null
            ? kind
            : o.holds.size() == 1
                ? o.holds.getFirst().kind()
                : o.holdOf(HoldKind.MANUAL).isPresent() ? HoldKind.MANUAL : null;
    if (which == null) {
      throw o.conflict(
          "order " + o.number + " has several holds " + o.kinds() + "; name the kind to release");
    }
    Order.Hold released =
        o.holdOf(which)
            .orElseThrow(
                () ->
                    o.conflict(
                        "order "
                            + o.number
                            + " has no "
                            + which
                            + " hold (it has "
                            + o.kinds()
                            + ")"));
    o.holds.remove(released);
    o.record(new OrderEvent.HoldReleased(which.name(), released.reason()), reason);
  }
}
