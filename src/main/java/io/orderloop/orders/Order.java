package io.orderloop.orders;

import io.orderloop.common.ApiProblem;
import io.orderloop.orders.OrderEvent.LineUnits;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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

  /** A hold on the order: its kind, why, by whom and since when. */
  record Hold(HoldKind kind, String reason, String by, Instant at) {}

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

  /** The holds on the order, oldest first; any of them keeps it from fulfillment. */
  final List<Hold> holds = new ArrayList<>();

  boolean atRisk;

  /** When the order was delivered: set as it enters DELIVERED, never before. */
  Instant deliveredAt;

  /** The carrier's time of the delivery this command recorded (not stored). */
  Instant deliveryTime;

  int lastEventSeq;
  final List<OrderLine> lines = new ArrayList<>();

  /** Not stored yet (intake). */
  boolean isNew;

  /** What the channel sent beyond the loop's fields; null for orders not from a channel adapter. */
  ChannelOrder channelOrder;

  /** The row changed without an event (the channel's revision): the repository writes it. */
  boolean headerChanged;

  private final List<Recorded> recorded = new ArrayList<>();
  private String actor = "system";
  private String via;
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
    this.via = io.orderloop.common.Actors.via();
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
    headerChanged = false;
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
      holds.add(new Hold(HoldKind.MANUAL, holdReason.strip(), actor, now));
      record(new OrderEvent.Held(HoldKind.MANUAL.name(), null, true), holdReason.strip());
    }
    moveToAllocatedIfMet();
  }

  /** The rules for an order from a channel: lines waiting outside the loop, updates, mapping. */
  OrderChannelRules channelRules() {
    return new OrderChannelRules(this);
  }

  // ------------------------------------------------------------------ reservations, cancellation,
  // shipping, edits: the rules live in OrderReservations, OrderCancellation, OrderShipping and
  // OrderEditRules

  /** The reservation rules: allocate, re-run, fill, release, pin, unpin, move. */
  OrderReservations reservations() {
    return new OrderReservations(this);
  }

  /** See {@link OrderReservations#allocate}. */
  int allocate(Stock stock, boolean atIntake) {
    return reservations().allocate(stock, atIntake);
  }

  /** A quantity of one SKU to cancel. */
  record CancelLine(String sku, int quantity) {}

  /** See {@link OrderCancellation#cancel}. */
  void cancel(Stock stock, String reason, List<CancelLine> requested) {
    new OrderCancellation(this).cancel(stock, reason, requested);
  }

  /** See {@link OrderShipping#ship}. */
  Shipment ship(
      Stock stock, UUID shipmentId, String carrier, String tracking, List<Shipment.Line> request) {
    return new OrderShipping(this).ship(stock, shipmentId, carrier, tracking, request);
  }

  /** See {@link OrderShipping#everythingReserved}. */
  List<Shipment.Line> everythingReserved(OrderState requested) {
    return new OrderShipping(this).everythingReserved(requested);
  }

  /** See {@link OrderShipping#recordDelivery}. */
  boolean recordDelivery(UUID shipmentId, Map<Integer, Integer> unitsPerLine, Instant at) {
    return new OrderShipping(this).recordDelivery(shipmentId, unitsPerLine, at);
  }

  /** See {@link OrderEditRules#edit}. */
  void edit(
      OrderEditRules.Editable after,
      List<Orders.LineChange> changes,
      Stock stock,
      OrderEditRules.LineFactory lines) {
    new OrderEditRules(this).edit(after, changes, stock, lines);
  }

  // ------------------------------------------------------------------ the loop by hand

  /**
   * Moves the order to {@code to} by hand. Moves to SHIPPED and PARTIALLY_SHIPPED are the caller's
   * (they make a shipment); the rest are done here: ALLOCATED first reserves backordered units and
   * needs the policy met, FULFILLMENT_QUEUED needs the policy met, DELIVERED confirms every shipped
   * unit, CLOSED closes a delivered order before its grace, CANCELLED cancels the whole order.
   */
  void requestTransition(Stock stock, OrderState to, String reason) {
    requireMove(to);
    switch (to) {
      case CANCELLED -> new OrderCancellation(this).cancelWhole(stock, reason);
      case DELIVERED -> {
        for (OrderLine l : lines) {
          l.delivered = l.shipped;
          l.changed();
        }
        transitionTo(
            to, new OrderEvent.Delivered(null, "transition", null, now.toString()), reason);
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
      case CLOSED -> transitionTo(to, new OrderEvent.Closed(null), reason); // by hand: no grace
      default -> throw conflict("move it to " + to + " by shipping it");
    }
  }

  /** Checks a move by hand against the table and the hold (409 with the allowed moves). */
  void requireMove(OrderState to) {
    if (!state.canTransitionTo(to)) {
      throw conflict("cannot move from " + state + " to " + to);
    }
    if (onHold() && OrderState.BLOCKED_BY_HOLD.contains(to)) {
      throw onHold("move it to " + to);
    }
  }

  // ------------------------------------------------------------------ holds

  /** See {@link OrderHolds#hold}. */
  void hold(HoldKind kind, String reason) {
    new OrderHolds(this).hold(kind, reason);
  }

  /** See {@link OrderHolds#release}. */
  void releaseHold(HoldKind kind, String reason) {
    new OrderHolds(this).release(kind, reason);
  }

  boolean onHold() {
    return !holds.isEmpty();
  }

  java.util.Optional<Hold> holdOf(HoldKind kind) {
    return holds.stream().filter(h -> h.kind() == kind).findFirst();
  }

  List<HoldKind> kinds() {
    return holds.stream().map(Hold::kind).toList();
  }

  static String describe(Hold h) {
    return h.kind() == HoldKind.MANUAL ? h.reason() : h.kind() + ": " + h.reason();
  }

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
      deliveredAt = deliveryTime != null ? deliveryTime : now;
      if (closeGrace.isZero()) {
        transitionTo(OrderState.CLOSED, new OrderEvent.Closed("PT0S"), null);
      }
    }
  }

  void moveToAllocatedIfMet() {
    if (state == OrderState.RECEIVED && policyMet()) {
      transitionTo(OrderState.ALLOCATED, new OrderEvent.Allocated(policy.name()), null);
    }
  }

  void record(OrderEvent event, String reason) {
    record(event, null, null, reason);
  }

  void record(OrderEvent event, OrderState from, OrderState to, String reason) {
    recorded.add(new Recorded(event, from, to, reason == null ? via : reason, actor, now));
    if (!(event instanceof OrderEvent.HistoryOnly)) {
      updatedAt = now;
    }
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
    if (!onHold()) {
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

  List<OrderLine> linesOf(String sku, String field) {
    List<OrderLine> matching = lines.stream().filter(l -> l.sku.equals(sku)).toList();
    if (matching.isEmpty()) {
      throw ApiProblem.unprocessable(
          field + ".sku", "order " + number + " has no line for SKU '" + sku + "'");
    }
    return matching;
  }

  void requireOpen(String action) {
    if (!state.isOpen()) {
      throw conflict("cannot " + action + " an order in " + state);
    }
  }

  void requirePolicyStillMet(String what) {
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

  static int sum(Map<Integer, Integer> m) {
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
                + holds.stream().map(Order::describe).collect(Collectors.joining("; "))
                + "); release the hold before you "
                + action)
        .with("hold", holds.getFirst().reason())
        .with("holds", kinds());
  }
}
