package io.orderloop.console;

import io.orderloop.orders.Channel;
import io.orderloop.orders.OrderQueries;
import io.orderloop.orders.OrderState;
import io.orderloop.orders.OrderType;
import io.orderloop.orders.OrderView;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.Locale;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The orders list: filtered by state, channel, type, text, at-risk and held, newest first, a page
 * at a time; and the same filtered rows as a CSV download (up to {@link #CSV_LIMIT}).
 */
@Controller
class OrderList implements ConsolePage {

  static final int PAGE = 50;
  static final int CSV_LIMIT = 100_000;

  private final ConsoleUsers users;
  private final OrderQueries orders;

  OrderList(ConsoleUsers users, OrderQueries orders) {
    this.users = users;
    this.orders = orders;
  }

  /** The list's filters, echoed into the form and the links. */
  record Filters(
      OrderState state,
      Channel channel,
      OrderType type,
      String q,
      boolean atRisk,
      boolean held,
      String location) {
    OrderQueries.ListQuery query(String cursor, int limit) {
      return new OrderQueries.ListQuery(
          atRisk ? Boolean.TRUE : null,
          held ? Boolean.TRUE : null,
          state,
          channel,
          type,
          null,
          null,
          q,
          cursor,
          limit,
          location);
    }
  }

  @GetMapping("/console/orders")
  String list(
      Principal principal,
      Asked asked,
      @RequestParam(required = false) String cursor,
      Model model) {
    Filters f = asked.filters();
    OrderQueries.Page page = orders.list(f.query(cursor, PAGE));
    model.addAttribute("user", users.current(principal));
    model.addAttribute("filters", f);
    model.addAttribute("rows", page.items().stream().map(o -> Board.card(o, users.now())).toList());
    model.addAttribute("orders", page.items());
    model.addAttribute("next", page.nextCursor());
    model.addAttribute("states", OrderState.values());
    model.addAttribute("channels", Channel.values());
    model.addAttribute("types", OrderType.values());
    return "console/orders";
  }

  @GetMapping("/console/orders.csv")
  void csv(Principal principal, Asked asked, HttpServletResponse response) throws IOException {
    users.current(principal);
    Filters f = asked.filters();
    try (Csv csv =
        Csv.download(
            response,
            "orders.csv",
            "number",
            "channel",
            "type",
            "state",
            "customer",
            "total",
            "currency",
            "lines",
            "units",
            "at_risk",
            "hold",
            "buyer_po",
            "created_at")) {
      String cursor = null;
      int written = 0;
      do {
        OrderQueries.Page page = orders.list(f.query(cursor, 500));
        for (OrderView o : page.items()) {
          csv.row(
              o.number(),
              o.channel(),
              o.type(),
              o.state(),
              o.customer() == null ? null : o.customer().name(),
              o.total().amount().toPlainString(),
              o.total().currency(),
              o.lines().size(),
              o.lines().stream().mapToInt(OrderView.Line::quantity).sum(),
              o.atRisk(),
              o.hold() == null ? null : o.hold().kind(),
              o.b2b() == null ? null : o.b2b().buyerPo(),
              o.createdAt());
        }
        written += page.items().size();
        cursor = page.nextCursor();
      } while (cursor != null && written < CSV_LIMIT);
    }
  }

  /**
   * The list's query parameters as the browser sent them (bound by name: {@code state, channel,
   * type, q, atRisk, held, location}); unknown values filter nothing.
   */
  record Asked(
      String state,
      String channel,
      String type,
      String q,
      Boolean atRisk,
      Boolean held,
      String location) {
    Filters filters() {
      return new Filters(
          parse(OrderState.class, state),
          parse(Channel.class, channel),
          parse(OrderType.class, type),
          q == null || q.isBlank() ? null : q.strip(),
          Boolean.TRUE.equals(atRisk),
          Boolean.TRUE.equals(held),
          location == null || location.isBlank() ? null : location.strip());
    }
  }

  /** A filter's value, or none when it is empty or not one of the values. */
  static <E extends Enum<E>> E parse(Class<E> type, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException unknown) {
      return null;
    }
  }
}
