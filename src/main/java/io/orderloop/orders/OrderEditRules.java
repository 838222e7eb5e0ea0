package io.orderloop.orders;

import io.orderloop.common.ApiProblem;
import io.orderloop.orders.OrderEvent.LineUnits;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The order's edit rules. Before anything ships, an open order's ship-to, bill-to, customer and B2B
 * terms may change; its line quantities may change while it is open (more units allocate or
 * backorder, fewer release, {@code 0} cancels what is still open of the line) and new lines may be
 * added; notes may change in any state. What the state no longer allows is refused (409) with the
 * reason. One {@code order.edited} event carries the changed fields before and after. Part of the
 * {@link Order} aggregate.
 */
final class OrderEditRules {

  /** The fields of an order an edit may set, as they are after the edit. */
  record Editable(
      Address shipTo,
      Address billTo,
      CreateOrder.Customer customer,
      String notes,
      CreateOrder.B2b b2b) {

    static Editable of(Order o) {
      return new Editable(o.shipTo, o.billTo, o.customer, o.notes, o.b2b);
    }
  }

  /** Makes a new line from a request, checked against the catalogue (SKU, price, cases, lot). */
  interface LineFactory {
    OrderLine newLine(Orders.LineChange change, int lineNo, String field);

    /** Whether a SKU sold in cases may be ordered in loose units. */
    boolean allowsLooseUnits(String sku);
  }

  private final Order o;

  OrderEditRules(Order o) {
    this.o = o;
  }

  /** Applies an edit; records nothing and changes nothing when the edit changes nothing. */
  void edit(Editable after, List<Orders.LineChange> changes, Stock stock, LineFactory lines) {
    Editable before = Editable.of(o);
    Map<String, Object> was = new LinkedHashMap<>();
    Map<String, Object> now = new LinkedHashMap<>();
    diff("shipTo", before.shipTo(), after.shipTo(), was, now);
    diff("billTo", before.billTo(), after.billTo(), was, now);
    diff("customer", before.customer(), after.customer(), was, now);
    diff("b2b", before.b2b(), after.b2b(), was, now);
    boolean headerChanged = !now.isEmpty();
    diff("notes", before.notes(), after.notes(), was, now);
    if (headerChanged) {
      requireNothingShipped();
      OrderIntake.validateB2b(o.type, after.b2b());
      if (!Objects.equals(window(before.b2b()), window(after.b2b()))) {
        o.atRisk = false; // judged again against the new window by the scheduler
      }
    }
    o.shipTo = after.shipTo();
    o.billTo = after.billTo();
    o.customer = after.customer();
    o.notes = after.notes();
    o.b2b = after.b2b();

    List<LineUnits> linesBefore = new ArrayList<>();
    List<LineUnits> linesAfter = new ArrayList<>();
    Map<Integer, Integer> released = new LinkedHashMap<>();
    List<LineUnits> cancelled = new ArrayList<>();
    boolean grew = false;
    for (int i = 0; i < changes.size(); i++) {
      if (!o.state.isOpen()) {
        throw o.conflict("the lines of an order in " + o.state + " cannot change");
      }
      Orders.LineChange change = changes.get(i);
      String field = "lines[" + i + "]";
      OrderLine line = target(change, field);
      if (line == null) {
        OrderLine added =
            lines.newLine(
                change, o.lines.stream().mapToInt(l -> l.lineNo).max().orElse(0) + 1, field);
        o.lines.add(added);
        linesAfter.add(new LineUnits(added.lineNo, added.sku, added.quantity));
        grew = true;
        continue;
      }
      int units = units(line, change, field, lines);
      if (change.quantity() == 0 ? line.unshipped() == 0 : units == line.quantity) {
        continue; // already so
      }
      linesBefore.add(new LineUnits(line.lineNo, line.sku, line.quantity));
      BigDecimal price = line.priceAsGiven();
      if (change.quantity() == 0) {
        int open = line.unshipped();
        o.reservations().takeUnshipped(stock, List.of(line), open, "line cancelled", released);
        line.cancelled += open;
        cancelled.add(new LineUnits(line.lineNo, line.sku, open));
      } else if (units > line.quantity) {
        line.backordered += units - line.quantity;
        line.quantity = units;
        grew = true;
      } else {
        o.reservations()
            .takeUnshipped(stock, List.of(line), line.quantity - units, "line reduced", released);
        line.quantity = units;
      }
      line.lineAmount = price.multiply(BigDecimal.valueOf(line.quantityInUom()));
      line.changed();
      linesAfter.add(new LineUnits(line.lineNo, line.sku, line.quantity));
    }
    boolean linesChanged = !linesBefore.isEmpty() || !linesAfter.isEmpty();
    if (linesChanged) {
      was.put("lines", linesBefore);
      now.put("lines", linesAfter);
      o.total = o.lines.stream().map(l -> l.lineAmount).reduce(BigDecimal.ZERO, BigDecimal::add);
      if (o.total.compareTo(OrderIntake.MAX_TOTAL) > 0) {
        throw ApiProblem.unprocessable(
            "lines",
            "the order total " + o.total.toPlainString() + " is larger than an order can be");
      }
      if (o.lines.size() > CreateOrder.MAX_LINES) {
        throw ApiProblem.unprocessable(
            "lines", "an order has at most " + CreateOrder.MAX_LINES + " lines");
      }
    }
    if (now.isEmpty()) {
      return;
    }
    o.record(new OrderEvent.Edited(was, now), null);
    o.reservations().recordRelease(released, "order edited");
    if (!cancelled.isEmpty()) {
      o.record(new OrderEvent.LinesCancelled(cancelled), "order edited");
    }
    if (grew) {
      o.allocate(stock, true);
    }
    if (linesChanged) {
      settle();
    }
  }

  /**
   * The line a change names (by number, or the one open line of its SKU), or null for a new one.
   */
  private OrderLine target(Orders.LineChange change, String field) {
    if (change.quantity() == null || change.quantity() < 0) {
      throw ApiProblem.unprocessable(field + ".quantity", "give the new quantity (0 cancels)");
    }
    if (change.lineNo() != null) {
      return o.requireLine(change.lineNo());
    }
    if (change.sku() == null || change.sku().isBlank()) {
      throw ApiProblem.unprocessable(field, "name the line by lineNo, or a SKU for a new line");
    }
    List<OrderLine> same =
        o.lines.stream().filter(l -> l.sku.equals(change.sku()) && l.open() > 0).toList();
    if (change.unitPrice() != null || same.isEmpty()) {
      if (change.quantity() == 0) {
        throw ApiProblem.unprocessable(field + ".quantity", "a new line needs a quantity above 0");
      }
      return null;
    }
    if (same.size() > 1) {
      throw ApiProblem.unprocessable(
          field + ".sku",
          "order "
              + o.number
              + " has "
              + same.size()
              + " open lines of SKU '"
              + change.sku()
              + "'; name the line by lineNo");
    }
    return same.getFirst();
  }

  /** The line's new quantity in units, checked against what already shipped or was cancelled. */
  private int units(OrderLine line, Orders.LineChange change, String field, LineFactory lines) {
    long units =
        line.unitOfMeasure == UnitOfMeasure.CASE
            ? (long) change.quantity() * line.casePack
            : change.quantity();
    if (change.quantity() == 0) {
      return line.quantity;
    }
    if (units > 1_000_000) {
      throw ApiProblem.unprocessable(field + ".quantity", "at most 1,000,000 units per line");
    }
    int settled = line.shipped + line.cancelled;
    if (units < settled) {
      throw o.conflict(
          "line "
              + line.lineNo
              + " has "
              + line.shipped
              + " unit(s) shipped and "
              + line.cancelled
              + " cancelled; its quantity cannot go below "
              + settled);
    }
    if (o.type == OrderType.B2B
        && line.unitOfMeasure == UnitOfMeasure.EACH
        && line.casePack > 1
        && units % line.casePack != 0
        && !lines.allowsLooseUnits(line.sku)) {
      throw ApiProblem.unprocessable(
          field + ".quantity", units + " units is not a whole number of cases of " + line.casePack);
    }
    return (int) units;
  }

  /** Where the order goes once its lines changed. */
  private void settle() {
    boolean nothingOpen = o.lines.stream().allMatch(l -> l.unshipped() == 0);
    boolean anyShipped = o.lines.stream().anyMatch(l -> l.shipped > 0);
    if (nothingOpen && !anyShipped && o.state.isOpen()) {
      o.transitionTo(OrderState.CANCELLED, new OrderEvent.Cancelled(null, true), "order edited");
    } else if (nothingOpen && o.state == OrderState.PARTIALLY_SHIPPED) {
      o.transitionTo(OrderState.SHIPPED, new OrderEvent.Shipped(null, true), "order edited");
    } else if (o.state == OrderState.RECEIVED) {
      o.moveToAllocatedIfMet();
    } else if (o.state == OrderState.ALLOCATED || o.state == OrderState.FULFILLMENT_QUEUED) {
      o.requirePolicyStillMet("this edit");
    }
  }

  private void requireNothingShipped() {
    if (!o.state.isOpen()) {
      throw o.conflict(
          "an order in "
              + o.state
              + " keeps its addresses, customer and terms; only notes can change");
    }
    if (o.lines.stream().anyMatch(l -> l.shipped > 0)) {
      throw o.conflict(
          "order "
              + o.number
              + " has shipped units: its addresses, customer and terms are on those shipments"
              + " and invoices; only notes and unshipped quantities can change");
    }
  }

  private static CreateOrder.DeliveryWindow window(CreateOrder.B2b b2b) {
    return b2b == null ? null : b2b.deliveryWindow();
  }

  private static void diff(
      String name, Object before, Object after, Map<String, Object> was, Map<String, Object> now) {
    if (!Objects.equals(before, after)) {
      was.put(name, before);
      now.put(name, after);
    }
  }
}
