package io.orderloop.orders;

import io.orderloop.common.ApiProblem;
import io.orderloop.orders.ChannelOrder.LineRef;
import io.orderloop.orders.ChannelOrder.PendingLine;
import io.orderloop.orders.ChannelOrder.Problem;
import io.orderloop.orders.OrderEvent.LineUnits;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The rules for an order that came from a channel: which channel lines are in the loop and which
 * wait outside it (with the hold that says so), how a channel's update changes the order, and how a
 * new SKU mapping takes waiting lines in. Part of the {@link Order} aggregate.
 *
 * <p>An update applies only when it is newer than the last one seen ({@link ChannelOrder#revision})
 * and only while nothing has shipped: after that the channel's changes are recorded in the history
 * ({@code order.channel_change_not_applied}) and not applied. Payment and cancellation apply
 * whenever the order is open.
 */
final class OrderChannelRules {

  /** What an update did. */
  enum Outcome {
    /** The order changed as the channel says. */
    APPLIED,
    /** Not newer than what the order already reflects: nothing changed. */
    STALE,
    /** Recorded in the history, not applied: part of the order has shipped, or it is closed. */
    NOT_APPLIED
  }

  /** A channel line's quantity as a whole number of units, or null when it is not one. */
  static Integer wholeQuantity(String quantity) {
    if (quantity == null || !quantity.strip().matches("[0-9]{1,7}(\\.0+)?")) {
      return null;
    }
    int q = new BigDecimal(quantity.strip()).intValueExact();
    return q >= 1 && q <= 1_000_000 ? q : null;
  }

  /** Why a line cannot be taken as it is, or null when it can (the catalogue checks come later). */
  static PendingLine pendingIfNotTakeable(ChannelOrderCommand.Line l) {
    if (l.unitPrice() == null) {
      return pending(
          l, Problem.NOT_TAKEN, "the line has no price the loop can use (missing or not a number)");
    }
    if (wholeQuantity(l.quantity()) == null) {
      return pending(
          l,
          Problem.NOT_TAKEN,
          "quantity '"
              + l.quantity()
              + "' is not a whole number of units from 1 to 1,000,000; the line is kept aside,"
              + " not rounded");
    }
    if (l.refusal() != null) {
      return pending(l, Problem.NOT_TAKEN, l.refusal());
    }
    if (l.sku() == null) {
      return pending(
          l,
          Problem.UNMAPPED_SKU,
          l.channelSku() == null || l.channelSku().isBlank()
              ? "the line has no SKU or title to map; fix it in the channel"
              : "no SKU or alias matches '" + l.channelSku() + "'");
    }
    return null;
  }

  /**
   * Why a case line cannot be taken when the channel states another case pack than the SKU's, or
   * null when they agree (or the line is not in cases, or the channel states none).
   */
  static String packDisagreement(ChannelOrderCommand.Line l, int skuCasePack) {
    if (l.unitOfMeasure() != UnitOfMeasure.CASE || l.casePack() == null) {
      return null;
    }
    if (skuCasePack <= 1) {
      return "the channel orders cases of SKU "
          + l.sku()
          + ", which has no case pack; set its case pack or ask for units";
    }
    return l.casePack() == skuCasePack
        ? null
        : "the channel's case pack is "
            + l.casePack()
            + " but SKU "
            + l.sku()
            + " comes "
            + skuCasePack
            + " to a case; agree the pack with the buyer";
  }

  static PendingLine pending(ChannelOrderCommand.Line l, Problem problem, String detail) {
    return new PendingLine(
        l.ref(),
        l.channelSku(),
        l.title(),
        l.quantity(),
        l.unitPrice(),
        problem,
        detail,
        l.otherCode(),
        l.unitOfMeasure(),
        l.casePack(),
        l.codes().isEmpty() ? null : l.codes());
  }

  private final Order o;

  OrderChannelRules(Order o) {
    this.o = o;
  }

  // ------------------------------------------------------------------ intake

  /** At intake, after allocation: the holds the channel's data calls for. */
  void holdAtIntake(ChannelOrderCommand c) {
    if (c.paymentPending()) {
      hold(HoldKind.PAYMENT_PENDING, paymentReason(c.paymentStatus()));
    }
    refreshLineHolds(List.of(), reviewReasons(c));
  }

  // ------------------------------------------------------------------ updates

  /**
   * Applies a channel's update: newer revisions only; payment and cancellation while open; lines
   * and ship-to while nothing has shipped.
   */
  Outcome update(
      ChannelOrderCommand c, Stock stock, OrderEditRules.LineFactory factory, String sourceLabel) {
    ChannelOrder current = o.channelOrder;
    if (current != null && !java.util.Objects.equals(current.account(), c.account())) {
      throw ApiProblem.conflict(
          "channel-account-mismatch",
          "The order belongs to another account",
          "order "
              + o.number
              + " came from "
              + current.account()
              + "; "
              + c.account()
              + " cannot change it");
    }
    if (current != null && c.revision() <= current.revision()) {
      return Outcome.STALE;
    }
    o.channelOrder =
        current == null
            ? new ChannelOrder(
                c.account(),
                c.displayNumber(),
                c.revision(),
                List.of(),
                List.of(),
                c.charges(),
                c.paymentStatus())
            : current.withRevision(c.revision());
    o.headerChanged = true;
    if (!o.state.isOpen()) {
      List<String> changes = describeChanges(c);
      if (!changes.isEmpty() && o.state != OrderState.CANCELLED) {
        o.record(
            new OrderEvent.ChannelChangeNotApplied(c.revision(), changes),
            "the order is " + o.state + "; " + sourceLabel + " changes are not applied");
        return Outcome.NOT_APPLIED;
      }
      return Outcome.APPLIED;
    }
    if (c.cancelled()) {
      o.cancel(
          stock,
          c.cancelReason() == null ? "cancelled on the channel" : c.cancelReason(),
          List.of());
      setPayment(c);
      return Outcome.APPLIED;
    }
    setPayment(c);
    if (o.lines.stream().anyMatch(l -> l.shipped > 0)) {
      List<String> changes = describeChanges(c);
      if (!changes.isEmpty()) {
        o.record(
            new OrderEvent.ChannelChangeNotApplied(c.revision(), changes),
            "part of the order has shipped; " + sourceLabel + " changes are not applied");
        return Outcome.NOT_APPLIED;
      }
      return Outcome.APPLIED;
    }
    applyLinesAndAddress(c, stock, factory);
    return Outcome.APPLIED;
  }

  private void setPayment(ChannelOrderCommand c) {
    ChannelOrder ch = o.channelOrder;
    o.channelOrder = ch.with(ch.lineRefs(), ch.pendingLines(), c.charges(), c.paymentStatus());
    if (!o.state.isOpen()) {
      return;
    }
    if (!c.paymentPending() && o.holdOf(HoldKind.PAYMENT_PENDING).isPresent()) {
      o.releaseHold(
          HoldKind.PAYMENT_PENDING, "payment status on the channel is " + c.paymentStatus());
    } else if (c.paymentPending()
        && o.holdOf(HoldKind.PAYMENT_PENDING).isEmpty()
        && o.lines.stream().noneMatch(l -> l.shipped > 0)) {
      hold(HoldKind.PAYMENT_PENDING, paymentReason(c.paymentStatus()));
    }
  }

  private void applyLinesAndAddress(
      ChannelOrderCommand c, Stock stock, OrderEditRules.LineFactory factory) {
    ChannelOrder ch = o.channelOrder;
    Map<String, Integer> lineOf = new HashMap<>();
    ch.lineRefs().forEach(r -> lineOf.put(r.ref(), r.lineNo()));
    List<Orders.LineChange> changes = new ArrayList<>();
    List<String> newRefs = new ArrayList<>();
    List<PendingLine> pending = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ChannelOrderCommand.Line l : c.lines()) {
      seen.add(l.ref());
      Integer lineNo = lineOf.get(l.ref());
      Integer qty = wholeQuantity(l.quantity());
      if (lineNo != null) {
        OrderLine line = o.line(lineNo);
        if (l.removed()) {
          changes.add(new Orders.LineChange(lineNo, null, 0, null, null, null));
        } else if (qty == null) {
          pending.add(pendingIfNotTakeable(l));
        } else if (qty != line.quantityInUom()) {
          changes.add(new Orders.LineChange(lineNo, null, qty, null, null, null));
        }
        continue;
      }
      if (l.removed()) {
        continue; // a line removed on the channel that never entered the loop
      }
      PendingLine aside = pendingIfNotTakeable(l);
      if (aside == null) {
        aside = refusal(l, qty, factory);
      }
      if (aside != null) {
        pending.add(aside);
      } else {
        changes.add(
            new Orders.LineChange(null, l.sku(), qty, l.unitPrice(), l.unitOfMeasure(), null));
        newRefs.add(l.ref());
      }
    }
    for (LineRef r : ch.lineRefs()) {
      if (!seen.contains(r.ref()) && o.line(r.lineNo()).unshipped() > 0) {
        changes.add(new Orders.LineChange(r.lineNo(), null, 0, null, null, null));
      }
    }
    int before = o.lines.stream().mapToInt(l -> l.lineNo).max().orElse(0);
    Address shipTo = c.shipTo() != null ? c.shipTo() : o.shipTo;
    boolean addressChanged = !shipTo.equals(o.shipTo);
    o.edit(
        new OrderEditRules.Editable(shipTo, o.billTo, o.customer, o.notes, o.b2b),
        changes,
        stock,
        factory);
    List<LineRef> refs = new ArrayList<>(ch.lineRefs());
    for (int i = 0; i < newRefs.size(); i++) {
      refs.add(new LineRef(newRefs.get(i), before + 1 + i));
    }
    List<PendingLine> waitingBefore = o.channelOrder.pendingLines();
    o.channelOrder = o.channelOrder.with(refs, pending, c.charges(), c.paymentStatus());
    // Cleaned text holds the order again only when it came with a changed address (the rest was
    // seen at
    // intake, and a person who released the hold has seen it).
    refreshLineHolds(
        waitingBefore,
        addressChanged && !c.cleaned().isEmpty()
            ? List.of("control characters removed from " + String.join(", ", c.cleaned()))
            : List.of());
  }

  /** Why the catalogue refuses a line (unknown lot, not whole cases, …), or null. */
  private PendingLine refusal(
      ChannelOrderCommand.Line l, int qty, OrderEditRules.LineFactory factory) {
    try {
      OrderLine line =
          factory.newLine(
              new Orders.LineChange(null, l.sku(), qty, l.unitPrice(), l.unitOfMeasure(), null),
              0,
              "line");
      String pack = packDisagreement(l, line.casePack);
      return pack == null ? null : pending(l, Problem.NOT_TAKEN, pack);
    } catch (ApiProblem refused) {
      return pending(l, Problem.NOT_TAKEN, refused.getMessage());
    }
  }

  // ------------------------------------------------------------------ mapping

  /**
   * A channel SKU now maps to {@code sku}: the lines waiting for it join the order (allocated at
   * once), and the {@code UNMAPPED_SKU} hold lifts when none is left waiting. Answers the lines
   * taken in.
   */
  int map(String channelSku, String sku, Stock stock, OrderEditRules.LineFactory factory) {
    ChannelOrder ch = o.channelOrder;
    if (ch == null || !o.state.isOpen()) {
      return 0;
    }
    List<Orders.LineChange> changes = new ArrayList<>();
    List<String> newRefs = new ArrayList<>();
    List<PendingLine> still = new ArrayList<>();
    for (PendingLine p : ch.pendingLines()) {
      if (p.problem() != Problem.UNMAPPED_SKU || !p.answersTo(channelSku)) {
        still.add(p);
        continue;
      }
      ChannelOrderCommand.Line l =
          new ChannelOrderCommand.Line(
              p.ref(),
              p.channelSku(),
              p.title(),
              sku,
              p.quantity(),
              p.unitPrice(),
              p.otherCode(),
              false,
              p.unitOfMeasure(),
              null,
              p.casePack(),
              p.codes());
      Integer qty = wholeQuantity(p.quantity());
      PendingLine refused = qty == null ? pendingIfNotTakeable(l) : refusal(l, qty, factory);
      if (refused != null) {
        still.add(refused);
      } else {
        changes.add(new Orders.LineChange(null, sku, qty, p.unitPrice(), p.unitOfMeasure(), null));
        newRefs.add(p.ref());
      }
    }
    if (still.size() == ch.pendingLines().size() && changes.isEmpty()) {
      return 0;
    }
    int before = o.lines.stream().mapToInt(l -> l.lineNo).max().orElse(0);
    List<LineRef> refs = new ArrayList<>(ch.lineRefs());
    List<LineUnits> taken = new ArrayList<>();
    if (!changes.isEmpty()) {
      o.edit(OrderEditRules.Editable.of(o), changes, stock, factory);
      for (int i = 0; i < newRefs.size(); i++) {
        refs.add(new LineRef(newRefs.get(i), before + 1 + i));
        OrderLine added = o.line(before + 1 + i);
        taken.add(new LineUnits(added.lineNo, added.sku, added.quantity));
      }
      o.record(new OrderEvent.ChannelLinesMapped(channelSku, taken), null);
    }
    o.channelOrder = ch.with(refs, still, ch.charges(), ch.paymentStatus());
    o.headerChanged = true;
    refreshLineHolds(ch.pendingLines(), List.of());
    o.moveToAllocatedIfMet();
    return taken.size();
  }

  // ------------------------------------------------------------------ holds

  /**
   * {@code UNMAPPED_SKU} when a line newly waits for a mapping, lifted when none does; {@code
   * CHANNEL_DATA} when a line is newly not taken or text had to be cleaned, lifted by a person. A
   * hold a person released is not put back for the same lines.
   */
  private void refreshLineHolds(List<PendingLine> before, List<String> otherReasons) {
    if (!o.state.isOpen()) {
      return;
    }
    Set<String> known = new HashSet<>();
    before.forEach(p -> known.add(p.problem() + "\n" + p.ref()));
    List<PendingLine> unmapped =
        o.channelOrder.pendingLines().stream()
            .filter(p -> p.problem() == Problem.UNMAPPED_SKU)
            .toList();
    boolean newlyUnmapped =
        unmapped.stream().anyMatch(p -> !known.contains(p.problem() + "\n" + p.ref()));
    if (newlyUnmapped && o.holdOf(HoldKind.UNMAPPED_SKU).isEmpty()) {
      hold(HoldKind.UNMAPPED_SKU, "channel lines with no SKU mapping: " + describe(unmapped));
    } else if (unmapped.isEmpty() && o.holdOf(HoldKind.UNMAPPED_SKU).isPresent()) {
      o.releaseHold(HoldKind.UNMAPPED_SKU, "every channel line maps to a SKU");
    }
    List<PendingLine> notTaken =
        o.channelOrder.pendingLines().stream()
            .filter(p -> p.problem() == Problem.NOT_TAKEN)
            .filter(p -> !known.contains(p.problem() + "\n" + p.ref()))
            .toList();
    List<String> reasons = new ArrayList<>();
    if (!notTaken.isEmpty()) {
      reasons.add(
          "channel lines not taken: "
              + notTaken.stream()
                  .map(p -> label(p) + " (" + p.detail() + ")")
                  .collect(Collectors.joining("; ")));
    }
    reasons.addAll(otherReasons);
    if (!reasons.isEmpty() && o.holdOf(HoldKind.CHANNEL_DATA).isEmpty()) {
      hold(HoldKind.CHANNEL_DATA, String.join("; ", reasons) + "; check, then release the hold");
    }
  }

  /** Why the channel's data needs a person at intake, beyond its lines. */
  private static List<String> reviewReasons(ChannelOrderCommand c) {
    List<String> reasons = new ArrayList<>();
    if (!c.cleaned().isEmpty()) {
      reasons.add("control characters removed from " + String.join(", ", c.cleaned()));
    }
    reasons.addAll(c.review());
    return reasons;
  }

  private void hold(HoldKind kind, String reason) {
    o.hold(kind, reason.length() > 500 ? reason.substring(0, 497) + "..." : reason);
  }

  private static String paymentReason(String status) {
    return "the channel's payment status is '" + status + "'; waiting for it to be paid";
  }

  private static String describe(List<PendingLine> lines) {
    return lines.stream().map(OrderChannelRules::label).collect(Collectors.joining(", "));
  }

  private static String label(PendingLine p) {
    String sku =
        p.channelSku() == null || p.channelSku().isBlank() ? "no SKU" : "'" + p.channelSku() + "'";
    return sku + (p.title() == null ? "" : " " + p.title()) + " × " + p.quantity();
  }

  /** What an update would change, in words, for the history when it is not applied. */
  private List<String> describeChanges(ChannelOrderCommand c) {
    List<String> changes = new ArrayList<>();
    Map<String, Integer> lineOf = new LinkedHashMap<>();
    if (o.channelOrder != null) {
      o.channelOrder.lineRefs().forEach(r -> lineOf.put(r.ref(), r.lineNo()));
    }
    for (ChannelOrderCommand.Line l : c.lines()) {
      Integer lineNo = lineOf.remove(l.ref());
      if (lineNo == null) {
        if (!l.removed()) {
          changes.add("new line " + label(pending(l, Problem.NOT_TAKEN, null)));
        }
        continue;
      }
      OrderLine line = o.line(lineNo);
      if (!String.valueOf(line.quantityInUom()).equals(l.quantity())) {
        changes.add(
            "line "
                + lineNo
                + " ("
                + line.sku
                + ") quantity "
                + line.quantityInUom()
                + " → "
                + l.quantity());
      }
    }
    lineOf.forEach((ref, lineNo) -> changes.add("line " + lineNo + " removed"));
    if (c.shipTo() != null && !c.shipTo().equals(o.shipTo)) {
      changes.add("ship-to address changed");
    }
    if (c.cancelled() && o.state != OrderState.CANCELLED) {
      changes.add("cancelled on the channel");
    }
    return changes;
  }
}
