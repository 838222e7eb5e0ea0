package io.orderloop.console;

import io.orderloop.fulfillment.Fulfillment;
import io.orderloop.orders.OrderAllocation;
import io.orderloop.orders.OrderQueries;
import io.orderloop.orders.OrderView;
import io.orderloop.orders.Orders;
import io.orderloop.orders.Shipment;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Actions on an order's lines from its page: re-run allocation, pin and unpin a lot, cancel units
 * of a line, ship units. Each checks the role and carries the version the page showed.
 */
@Controller
class LineActions implements ConsolePage {

  private final Acting acting;
  private final Orders orders;
  private final OrderAllocation allocation;
  private final OrderQueries queries;
  private final Fulfillment fulfillment;

  LineActions(
      Acting acting,
      Orders orders,
      OrderAllocation allocation,
      OrderQueries queries,
      Fulfillment fulfillment) {
    this.acting = acting;
    this.orders = orders;
    this.allocation = allocation;
    this.queries = queries;
    this.fulfillment = fulfillment;
  }

  @PostMapping("/console/orders/{number}/allocation/rerun")
  String rerun(
      @PathVariable String number,
      @RequestParam int version,
      Principal principal,
      RedirectAttributes flash) {
    acting.require(principal, ConsoleRole::canAllocate, "re-run allocation");
    return acting.act(
        Acting.orderPage(number),
        flash,
        () -> allocation.rerun(number, Acting.version(version)),
        "Allocation re-run.");
  }

  @PostMapping("/console/orders/{number}/lines/{lineNo}/pin")
  String pin(
      @PathVariable String number,
      @PathVariable int lineNo,
      @RequestParam String lot,
      @RequestParam int version,
      Principal principal,
      RedirectAttributes flash) {
    acting.require(principal, ConsoleRole::canAllocate, "pin lots");
    return acting.act(
        Acting.orderPage(number),
        flash,
        () -> allocation.pinLine(number, lineNo, lot.strip(), Acting.version(version)),
        "Line " + lineNo + " pinned to lot " + lot.strip() + ".");
  }

  @PostMapping("/console/orders/{number}/lines/{lineNo}/unpin")
  String unpin(
      @PathVariable String number,
      @PathVariable int lineNo,
      @RequestParam int version,
      Principal principal,
      RedirectAttributes flash) {
    acting.require(principal, ConsoleRole::canAllocate, "unpin lots");
    return acting.act(
        Acting.orderPage(number),
        flash,
        () -> allocation.unpinLine(number, lineNo, Acting.version(version)),
        "Line " + lineNo + " unpinned.");
  }

  @PostMapping("/console/orders/{number}/lines/{lineNo}/cancel")
  String cancelUnits(
      @PathVariable String number,
      @PathVariable int lineNo,
      @RequestParam int quantity,
      @RequestParam(required = false) String reason,
      @RequestParam int version,
      Principal principal,
      RedirectAttributes flash) {
    acting.require(principal, ConsoleRole::canCancel, "cancel lines");
    String sku = line(number, lineNo).sku();
    return acting.act(
        Acting.orderPage(number),
        flash,
        () ->
            orders.cancel(
                number,
                Acting.reasonOr(reason, "line cancelled from the console"),
                List.of(new Orders.CancelLine(sku, quantity)),
                Acting.version(version)),
        quantity + " of " + sku + " cancelled.");
  }

  /**
   * Ships the quantities given per line ({@code ship-{lineNo}}), with a carrier and tracking
   * number.
   */
  @PostMapping("/console/orders/{number}/shipments")
  String ship(
      @PathVariable String number,
      @RequestParam Map<String, String> form,
      Principal principal,
      RedirectAttributes flash) {
    acting.require(principal, ConsoleRole::canShip, "ship orders");
    OrderView order = queries.get(number);
    List<Shipment.Line> lines = new ArrayList<>();
    for (OrderView.Line l : order.lines()) {
      String value = form.get("ship-" + l.lineNo());
      if (value != null
          && value.strip().matches("\\d{1,9}")
          && Integer.parseInt(value.strip()) > 0) {
        lines.add(new Shipment.Line(l.sku(), Integer.parseInt(value.strip()), null));
      }
    }
    String carrier = Acting.reasonOr(form.get("carrier"), "MANUAL");
    String tracking = Acting.reasonOr(form.get("tracking"), "none");
    int version = parseVersion(form.get("version"));
    if (lines.isEmpty()) {
      flash.addFlashAttribute("problem", "Nothing to ship: give a quantity on at least one line.");
      return "redirect:" + Acting.orderPage(number);
    }
    return acting.act(
        Acting.orderPage(number),
        flash,
        () -> fulfillment.ship(number, carrier, tracking, lines, Acting.version(version)),
        "Shipped with " + carrier + " " + tracking + ".");
  }

  private OrderView.Line line(String number, int lineNo) {
    return queries.get(number).lines().stream()
        .filter(l -> l.lineNo() == lineNo)
        .findFirst()
        .orElseThrow(
            () ->
                new org.springframework.web.server.ResponseStatusException(
                    org.springframework.http.HttpStatus.NOT_FOUND,
                    "order " + number + " has no line " + lineNo));
  }

  private static int parseVersion(String v) {
    if (v == null || !v.strip().matches("\\d{1,9}")) {
      throw new org.springframework.web.server.ResponseStatusException(
          org.springframework.http.HttpStatus.BAD_REQUEST, "the form carries no version");
    }
    return Integer.parseInt(v.strip());
  }
}
