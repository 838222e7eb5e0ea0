package io.orderloop.console;

import io.orderloop.common.IfMatch;
import io.orderloop.orders.HoldKind;
import io.orderloop.orders.OrderState;
import io.orderloop.orders.Orders;
import java.security.Principal;
import java.util.Set;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Actions on an order from its page, each checked on the server against the user's role (a forged
 * request for a forbidden one is 403 and changes nothing) and against the version the page showed
 * (a stale page gets "changed since you opened it", never a silent overwrite).
 */
@Controller
class OrderActions implements ConsolePage {

  /** Moves the console offers; shipping needs its lines and cancelling its reason. */
  static final Set<OrderState> MOVES =
      Set.of(OrderState.FULFILLMENT_QUEUED, OrderState.DELIVERED, OrderState.CLOSED);

  private final Acting acting;
  private final Orders orders;
  private final io.orderloop.orders.OrderQueries queries;
  private final io.orderloop.portal.PortalLinks portalLinks;

  OrderActions(
      Acting acting,
      Orders orders,
      io.orderloop.orders.OrderQueries queries,
      io.orderloop.portal.PortalLinks portalLinks) {
    this.acting = acting;
    this.orders = orders;
    this.queries = queries;
    this.portalLinks = portalLinks;
  }

  /**
   * Issues the order's customer a one-time portal sign-in link: e-mailed when SMTP is set up,
   * otherwise shown once here to pass on.
   */
  @PostMapping("/console/orders/{number}/portal-link")
  String portalLink(@PathVariable String number, Principal principal, RedirectAttributes flash) {
    require(principal, ConsoleRole::canCancel, "send customers portal links");
    var order = queries.get(number);
    if (order.customer() == null || order.customer().email() == null) {
      flash.addFlashAttribute("problem", "This order has no customer e-mail to send a link to.");
      return "redirect:" + Acting.orderPage(number);
    }
    String[] notice = new String[1];
    String page =
        act(
            number,
            flash,
            () -> {
              var link = portalLinks.issue(order.customer().email(), principal.getName());
              notice[0] =
                  link.sent()
                      ? "Sign-in link e-mailed to " + link.email() + "."
                      : "Sign-in link for "
                          + link.email()
                          + " (works once, until "
                          + link.expiresAt()
                          + "): "
                          + link.url();
            },
            "Link issued.");
    if (notice[0] != null) {
      flash.addFlashAttribute("notice", notice[0]);
    }
    return page;
  }

  @PostMapping("/console/orders/{number}/transitions")
  String move(
      @PathVariable String number,
      @RequestParam OrderState to,
      @RequestParam int version,
      Principal principal,
      RedirectAttributes flash) {
    require(principal, r -> r.canMove() && MOVES.contains(to), "move orders to " + to);
    return act(
        number,
        flash,
        () -> orders.transition(number, to, "from the console", version(version)),
        "Moved to " + Board.label(to) + ".");
  }

  @PostMapping("/console/orders/{number}/cancel")
  String cancel(
      @PathVariable String number,
      @RequestParam(required = false) String reason,
      @RequestParam int version,
      Principal principal,
      RedirectAttributes flash) {
    require(principal, ConsoleRole::canCancel, "cancel orders");
    String why = reasonOr(reason, "cancelled from the console");
    return act(
        number, flash, () -> orders.cancel(number, why, null, version(version)), "Cancelled.");
  }

  @PostMapping("/console/orders/{number}/hold")
  String hold(
      @PathVariable String number,
      @RequestParam(required = false) String reason,
      @RequestParam int version,
      Principal principal,
      RedirectAttributes flash) {
    require(principal, ConsoleRole::canHold, "hold orders");
    String why = reasonOr(reason, "held from the console");
    return act(
        number, flash, () -> orders.hold(number, HoldKind.MANUAL, why, version(version)), "Held.");
  }

  @PostMapping("/console/orders/{number}/release")
  String release(
      @PathVariable String number,
      @RequestParam HoldKind kind,
      @RequestParam int version,
      Principal principal,
      RedirectAttributes flash) {
    require(principal, ConsoleRole::canHold, "release holds");
    return act(
        number,
        flash,
        () -> orders.releaseHold(number, kind, "released from the console", version(version)),
        "Hold released.");
  }

  private String act(String number, RedirectAttributes flash, Runnable action, String done) {
    return acting.act(Acting.orderPage(number), flash, action, done);
  }

  private void require(
      Principal principal, java.util.function.Predicate<ConsoleRole> allowed, String what) {
    acting.require(principal, allowed, what);
  }

  private static String reasonOr(String reason, String otherwise) {
    return Acting.reasonOr(reason, otherwise);
  }

  private static IfMatch version(int version) {
    return Acting.version(version);
  }
}
