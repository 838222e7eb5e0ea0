package io.orderloop.orders;

import io.orderloop.common.ApiProblem;
import io.orderloop.inventory.Demand;
import io.orderloop.inventory.LineReservation;
import io.orderloop.orders.OrderEvent.BackorderedUnits;
import io.orderloop.orders.OrderEvent.LineUnits;
import io.orderloop.orders.OrderEvent.PinnedLine;
import io.orderloop.orders.OrderEvent.ReservedUnits;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The order aggregate: header, lines, hold, B2B terms and version, and every rule of the loop. A
 * command loads it under its row lock ({@link OrderCommands}), asks it, and saves it: the aggregate
 * checks the request against its state, changes itself, calls {@link Stock} for the reservations
 * its rules need, and records typed {@link OrderEvent}s; the repository writes the changed lines,
 * the row (version moved once per accepted command) and the recorded events together.
 *
 * <p>Refusals are {@link ApiProblem}s: 409 for a state or hold that does not allow the step (with
 * {@code currentState} and {@code allowedTransitions}), 422 for quantities, SKUs or lots the order
 * cannot take.
 */
final class Order {

  /** Why an order is held, by whom and since when. */
  record Hold(String reason, String by, Instant at) {}

  /** An event recorded by the running command, with its envelope. */
  record Recorded(
      OrderEvent event, OrderState from, OrderState to, String reason, String actor, Instant at) {}

  final UUID id;
  String number;
  final Channel channel;
  final String externalId;
  final OrderType type;
  final FulfillmentPolicy policy;
  final String currency;
  final Instant createdAt;
  CreateOrder.Customer customer;
  Address shipTo;
  Address billTo;
  CreateOrder.B2b b2b;
  BigDecimal total;
  String notes;
  OrderState state;
  int version;
  Instant updatedAt;
  Hold hold;
  boolean atRisk;
  Instant deliveredAt;
  int lastEventSeq;
  final List<OrderLine> lines = new ArrayList<>();

  /** Not stored yet (intake). */
  boolean isNew;

  private final List<Recorded> recorded = new ArrayList<>();
  private String actor = "system";
  private Instant now;
  private Duration closeGrace = Duration.ZERO;

  Order(
      UUID id,
      Channel channel,
      String externalId,
      OrderType type,
      FulfillmentPolicy policy,
      String currency,
      Instant createdAt) {
    this.id = id;
    this.channel = channel;
    this.externalId = externalId;
    this.type = type;
    this.policy = policy;
    this.currency = currency;
    this.createdAt = createdAt;
    this.updatedAt = createdAt;
    this.now = createdAt;
  }

  /** Starts a command: who acts, the time, and how long a delivered order waits to close. */
  Order begin(String actor, Instant now, Duration closeGrace) {
    this.actor = actor;
    this.now = now;
    this.closeGrace = closeGrace;
    return this;
  }

  /** The events this command recorded, in order. */
  List<Recorded> recorded() {
    return Collections.unmodifiableList(recorded);
  }

  /** After a save: the events are written, the lines clean. */
  void saved() {
    recorded.clear();
    isNew = false;
    lines.forEach(
        l -> {
          l.isNew = false;
          l.dirty = false;
        });
  }

  Instant now() {
    return now;
  }

  String actor() {
    return actor;
  }

  // ------------------------------------------------------------------ intake

  /**
   * A new order as received: every unit backordered until {@link #allocate} runs. Records {@code
   * order.received}.
   */
  static Order receive(
      Channel channel,
      String externalId,
      OrderType type,
      FulfillmentPolicy policy,
      CreateOrder.Customer customer,
      Address shipTo,
      Address billTo,
      String currency,
      CreateOrder.B2b b2b,
      List<OrderLine> lines,
      String actor,
      Instant now) {
    Order o = new Order(UUID.randomUUID(), channel, externalId, type, policy, currency, now);
    o.begin(actor, now, Duration.ZERO);
    o.isNew = true;
    o.state = OrderState.RECEIVED;
    o.customer = customer;
    o.shipTo = shipTo;
    o.billTo = billTo;
    o.b2b = b2b;
    o.lines.addAll(lines);
    o.total = lines.stream().map(l -> l.lineAmount).reduce(BigDecimal.ZERO, BigDecimal::add);
    o.record(
        new OrderEvent.Received(
            channel.name(),
            externalId,
            type.name(),
            policy.name(),
            o.total.toPlainString() + " " + currency,
            lines.stream().map(l -> new LineUnits(l.lineNo, l.sku, l.quantity)).toList()),
        null,
        OrderState.RECEIVED,
        null);
    return o;
  }

  /**
   * Completes intake once the order has its number: reserves what it can, takes an intake hold, and
   * moves to ALLOCATED when the policy is met.
   */
  void accept(Stock stock, String holdReason) {
    allocate(stock, true);
    if (holdReason != null && !holdReason.isBlank()) {
      hold = new Hold(holdReason.strip(), actor, now);
      record(new OrderEvent.Held(null, true), holdReason.strip());
    }
    moveToAllocatedIfMet();
  }

  // ------------------------------------------------------------------ allocation

  /**
   * Reserves what it can for every backordered unit; returns the units reserved. At intake the
   * remaining backorder is always recorded; later runs record only what changed.
   */
  int allocate(Stock stock, boolean atIntake) {
    List<Demand> demands = new ArrayList<>();
    for (OrderLine l : lines) {
      if (l.backordered > 0) {
        demands.add(new Demand(l.lineNo, l.sku, l.backordered, l.lot));
      }
    }
    if (demands.isEmpty()) {
      return 0;
    }
    List<LineReservation> reservations = stock.reserve(id, demands);
    int total = 0;
    List<ReservedUnits> reserved = new ArrayList<>();
    List<PinnedLine> pinned = new ArrayList<>();
    for (LineReservation r : reservations) {
      OrderLine line = line(r.lineNo());
      if (r.pinnedLot() != null && !r.pinnedLot().equals(line.lot)) {
        line.lot = r.pinnedLot();
        line.lotPinned = true;
        pinned.add(new PinnedLine(line.lineNo, line.sku, r.pinnedLot(), null));
      }
      line.allocated += r.reserved();
      line.backordered -= r.reserved();
      line.changed();
      total += r.reserved();
      for (LineReservation.Slice s : r.slices()) {
        reserved.add(
            new ReservedUnits(
                line.lineNo, line.sku, s.quantity(), s.location(), s.lot(), line.lotPinned));
      }
    }
    if (!pinned.isEmpty()) {
      record(new OrderEvent.LotPinned(pinned), "SKU requires a pinned lot");
    }
    if (!reserved.isEmpty()) {
      record(new OrderEvent.Reserved(reserved, state.isInFulfillment() ? true : null), null);
    }
    List<BackorderedUnits> short_ =
        lines.stream()
            .filter(l -> l.backordered > 0)
            .map(l -> new BackorderedUnits(l.lineNo, l.sku, l.backordered))
            .toList();
    if (!short_.isEmpty() && (atIntake || !reserved.isEmpty())) {
      record(new OrderEvent.Backordered(short_), "not enough available stock");
    }
    return total;
  }

  /** An operator re-runs allocation of the backordered units. */
  void rerunAllocation(Stock stock) {
    requireOpen("re-run allocation for");
    int reserved = allocate(stock, false);
    record(new OrderEvent.AllocationRerun(reserved), null);
    moveToAllocatedIfMet();
  }

  /** Stock arrived: reserve backordered units; returns the units reserved (0: nothing changed). */
  int fillBackorders(Stock stock) {
    if (!state.isOpen()) {
      return 0;
    }
    int reserved = allocate(stock, false);
    if (reserved > 0) {
      moveToAllocatedIfMet();
    }
    return reserved;
  }

  /**
   * Releases reserved units of one line back to stock; they become backordered. Refused (409) when
   * it would leave an order past RECEIVED without its fulfillment policy met.
   */
  void releaseLine(Stock stock, int lineNo, Integer quantity, String reason) {
    requireOpen("release reservations of");
    OrderLine line = requireLine(lineNo);
    int q = quantity == null ? line.allocated : quantity;
    if (q <= 0 || q > line.allocated) {
      throw ApiProblem.unprocessable(
          "quantity",
          "line " + lineNo + " holds " + line.allocated + " reserved unit(s); cannot release " + q);
    }
    int released = stock.release(id, lineNo, q, "released by operator");
    line.allocated -= released;
    line.backordered += released;
    line.changed();
    record(new OrderEvent.Released(List.of(new LineUnits(lineNo, line.sku, released))), reason);
    requirePolicyStillMet("releasing these units");
  }

  /**
   * Pins a line to a lot: reservations on other lots are released and the line is re-allocated from
   * that lot only. The caller has checked that the SKU is lot-controlled and the lot exists.
   */
  void pinLine(Stock stock, int lineNo, String lot) {
    requireOpen("pin lots of");
    OrderLine line = requireLine(lineNo);
    int released = stock.releaseElsewhere(id, lineNo, line.allocated, lot, null, "lot re-pinned");
    line.allocated -= released;
    line.backordered += released;
    line.lot = lot;
    line.lotPinned = true;
    line.changed();
    stock.markPinned(id, lineNo, true);
    record(
        new OrderEvent.LotPinned(List.of(new PinnedLine(lineNo, line.sku, lot, released))),
        "pinned by operator");
    allocate(stock, false);
    requirePolicyStillMet("pinning this lot");
    moveToAllocatedIfMet();
  }

  /** Unpins a line; its reservations stay. The caller says whether the SKU requires a pin. */
  void unpinLine(Stock stock, int lineNo, boolean skuRequiresPin) {
    requireOpen("unpin lots of");
    OrderLine line = requireLine(lineNo);
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
    stock.markPinned(id, lineNo, false);
    record(new OrderEvent.LotUnpinned(List.of(new PinnedLine(lineNo, line.sku, lot, null))), null);
  }

  /**
   * Moves reserved units of a line to another location and/or lot, or changes nothing (409 when the
   * target lacks stock, 422 when the line is pinned to another lot or holds fewer units elsewhere).
   */
  void moveReservation(Stock stock, int lineNo, int quantity, String toLocation, String toLot) {
    requireOpen("move reservations of");
    OrderLine line = requireLine(lineNo);
    if (line.lotPinned && !Objects.equals(toLot, line.lot)) {
      throw ApiProblem.unprocessable(
          "lot", "line " + lineNo + " is pinned to lot " + line.lot + "; unpin or re-pin it first");
    }
    int released =
        stock.releaseElsewhere(id, lineNo, quantity, toLot, toLocation, "moved by operator");
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
    stock.reserveAt(id, lineNo, line.sku, toLocation, toLot, quantity, line.lotPinned);
    record(new OrderEvent.ReservationMoved(lineNo, line.sku, quantity, toLocation, toLot), null);
  }

  // ------------------------------------------------------------------ the loop by hand

  /**
   * Moves the order to {@code to} by hand. Moves to SHIPPED and PARTIALLY_SHIPPED are the caller's
   * (they make a shipment); the rest are done here: ALLOCATED first reserves backordered units and
   * needs the policy met, FULFILLMENT_QUEUED needs the policy met, DELIVERED confirms every shipped
   * unit, CANCELLED cancels the whole order.
   */
  void requestTransition(Stock stock, OrderState to, String reason) {
    requireMove(to);
    switch (to) {
      case CANCELLED -> cancelWhole(stock, reason);
      case DELIVERED -> {
        for (OrderLine l : lines) {
          l.delivered = l.shipped;
          l.changed();
        }
        Instant at = deliveredAt != null ? deliveredAt : now;
        transitionTo(to, new OrderEvent.Delivered(null, "transition", null, at.toString()), reason);
      }
      case ALLOCATED -> {
        allocate(stock, false);
        if (!policyMet()) {
          throw conflict(
              "fulfillment policy "
                  + policy
                  + " is not met: "
                  + describeBackorders()
                  + "; receive stock or cancel the short lines");
        }
        transitionTo(to, new OrderEvent.Allocated(policy.name()), reason);
      }
      case FULFILLMENT_QUEUED -> {
        if (!policyMet()) {
          throw conflict(
              "fulfillment policy "
                  + policy
                  + " is not met ("
                  + describeBackorders()
                  + "); nothing can be released to fulfillment");
        }
        transitionTo(to, new OrderEvent.FulfillmentQueued(), reason);
      }
      default ->
          throw new IllegalArgumentException(to + " is reached through a shipment, not by hand");
    }
  }

  /** Checks a move by hand against the table and the hold (409 with the allowed moves). */
  void requireMove(OrderState to) {
    if (!state.canTransitionTo(to)) {
      throw conflict("cannot move from " + state + " to " + to);
    }
    if (hold != null && OrderState.BLOCKED_BY_HOLD.contains(to)) {
      throw onHold("move it to " + to);
    }
  }

  /**
   * The lines of the shipment that leaves when an operator ships every reserved unit, checked
   * against the state the operator asked for (SHIPPED or PARTIALLY_SHIPPED).
   */
  List<Shipment.Line> everythingReserved(OrderState requested) {
    Map<String, Integer> perSku = new LinkedHashMap<>();
    lines.stream()
        .filter(l -> l.allocated > 0)
        .forEach(l -> perSku.merge(l.sku, l.allocated, Integer::sum));
    if (perSku.isEmpty()) {
      throw conflict("nothing is reserved to ship: " + describeBackorders());
    }
    boolean complete = lines.stream().allMatch(l -> l.open() == l.allocated);
    OrderState result = complete ? OrderState.SHIPPED : OrderState.PARTIALLY_SHIPPED;
    if (result != requested) {
      throw conflict(
          "shipping every reserved unit would leave the order "
              + result
              + ", not "
              + requested
              + (complete ? "" : ": " + describeBackorders()));
    }
    List<Shipment.Line> out = new ArrayList<>();
    perSku.forEach((sku, q) -> out.add(new Shipment.Line(sku, q, null)));
    return out;
  }

  // ------------------------------------------------------------------ cancellation

  /** A quantity of one SKU to cancel. */
  record CancelLine(String sku, int quantity) {}

  /**
   * Cancels the whole order ({@code requested} empty) or some unshipped units. Whole: from
   * RECEIVED, ALLOCATED or FULFILLMENT_QUEUED → CANCELLED; from PARTIALLY_SHIPPED the unshipped
   * rest is cancelled → SHIPPED. Lines: backordered units go first, then reserved ones; an order
   * left with nothing open is CANCELLED (or SHIPPED when part of it shipped).
   */
  void cancel(Stock stock, String reason, List<CancelLine> requested) {
    if (requested == null || requested.isEmpty()) {
      if (state.canTransitionTo(OrderState.CANCELLED)) {
        cancelWhole(stock, reason);
      } else if (state == OrderState.PARTIALLY_SHIPPED) {
        cancelUnshippedRest(stock, reason);
      } else {
        throw conflict("an order in " + state + " cannot be cancelled");
      }
    } else {
      cancelLines(stock, reason, requested);
    }
  }

  private void cancelWhole(Stock stock, String reason) {
    Map<Integer, Integer> released = stock.releaseAll(id, "order cancelled");
    recordRelease(released, reason);
    for (OrderLine l : lines) {
      l.cancelled += l.unshipped();
      l.allocated = 0;
      l.backordered = 0;
      l.changed();
    }
    transitionTo(OrderState.CANCELLED, new OrderEvent.Cancelled(sum(released), null), reason);
  }

  private void cancelUnshippedRest(Stock stock, String reason) {
    Map<Integer, Integer> released = stock.releaseAll(id, "unshipped rest cancelled");
    recordRelease(released, reason);
    List<LineUnits> cancelled = new ArrayList<>();
    for (OrderLine l : lines) {
      int open = l.unshipped();
      if (open > 0) {
        cancelled.add(new LineUnits(l.lineNo, l.sku, open));
      }
      l.cancelled += open;
      l.allocated = 0;
      l.backordered = 0;
      l.changed();
    }
    record(new OrderEvent.LinesCancelled(cancelled), reason);
    transitionTo(OrderState.SHIPPED, new OrderEvent.Shipped(null, true), reason);
  }

  private void cancelLines(Stock stock, String reason, List<CancelLine> requested) {
    if (!state.allowsLineCancellation()) {
      throw conflict("lines of an order in " + state + " cannot be cancelled");
    }
    List<LineUnits> cancelled = new ArrayList<>();
    Map<Integer, Integer> releasedTotal = new LinkedHashMap<>();
    for (int i = 0; i < requested.size(); i++) {
      CancelLine c = requested.get(i);
      String field = "lines[" + i + "]";
      List<OrderLine> matching = linesOf(c.sku(), field);
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
          takeUnshipped(stock, matching, c.quantity(), "line cancelled", releasedTotal);
      for (Map.Entry<Integer, Integer> e : perLine.entrySet()) {
        OrderLine l = line(e.getKey());
        l.cancelled += e.getValue();
        l.changed();
        cancelled.add(new LineUnits(l.lineNo, l.sku, e.getValue()));
      }
    }
    recordRelease(releasedTotal, reason);
    record(new OrderEvent.LinesCancelled(cancelled), reason);
    settleAfterLinesCancelled(reason);
  }

  /**
   * Takes {@code quantity} unshipped units off the given lines: backordered units first, then
   * reserved ones, whose reservations are released. Returns the units taken per line; the caller
   * says where they go (cancelled, or gone from an edited line).
   */
  private Map<Integer, Integer> takeUnshipped(
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
        int released = stock.release(id, l.lineNo, fromReserved, why);
        if (released != fromReserved) {
          throw new IllegalStateException(
              "line "
                  + l.lineNo
                  + " of "
                  + number
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

  /** Where an order goes once some of its open units are gone. */
  private void settleAfterLinesCancelled(String reason) {
    boolean nothingOpen = lines.stream().allMatch(l -> l.unshipped() == 0);
    boolean anyShipped = lines.stream().anyMatch(l -> l.shipped > 0);
    if (nothingOpen && !anyShipped) {
      transitionTo(OrderState.CANCELLED, new OrderEvent.Cancelled(null, true), reason);
    } else if (nothingOpen && state == OrderState.PARTIALLY_SHIPPED) {
      transitionTo(OrderState.SHIPPED, new OrderEvent.Shipped(null, true), reason);
    } else if (state == OrderState.RECEIVED) {
      moveToAllocatedIfMet();
    } else if (state == OrderState.ALLOCATED || state == OrderState.FULFILLMENT_QUEUED) {
      requirePolicyStillMet("cancelling these units");
    }
  }

  private void recordRelease(Map<Integer, Integer> released, String reason) {
    if (released.isEmpty()) {
      return;
    }
    record(
        new OrderEvent.Released(
            released.entrySet().stream()
                .map(e -> new LineUnits(e.getKey(), line(e.getKey()).sku, e.getValue()))
                .toList()),
        reason);
  }

  // ------------------------------------------------------------------ holds

  /** Puts an open order on hold: it is not released to fulfillment and does not ship. */
  void hold(String reason) {
    if (!state.isOpen()) {
      throw conflict("an order in " + state + " cannot be held");
    }
    if (hold != null) {
      throw conflict("order " + number + " is already on hold (" + hold.reason() + ")");
    }
    hold = new Hold(reason, actor, now);
    record(new OrderEvent.Held(state.name(), null), reason);
  }

  void releaseHold(String reason) {
    if (hold == null) {
      throw conflict("order " + number + " is not on hold");
    }
    String heldFor = hold.reason();
    hold = null;
    record(new OrderEvent.HoldReleased(heldFor), reason);
  }

  // ------------------------------------------------------------------ shipping and delivery

  /**
   * Ships units: consumes their reservations, records the shipment, and moves the order to
   * PARTIALLY_SHIPPED or SHIPPED. Only orders released to fulfillment and not on hold ship.
   */
  Shipment ship(
      Stock stock, UUID shipmentId, String carrier, String tracking, List<Shipment.Line> request) {
    if (!state.isShippable()) {
      throw conflict(
              "only orders in FULFILLMENT_QUEUED or PARTIALLY_SHIPPED can ship; "
                  + (state == OrderState.ALLOCATED
                      ? "release it to fulfillment first"
                      : "this one is " + state))
          .with("shippableStates", List.copyOf(OrderState.SHIPPABLE).stream().sorted().toList());
    }
    if (hold != null) {
      throw onHold("ship it");
    }
    List<Shipment.Units> shipped = new ArrayList<>();
    for (int i = 0; i < request.size(); i++) {
      shipLine(stock, request.get(i), "lines[" + i + "]", shipmentId, shipped);
    }
    record(
        new OrderEvent.ShipmentRecorded(
            shipmentId.toString(),
            carrier,
            tracking,
            shipped.stream()
                .map(
                    u ->
                        new OrderEvent.ShippedUnits(
                            u.lineNo(), u.sku(), u.quantity(), u.lot(), u.location()))
                .toList()),
        null);
    OrderState next =
        lines.stream().allMatch(l -> l.open() == 0)
            ? OrderState.SHIPPED
            : OrderState.PARTIALLY_SHIPPED;
    if (next != state) {
      transitionTo(
          next,
          next == OrderState.SHIPPED
              ? new OrderEvent.Shipped(shipmentId.toString(), null)
              : new OrderEvent.PartiallyShipped(shipmentId.toString()),
          null);
    }
    return new Shipment(shipmentId, carrier, tracking, now, shipped);
  }

  private void shipLine(
      Stock stock, Shipment.Line request, String field, UUID shipmentId, List<Shipment.Units> out) {
    List<OrderLine> matching = linesOf(request.sku(), field);
    if (matching.stream().allMatch(OrderLine::isCancelled)) {
      throw ApiProblem.unprocessable(
          field + ".sku", "the line for SKU '" + request.sku() + "' is cancelled: nothing to ship");
    }
    int allocated = matching.stream().mapToInt(l -> l.allocated).sum();
    if (request.quantity() > allocated) {
      int backordered = matching.stream().mapToInt(l -> l.backordered).sum();
      throw ApiProblem.unprocessable(
          field + ".quantity",
          "only "
              + allocated
              + " allocated unit(s) of SKU '"
              + request.sku()
              + "' can ship, not "
              + request.quantity()
              + (backordered > 0 ? " (" + backordered + " backordered)" : ""));
    }
    int left = request.quantity();
    for (OrderLine line : matching) {
      int take = Math.min(left, line.allocated);
      if (take == 0) {
        continue;
      }
      List<LineReservation.Slice> slices =
          stock.consume(id, line.lineNo, take, request.lot(), "shipment " + shipmentId);
      int got = slices.stream().mapToInt(LineReservation.Slice::quantity).sum();
      line.allocated -= got;
      line.shipped += got;
      line.changed();
      for (LineReservation.Slice s : slices) {
        out.add(
            new Shipment.Units(
                line.lineNo,
                line.sku,
                s.quantity(),
                s.lot(),
                s.location(),
                line.casePack,
                line.palletQuantity));
      }
      left -= got;
      if (left == 0) {
        break;
      }
    }
    if (left > 0) {
      throw ApiProblem.unprocessable(
          field + ".lot",
          "only "
              + (request.quantity() - left)
              + " unit(s) of SKU '"
              + request.sku()
              + "' are reserved in lot "
              + request.lot()
              + " for this order; ship the reserved lot or move the reservation first");
    }
  }

  /**
   * A shipment arrived: its units count as delivered; a SHIPPED order whose shipped units are all
   * delivered becomes DELIVERED (and CLOSED at once when the close grace is zero). Returns false
   * when the order was confirmed delivered already (nothing changes).
   */
  boolean recordDelivery(UUID shipmentId, Map<Integer, Integer> unitsPerLine, Instant at) {
    if (state.isReturnable()) {
      return false;
    }
    deliveredAt = deliveredAt == null || at.isAfter(deliveredAt) ? at : deliveredAt;
    unitsPerLine.forEach(
        (lineNo, q) -> {
          OrderLine line = line(lineNo);
          line.delivered = Math.min(line.shipped, line.delivered + q);
          line.changed();
        });
    record(new OrderEvent.ShipmentDelivered(shipmentId.toString(), at.toString()), null);
    if (state == OrderState.SHIPPED && allShippedUnitsDelivered()) {
      transitionTo(
          OrderState.DELIVERED,
          new OrderEvent.Delivered(shipmentId.toString(), null, null, null),
          null);
    }
    return true;
  }

  /** A delivered order whose close grace has passed closes. */
  void close() {
    transitionTo(OrderState.CLOSED, new OrderEvent.Closed(closeGrace.toString()), null);
  }

  /**
   * The last day a B2B order may ship and still arrive in its window: the window start minus the
   * transit lead days, or the window end when no lead time is set; null without a window.
   */
  LocalDate shipBy(Integer transitLeadDays) {
    if (b2b == null || b2b.deliveryWindow() == null) {
      return null;
    }
    CreateOrder.DeliveryWindow w = b2b.deliveryWindow();
    return transitLeadDays == null ? w.to() : w.from().minusDays(transitLeadDays);
  }

  /**
   * Flags the order at risk when it is open and not shipped by {@link #shipBy}; true if flagged.
   */
  boolean flagIfAtRisk(LocalDate today, Integer transitLeadDays) {
    LocalDate shipBy = shipBy(transitLeadDays);
    if (atRisk || !state.isOpen() || shipBy == null || !shipBy.isBefore(today)) {
      return false;
    }
    atRisk = true;
    CreateOrder.DeliveryWindow w = b2b.deliveryWindow();
    record(
        new OrderEvent.AtRisk(
            shipBy.toString(), w.from().toString(), w.to().toString(), state.name()),
        "not shipped by the last day its delivery window allows");
    return true;
  }

  // ------------------------------------------------------------------ the one gate

  /**
   * The one place a state changes: checks the table, changes the state and records the event, then
   * makes the moves that follow by themselves: a SHIPPED order whose shipped units are all
   * delivered is DELIVERED, and a DELIVERED order is CLOSED at once when the close grace is zero.
   */
  void transitionTo(OrderState to, OrderEvent.StateEntered event, String reason) {
    if (event.state() != to) {
      throw new IllegalArgumentException(event + " does not enter " + to);
    }
    if (!state.canTransitionTo(to)) {
      throw conflict("cannot move from " + state + " to " + to);
    }
    OrderState from = state;
    state = to;
    record(event, from, to, reason);
    if ((to == OrderState.SHIPPED || to == OrderState.CANCELLED) && atRisk) {
      atRisk = false;
    }
    if (to == OrderState.SHIPPED && allShippedUnitsDelivered()) {
      transitionTo(OrderState.DELIVERED, new OrderEvent.Delivered(null, null, true, null), null);
    } else if (to == OrderState.DELIVERED) {
      // Grace runs from the delivery itself (a carrier's time), not from when it was reported.
      deliveredAt = deliveredAt != null ? deliveredAt : now;
      if (closeGrace.isZero()) {
        transitionTo(OrderState.CLOSED, new OrderEvent.Closed("PT0S"), null);
      }
    }
  }

  private void moveToAllocatedIfMet() {
    if (state == OrderState.RECEIVED && policyMet()) {
      transitionTo(OrderState.ALLOCATED, new OrderEvent.Allocated(policy.name()), null);
    }
  }

  void record(OrderEvent event, String reason) {
    record(event, null, null, reason);
  }

  private void record(OrderEvent event, OrderState from, OrderState to, String reason) {
    recorded.add(new Recorded(event, from, to, reason, actor, now));
    updatedAt = now;
  }

  // ------------------------------------------------------------------ predicates

  /** The fulfillment policy is satisfied by reservations. */
  boolean policyMet() {
    int allocated = lines.stream().mapToInt(l -> l.allocated).sum();
    int backordered = lines.stream().mapToInt(l -> l.backordered).sum();
    return switch (policy) {
      case SHIP_COMPLETE -> allocated > 0 && backordered == 0;
      case SHIP_PARTIAL -> allocated > 0;
    };
  }

  boolean allShippedUnitsDelivered() {
    int shipped = lines.stream().mapToInt(l -> l.shipped).sum();
    int delivered = lines.stream().mapToInt(l -> l.delivered).sum();
    return shipped > 0 && delivered == shipped;
  }

  /** The moves the table allows from the order's state, less those its hold blocks. */
  Set<OrderState> allowedTransitions() {
    if (hold == null) {
      return state.allowedTransitions();
    }
    Set<OrderState> allowed = new LinkedHashSet<>(state.allowedTransitions());
    allowed.removeAll(OrderState.BLOCKED_BY_HOLD);
    return Collections.unmodifiableSet(allowed);
  }

  OrderLine line(int lineNo) {
    return lines.stream().filter(l -> l.lineNo == lineNo).findFirst().orElseThrow();
  }

  OrderLine requireLine(int lineNo) {
    return lines.stream()
        .filter(l -> l.lineNo == lineNo)
        .findFirst()
        .orElseThrow(
            () -> ApiProblem.unprocessable("lineNo", "order " + number + " has no line " + lineNo));
  }

  private List<OrderLine> linesOf(String sku, String field) {
    List<OrderLine> matching = lines.stream().filter(l -> l.sku.equals(sku)).toList();
    if (matching.isEmpty()) {
      throw ApiProblem.unprocessable(
          field + ".sku", "order " + number + " has no line for SKU '" + sku + "'");
    }
    return matching;
  }

  private void requireOpen(String action) {
    if (!state.isOpen()) {
      throw conflict("cannot " + action + " an order in " + state);
    }
  }

  private void requirePolicyStillMet(String what) {
    if (state != OrderState.RECEIVED && !policyMet()) {
      throw conflict(
          what
              + " would leave the order without its fulfillment policy "
              + policy
              + " met ("
              + describeBackorders()
              + "); cancel lines instead");
    }
  }

  String describeBackorders() {
    String text =
        lines.stream()
            .filter(l -> l.backordered > 0)
            .map(l -> l.backordered + " of " + l.sku + " backordered")
            .collect(Collectors.joining(", "));
    return text.isEmpty() ? "no units are backordered" : text;
  }

  private static int sum(Map<Integer, Integer> m) {
    return m.values().stream().mapToInt(Integer::intValue).sum();
  }

  // ------------------------------------------------------------------ refusals

  /** 409 naming the current state and the allowed next moves. */
  ApiProblem conflict(String detail) {
    Set<OrderState> allowed = allowedTransitions();
    return ApiProblem.conflict(
            "state-conflict",
            "Not allowed in the order's current state",
            detail
                + " (order "
                + number
                + " is "
                + state
                + "; allowed next: "
                + (allowed.isEmpty() ? "none" : allowed)
                + ")")
        .with("currentState", state)
        .with("allowedTransitions", allowed);
  }

  /** 409 for an order on hold: it is not released to fulfillment and cannot ship. */
  ApiProblem onHold(String action) {
    return conflict(
            "order "
                + number
                + " is on hold ("
                + hold.reason()
                + "); release the hold before you "
                + action)
        .with("hold", hold.reason());
  }
}
