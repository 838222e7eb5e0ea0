package io.orderloop.channels;

import io.orderloop.channels.PushCalls.Stop;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What goes back to a Shopify shop, through its Admin API.
 *
 * <ul>
 *   <li>{@code FULFILLMENT}: reads the order's fulfillment orders, spreads the shipped quantities
 *       of each line over the open ones, and creates one fulfillment with the tracking number and
 *       company. A fulfillment already there with the same tracking number (an attempt whose answer
 *       was lost) is taken as this one, so none is made twice.
 *   <li>{@code DELIVERED}: a {@code delivered} event on the shipment's fulfillment.
 *   <li>{@code CANCEL}: cancels the order in Shopify.
 *   <li>{@code LINES}: lowers line quantities with an order edit (GraphQL).
 * </ul>
 */
@Component
class ShopifyPushes {

  private final ChannelPushes pushes;
  private final ChannelConnections connections;
  private final PushCalls calls;
  private final JsonMapper json;

  ShopifyPushes(
      ChannelPushes pushes, ChannelConnections connections, PushCalls calls, JsonMapper json) {
    this.pushes = pushes;
    this.connections = connections;
    this.calls = calls;
    this.json = json;
  }

  Map<String, Object> send(ChannelPushes.Claimed push) throws Stop, InterruptedException {
    StoreApi.Shop shop = shop(push.account());
    return switch (push.kind()) {
      case "FULFILLMENT" -> fulfil(shop, push);
      case "DELIVERED" -> delivered(shop, push);
      case "CANCEL" -> cancel(shop, push);
      case "LINES" -> lines(shop, push);
      default -> throw new Stop("unknown push kind " + push.kind(), false, null);
    };
  }

  private JsonNode call(
      ChannelPushes.Claimed push, StoreApi.Store store, String method, String path, JsonNode body)
      throws Stop, InterruptedException {
    return calls.call(push, store, method, path, body);
  }

  private static String clip(String s) {
    return PushCalls.clip(s);
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
      Stop stop =
          new Stop(
              "GraphQL " + field + ": " + clip(errors.toString()),
              throttled,
              throttled ? java.time.Duration.ofSeconds(2) : null);
      stop.throttled = throttled;
      throw stop;
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
}
