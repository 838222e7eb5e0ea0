package io.orderloop.console;

import io.orderloop.orders.OrderQueries;
import io.orderloop.orders.OrderView;
import io.orderloop.returns.ReturnState;
import io.orderloop.returns.ReturnView;
import io.orderloop.returns.Returns;
import java.math.BigDecimal;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Returns from an order's page (a delivered or closed order): open one for shipped units, authorize
 * or reject it (customer service), receive it back into stock where it shipped from (operations),
 * refund and close it (finance); admin does all.
 */
@Controller
class ReturnActions implements ConsolePage {

  private final Acting acting;
  private final Returns returns;
  private final OrderQueries orders;

  ReturnActions(Acting acting, Returns returns, OrderQueries orders) {
    this.acting = acting;
    this.returns = returns;
    this.orders = orders;
  }

  /** Who may move a return to a state. */
  static Predicate<ConsoleRole> mayMove(ReturnState to) {
    return switch (to) {
      case AUTHORIZED, REJECTED -> ConsoleRole::canReturn;
      case RECEIVED -> ConsoleRole::canStock;
      case REFUNDED, CLOSED -> ConsoleRole::canRefund;
      case REQUESTED -> role -> false;
    };
  }

  /** Opens a return of the quantities given per SKU ({@code return-{sku}}). */
  @PostMapping("/console/orders/{number}/returns")
  String open(
      @PathVariable String number,
      @RequestParam Map<String, String> form,
      Principal principal,
      RedirectAttributes flash) {
    acting.require(principal, ConsoleRole::canReturn, "open returns");
    OrderView order = orders.get(number);
    List<Returns.RequestedLine> lines = new ArrayList<>();
    order.lines().stream()
        .map(OrderView.Line::sku)
        .distinct()
        .forEach(
            sku -> {
              String v = form.get("return-" + sku);
              if (v != null && v.strip().matches("\\d{1,9}") && Integer.parseInt(v.strip()) > 0) {
                lines.add(new Returns.RequestedLine(sku, Integer.parseInt(v.strip())));
              }
            });
    if (lines.isEmpty()) {
      flash.addFlashAttribute("problem", "Nothing to return: give a quantity on at least one SKU.");
      return "redirect:" + Acting.orderPage(number);
    }
    String reason = Acting.reasonOr(form.get("reason"), "opened from the console");
    return acting.act(
        Acting.orderPage(number),
        flash,
        () -> returns.create(number, lines, reason),
        "Return opened.");
  }

  @PostMapping("/console/returns/{returnNumber}/transitions")
  String move(
      @PathVariable String returnNumber,
      @RequestParam ReturnState to,
      @RequestParam(required = false) BigDecimal refundAmount,
      Principal principal,
      RedirectAttributes flash) {
    acting.require(principal, mayMove(to), "move returns to " + to);
    ReturnView r = returns.get(returnNumber);
    return acting.act(
        Acting.orderPage(r.orderNumber()),
        flash,
        () ->
            returns.transition(
                returnNumber,
                to,
                "from the console",
                null,
                to == ReturnState.REFUNDED ? refundAmount : null),
        "Return " + r.number() + " " + to.name().toLowerCase(java.util.Locale.ROOT) + ".");
  }
}
