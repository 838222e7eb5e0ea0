package io.orderloop.console;

import io.orderloop.fulfillment.Fulfillment;
import io.orderloop.fulfillment.ShipmentView;
import io.orderloop.orders.HistoryEntry;
import io.orderloop.orders.Invoice;
import io.orderloop.orders.OrderAllocation;
import io.orderloop.orders.OrderQueries;
import io.orderloop.orders.OrderState;
import io.orderloop.orders.OrderView;
import io.orderloop.returns.ReturnState;
import io.orderloop.returns.ReturnView;
import io.orderloop.returns.Returns;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.server.ResponseStatusException;

/**
 * An order's page: header, the lines with their allocation (available before, reserved for this
 * order, available after; lots, pinned), B2B terms, holds, the timeline, shipments, invoices and
 * returns; and the actions the state table and the user's role allow, each carrying the version the
 * page showed.
 */
@Controller
class OrderPage implements ConsolePage {

  private final ConsoleUsers users;
  private final OrderQueries orders;
  private final OrderAllocation allocation;
  private final Fulfillment fulfillment;
  private final Returns returns;
  private final io.orderloop.channels.ChannelDeliveries deliveries;
  private final io.orderloop.channels.ChannelPushes pushes;

  private final io.orderloop.gateway.Approvals approvals;

  OrderPage(
      ConsoleUsers users,
      OrderQueries orders,
      OrderAllocation allocation,
      Fulfillment fulfillment,
      Returns returns,
      io.orderloop.channels.ChannelDeliveries deliveries,
      io.orderloop.channels.ChannelPushes pushes,
      io.orderloop.gateway.Approvals approvals) {
    this.approvals = approvals;
    this.users = users;
    this.orders = orders;
    this.allocation = allocation;
    this.fulfillment = fulfillment;
    this.returns = returns;
    this.deliveries = deliveries;
    this.pushes = pushes;
  }

  /** A move the page offers. */
  record Move(String state, String label) {}

  /** What the user may do on this order now: the role and the state table together. */
  record Can(
      boolean hold,
      boolean cancel,
      boolean cancelLines,
      boolean allocate,
      boolean ship,
      boolean openReturn,
      boolean refund) {}

  /** A return with the moves this user may make on it. */
  record ReturnRow(ReturnView r, List<ReturnState> moves, java.math.BigDecimal value) {}

  @GetMapping("/console/orders/{idOrNumber}")
  String order(@PathVariable String idOrNumber, Principal principal, Model model) {
    ConsoleUsers.User user = users.current(principal);
    OrderView order =
        orders
            .find(idOrNumber)
            .orElseThrow(
                () ->
                    new ResponseStatusException(
                        HttpStatus.NOT_FOUND, "no order '" + idOrNumber + "'"));
    String id = order.id().toString();
    List<HistoryEntry> history = orders.history(id);
    List<ShipmentView> shipments = fulfillment.shipments(id);
    List<Invoice> invoices = orders.invoices(id);
    List<ReturnView> orderReturns = returns.forOrder(id);
    ConsoleRole role = user.role();
    Set<OrderState> allowed = order.allowedTransitions();
    boolean open = order.state().isOpen();
    boolean shippable =
        allowed.contains(OrderState.SHIPPED) || allowed.contains(OrderState.PARTIALLY_SHIPPED);
    // The returns module takes returns of delivered (or closed) orders only.
    boolean returnable =
        order.state() == OrderState.DELIVERED || order.state() == OrderState.CLOSED;
    Can can =
        new Can(
            role.canHold() && open,
            role.canCancel() && allowed.contains(OrderState.CANCELLED),
            role.canCancel() && open && order.state() != OrderState.RECEIVED,
            role.canAllocate() && open,
            role.canShip() && shippable && order.hold() == null,
            role.canReturn() && returnable,
            role.canRefund());
    model.addAttribute("user", user);
    model.addAttribute("order", order);
    model.addAttribute("stateLabel", Board.label(order.state()));
    model.addAttribute("card", Board.card(order, users.now()));
    model.addAttribute("allocation", allocation.allocation(id));
    // By line number: the allocation is read after the order, and an edit in between may add one.
    model.addAttribute(
        "linesByNo",
        order.lines().stream()
            .collect(
                java.util.stream.Collectors.toMap(OrderView.Line::lineNo, l -> l, (x, y) -> x)));
    model.addAttribute("history", history);
    model.addAttribute("shipments", shipments);
    model.addAttribute("invoices", invoices);
    model.addAttribute("returns", orderReturns.stream().map(r -> row(r, role)).toList());
    model.addAttribute("returnable", returnable(order));
    boolean fromChannel =
        order.channel() == io.orderloop.orders.Channel.SHOPIFY
            || order.channel() == io.orderloop.orders.Channel.SQUARE;
    model.addAttribute(
        "deliveries",
        fromChannel
            ? deliveries.forOrder(order.id(), order.channel().name(), order.externalId(), 20)
            : List.of());
    model.addAttribute("pushes", fromChannel ? pushes.forOrder(order.id()) : List.of());
    model.addAttribute("can", can);
    model.addAttribute(
        "approvals",
        approvals.forOrder(order.id()).stream()
            .filter(a -> a.status() == io.orderloop.gateway.Approvals.Status.PENDING)
            .toList());
    model.addAttribute(
        "moves",
        role.canMove()
            ? allowed.stream()
                .filter(OrderActions.MOVES::contains)
                .sorted()
                .map(s -> new Move(s.name(), Board.label(s)))
                .toList()
            : List.of());
    return "console/order";
  }

  private static ReturnRow row(ReturnView r, ConsoleRole role) {
    List<ReturnState> moves =
        r.allowedTransitions().stream()
            .filter(to -> ReturnActions.mayMove(to).test(role))
            .sorted()
            .toList();
    java.math.BigDecimal value =
        r.lines().stream()
            .map(l -> l.unitPrice().multiply(java.math.BigDecimal.valueOf(l.quantity())))
            .reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add);
    return new ReturnRow(r, moves, value);
  }

  /** Shipped units per SKU: what a return may ask for at most (the module checks the rest). */
  private static Map<String, Integer> returnable(OrderView order) {
    Map<String, Integer> shipped = new LinkedHashMap<>();
    order.lines().forEach(l -> shipped.merge(l.sku(), l.shipped(), Integer::sum));
    shipped.values().removeIf(q -> q == 0);
    return shipped;
  }
}
