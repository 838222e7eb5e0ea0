package io.orderloop.console;

import io.orderloop.orders.Channel;
import io.orderloop.orders.OrderType;
import java.security.Principal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The console's pages: the sign-in form and, signed in, the board. */
@Controller
class ConsoleController {

  private final ConsoleUsers users;
  private final Board board;

  ConsoleController(ConsoleUsers users, Board board) {
    this.users = users;
    this.board = board;
  }

  @GetMapping("/login")
  String login() {
    return "console/login";
  }

  @GetMapping("/")
  String board(
      Principal principal,
      @RequestParam(required = false) String channel,
      @RequestParam(required = false) String type,
      @RequestParam(required = false) String q,
      Model model) {
    ConsoleUsers.User user = users.current(principal);
    Board.Filters filters =
        new Board.Filters(
            parse(Channel.class, channel),
            parse(OrderType.class, type),
            q == null ? null : q.strip());
    model.addAttribute("user", user);
    model.addAttribute("board", board.view(filters, users.now()));
    model.addAttribute("channels", Channel.values());
    model.addAttribute("types", OrderType.values());
    return "console/board";
  }

  /** A filter's value, or none when it is empty or not one of the values (the board shows all). */
  private static <E extends Enum<E>> E parse(Class<E> type, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Enum.valueOf(type, value.strip().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException unknown) {
      return null;
    }
  }
}
