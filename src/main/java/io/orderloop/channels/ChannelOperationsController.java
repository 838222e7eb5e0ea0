package io.orderloop.channels;

import io.orderloop.common.ApiProblem;
import io.orderloop.common.QueryParameters;
import io.orderloop.orders.Channel;
import io.orderloop.orders.ChannelOrders;
import io.orderloop.orders.OrderQueries;
import io.swagger.v3.oas.annotations.Operation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * What operators watch on the channels (scope {@code admin}): the deliveries log with replay, the
 * channel lines waiting outside the loop, and what was pushed back to a channel per order.
 */
@RestController
@RequestMapping("/api/v1/channels")
class ChannelOperationsController {

  static final Set<String> STATUSES =
      Set.of("RECEIVED", "PROCESSED", "DUPLICATE", "STALE", "IGNORED", "FAILED", "HELD");

  private final ChannelDeliveries deliveries;
  private final ChannelReplays replays;
  private final ChannelOrders orders;
  private final ChannelPushes pushes;
  private final OrderQueries queries;

  ChannelOperationsController(
      ChannelDeliveries deliveries,
      ChannelReplays replays,
      ChannelOrders orders,
      ChannelPushes pushes,
      OrderQueries queries) {
    this.deliveries = deliveries;
    this.replays = replays;
    this.orders = orders;
    this.pushes = pushes;
    this.queries = queries;
  }

  @Operation(
      operationId = "listChannelDeliveries",
      summary = "List channel webhook deliveries, newest first",
      description =
          "status: RECEIVED (being processed), PROCESSED, STALE (older than the order), IGNORED"
              + " (a topic not acted on), FAILED (retried with backoff), HELD (needs a person;"
              + " replay after the fix). Duplicates are not stored again. Page with cursor ="
              + " the last id seen.")
  @GetMapping("/deliveries")
  Map<String, Object> list(
      @RequestParam(required = false) String channel,
      @RequestParam(required = false) String status,
      @RequestParam(required = false) Long cursor,
      @RequestParam(defaultValue = "50") int limit) {
    String c = channel == null ? null : channel.strip().toLowerCase(Locale.ROOT);
    if (c != null && !Set.of("shopify", "square").contains(c)) {
      throw ApiProblem.unprocessable("channel", "give shopify or square");
    }
    String s = status == null ? null : status.strip().toUpperCase(Locale.ROOT);
    if (s != null && !STATUSES.contains(s)) {
      throw ApiProblem.unprocessable(
          "status", "give one of " + STATUSES.stream().sorted().toList());
    }
    int size = QueryParameters.limit(limit);
    List<ChannelDeliveries.Delivery> items = deliveries.list(c, s, cursor, size + 1);
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("items", items.size() > size ? items.subList(0, size) : items);
    page.put("nextCursor", items.size() > size ? String.valueOf(items.get(size - 1).id()) : null);
    return page;
  }

  /** A delivery of that channel, or 404. */
  private ChannelDeliveries.Delivery find(String channel, long id) {
    return deliveries
        .find(id)
        .filter(d -> d.channel().equalsIgnoreCase(channel))
        .orElseThrow(() -> ApiProblem.notFound("no " + channel + " delivery " + id));
  }

  @Operation(
      operationId = "getChannelDelivery",
      summary = "Get one delivery of a channel (shopify, square)")
  @GetMapping("/{channel}/deliveries/{id}")
  ChannelDeliveries.Delivery get(@PathVariable String channel, @PathVariable long id) {
    return find(channel, id);
  }

  @Operation(
      operationId = "getChannelDeliveryBody",
      summary = "The raw body of a delivery as received (until purged)")
  @GetMapping(
      value = "/{channel}/deliveries/{id}/body",
      produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<String> body(@PathVariable String channel, @PathVariable long id) {
    find(channel, id);
    return ResponseEntity.ok()
        .contentType(MediaType.APPLICATION_JSON)
        .body(
            deliveries
                .body(id)
                .orElseThrow(
                    () ->
                        ApiProblem.notFound(
                            "the body of delivery " + id + " was purged after the retention")));
  }

  @Operation(
      operationId = "replayChannelDelivery",
      summary = "Process a delivery again (after adding an alias, a SKU or a location)",
      description =
          "Runs the stored body through the adapter again; the order is not duplicated (intake is"
              + " idempotent per channel order, and an update only applies when newer). 409 when"
              + " its body was purged or it is being processed.")
  @PostMapping("/{channel}/deliveries/{id}/replay")
  ChannelDeliveries.Delivery replay(@PathVariable String channel, @PathVariable long id) {
    find(channel, id);
    replays.replay(id);
    return find(channel, id);
  }

  @Operation(
      operationId = "listWaitingChannelLines",
      summary = "Channel lines waiting outside the loop (unmapped SKU, or not taken as they are)",
      description =
          "Per open order: the channel's SKU text, title, quantity, price, and why. An alias"
              + " (PUT /api/v1/channels/{channel}/sku-aliases/{externalSku}) takes unmapped lines"
              + " in.")
  @GetMapping("/waiting-lines")
  Map<String, Object> waiting(
      @RequestParam(required = false) String channel,
      @RequestParam(defaultValue = "100") int limit) {
    Channel c = null;
    if (channel != null) {
      try {
        c = Channel.valueOf(channel.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw ApiProblem.unprocessable("channel", "give shopify or square");
      }
    }
    return Map.of("items", orders.waiting(c, QueryParameters.limit(limit)));
  }

  @Operation(
      operationId = "listChannelPushes",
      summary = "What was sent back to the channel for an order, with every call and its answer")
  @GetMapping("/pushes")
  Map<String, Object> pushes(@RequestParam String order) {
    var view =
        queries
            .find(order)
            .orElseThrow(() -> ApiProblem.notFound("no order with id or number '" + order + "'"));
    return Map.of("items", pushes.forOrder(view.id()));
  }
}
