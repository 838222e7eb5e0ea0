package io.orderloop.channels;

import io.orderloop.common.Currencies;
import io.orderloop.orders.Address;
import io.orderloop.orders.Channel;
import io.orderloop.orders.ChannelOrder;
import io.orderloop.orders.ChannelOrderCommand;
import io.orderloop.orders.CreateOrder;
import io.orderloop.orders.OrderType;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Square's order notifications carry only ids: this fetches the order with the Orders API
 * (RetrieveOrder) and reads it into a {@link ChannelOrderCommand}.
 *
 * <ul>
 *   <li>Lines name catalog variations: a line's code is its variation's SKU, read through the
 *       Catalog API and cached for an hour, or its {@code catalog_object_id} when the variation has
 *       no SKU; an alias on either maps it. An ad-hoc line (no catalog object) goes by its name.
 *   <li>Quantities are decimal strings: a whole number ({@code "2"}, {@code "2.0"}) is taken, a
 *       fraction is held aside, never rounded. Money is in the currency's smallest unit.
 *   <li>{@code state: CANCELED} cancels what has not shipped; {@code DRAFT} orders are not taken
 *       until they open. The order's {@code version} orders the updates.
 *   <li>Payment is pending while {@code net_amount_due_money} is above zero.
 *   <li>Ship-to is the shipment fulfillment's recipient.
 * </ul>
 */
@Component
class SquareOrders {

  /** The order is not one to take (a draft). */
  static final class NotTaken extends RuntimeException {
    NotTaken(String message) {
      super(message, null, false, false);
    }
  }

  private record Cached(Optional<String> sku, Instant until) {}

  private final ChannelConnections connections;
  private final StoreApi api;
  private final SkuAliases aliases;
  private final JsonMapper json;
  private final Clock clock;
  private final Map<String, Cached> catalog = new ConcurrentHashMap<>();

  SquareOrders(
      ChannelConnections connections,
      StoreApi api,
      SkuAliases aliases,
      JsonMapper json,
      Clock clock) {
    this.connections = connections;
    this.api = api;
    this.aliases = aliases;
    this.json = json;
    this.clock = clock;
  }

  /** The merchant's API, or a held delivery when it is no longer connected. */
  StoreApi.Merchant merchant(String merchantId) {
    ChannelConnections.SquareMerchant m =
        connections
            .squareMerchant(merchantId)
            .orElseThrow(
                () -> new ShopifyOrders.Unreadable("merchant " + merchantId + " is not connected"));
    String token =
        connections
            .squareAccessToken(merchantId)
            .orElseThrow(
                () -> new ShopifyOrders.Unreadable("merchant " + merchantId + " has no token"));
    return new StoreApi.Merchant(merchantId, m.apiBaseUrl(), token);
  }

  /** The order id a notification names ({@code data.id}, or the object's {@code order_id}). */
  static String orderId(JsonNode notification) {
    JsonNode data = notification.path("data");
    for (JsonNode object : data.path("object")) {
      String id = object.path("order_id").asString(null);
      if (id != null) {
        return id;
      }
    }
    return data.path("id").asString(null);
  }

  /** Fetches the notification's order and reads it. */
  ChannelOrderCommand fetch(String merchantId, JsonNode notification) {
    String orderId = orderId(notification);
    if (orderId == null || !orderId.matches("[A-Za-z0-9_-]{1,192}")) {
      throw new ShopifyOrders.Unreadable("the notification names no order id");
    }
    StoreApi.Merchant merchant = merchant(merchantId);
    JsonNode order = get(merchant, "/v2/orders/" + orderId).path("order");
    if (!order.isObject()) {
      throw new ShopifyOrders.Unreadable("RetrieveOrder answered without an order");
    }
    return read(merchant, order);
  }

  private JsonNode get(StoreApi.Merchant merchant, String path) {
    StoreApi.Answer answer;
    try {
      answer = api.get(merchant, path);
    } catch (IOException e) {
      throw new IllegalStateException("Square did not answer GET " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (answer.status() == 429 || answer.status() >= 500) {
      throw new IllegalStateException("Square answered " + answer.status() + " to GET " + path);
    }
    if (answer.status() == 404) {
      return json.createObjectNode();
    }
    if (answer.status() != 200) {
      throw new ShopifyOrders.Unreadable(
          "Square answered " + answer.status() + " to GET " + path + ": " + clip(answer.body()));
    }
    return json.readTree(answer.body());
  }

  ChannelOrderCommand read(StoreApi.Merchant merchant, JsonNode o) {
    try {
      return readOrder(merchant, o);
    } catch (ShopifyOrders.Unreadable | NotTaken | IllegalStateException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ShopifyOrders.Unreadable("the order could not be read: " + e.getMessage());
    }
  }

  private ChannelOrderCommand readOrder(StoreApi.Merchant merchant, JsonNode o) {
    String id = o.path("id").asString(null);
    String state = o.path("state").asString("");
    if ("DRAFT".equals(state)) {
      throw new NotTaken("order " + id + " is a draft");
    }
    ShopifyOrders.Cleaner text = new ShopifyOrders.Cleaner();
    String currency = o.path("total_money").path("currency").asString(null);
    if (currency == null) {
      for (JsonNode l : o.path("line_items")) {
        currency = l.path("base_price_money").path("currency").asString(null);
        if (currency != null) {
          break;
        }
      }
    }
    if (currency == null) {
      throw new ShopifyOrders.Unreadable("order " + id + " has no currency");
    }
    Currency cur;
    try {
      cur = Currencies.require(currency);
    } catch (IllegalArgumentException e) {
      throw new ShopifyOrders.Unreadable("order " + id + ": " + e.getMessage());
    }
    List<ChannelOrderCommand.Line> lines = new ArrayList<>();
    List<ChannelOrder.Charge> charges = new ArrayList<>();
    for (JsonNode l : o.path("line_items")) {
      String uid = text.of("line_items.uid", l.path("uid").asString("line-" + (lines.size() + 1)));
      String name = text.of("line_items.name", l.path("name").asString(null));
      String variation = l.path("variation_name").asString(null);
      String title = variation == null || variation.isBlank() ? name : name + " - " + variation;
      String quantity = text.of("line_items.quantity", l.path("quantity").asString("").strip());
      BigDecimal price =
          l.path("base_price_money").path("amount").isIntegralNumber()
                  && l.path("base_price_money").path("amount").asLong() >= 0
              ? minor(l.path("base_price_money"), cur)
              : null;
      String itemType = l.path("item_type").asString("ITEM");
      if ("GIFT_CARD".equals(itemType)) {
        charges.add(
            new ChannelOrder.Charge(
                ChannelOrder.ChargeKind.NOT_SHIPPED_ITEM,
                uid,
                title,
                null,
                quantity.matches("[0-9]{1,7}") ? Integer.parseInt(quantity) : 0,
                price.multiply(
                    quantity.matches("[0-9]{1,7}") ? new BigDecimal(quantity) : BigDecimal.ZERO)));
        continue;
      }
      String catalogId = l.path("catalog_object_id").asString(null);
      String code;
      String sku = null;
      if (catalogId != null) {
        Optional<String> variationSku = variationSku(merchant, catalogId);
        code = variationSku.orElse(catalogId);
        sku = aliases.resolve("square", catalogId).orElse(null);
        if (sku == null && variationSku.isPresent()) {
          sku = aliases.resolve("square", variationSku.get()).orElse(null);
        }
      } else {
        code = name;
        sku = name == null ? null : aliases.resolve("square", name).orElse(null);
      }
      lines.add(
          new ChannelOrderCommand.Line(
              uid,
              text.of("line_items.sku", code),
              title,
              sku,
              quantity,
              price,
              code != null && code.equals(catalogId) ? null : catalogId,
              false));
    }
    BigDecimal discount = minor(o.path("total_discount_money"), cur);
    if (discount.signum() > 0) {
      charges.add(
          new ChannelOrder.Charge(
              ChannelOrder.ChargeKind.DISCOUNT, null, "discounts", null, 1, discount.negate()));
    }
    BigDecimal serviceCharges = minor(o.path("total_service_charge_money"), cur);
    if (serviceCharges.signum() > 0) {
      charges.add(
          new ChannelOrder.Charge(
              ChannelOrder.ChargeKind.SHIPPING, null, "service charges", null, 1, serviceCharges));
    }
    BigDecimal tip = minor(o.path("total_tip_money"), cur);
    if (tip.signum() > 0) {
      charges.add(
          new ChannelOrder.Charge(
              ChannelOrder.ChargeKind.NOT_SHIPPED_ITEM, null, "tip", null, 1, tip));
    }
    JsonNode recipient = null;
    for (JsonNode f : o.path("fulfillments")) {
      if ("SHIPMENT".equals(f.path("type").asString(""))) {
        recipient = f.path("shipment_details").path("recipient");
        break;
      }
    }
    Address shipTo = null;
    String name = null;
    String email = null;
    if (recipient != null && recipient.isObject()) {
      name = text.of("recipient.display_name", recipient.path("display_name").asString(null));
      email = text.of("recipient.email_address", recipient.path("email_address").asString(null));
      JsonNode a = recipient.path("address");
      shipTo =
          new Address(
              name,
              null,
              text.of("address.address_line_1", a.path("address_line_1").asString(null)),
              text.of("address.address_line_2", a.path("address_line_2").asString(null)),
              text.of("address.locality", a.path("locality").asString(null)),
              text.of(
                  "address.administrative_district_level_1",
                  a.path("administrative_district_level_1").asString(null)),
              text.of("address.postal_code", a.path("postal_code").asString(null)),
              text.of("address.country", a.path("country").asString(null)),
              text.of("recipient.phone_number", recipient.path("phone_number").asString(null)));
    }
    if (name == null || name.isBlank()) {
      name = "Square customer";
    }
    if (shipTo == null) {
      shipTo = new Address(name, null, null, null, null, null, null, null, null);
    }
    long due = o.path("net_amount_due_money").path("amount").asLong(0);
    boolean cancelled = "CANCELED".equals(state);
    return new ChannelOrderCommand(
        Channel.SQUARE,
        id,
        merchant.merchantId(),
        text.of("reference_id", o.path("reference_id").asString(null)),
        o.path("version").asLong(0),
        OrderType.DTC,
        new CreateOrder.Customer(name.length() > 200 ? name.substring(0, 200) : name, email),
        shipTo,
        null,
        cur.getCurrencyCode(),
        null,
        lines,
        charges,
        due > 0 ? "due " + due : "paid",
        due > 0,
        cancelled,
        cancelled ? "cancelled on Square" : null,
        text.cleaned);
  }

  /** The variation's SKU through the Catalog API, cached for an hour; empty when it has none. */
  private Optional<String> variationSku(StoreApi.Merchant merchant, String catalogId) {
    String key = merchant.merchantId() + "/" + catalogId;
    Instant now = clock.instant();
    Cached cached = catalog.get(key);
    if (cached != null && cached.until().isAfter(now)) {
      return cached.sku();
    }
    JsonNode object =
        get(merchant, "/v2/catalog/object/" + URLEncoder.encode(catalogId, StandardCharsets.UTF_8))
            .path("object");
    String sku = object.path("item_variation_data").path("sku").asString(null);
    Optional<String> found =
        sku == null || sku.isBlank() ? Optional.empty() : Optional.of(sku.strip());
    catalog.put(key, new Cached(found, now.plus(Duration.ofHours(1))));
    return found;
  }

  /** A Square money object ({@code amount} in the smallest unit) as a decimal; zero when absent. */
  static BigDecimal minor(JsonNode money, Currency currency) {
    JsonNode amount = money.path("amount");
    if (!amount.isIntegralNumber()) {
      return BigDecimal.ZERO;
    }
    BigDecimal v =
        new BigDecimal(amount.bigIntegerValue(), Math.max(currency.getDefaultFractionDigits(), 0));
    return v.signum() < 0 ? BigDecimal.ZERO : v;
  }

  private static String clip(String s) {
    return s == null || s.length() <= 300 ? s : s.substring(0, 300) + "...";
  }
}
