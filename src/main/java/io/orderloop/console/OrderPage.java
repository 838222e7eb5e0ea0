package io.orderloop.console;

import io.orderloop.fulfillment.Fulfillment;
import io.orderloop.fulfillment.ShipmentView;
import io.orderloop.orders.HistoryEntry;
import io.orderloop.orders.Invoice;
import io.orderloop.orders.OrderQueries;
import io.orderloop.orders.OrderView;
import java.security.Principal;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.server.ResponseStatusException;

/**
 * An order's page: header, lines, B2B terms, holds, the timeline of its history, shipments with
 * tracking and invoices. Read-only so far; the actions come with the role checks.
 */
@Controller
class OrderPage {

  private final ConsoleUsers users;
  private final OrderQueries orders;
  private final Fulfillment fulfillment;

  OrderPage(ConsoleUsers users, OrderQueries orders, Fulfillment fulfillment) {
    this.users = users;
    this.orders = orders;
    this.fulfillment = fulfillment;
  }

  /** A move the page offers. */
  record Move(String state, String label) {}

  @GetMapping("/console/orders/{idOrNumber}")
  String order(@PathVariable String idOrNumber, Principal principal, Model model) {
    OrderView order =
        orders
            .find(idOrNumber)
            .orElseThrow(
                () ->
                    new ResponseStatusException(
                        HttpStatus.NOT_FOUND, "no order '" + idOrNumber + "'"));
    List<HistoryEntry> history = orders.history(order.id().toString());
    List<ShipmentView> shipments = fulfillment.shipments(order.id().toString());
    List<Invoice> invoices = orders.invoices(order.id().toString());
    model.addAttribute("user", users.current(principal));
    model.addAttribute("order", order);
    model.addAttribute("stateLabel", Board.label(order.state()));
    model.addAttribute("card", Board.card(order, users.now()));
    model.addAttribute("history", history);
    model.addAttribute("shipments", shipments);
    model.addAttribute("invoices", invoices);
    ConsoleRole role = users.current(principal).role();
    model.addAttribute(
        "moves",
        role.canMove()
            ? order.allowedTransitions().stream()
                .filter(OrderActions.MOVES::contains)
                .sorted()
                .map(s -> new Move(s.name(), Board.label(s)))
                .toList()
            : List.of());
    model.addAttribute("canHold", role.canHold() && order.state().isOpen());
    model.addAttribute(
        "canCancel",
        role.canCancel()
            && order.allowedTransitions().contains(io.orderloop.orders.OrderState.CANCELLED));
    return "console/order";
  }
}
