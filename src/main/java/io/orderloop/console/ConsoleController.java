package io.orderloop.console;

import io.orderloop.orders.OrderQueries;
import io.orderloop.orders.OrderState;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The console's pages: the sign-in form and, signed in, the start page with the order counts. */
@Controller
class ConsoleController {

  private final ConsoleUsers users;
  private final OrderQueries orders;

  ConsoleController(ConsoleUsers users, OrderQueries orders) {
    this.users = users;
    this.orders = orders;
  }

  @GetMapping("/login")
  String login() {
    return "console/login";
  }

  /** A state's column: its label and how many orders are in it. */
  record Column(String state, String label, long count) {}

  @GetMapping("/")
  String home(Principal principal, Model model) {
    ConsoleUsers.User user = users.find(principal.getName()).orElseThrow();
    Map<OrderState, Long> counts = orders.stateCounts(null, null);
    List<Column> columns = new ArrayList<>();
    for (OrderState s : OrderState.values()) {
      columns.add(new Column(s.name(), label(s), counts.getOrDefault(s, 0L)));
    }
    model.addAttribute("user", user);
    model.addAttribute("columns", columns);
    model.addAttribute("total", counts.values().stream().mapToLong(Long::longValue).sum());
    return "console/home";
  }

  private static String label(OrderState s) {
    String words = s.name().replace('_', ' ').toLowerCase(java.util.Locale.ROOT);
    return Character.toUpperCase(words.charAt(0)) + words.substring(1);
  }
}
