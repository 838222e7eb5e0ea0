package io.orderloop.orders;

import io.orderloop.common.ApiProblem;
import io.orderloop.orders.OrderEvent.LineUnits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The order's cancellation rules: the whole order, the unshipped rest of a partly shipped one, or
 * units of some lines (backordered units first, then reserved ones). Part of the {@link Order}
 * aggregate.
 */
final class OrderCancellation {

  private final Order o;

  OrderCancellation(Order o) {
    this.o = o;
  }

  /**
   * Cancels the whole order ({@code requested} empty) or some unshipped units. Whole: from
   * RECEIVED, ALLOCATED or FULFILLMENT_QUEUED → CANCELLED; from PARTIALLY_SHIPPED the unshipped
   * rest is cancelled → SHIPPED. Lines: backordered units go first, then reserved ones; an order
   * left with nothing open is CANCELLED (or SHIPPED when part of it shipped).
   */
  void cancel(Stock stock, String reason, List<Order.CancelLine> requested) {
    if (requested == null || requested.isEmpty()) {
      if (o.state.canTransitionTo(OrderState.CANCELLED)) {
        cancelWhole(stock, reason);
      } else if (o.state == OrderState.PARTIALLY_SHIPPED) {
        cancelUnshippedRest(stock, reason);
      } else {
        throw o.conflict("an order in " + o.state + " cannot be cancelled");
      }
    } else {
      cancelLines(stock, reason, requested);
    }
  }

  void cancelWhole(Stock stock, String reason) {
    Map<Integer, Integer> released = stock.releaseAll(o.id, "order cancelled");
    o.reservations().recordRelease(released, reason);
    for (OrderLine l : o.lines) {
      l.cancelled += l.unshipped();
      l.allocated = 0;
      l.backordered = 0;
      l.changed();
    }
    o.transitionTo(
        OrderState.CANCELLED, new OrderEvent.Cancelled(Order.sum(released), null), reason);
  }

  private void cancelUnshippedRest(Stock stock, String reason) {
    Map<Integer, Integer> released = stock.releaseAll(o.id, "unshipped rest cancelled");
    o.reservations().recordRelease(released, reason);
    List<LineUnits> cancelled = new ArrayList<>();
    for (OrderLine l : o.lines) {
      int open = l.unshipped();
      if (open > 0) {
        cancelled.add(new LineUnits(l.lineNo, l.sku, open));
      }
      l.cancelled += open;
      l.allocated = 0;
      l.backordered = 0;
      l.changed();
    }
    o.record(new OrderEvent.LinesCancelled(cancelled), reason);
    o.transitionTo(OrderState.SHIPPED, new OrderEvent.Shipped(null, true), reason);
  }

  private void cancelLines(Stock stock, String reason, List<Order.CancelLine> requested) {
    if (!o.state.allowsLineCancellation()) {
      throw o.conflict("lines of an order in " + o.state + " cannot be cancelled");
    }
    List<LineUnits> cancelled = new ArrayList<>();
    Map<Integer, Integer> releasedTotal = new LinkedHashMap<>();
    for (int i = 0; i < requested.size(); i++) {
      Order.CancelLine c = requested.get(i);
      String field = "lines[" + i + "]";
      List<OrderLine> matching = o.linesOf(c.sku(), field);
      int cancellable = matching.stream().mapToInt(OrderLine::unshipped).sum();
      if (c.quantity() > cancellable) {
        throw ApiProblem.unprocessable(
            field + ".quantity",
            "only "
                + cancellable
                + " unshipped unit(s) of SKU '"
                + c.sku()
                + "' can be cancelled, not "
                + c.quantity());
      }
      Map<Integer, Integer> perLine =
          o.reservations()
              .takeUnshipped(stock, matching, c.quantity(), "line cancelled", releasedTotal);
      for (Map.Entry<Integer, Integer> e : perLine.entrySet()) {
        OrderLine l = o.line(e.getKey());
        l.cancelled += e.getValue();
        l.changed();
        cancelled.add(new LineUnits(l.lineNo, l.sku, e.getValue()));
      }
    }
    o.reservations().recordRelease(releasedTotal, reason);
    o.record(new OrderEvent.LinesCancelled(cancelled), reason);
    settleAfterLinesCancelled(reason);
  }

  /** Where an order goes once some of its open units are gone. */
  private void settleAfterLinesCancelled(String reason) {
    boolean nothingOpen = o.lines.stream().allMatch(l -> l.unshipped() == 0);
    boolean anyShipped = o.lines.stream().anyMatch(l -> l.shipped > 0);
    if (nothingOpen && !anyShipped) {
      o.transitionTo(OrderState.CANCELLED, new OrderEvent.Cancelled(null, true), reason);
    } else if (nothingOpen && o.state == OrderState.PARTIALLY_SHIPPED) {
      o.transitionTo(OrderState.SHIPPED, new OrderEvent.Shipped(null, true), reason);
    } else if (o.state == OrderState.RECEIVED) {
      o.moveToAllocatedIfMet();
    } else if (o.state == OrderState.ALLOCATED || o.state == OrderState.FULFILLMENT_QUEUED) {
      o.requirePolicyStillMet("cancelling these units");
    }
  }
}
