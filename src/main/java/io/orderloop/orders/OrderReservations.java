package io.orderloop.orders;

import io.orderloop.common.ApiProblem;
import io.orderloop.inventory.reservations.Demand;
import io.orderloop.inventory.reservations.LineReservation;
import io.orderloop.orders.OrderEvent.BackorderedUnits;
import io.orderloop.orders.OrderEvent.LineUnits;
import io.orderloop.orders.OrderEvent.PinnedLine;
import io.orderloop.orders.OrderEvent.ReservedUnits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The order's reservation rules: reserving backordered units, and an operator's re-run, release,
 * pin, unpin and move of a line's reservations. Part of the {@link Order} aggregate (it changes
 * only its order and calls only {@link Stock}); the order's commands reach it through the order.
 */
final class OrderReservations {

  private final Order o;

  OrderReservations(Order o) {
    this.o = o;
  }

  /**
   * Reserves what it can for every backordered unit; returns the units reserved. At intake the
   * remaining backorder is always recorded; later runs record only what changed.
   */
  int allocate(Stock stock, boolean atIntake) {
    List<Demand> demands = new ArrayList<>();
    for (OrderLine l : o.lines) {
      if (l.backordered > 0) {
        demands.add(new Demand(l.lineNo, l.sku, l.backordered, l.lot));
      }
    }
    if (demands.isEmpty()) {
      return 0;
    }
    List<LineReservation> reservations = stock.reserve(o.id, demands);
    int total = 0;
    List<ReservedUnits> reserved = new ArrayList<>();
    List<PinnedLine> pinned = new ArrayList<>();
    for (LineReservation r : reservations) {
      OrderLine line = o.line(r.lineNo());
      boolean pinnedNow = false;
      if (r.pinnedLot() != null && !r.pinnedLot().equals(line.lot)) {
        pinnedNow = true;
        line.lot = r.pinnedLot();
        line.lotPinned = true;
        pinned.add(new PinnedLine(line.lineNo, line.sku, r.pinnedLot(), null));
      }
      line.allocated += r.reserved();
      line.backordered -= r.reserved();
      if (r.reserved() > 0 || pinnedNow) {
        line.changed(); // a run that reserved nothing writes nothing
      }
      total += r.reserved();
      for (LineReservation.Slice s : r.slices()) {
        reserved.add(
            new ReservedUnits(
                line.lineNo, line.sku, s.quantity(), s.location(), s.lot(), line.lotPinned));
      }
    }
    if (!pinned.isEmpty()) {
      o.record(new OrderEvent.LotPinned(pinned), "SKU requires a pinned lot");
    }
    if (!reserved.isEmpty()) {
      o.record(new OrderEvent.Reserved(reserved, o.state.isInFulfillment() ? true : null), null);
    }
    List<BackorderedUnits> short_ =
        o.lines.stream()
            .filter(l -> l.backordered > 0)
            .map(l -> new BackorderedUnits(l.lineNo, l.sku, l.backordered))
            .toList();
    if (!short_.isEmpty() && (atIntake || !reserved.isEmpty())) {
      o.record(new OrderEvent.Backordered(short_), "not enough available stock");
    }
    return total;
  }

  /** An operator re-runs allocation of the backordered units. */
  void rerunAllocation(Stock stock) {
    o.requireOpen("re-run allocation for");
    int reserved = allocate(stock, false);
    o.record(new OrderEvent.AllocationRerun(reserved), null);
    o.moveToAllocatedIfMet();
  }

  /** Stock arrived: reserve backordered units; returns the units reserved (0: nothing changed). */
  int fillBackorders(Stock stock) {
    if (!o.state.isOpen()) {
      return 0;
    }
    int reserved = allocate(stock, false);
    if (reserved > 0) {
      o.moveToAllocatedIfMet();
    }
    return reserved;
  }

  /**
   * Releases reserved units of one line back to stock; they become backordered. Refused (409) when
   * it would leave an order past RECEIVED without its fulfillment policy met.
   */
  void releaseLine(Stock stock, int lineNo, Integer quantity, String reason) {
    o.requireOpen("release reservations of");
    OrderLine line = o.requireLine(lineNo);
    int q = quantity == null ? line.allocated : quantity;
    if (q <= 0 || q > line.allocated) {
      throw ApiProblem.unprocessable(
          "quantity",
          "line " + lineNo + " holds " + line.allocated + " reserved unit(s); cannot release " + q);
    }
    int released = stock.release(o.id, lineNo, q, "released by operator");
    line.allocated -= released;
    line.backordered += released;
    line.changed();
    o.record(new OrderEvent.Released(List.of(new LineUnits(lineNo, line.sku, released))), reason);
    o.requirePolicyStillMet("releasing these units");
  }

  /**
   * Pins a line to a lot: reservations on other lots are released and the line is re-allocated from
   * that lot only. The caller has checked that the SKU is lot-controlled and the lot exists.
   */
  void pinLine(Stock stock, int lineNo, String lot) {
    o.requireOpen("pin lots of");
    OrderLine line = o.requireLine(lineNo);
    int released = stock.releaseElsewhere(o.id, lineNo, line.allocated, lot, null, "lot re-pinned");
    line.allocated -= released;
    line.backordered += released;
    line.lot = lot;
    line.lotPinned = true;
    line.changed();
    stock.markPinned(o.id, lineNo, true);
    o.record(
        new OrderEvent.LotPinned(List.of(new PinnedLine(lineNo, line.sku, lot, released))),
        "pinned by operator");
    allocate(stock, false);
    o.requirePolicyStillMet("pinning this lot");
    o.moveToAllocatedIfMet();
  }

  /** Unpins a line; its reservations stay. The caller says whether the SKU requires a pin. */
  void unpinLine(Stock stock, int lineNo, boolean skuRequiresPin) {
    o.requireOpen("unpin lots of");
    OrderLine line = o.requireLine(lineNo);
    if (!line.lotPinned) {
      throw ApiProblem.unprocessable("lineNo", "line " + lineNo + " is not pinned to a lot");
    }
    if (skuRequiresPin) {
      throw ApiProblem.unprocessable(
          "lineNo", "SKU '" + line.sku + "' requires a pinned lot; pin another lot instead");
    }
    String lot = line.lot;
    line.lot = null;
    line.lotPinned = false;
    line.changed();
    stock.markPinned(o.id, lineNo, false);
    o.record(
        new OrderEvent.LotUnpinned(List.of(new PinnedLine(lineNo, line.sku, lot, null))), null);
  }

  /**
   * Moves reserved units of a line to another location and/or lot, or changes nothing (409 when the
   * target lacks stock, 422 when the line is pinned to another lot or holds fewer units elsewhere).
   */
  void moveReservation(Stock stock, int lineNo, int quantity, String toLocation, String toLot) {
    o.requireOpen("move reservations of");
    OrderLine line = o.requireLine(lineNo);
    if (line.lotPinned && !Objects.equals(toLot, line.lot)) {
      throw ApiProblem.unprocessable(
          "lot", "line " + lineNo + " is pinned to lot " + line.lot + "; unpin or re-pin it first");
    }
    int released =
        stock.releaseElsewhere(o.id, lineNo, quantity, toLot, toLocation, "moved by operator");
    if (released < quantity) {
      throw ApiProblem.unprocessable(
          "quantity",
          "line "
              + lineNo
              + " holds only "
              + released
              + " reserved unit(s) outside the target; cannot move "
              + quantity);
    }
    stock.reserveAt(o.id, lineNo, line.sku, toLocation, toLot, quantity, line.lotPinned);
    o.record(new OrderEvent.ReservationMoved(lineNo, line.sku, quantity, toLocation, toLot), null);
  }

  /**
   * Takes {@code quantity} unshipped units off the given lines: backordered units first, then
   * reserved ones, whose reservations are released. Returns the units taken per line; the caller
   * says where they go (cancelled, or gone from an edited line).
   */
  Map<Integer, Integer> takeUnshipped(
      Stock stock,
      List<OrderLine> matching,
      int quantity,
      String why,
      Map<Integer, Integer> releasedTotal) {
    int left = quantity;
    Map<Integer, Integer> perLine = new LinkedHashMap<>();
    for (OrderLine l : matching) {
      int fromBackorder = Math.min(left, l.backordered);
      if (fromBackorder > 0) {
        l.backordered -= fromBackorder;
        left -= fromBackorder;
        perLine.merge(l.lineNo, fromBackorder, Integer::sum);
      }
    }
    for (OrderLine l : matching) {
      int fromReserved = Math.min(left, l.allocated);
      if (fromReserved > 0) {
        int released = stock.release(o.id, l.lineNo, fromReserved, why);
        if (released != fromReserved) {
          throw new IllegalStateException(
              "line "
                  + l.lineNo
                  + " of "
                  + o.number
                  + " shows "
                  + l.allocated
                  + " allocated but holds fewer reserved units");
        }
        releasedTotal.merge(l.lineNo, released, Integer::sum);
        l.allocated -= fromReserved;
        left -= fromReserved;
        perLine.merge(l.lineNo, fromReserved, Integer::sum);
      }
    }
    return perLine;
  }

  void recordRelease(Map<Integer, Integer> released, String reason) {
    if (released.isEmpty()) {
      return;
    }
    o.record(
        new OrderEvent.Released(
            released.entrySet().stream()
                .map(e -> new LineUnits(e.getKey(), o.line(e.getKey()).sku, e.getValue()))
                .toList()),
        reason);
  }
}
