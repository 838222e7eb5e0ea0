package io.orderloop.console;

import io.orderloop.orders.Channel;
import io.orderloop.orders.OrderType;
import java.security.Principal;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The console's pages: the sign-in form and, signed in, the board. */
@Controller
class ConsoleController implements ConsolePage {

  private final ConsoleUsers users;
  private final Board board;
  private final BoardStream stream;
  private final io.orderloop.inventory.Catalogue catalogue;

  ConsoleController(
      ConsoleUsers users,
      Board board,
      BoardStream stream,
      io.orderloop.inventory.Catalogue catalogue) {
    this.users = users;
    this.board = board;
    this.stream = stream;
    this.catalogue = catalogue;
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
      @RequestParam(required = false) String location,
      @RequestParam(required = false) String q,
      @RequestHeader(name = "HX-Target", required = false) String target,
      Model model) {
    ConsoleUsers.User user = users.current(principal);
    long position = stream.position();
    Board.Filters filters =
        new Board.Filters(
            parse(Channel.class, channel),
            parse(OrderType.class, type),
            location == null || location.isBlank() ? null : location.strip(),
            q == null ? null : q.strip());
    model.addAttribute("user", user);
    model.addAttribute("board", board.view(filters, users.now()));
    model.addAttribute("channels", Channel.values());
    model.addAttribute("types", OrderType.values());
    boolean live = "live".equals(target);
    if (!live) {
      // The filter form is not part of the live refresh.
      model.addAttribute("locations", catalogue.locations());
    }
    model.addAttribute("position", position);
    // The live board asks for its own part again when the stream says something changed.
    return live ? "console/board :: live" : "console/board";
  }

  /**
   * The board's live stream: {@code change} events as the event feed moves (see {@link
   * BoardStream}). A reconnecting browser names the last position it saw and is told at once when
   * anything came after it.
   */
  @GetMapping(path = "/console/board/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter stream(
      Principal principal,
      @RequestParam(required = false) Long after,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
    users.current(principal);
    long seen = after == null ? -1 : after;
    if (lastEventId != null && lastEventId.strip().matches("\\d{1,18}")) {
      seen = Math.max(seen, Long.parseLong(lastEventId.strip()));
    }
    return stream.open(seen);
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String value) {
    return OrderList.parse(type, value);
  }
}
