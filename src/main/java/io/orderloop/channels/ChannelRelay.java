package io.orderloop.channels;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends the channel pushes to Shopify's Admin API, in order per order, apart from the loop: a
 * channel that is down or slow never blocks or fails an order command.
 *
 * <ul>
 *   <li>{@code FULFILLMENT}: reads the order's fulfillment orders, spreads the shipped quantities
 *       of each line over the open ones, and creates one fulfillment with the tracking number and
 *       company. On a retry it first looks for a fulfillment with the same tracking number, so a
 *       call whose answer was lost does not fulfil twice.
 *   <li>{@code DELIVERED}: a {@code delivered} event on the shipment's fulfillment.
 *   <li>{@code CANCEL}: cancels the order in Shopify.
 * </ul>
 *
 * <p>429 waits its {@code Retry-After}; 5xx, timeouts and refused connections back off (doubling
 * from {@code retry-backoff} up to {@code max-backoff}); other 4xx answers are final ({@code
 * GAVE_UP}, with the answer kept), as is running out of attempts. Every call and its answer is kept
 * per push.
 */
@Component
class ChannelRelay {

  private static final Logger log = LoggerFactory.getLogger(ChannelRelay.class);

  /** A call's answer the relay cannot go on from. */
  private static final class Stop extends Exception {
    final boolean retry;
    final Duration after;
    final String answer;

    Stop(String message, boolean retry, Duration after) {
      this(message, retry, after, null);
    }

    Stop(String message, boolean retry, Duration after, String answer) {
      super(message, null, false, false);
      this.retry = retry;
      this.after = after;
      this.answer = answer;
    }
  }

  private final ChannelPushes pushes;
  private final ChannelConnections connections;
  private final StoreApi admin;
  private final ChannelProperties properties;
  private final JsonMapper json;
  private final SquareOrders square;

  ChannelRelay(
      ChannelPushes pushes,
      ChannelConnections connections,
      StoreApi admin,
      ChannelProperties properties,
      JsonMapper json,
      SquareOrders square) {
    this.square = square;
    this.pushes = pushes;
    this.connections = connections;
    this.admin = admin;
    this.properties = properties;
    this.json = json;
  }

  @Scheduled(
      fixedDelayString = "${orderloop.channels.poll-interval:PT1S}",
      initialDelayString = "${orderloop.channels.poll-interval:PT1S}")
  void relay() {
    // One push per claim: its lease covers the few calls it makes (each with the API deadline), so
    // another instance never takes it over while it is being sent.
    for (int i = 0; i < 1000; i++) {
      List<ChannelPushes.Claimed> due = pushes.claimDue(1, lease());
      if (due.isEmpty()) {
        return;
      }
      send(due.getFirst());
    }
  }

  /** A claim's lease: renewed before every call, so it only has to cover one call and a margin. */
  private java.time.Duration lease() {
    return properties.apiTimeout().multipliedBy(3);
  }

  void send(ChannelPushes.Claimed push) {
    try {
      Map<String, Object> result;
      if ("square".equals(push.channel())) {
        result = square(square.merchant(push.account()), push);
      } else {
        StoreApi.Shop shop = shop(push.account());
        result =
            switch (push.kind()) {
              case "FULFILLMENT" -> fulfil(shop, push);
              case "DELIVERED" -> delivered(shop, push);
              case "CANCEL" -> cancel(shop, push);
              case "LINES" -> lines(shop, push);
              default -> throw new Stop("unknown push kind " + push.kind(), false, null);
            };
      }
      pushes.sent(push, result);
    } catch (Stop stop) {
      if (stop.retry && push.attempts() < properties.maxAttempts()) {
        Duration wait = stop.after != null ? stop.after : properties.backoff(push.attempts());
        pushes.retry(push, pushes.now().plus(wait), stop.getMessage());
      } else {
        pushes.gaveUp(
            push,
            stop.retry
                ? "gave up after " + push.attempts() + " attempts: " + stop.getMessage()
                : stop.getMessage());
      }
    } catch (ShopifyOrders.Unreadable gone) {
      pushes.gaveUp(push, gone.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pushes.retry(push, pushes.now().plus(properties.retryBackoff()), "interrupted");
    } catch (RuntimeException e) {
      log.warn("channel push {} failed: {}", push.id(), e.toString());
      if (push.attempts() >= properties.maxAttempts()) {
        pushes.gaveUp(
            push,
            "gave up after " + push.attempts() + " attempts: " + e.getClass().getSimpleName());
      } else {
        pushes.retry(
            push,
            pushes.now().plus(properties.backoff(push.attempts())),
            e.getClass().getSimpleName());
      }
    }
  }

  private StoreApi.Shop shop(String domain) throws Stop {
    ChannelConnections.ShopifyShop shop =
        connections
            .shopifyShop(domain)
            .orElseThrow(
                () -> new Stop("the shop " + domain + " is no longer connected", false, null));
    String token =
        connections
            .shopifyAccessToken(domain)
            .orElseThrow(
                () -> new Stop("the shop " + domain + " has no access token", false, null));
    return new StoreApi.Shop(domain, shop.apiBaseUrl(), shop.apiVersion(), token);
  }

  private Map<String, Object> fulfil(StoreApi.Shop shop, ChannelPushes.Claimed push)
      throws Stop, InterruptedException {
    JsonNode p = push.payload();
    String orderId = p.path("channelOrderId").asString();
    String tracking = p.path("trackingNumber").asString(null);
    // A fulfillment with this tracking number already there (an earlier attempt whose answer was
    // lost) is this shipment's: it is not created twice.
    if (tracking != null && !tracking.isBlank() && !tracking.equals("none")) {
      JsonNode existing =
          call(push, shop, "GET", "/orders/" + orderId + "/fulfillments.json", null);
      for (JsonNode f : existing.path("fulfillments")) {
        if (tracking.equals(f.path("tracking_number").asString(null))
            && !"cancelled".equals(f.path("status").asString(""))) {
          Map<String, Object> found = new LinkedHashMap<>();
          found.put("fulfillmentId", ShopifyOrders.id(f.get("id")));
          found.put("found", true);
          return found;
        }
      }
    }
    JsonNode orders =
        call(push, shop, "GET", "/orders/" + orderId + "/fulfillment_orders.json", null);
    Map<String, Integer> wanted = new LinkedHashMap<>();
    for (JsonNode l : p.path("lines")) {
      wanted.merge(l.path("lineItemId").asString(), l.path("quantity").asInt(), Integer::sum);
    }
    ArrayNode byOrder = json.createArrayNode();
    for (JsonNode fo : orders.path("fulfillment_orders")) {
      String status = fo.path("status").asString("");
      if (!status.equals("open") && !status.equals("in_progress") && !status.equals("scheduled")) {
        continue;
      }
      ArrayNode items = json.createArrayNode();
      for (JsonNode item : fo.path("line_items")) {
        String lineItem = ShopifyOrders.id(item.get("line_item_id"));
        int open = item.path("fulfillable_quantity").asInt(0);
        int want = wanted.getOrDefault(lineItem, 0);
        int take = Math.min(open, want);
        if (take > 0) {
          items.add(
              json.createObjectNode()
                  .put("id", new java.math.BigInteger(ShopifyOrders.id(item.get("id"))))
                  .put("quantity", take));
          wanted.put(lineItem, want - take);
        }
      }
      if (!items.isEmpty()) {
        ObjectNode entry = json.createObjectNode();
        entry.put("fulfillment_order_id", new java.math.BigInteger(ShopifyOrders.id(fo.get("id"))));
        entry.set("fulfillment_order_line_items", items);
        byOrder.add(entry);
      }
    }
    if (byOrder.isEmpty()) {
      throw new Stop(
          "nothing of these lines is open to fulfil in Shopify (fulfilled or cancelled there)",
          false,
          null);
    }
    List<String> short_ = new ArrayList<>();
    wanted.forEach(
        (k, v) -> {
          if (v > 0) short_.add(v + " of line item " + k);
        });
    ObjectNode fulfillment = json.createObjectNode();
    fulfillment.set("line_items_by_fulfillment_order", byOrder);
    ObjectNode trackingInfo = fulfillment.putObject("tracking_info");
    trackingInfo.put("number", tracking);
    trackingInfo.put("company", p.path("carrier").asString(null));
    fulfillment.put("notify_customer", true);
    ObjectNode body = json.createObjectNode();
    body.set("fulfillment", fulfillment);
    JsonNode created = call(push, shop, "POST", "/fulfillments.json", body);
    String id = ShopifyOrders.id(created.path("fulfillment").get("id"));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("fulfillmentId", id);
    if (!short_.isEmpty()) {
      result.put("notOpenInShopify", short_);
    }
    return result;
  }

  private Map<String, Object> delivered(StoreApi.Shop shop, ChannelPushes.Claimed push)
      throws Stop, InterruptedException {
    JsonNode p = push.payload();
    String orderId = p.path("channelOrderId").asString();
    List<String> ids = pushes.fulfillmentIds(push.orderId(), p.path("shipmentId").asString(null));
    if (ids.isEmpty()) {
      throw new Stop("no fulfillment of this shipment reached Shopify", false, null);
    }
    for (String id : ids) {
      ObjectNode body = json.createObjectNode();
      body.putObject("event").put("status", "delivered");
      call(push, shop, "POST", "/orders/" + orderId + "/fulfillments/" + id + "/events.json", body);
    }
    return Map.of("fulfillmentIds", ids);
  }

  private static final String EDIT_BEGIN =
      """
      mutation begin($id: ID!) { orderEditBegin(id: $id) {
        calculatedOrder { id lineItems(first: 250) { nodes { id quantity lineItem { id } } } }
        userErrors { field message } } }""";

  private static final String EDIT_SET_QUANTITY =
      """
      mutation set($id: ID!, $lineItemId: ID!, $quantity: Int!) {
        orderEditSetQuantity(id: $id, lineItemId: $lineItemId, quantity: $quantity, restock: true) {
          calculatedOrder { id } userErrors { field message } } }""";

  private static final String EDIT_COMMIT =
      """
      mutation commit($id: ID!) { orderEditCommit(id: $id, notifyCustomer: false,
          staffNote: "Cancelled in Orderloop") { order { id } userErrors { field message } } }""";

  /**
   * Lines cancelled or reduced here: an order edit in Shopify (GraphQL {@code orderEditBegin}, one
   * {@code orderEditSetQuantity} per line whose quantity there is above ours, {@code
   * orderEditCommit}). Quantities are only ever lowered. Moot when the order is cancelled as a
   * whole by a later push.
   */
  private Map<String, Object> lines(StoreApi.Shop shop, ChannelPushes.Claimed push)
      throws Stop, InterruptedException {
    if (pushes.cancelledLater(push.orderId(), push.id())) {
      return Map.of("superseded", "the order is cancelled as a whole by a later push");
    }
    JsonNode p = push.payload();
    Map<String, Integer> target = new LinkedHashMap<>();
    for (JsonNode l : p.path("lines")) {
      target.put(
          "gid://shopify/LineItem/" + l.path("lineItemId").asString(""),
          l.path("quantity").asInt());
    }
    String orderGid = "gid://shopify/Order/" + p.path("channelOrderId").asString("");
    JsonNode begun =
        graphql(
            push, shop, EDIT_BEGIN, json.createObjectNode().put("id", orderGid), "orderEditBegin");
    JsonNode calculated = begun.path("calculatedOrder");
    String calculatedId = calculated.path("id").asString(null);
    List<String> changed = new ArrayList<>();
    for (JsonNode item : calculated.path("lineItems").path("nodes")) {
      Integer want = target.get(item.path("lineItem").path("id").asString(""));
      int has = item.path("quantity").asInt();
      if (want != null && want < has) {
        ObjectNode vars =
            json.createObjectNode()
                .put("id", calculatedId)
                .put("lineItemId", item.path("id").asString(""))
                .put("quantity", Math.max(want, 0));
        graphql(push, shop, EDIT_SET_QUANTITY, vars, "orderEditSetQuantity");
        changed.add(item.path("lineItem").path("id").asString("") + " " + has + "→" + want);
      }
    }
    if (changed.isEmpty()) {
      return Map.of("unchanged", "Shopify already shows these quantities");
    }
    graphql(
        push,
        shop,
        EDIT_COMMIT,
        json.createObjectNode().put("id", calculatedId),
        "orderEditCommit");
    return Map.of("edited", changed);
  }

  /** One GraphQL call: the named mutation's result, or a {@link Stop} for its errors. */
  private JsonNode graphql(
      ChannelPushes.Claimed push,
      StoreApi.Shop shop,
      String query,
      ObjectNode variables,
      String field)
      throws Stop, InterruptedException {
    ObjectNode body = json.createObjectNode().put("query", query);
    body.set("variables", variables);
    JsonNode answer = call(push, shop, "POST", "/graphql.json", body);
    JsonNode errors = answer.path("errors");
    if (errors.isArray() && !errors.isEmpty()) {
      boolean throttled = errors.toString().contains("THROTTLED");
      throw new Stop("GraphQL " + field + ": " + clip(errors.toString()), throttled, null);
    }
    JsonNode result = answer.path("data").path(field);
    JsonNode userErrors = result.path("userErrors");
    if (userErrors.isArray() && !userErrors.isEmpty()) {
      throw new Stop(field + " refused: " + clip(userErrors.toString()), false, null);
    }
    return result;
  }

  private Map<String, Object> cancel(StoreApi.Shop shop, ChannelPushes.Claimed push)
      throws Stop, InterruptedException {
    String orderId = push.payload().path("channelOrderId").asString();
    ObjectNode body = json.createObjectNode().put("reason", "other").put("email", false);
    call(push, shop, "POST", "/orders/" + orderId + "/cancel.json", body);
    return Map.of("cancelled", true);
  }

  /**
   * Square: the order's shipment fulfillment gets the carrier and tracking number at shipment and
   * {@code COMPLETED} at delivery; a cancellation made here cancels the order. Each update names
   * the order's current version, read just before; a version conflict reads it again (three times).
   */
  private Map<String, Object> square(StoreApi.Merchant merchant, ChannelPushes.Claimed push)
      throws Stop, InterruptedException {
    JsonNode p = push.payload();
    String orderId = p.path("channelOrderId").asString();
    String path = "/v2/orders/" + orderId;
    for (int tryNo = 1; ; tryNo++) {
      JsonNode order = call(push, merchant, "GET", path, null).path("order");
      ObjectNode update = json.createObjectNode();
      ObjectNode o = update.putObject("order");
      o.put("version", order.path("version").asLong());
      if (push.kind().equals("CANCEL")) {
        o.put("state", "CANCELED");
      } else {
        String uid = null;
        for (JsonNode f : order.path("fulfillments")) {
          if ("SHIPMENT".equals(f.path("type").asString(""))) {
            uid = f.path("uid").asString(null);
            break;
          }
        }
        if (uid == null) {
          throw new Stop("the Square order has no shipment fulfillment to update", false, null);
        }
        ObjectNode f = o.putArray("fulfillments").addObject();
        f.put("uid", uid);
        if (push.kind().equals("FULFILLMENT")) {
          ObjectNode details = f.putObject("shipment_details");
          details.put("carrier", p.path("carrier").asString(null));
          details.put("tracking_number", p.path("trackingNumber").asString(null));
        } else {
          f.put("state", "COMPLETED");
        }
      }
      update.put(
          "idempotency_key", "orderloop-push-" + push.id() + "-" + push.attempts() + "-" + tryNo);
      try {
        call(push, merchant, "PUT", path, update);
        return Map.of("version", order.path("version").asLong() + 1, "kind", push.kind());
      } catch (Stop stop) {
        boolean conflict = stop.answer != null && stop.answer.contains("VERSION_MISMATCH");
        if (!conflict || tryNo >= 3) {
          throw conflict ? new Stop(stop.getMessage(), true, null) : stop;
        }
      }
    }
  }

  /** One call, recorded with its answer; a 2xx answer's JSON, or a {@link Stop}. */
  private JsonNode call(
      ChannelPushes.Claimed push, StoreApi.Store shop, String method, String path, JsonNode body)
      throws Stop, InterruptedException {
    pushes.extend(push, lease());
    String request = method + " " + shop.url(path) + (body == null ? "" : " " + body);
    StoreApi.Answer answer;
    try {
      answer =
          method.equals("GET")
              ? admin.get(shop, path)
              : admin.send(shop, method, path, json.writeValueAsString(body));
    } catch (HttpTimeoutException e) {
      pushes.attempt(push.id(), push.attempts(), request, null, "timed out");
      throw new Stop("timed out: " + method + " " + path, true, null);
    } catch (IOException e) {
      pushes.attempt(push.id(), push.attempts(), request, null, e.getClass().getSimpleName());
      throw new Stop("could not reach the shop: " + e.getClass().getSimpleName(), true, null);
    }
    pushes.attempt(push.id(), push.attempts(), request, answer.status(), answer.body());
    int status = answer.status();
    if (status == 429) {
      Duration wait = StoreApi.retryAfter(answer.retryAfter(), properties.backoff(push.attempts()));
      throw new Stop("429 from " + method + " " + path + "; retry after " + wait, true, wait);
    }
    if (status >= 500) {
      throw new Stop(status + " from " + method + " " + path, true, null);
    }
    if (status < 200 || status > 299) {
      throw new Stop(
          status + " from " + method + " " + path + ": " + clip(answer.body()),
          false,
          null,
          answer.body());
    }
    if (answer.body().isBlank()) {
      return json.createObjectNode();
    }
    try {
      return json.readTree(answer.body());
    } catch (RuntimeException notJson) {
      // Never read as "nothing there": a fulfillment looked up in a cut-off answer could be made
      // twice.
      throw new Stop("the answer to " + method + " " + path + " is not JSON", true, null);
    }
  }

  private static String clip(String s) {
    return s == null || s.length() <= 300 ? s : s.substring(0, 300) + "...";
  }
}
