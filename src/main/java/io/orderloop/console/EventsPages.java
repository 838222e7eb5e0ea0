package io.orderloop.console;

import io.orderloop.channels.ChannelDeliveries;
import io.orderloop.channels.ChannelReplays;
import io.orderloop.events.Webhooks;
import io.orderloop.orders.ChannelOrders;
import java.security.Principal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Events: webhook subscriptions with their delivery log and failures, pause, resume and replay
 * (admin); channel deliveries with their status, replay, and the channel lines waiting outside the
 * loop (admin and operations).
 */
@Controller
class EventsPages implements ConsolePage {

  static final int PAGE = 100;
  static final List<String> STATUSES =
      List.of("HELD", "FAILED", "RECEIVED", "PROCESSED", "DUPLICATE", "STALE", "IGNORED");

  private final ConsoleUsers users;
  private final Acting acting;
  private final Webhooks webhooks;
  private final ChannelDeliveries deliveries;
  private final ChannelReplays replays;
  private final ChannelOrders channelOrders;

  EventsPages(
      ConsoleUsers users,
      Acting acting,
      Webhooks webhooks,
      ChannelDeliveries deliveries,
      ChannelReplays replays,
      ChannelOrders channelOrders) {
    this.users = users;
    this.acting = acting;
    this.webhooks = webhooks;
    this.deliveries = deliveries;
    this.replays = replays;
    this.channelOrders = channelOrders;
  }

  @GetMapping("/console/events")
  String webhooks(Principal principal, Model model) {
    acting.require(principal, ConsoleRole::canWebhooks, "manage webhooks");
    model.addAttribute("user", users.current(principal));
    model.addAttribute("subscriptions", webhooks.list());
    return "console/events";
  }

  @GetMapping("/console/events/webhooks/{id}")
  String webhook(@PathVariable UUID id, Principal principal, Model model) {
    acting.require(principal, ConsoleRole::canWebhooks, "manage webhooks");
    List<Webhooks.Delivery> log = webhooks.deliveries(id, PAGE);
    model.addAttribute("user", users.current(principal));
    model.addAttribute("s", webhooks.get(id));
    model.addAttribute("deliveries", log);
    model.addAttribute("failures", log.stream().filter(d -> !d.succeeded()).count());
    return "console/webhook";
  }

  @PostMapping("/console/events/webhooks")
  String create(
      @RequestParam String url,
      @RequestParam(required = false) String eventTypes,
      Principal principal,
      RedirectAttributes flash) {
    acting.require(principal, ConsoleRole::canWebhooks, "manage webhooks");
    List<String> types =
        eventTypes == null || eventTypes.isBlank()
            ? List.of()
            : Arrays.stream(eventTypes.split("[,\\s]+")).filter(t -> !t.isBlank()).toList();
    String[] created = new String[1];
    String page =
        acting.act(
            "/console/events",
            flash,
            () -> {
              Webhooks.Subscription s = webhooks.create(url.strip(), types);
              created[0] = s.secret();
            },
            "Subscription created.");
    if (created[0] != null) {
      flash.addFlashAttribute(
          "notice", "Subscription created. Its signing secret, shown this once: " + created[0]);
    }
    return page;
  }

  @PostMapping("/console/events/webhooks/{id}/pause")
  String pause(
      @PathVariable UUID id,
      @RequestParam boolean paused,
      Principal principal,
      RedirectAttributes flash) {
    acting.require(principal, ConsoleRole::canWebhooks, "manage webhooks");
    return acting.act(
        "/console/events/webhooks/" + id,
        flash,
        () -> webhooks.update(id, null, null, paused),
        paused ? "Paused." : "Resumed.");
  }

  @PostMapping("/console/events/webhooks/{id}/replay")
  String replay(
      @PathVariable UUID id,
      @RequestParam String from,
      Principal principal,
      RedirectAttributes flash) {
    acting.require(principal, ConsoleRole::canWebhooks, "manage webhooks");
    Instant at;
    try {
      at = LocalDateTime.parse(from.strip()).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      flash.addFlashAttribute("problem", "Give the time to replay from, in UTC.");
      return "redirect:/console/events/webhooks/" + id;
    }
    return acting.act(
        "/console/events/webhooks/" + id,
        flash,
        () -> webhooks.replay(id, at),
        "Replaying events from " + at + ".");
  }

  @GetMapping("/console/channels")
  String channels(
      Principal principal,
      @RequestParam(required = false) String channel,
      @RequestParam(required = false) String status,
      @RequestParam(required = false) Long before,
      Model model) {
    acting.require(principal, ConsoleRole::canChannels, "see channel deliveries");
    String c =
        channel == null
                || !List.of("shopify", "square").contains(channel.strip().toLowerCase(Locale.ROOT))
            ? null
            : channel.strip().toLowerCase(Locale.ROOT);
    String s =
        status == null || !STATUSES.contains(status.strip().toUpperCase(Locale.ROOT))
            ? null
            : status.strip().toUpperCase(Locale.ROOT);
    List<ChannelDeliveries.Delivery> list = deliveries.list(c, s, before, PAGE);
    model.addAttribute("user", users.current(principal));
    model.addAttribute("channel", c);
    model.addAttribute("status", s);
    model.addAttribute("statuses", STATUSES);
    model.addAttribute("deliveries", list);
    model.addAttribute("next", list.size() == PAGE ? list.getLast().id() : null);
    model.addAttribute("waiting", channelOrders.waiting(null, PAGE));
    return "console/channels";
  }

  @PostMapping("/console/channels/deliveries/{id}/replay")
  String replayDelivery(@PathVariable long id, Principal principal, RedirectAttributes flash) {
    acting.require(principal, ConsoleRole::canChannels, "replay channel deliveries");
    return acting.act(
        "/console/channels",
        flash,
        () -> replays.replay(id),
        "Delivery " + id + " processed again.");
  }
}
