package io.orderloop.orders;

import io.orderloop.common.ApiProblem;
import io.orderloop.orders.OrderRepository.LineRecord;
import io.orderloop.orders.OrderRepository.OrderRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The loop's one gate, shared by the order services: {@link #transitionTo} is the only place an
 * order's state changes. It asks the {@link OrderState} table, writes the state, appends the
 * history event, and makes the moves that follow by themselves: a SHIPPED order whose shipped units
 * are all delivered is DELIVERED, and a DELIVERED order is CLOSED at once when {@code
 * orderloop.orders.close-grace} is zero (later by {@link OrderScheduler}).
 */
@Component
class OrderLoop {

  private final OrderRepository repository;
  private final OrderProperties properties;
  private final Clock clock;

  OrderLoop(OrderRepository repository, OrderProperties properties, Clock clock) {
    this.repository = repository;
    this.properties = properties;
    this.clock = clock;
  }

  /** Moves a locked order to {@code to}, or throws the 409 problem naming the allowed moves. */
  void transitionTo(
      OrderRecord order, OrderState to, String actor, String reason, Map<String, Object> details) {
    if (!order.state.canTransitionTo(to)) {
      throw stateConflict(order, "cannot move from " + order.state + " to " + to);
    }
    OrderState from = order.state;
    Instant now = clock.instant();
    repository.updateState(order.id, to);
    repository.appendEvent(order.id, to.eventType(), from, to, now, actor, reason, details);
    order.state = to;
    if ((to == OrderState.SHIPPED || to == OrderState.CANCELLED) && order.atRisk) {
      repository.clearAtRisk(order.id);
      order.atRisk = false;
    }
    if (to == OrderState.SHIPPED && allShippedUnitsDelivered(order)) {
      transitionTo(order, OrderState.DELIVERED, actor, null, Map.of("allShipmentsDelivered", true));
    } else if (to == OrderState.DELIVERED) {
      // Grace runs from the delivery itself (a carrier's time), not from when it was reported.
      Instant deliveredAt = order.deliveredAt != null ? order.deliveredAt : now;
      order.deliveredAt = deliveredAt;
      repository.markDelivered(order.id, deliveredAt);
      if (properties.closeGrace().isZero()) {
        transitionTo(order, OrderState.CLOSED, actor, null, Map.of("closeGrace", "PT0S"));
      }
    }
  }

  /** Locks an order for a command and checks the client's {@code If-Match} version. */
  OrderRecord lockForCommand(String idOrNumber, Integer expectedVersion) {
    UUID id = repository.resolve(idOrNumber).orElseThrow(() -> notFound(idOrNumber));
    OrderRecord order = repository.load(id, true).orElseThrow(() -> notFound(idOrNumber));
    if (expectedVersion != null && expectedVersion != order.version) {
      throw ApiProblem.preconditionFailed(
              "order "
                  + order.number
                  + " is at version "
                  + order.version
                  + ", not "
                  + expectedVersion
                  + "; read it again and retry")
          .with("currentVersion", order.version);
    }
    return order;
  }

  static boolean allShippedUnitsDelivered(OrderRecord order) {
    int shipped = order.lines.stream().mapToInt(l -> l.shipped).sum();
    int delivered = order.lines.stream().mapToInt(l -> l.delivered).sum();
    return shipped > 0 && delivered == shipped;
  }

  static boolean policyMet(OrderRecord order) {
    int allocated = order.lines.stream().mapToInt(l -> l.allocated).sum();
    int backordered = order.lines.stream().mapToInt(l -> l.backordered).sum();
    return switch (order.policy) {
      case SHIP_COMPLETE -> allocated > 0 && backordered == 0;
      case SHIP_PARTIAL -> allocated > 0;
    };
  }

  static boolean everythingShipped(OrderRecord order) {
    return order.lines.stream().allMatch(l -> l.open() == 0);
  }

  static LineRecord line(OrderRecord order, int lineNo) {
    return order.lines.stream().filter(l -> l.lineNo == lineNo).findFirst().orElseThrow();
  }

  static ApiProblem notFound(String idOrNumber) {
    return ApiProblem.notFound("no order with id or number '" + idOrNumber + "'");
  }

  /** The moves the table allows from the order's state, less those its hold blocks. */
  static Set<OrderState> allowed(OrderRecord order) {
    if (order.holdReason == null) {
      return order.state.allowedTransitions();
    }
    Set<OrderState> allowed = new java.util.LinkedHashSet<>(order.state.allowedTransitions());
    allowed.remove(OrderState.FULFILLMENT_QUEUED);
    allowed.remove(OrderState.SHIPPED);
    allowed.remove(OrderState.PARTIALLY_SHIPPED);
    return java.util.Collections.unmodifiableSet(allowed);
  }

  static ApiProblem stateConflict(OrderRecord order, String detail) {
    Set<OrderState> allowed = allowed(order);
    return ApiProblem.conflict(
            "state-conflict",
            "Not allowed in the order's current state",
            detail
                + " (order "
                + order.number
                + " is "
                + order.state
                + "; allowed next: "
                + (allowed.isEmpty() ? "none" : allowed)
                + ")")
        .with("currentState", order.state)
        .with("allowedTransitions", allowed);
  }

  /** 409 for an order on hold: it is not released to fulfillment and cannot ship. */
  static ApiProblem onHold(OrderRecord order, String action) {
    return stateConflict(
            order,
            "order "
                + order.number
                + " is on hold ("
                + order.holdReason
                + "); release the hold before you "
                + action)
        .with("hold", order.holdReason);
  }
}
