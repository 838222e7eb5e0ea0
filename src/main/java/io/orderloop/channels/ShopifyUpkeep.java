package io.orderloop.channels;

import java.io.IOException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keeping a shop connected: its webhook subscriptions, and a reconcile job for lost webhooks.
 *
 * <ul>
 *   <li>Subscriptions: the three order topics must be subscribed to this service's address ({@code
 *       orderloop.channels.public-base-url} + {@code /channels/shopify/webhooks}). Checked when a
 *       shop is connected and on request; missing ones are created through the Admin API when the
 *       address is configured, else reported missing (the app is configured elsewhere). The last
 *       result is kept with the shop.
 *   <li>Reconcile: every {@code orderloop.channels.reconcile-interval}, each shop's orders updated
 *       in a window — from five minutes before the last look to a minute ago — are read page by
 *       page, and each goes through the deliveries log as if its webhook had come (a delivery id of
 *       its own per order and update time, so a repeat is a duplicate, and an order already current
 *       is stale). The cursor moves only when the whole window was read. The first run starts a day
 *       back.
 * </ul>
 */
@Component
class ShopifyUpkeep {

  private static final Logger log = LoggerFactory.getLogger(ShopifyUpkeep.class);

  static final List<String> TOPICS = DeliveryProcessor.SHOPIFY_ORDER_TOPICS;

  private static final Pattern NEXT_PAGE =
      Pattern.compile("<[^>]*[?&]page_info=([^&>]+)[^>]*>;\\s*rel=\"?next\"?");

  private final ChannelConnections connections;
  private final ChannelDeliveries deliveries;
  private final DeliveryProcessor processor;
  private final StoreApi api;
  private final ChannelProperties properties;
  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final Clock clock;

  ShopifyUpkeep(
      ChannelConnections connections,
      ChannelDeliveries deliveries,
      DeliveryProcessor processor,
      StoreApi api,
      ChannelProperties properties,
      JdbcClient jdbc,
      JsonMapper json,
      Clock clock) {
    this.connections = connections;
    this.deliveries = deliveries;
    this.processor = processor;
    this.api = api;
    this.properties = properties;
    this.jdbc = jdbc;
    this.json = json;
    this.clock = clock;
  }

  private Optional<StoreApi.Shop> shop(String domain) {
    return connections
        .shopifyShop(domain)
        .flatMap(
            s ->
                connections
                    .shopifyAccessToken(domain)
                    .map(t -> new StoreApi.Shop(domain, s.apiBaseUrl(), s.apiVersion(), t)));
  }

  // ------------------------------------------------------------------ subscriptions

  /**
   * Checks the shop's order subscriptions against this service's address and creates the missing
   * ones when the address is configured; keeps and answers the result.
   */
  JsonNode checkSubscriptions(String domain) {
    ObjectNode result = json.createObjectNode();
    result.put("checkedAt", clock.instant().toString());
    String base = properties.publicBaseUrl();
    String address =
        base == null || base.isBlank()
            ? null
            : (base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
                + "/channels/shopify/webhooks";
    result.put("address", address);
    var topics = result.putArray("topics");
    Optional<StoreApi.Shop> shop = shop(domain);
    if (shop.isEmpty()) {
      result.put("error", "the shop is not connected");
      return result;
    }
    Map<String, String> existing = new LinkedHashMap<>();
    try {
      StoreApi.Answer answer = api.get(shop.get(), "/webhooks.json?limit=250");
      if (answer.status() != 200) {
        result.put("error", "GET webhooks.json answered " + answer.status());
        return keep(domain, result);
      }
      for (JsonNode w : json.readTree(answer.body()).path("webhooks")) {
        String topic = w.path("topic").asString("");
        String at = w.path("address").asString("");
        if (address == null ? at.endsWith("/channels/shopify/webhooks") : at.equals(address)) {
          existing.put(topic, ShopifyOrders.id(w.get("id")));
        }
      }
      for (String topic : TOPICS) {
        ObjectNode t = topics.addObject().put("topic", topic);
        if (existing.containsKey(topic)) {
          t.put("status", "PRESENT").put("id", existing.get(topic));
          continue;
        }
        if (address == null) {
          t.put("status", "MISSING")
              .put(
                  "detail",
                  "set orderloop.channels.public-base-url to register it, or add it in the app");
          continue;
        }
        ObjectNode body = json.createObjectNode();
        body.putObject("webhook").put("topic", topic).put("address", address).put("format", "json");
        StoreApi.Answer created =
            api.send(shop.get(), "POST", "/webhooks.json", json.writeValueAsString(body));
        if (created.status() == 201 || created.status() == 200) {
          t.put("status", "CREATED")
              .put("id", ShopifyOrders.id(json.readTree(created.body()).path("webhook").get("id")));
        } else {
          t.put("status", "FAILED")
              .put("detail", "POST webhooks.json answered " + created.status());
        }
      }
    } catch (IOException e) {
      result.put("error", "could not reach the shop: " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.put("error", "interrupted");
    } catch (RuntimeException e) {
      result.put("error", "the shop's answer could not be read");
    }
    return keep(domain, result);
  }

  private JsonNode keep(String domain, ObjectNode result) {
    jdbc.sql("UPDATE channel_shopify_shops SET subscriptions = ?::jsonb WHERE shop_domain = ?")
        .params(result.toString(), domain)
        .update();
    return result;
  }

  // ------------------------------------------------------------------ reconcile

  @Scheduled(
      fixedDelayString = "${orderloop.channels.reconcile-interval:PT15M}",
      initialDelayString = "${orderloop.channels.reconcile-interval:PT15M}")
  void reconcileAll() {
    for (ChannelConnections.ShopifyShop s : connections.shopifyShops()) {
      try {
        reconcile(s.shopDomain());
      } catch (RuntimeException e) {
        log.warn("reconciling {} failed: {}", s.shopDomain(), e.toString());
      }
    }
  }

  /** Reads one shop's orders updated since the last look; answers how many were new deliveries. */
  int reconcile(String domain) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    Optional<Instant> since =
        jdbc.sql(
                """
                UPDATE channel_shopify_shops SET reconcile_lease_until = ?
                WHERE shop_domain = ? AND (reconcile_lease_until IS NULL OR reconcile_lease_until < ?)
                RETURNING coalesce(reconciled_until, ?)""")
            .params(
                Timestamp.from(now.plus(properties.reconcileInterval())),
                domain,
                Timestamp.from(now),
                Timestamp.from(now.minus(java.time.Duration.ofDays(1))))
            .query((rs, n) -> rs.getTimestamp(1).toInstant())
            .optional();
    if (since.isEmpty()) {
      return 0; // another instance is on it
    }
    // A closed window: from a little before the last look (Shopify's listing can lag behind its
    // updates; repeats are duplicates) to a minute ago. The cursor moves to the window's end only
    // when
    // every page of it was read.
    Instant from = since.get().minus(java.time.Duration.ofMinutes(5));
    Instant until = now.minus(java.time.Duration.ofMinutes(1));
    Instant cursor = since.get();
    int taken = 0;
    try {
      StoreApi.Shop shop = shop(domain).orElseThrow();
      String path =
          "/orders.json?status=any&limit=50&updated_at_min="
              + java.net.URLEncoder.encode(from.toString(), java.nio.charset.StandardCharsets.UTF_8)
              + "&updated_at_max="
              + java.net.URLEncoder.encode(
                  until.toString(), java.nio.charset.StandardCharsets.UTF_8);
      boolean complete = false;
      for (int page = 0; page < 1000; page++) {
        StoreApi.Answer answer = api.get(shop, path);
        if (answer.status() != 200) {
          log.warn("reconciling {}: GET orders.json answered {}", domain, answer.status());
          break;
        }
        List<Long> stored = new ArrayList<>();
        for (JsonNode order : json.readTree(answer.body()).path("orders")) {
          String id = ShopifyOrders.orderId(order);
          if (id == null) {
            continue;
          }
          String updated = order.path("updated_at").asString("");
          String topic = order.hasNonNull("cancelled_at") ? "orders/cancelled" : "orders/updated";
          deliveries
              .store(
                  new ChannelDeliveries.Incoming(
                      "shopify",
                      domain,
                      "reconcile:" + id + ":" + updated,
                      null,
                      topic,
                      Map.of("x-orderloop-source", "reconcile"),
                      json.writeValueAsString(order),
                      id))
              .ifPresent(stored::add);
        }
        for (long id : stored) {
          processor.process(id);
        }
        taken += stored.size();
        Matcher next = NEXT_PAGE.matcher(answer.link().orElse(""));
        if (!next.find()) {
          complete = true;
          break;
        }
        path = "/orders.json?limit=50&page_info=" + next.group(1);
      }
      if (complete && until.isAfter(cursor)) {
        cursor = until;
      }
    } catch (IOException | RuntimeException e) {
      log.warn("reconciling {} stopped: {}", domain, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      jdbc.sql(
              """
              UPDATE channel_shopify_shops SET reconciled_until = ?, reconcile_lease_until = NULL
              WHERE shop_domain = ?""")
          .params(Timestamp.from(cursor), domain)
          .update();
    }
    return taken;
  }
}
