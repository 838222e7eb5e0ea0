package io.orderloop.channels;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.orderloop.Api;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * HTTP: Shopify orders arrive by signed webhook, are stored before the answer, never duplicated,
 * held with their reason when the loop cannot take them as they are, and their shipments, delivery
 * and cancellations go back to the shop's Admin API — here a local stub server, whose received
 * requests the tests check.
 */
class ShopifyChannelApiTest extends ChannelApiTest {

  static final JsonMapper JSON = JsonMapper.builder().build();
  static final String VERSION = "2026-01";

  /** Ids beyond 2^53: a double would round them. */
  static final AtomicLong IDS =
      new AtomicLong(9_007_199_254_740_993L + System.nanoTime() % 1_000_000_000L * 1000);

  static WireMockServer shopify;

  String domain;
  String secret;
  String token;
  String location;

  @BeforeAll
  static void startStub() {
    shopify = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    shopify.start();
  }

  @AfterAll
  static void stopStub() {
    shopify.stop();
  }

  @BeforeEach
  void connectShop() {
    shopify.resetAll();
    location = location(1);
    domain = unique("loop").toLowerCase() + ".myshopify.com";
    secret = "shpss_" + UUID.randomUUID();
    token = "shpat_" + UUID.randomUUID();
    Api.Response r =
        api.put(
            "/api/v1/channels/shopify/shops/" + domain,
            Map.of(
                "webhookSecret", secret,
                "accessToken", token,
                "apiBaseUrl", "http://127.0.0.1:" + shopify.port(),
                "location", location));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  // ------------------------------------------------------------------ payloads, on the fixture

  static ObjectNode fixtureOrder() {
    try (InputStream in =
        ShopifyChannelApiTest.class.getResourceAsStream(
            "/fixtures/shopify/webhook-orders-create.docs-example.2026-04.metadata.json")) {
      return (ObjectNode) JSON.readTree(in).get("response").deepCopy();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A channel line: id, SKU text, quantity (as JSON: a number or text), price. */
  record Item(String id, String sku, Object quantity, String price, boolean ships) {
    Item(String id, String sku, Object quantity) {
      this(id, sku, quantity, "10.00", true);
    }
  }

  static String newId() {
    return String.valueOf(IDS.incrementAndGet());
  }

  /** The fixture order, paid and open, with this id, update time and these lines. */
  static ObjectNode order(String id, String updatedAt, List<Item> items) {
    ObjectNode o = fixtureOrder();
    o.put("id", new BigInteger(id));
    o.put("name", "#" + id.substring(id.length() - 4));
    o.put("financial_status", "paid");
    o.putNull("cancelled_at");
    o.putNull("cancel_reason");
    o.put("updated_at", updatedAt);
    ObjectNode template = (ObjectNode) o.get("line_items").get(0).deepCopy();
    ArrayNode lines = o.putArray("line_items");
    for (Item item : items) {
      ObjectNode l = template.deepCopy();
      l.put("id", new BigInteger(item.id()));
      l.put("sku", item.sku());
      l.put("title", "Item " + item.sku());
      l.put("price", item.price());
      l.put("requires_shipping", item.ships());
      l.remove("current_quantity");
      switch (item.quantity()) {
        case Integer q -> l.put("quantity", q);
        case String q -> l.put("quantity", q);
        default -> throw new IllegalArgumentException();
      }
      lines.add(l);
    }
    return o;
  }

  // ------------------------------------------------------------------ sending deliveries

  record Delivered(int status, String body) {
    JsonNode json() {
      return JSON.readTree(body);
    }
  }

  static String sign(String key, byte[] body) {
    return Base64.getEncoder().encodeToString(WebhookIntake.hmac(key, body));
  }

  Delivered deliver(String topic, JsonNode order) {
    return deliver(topic, order.toString(), UUID.randomUUID().toString());
  }

  Delivered deliver(String topic, String body, String webhookId) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return send(
        bytes,
        Map.of(
            "X-Shopify-Topic", topic,
            "X-Shopify-Shop-Domain", domain,
            "X-Shopify-Hmac-Sha256", sign(secret, bytes),
            "X-Shopify-Webhook-Id", webhookId,
            "X-Shopify-API-Version", "2026-04"));
  }

  Delivered send(byte[] body, Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/channels/shopify/webhooks"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Delivered(r.statusCode(), r.body());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  JsonNode orderOf(String shopifyId) {
    List<String> ids =
        jdbc.sql("SELECT id::text FROM orders WHERE channel = 'SHOPIFY' AND external_id = ?")
            .param(shopifyId)
            .query(String.class)
            .list();
    assertThat(ids).as("orders for Shopify order " + shopifyId).hasSize(1);
    return getOrder(ids.getFirst());
  }

  int deliveriesStored() {
    return count("SELECT count(*) FROM channel_deliveries WHERE account = ?", domain);
  }

  static List<String> holdKinds(JsonNode order) {
    List<String> kinds = new ArrayList<>();
    order.get("holds").forEach(h -> kinds.add(h.get("kind").asString()));
    return kinds;
  }

  // ------------------------------------------------------------------ intake

  @Test
  void a_signed_order_is_taken_in_once_with_its_channel_details() {
    String mapped = sku("SHP");
    String own = sku("OWN");
    receive(mapped, location, 10);
    receive(own, location, 10);
    String aliasText = unique("SHOPSKU");
    assertThat(
            api.put("/api/v1/channels/shopify/sku-aliases/" + aliasText, Map.of("sku", mapped))
                .status())
        .isEqualTo(201);
    String id = newId();
    String lineA = newId();
    String lineB = newId();
    String gift = newId();
    ObjectNode payload =
        order(
            id,
            "2026-03-01T10:00:00-05:00",
            List.of(
                new Item(lineA, aliasText, 2, "19.99", true),
                new Item(lineB, own, 1, "5.00", true),
                new Item(gift, "GIFT-CARD", 1, "25.00", false)));

    Delivered first = deliver("orders/create", payload.toString(), "wh-" + id);
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(first.json().get("status").asString()).isEqualTo("PROCESSED");

    JsonNode order = orderOf(id);
    assertThat(order.get("channel").asString()).isEqualTo("SHOPIFY");
    assertThat(order.get("externalId").asString()).isEqualTo(id); // exact beyond 2^53
    assertThat(order.get("state").asString()).isEqualTo("ALLOCATED");
    assertThat(order.get("lines")).hasSize(2);
    assertThat(order.get("lines").get(0).get("sku").asString()).isEqualTo(mapped);
    assertThat(order.get("lines").get(0).get("allocated").asInt()).isEqualTo(2);
    assertThat(order.get("lines").get(1).get("sku").asString()).isEqualTo(own);
    assertThat(order.get("total").get("amount").asString()).isEqualTo("44.98");
    JsonNode channel = order.get("channelOrder");
    assertThat(channel.get("account").asString()).isEqualTo(domain);
    assertThat(channel.get("displayNumber").asString())
        .isEqualTo("#" + id.substring(id.length() - 4));
    assertThat(channel.get("lineRefs").toString()).contains(lineA, lineB).doesNotContain(gift);
    assertThat(channel.get("charges").toString())
        .contains(
            "NOT_SHIPPED_ITEM",
            gift,
            "25.00",
            "SHIPPING",
            "Generic Shipping",
            "DISCOUNT",
            "-20.00");
    assertThat(order.get("customer").get("email").asString()).isEqualTo("jon@example.com");
    assertThat(order.get("shipTo").get("line1").asString()).isEqualTo("123 Shipping Street");
    assertThat(order.get("shipTo").get("region").asString()).isEqualTo("KY");
    assertThat(holdKinds(order)).isEmpty();

    // The same delivery again (Shopify's retry), and later a replay a day on: duplicates.
    Delivered again = deliver("orders/create", payload.toString(), "wh-" + id);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("status").asString()).isEqualTo("DUPLICATE");
    clock.shift(java.time.Duration.ofDays(1));
    assertThat(
            deliver("orders/create", payload.toString(), "wh-" + id)
                .json()
                .get("status")
                .asString())
        .isEqualTo("DUPLICATE");
    // orders/updated of the same second follows the create (and changes nothing here); the same
    // create through another subscription (another webhook id) is older: stale.
    assertThat(deliver("orders/updated", payload).json().get("status").asString())
        .isEqualTo("PROCESSED");
    assertThat(deliver("orders/create", payload).json().get("status").asString())
        .isEqualTo("STALE");
    assertThat(count("SELECT count(*) FROM orders WHERE external_id = ?", id)).isEqualTo(1);
    assertThat(deliveriesStored()).isEqualTo(3);
    assertThat(orderOf(id).get("lines")).hasSize(2);
    assertThat(stock(mapped).get("reserved").asInt()).isEqualTo(2);
  }

  @Test
  void an_update_that_arrives_first_makes_the_order_and_the_older_create_changes_nothing() {
    String s = sku("OOO");
    receive(s, location, 10);
    String id = newId();
    String line = newId();
    ObjectNode created = order(id, "2026-03-01T10:00:00Z", List.of(new Item(line, s, 1)));
    ObjectNode updated = order(id, "2026-03-01T10:05:00Z", List.of(new Item(line, s, 3)));
    assertThat(deliver("orders/updated", updated).json().get("status").asString())
        .isEqualTo("PROCESSED");
    assertThat(deliver("orders/create", created).json().get("status").asString())
        .isEqualTo("STALE");
    JsonNode order = orderOf(id);
    assertThat(order.get("lines").get(0).get("quantity").asInt()).isEqualTo(3);
    assertThat(stock(s).get("reserved").asInt()).isEqualTo(3);
  }

  @Test
  void updates_before_fulfillment_change_lines_address_and_payment_hold() {
    String a = sku("UPA");
    String b = sku("UPB");
    String c = sku("UPC");
    for (String s : List.of(a, b, c)) {
      receive(s, location, 10);
    }
    String id = newId();
    String la = newId();
    String lb = newId();
    String lc = newId();
    ObjectNode pending =
        order(id, "2026-03-01T10:00:00Z", List.of(new Item(la, a, 4), new Item(lb, b, 2)));
    pending.put("financial_status", "pending");
    assertThat(deliver("orders/create", pending).json().get("status").asString())
        .isEqualTo("PROCESSED");
    JsonNode order = orderOf(id);
    assertThat(holdKinds(order)).containsExactly("PAYMENT_PENDING");
    assertThat(order.get("hold").get("reason").asString()).contains("pending");
    assertThat(stock(a).get("reserved").asInt()).isEqualTo(4); // reserved at receipt all the same

    // Paid; line a reduced to 1, line b removed (current_quantity 0), line c added, new address.
    ObjectNode paid =
        order(
            id,
            "2026-03-01T11:00:00Z",
            List.of(new Item(la, a, 4), new Item(lb, b, 2), new Item(lc, c, 5)));
    ((ObjectNode) paid.get("line_items").get(0)).put("current_quantity", 1);
    ((ObjectNode) paid.get("line_items").get(1)).put("current_quantity", 0);
    ((ObjectNode) paid.get("shipping_address")).put("address1", "9 New Street");
    assertThat(deliver("orders/updated", paid).json().get("status").asString())
        .isEqualTo("PROCESSED");
    order = orderOf(id);
    assertThat(holdKinds(order)).isEmpty();
    assertThat(order.get("shipTo").get("line1").asString()).isEqualTo("9 New Street");
    assertThat(order.get("lines")).hasSize(3);
    assertThat(order.get("lines").get(0).get("quantity").asInt()).isEqualTo(1);
    assertThat(order.get("lines").get(1).get("cancelled").asInt()).isEqualTo(2);
    assertThat(order.get("lines").get(2).get("sku").asString()).isEqualTo(c);
    assertThat(order.get("lines").get(2).get("allocated").asInt()).isEqualTo(5);
    assertThat(stock(a).get("reserved").asInt()).isEqualTo(1);
    assertThat(stock(b).get("reserved").asInt()).isEqualTo(0);
    assertThat(order.get("channelOrder").get("lineRefs").toString()).contains(lc);

    // orders/cancelled: what has not shipped is cancelled, stock released; nothing pushed back.
    ObjectNode cancelled = paid.deepCopy();
    cancelled.put("updated_at", "2026-03-01T12:00:00Z");
    cancelled.put("cancelled_at", "2026-03-01T12:00:00Z");
    cancelled.put("cancel_reason", "customer");
    assertThat(deliver("orders/cancelled", cancelled).json().get("status").asString())
        .isEqualTo("PROCESSED");
    order = orderOf(id);
    assertThat(order.get("state").asString()).isEqualTo("CANCELLED");
    assertThat(stock(c).get("reserved").asInt()).isEqualTo(0);
    assertThat(
            count(
                "SELECT count(*) FROM channel_pushes WHERE order_id = ?::uuid",
                order.get("id").asString()))
        .isZero();
  }

  @Test
  void an_unmapped_line_holds_the_order_until_its_alias_is_added() {
    String known = sku("KNOWN");
    String target = sku("TARGET");
    receive(known, location, 5);
    receive(target, location, 5);
    String channelSku = unique("NOPE");
    String id = newId();
    ObjectNode payload =
        order(
            id,
            "2026-03-01T10:00:00Z",
            List.of(new Item(newId(), known, 1), new Item(newId(), channelSku, 2)));
    assertThat(deliver("orders/create", payload).json().get("status").asString())
        .isEqualTo("PROCESSED");
    JsonNode order = orderOf(id);
    assertThat(holdKinds(order)).containsExactly("UNMAPPED_SKU");
    assertThat(order.get("hold").get("reason").asString()).contains(channelSku);
    assertThat(order.get("lines")).hasSize(1);
    JsonNode waiting =
        api.get("/api/v1/channels/waiting-lines?channel=shopify").json().get("items");
    assertThat(waiting.toString())
        .contains(channelSku, order.get("number").asString(), "UNMAPPED_SKU");

    Api.Response alias =
        api.put("/api/v1/channels/shopify/sku-aliases/" + channelSku, Map.of("sku", target));
    assertThat(alias.status()).isEqualTo(201);
    assertThat(alias.header("Orderloop-Orders-Resolved")).isEqualTo("1");
    order = orderOf(id);
    assertThat(holdKinds(order)).isEmpty();
    assertThat(order.get("state").asString()).isEqualTo("ALLOCATED");
    assertThat(order.get("lines")).hasSize(2);
    assertThat(order.get("lines").get(1).get("sku").asString()).isEqualTo(target);
    assertThat(order.get("lines").get(1).get("allocated").asInt()).isEqualTo(2);
    assertThat(order.get("channelOrder").get("pendingLines")).isEmpty();
    assertThat(history(order.get("id").asString()).stream().map(e -> e.get("type").asString()))
        .contains("order.channel_lines_mapped", "order.released");
    assertThat(count("SELECT count(*) FROM orders WHERE external_id = ?", id)).isEqualTo(1);
  }

  // ------------------------------------------------------------------ hostile input

  @Test
  void bad_signatures_unknown_shops_and_bad_bodies_are_refused_and_store_nothing() {
    String body =
        order(newId(), "2026-03-01T10:00:00Z", List.of(new Item(newId(), "X", 1))).toString();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    Map<String, String> base = new HashMap<>();
    base.put("X-Shopify-Topic", "orders/create");
    base.put("X-Shopify-Shop-Domain", domain);
    base.put("X-Shopify-Webhook-Id", UUID.randomUUID().toString());

    Delivered missing = send(bytes, base);
    assertThat(missing.status()).isEqualTo(401);
    assertThat(missing.json().get("detail").asString()).contains("X-Shopify-Hmac-Sha256");

    Map<String, String> wrongKey = new HashMap<>(base);
    wrongKey.put("X-Shopify-Hmac-Sha256", sign("not-the-secret", bytes));
    assertThat(send(bytes, wrongKey).status()).isEqualTo(401);

    Map<String, String> changed = new HashMap<>(base);
    changed.put("X-Shopify-Hmac-Sha256", sign(secret, bytes));
    byte[] tampered = body.replace("\"paid\"", "\"pending\"").getBytes(StandardCharsets.UTF_8);
    assertThat(send(tampered, changed).status()).isEqualTo(401);

    Map<String, String> garbage = new HashMap<>(base);
    garbage.put("X-Shopify-Hmac-Sha256", "%%%not-base64");
    assertThat(send(bytes, garbage).status()).isEqualTo(401);

    Map<String, String> stranger = new HashMap<>(changed);
    stranger.put("X-Shopify-Shop-Domain", "someone-else.myshopify.com");
    Delivered unknown = send(bytes, stranger);
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.json().get("detail").asString()).contains("someone-else.myshopify.com");

    byte[] notJson = "{\"id\": 1, ".getBytes(StandardCharsets.UTF_8);
    Map<String, String> signedGarbage = new HashMap<>(base);
    signedGarbage.put("X-Shopify-Hmac-Sha256", sign(secret, notJson));
    Delivered malformed = send(notJson, signedGarbage);
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.body()).doesNotContain("Exception").doesNotContain("at io.");

    byte[] huge = new byte[10 * 1024 * 1024];
    java.util.Arrays.fill(huge, (byte) ' ');
    huge[0] = '{';
    huge[huge.length - 1] = '}';
    Map<String, String> big = new HashMap<>(base);
    big.put("X-Shopify-Hmac-Sha256", sign(secret, huge));
    assertThat(send(huge, big).status()).isEqualTo(413);

    assertThat(deliveriesStored()).isZero();
    assertThat(count("SELECT count(*) FROM orders WHERE channel_order ->> 'account' = ?", domain))
        .isZero();
  }

  @Test
  void a_signed_order_the_loop_cannot_take_as_it_is_is_acknowledged_stored_and_held() {
    String s = sku("ODD");
    receive(s, location, 10);
    String id = newId();
    String fractional = newId();
    String zero = newId();
    ObjectNode payload =
        order(
            id,
            "2026-03-01T10:00:00Z",
            List.of(new Item(newId(), s, 1), new Item(fractional, s, "1.5"), new Item(zero, s, 0)));
    ((ObjectNode) payload.get("shipping_address")).put("name", "Eve\u0007Shipper\u202e");
    payload.set("some_future_field", JSON.createObjectNode().put("x", 1));
    Delivered d = deliver("orders/create", payload);
    assertThat(d.status()).isEqualTo(200);
    JsonNode order = orderOf(id);
    assertThat(holdKinds(order)).containsExactly("CHANNEL_DATA");
    String reason = order.get("hold").get("reason").asString();
    assertThat(reason).contains("1.5").contains("shipping_address.name");
    assertThat(order.get("shipTo").get("name").asString()).isEqualTo("Eve Shipper");
    assertThat(order.get("lines")).hasSize(1);
    assertThat(order.get("channelOrder").get("pendingLines").toString())
        .contains(fractional, zero, "NOT_TAKEN");
    // The held order does not ship until a person releases it.
    Api.Response release =
        api.post(
            "/api/v1/orders/" + order.get("id").asString() + "/transitions",
            Map.of("to", "FULFILLMENT_QUEUED"));
    assertThat(release.status()).isEqualTo(409);
  }

  @Test
  void the_deliveries_log_lists_replays_and_purges_after_the_retention(
      @org.springframework.beans.factory.annotation.Autowired DeliveryProcessor processor) {
    String s = sku("LOG");
    receive(s, location, 5);
    String id = newId();
    Delivered d =
        deliver(
            "orders/create", order(id, "2026-03-01T10:00:00Z", List.of(new Item(newId(), s, 1))));
    long deliveryId = d.json().get("deliveryId").asLong();
    Delivered ignored = deliver("products/update", "{\"id\": 5}", UUID.randomUUID().toString());
    assertThat(ignored.json().get("status").asString()).isEqualTo("IGNORED");

    JsonNode processed =
        api.get("/api/v1/channels/deliveries?channel=shopify&status=PROCESSED&limit=1000").json();
    assertThat(processed.get("items").toString()).contains("\"id\":" + deliveryId, id);
    JsonNode one = api.get("/api/v1/channels/shopify/deliveries/" + deliveryId).json();
    assertThat(one.get("orderId").asString()).isEqualTo(orderOf(id).get("id").asString());
    assertThat(api.get("/api/v1/channels/shopify/deliveries/" + deliveryId + "/body").body())
        .contains(id);
    assertThat(api.get("/api/v1/channels/deliveries?status=NOPE").status()).isEqualTo(422);

    Api.Response replay =
        api.post("/api/v1/channels/shopify/deliveries/" + deliveryId + "/replay", Map.of());
    assertThat(replay.status()).as(replay.toString()).isEqualTo(200);
    await(
        "replayed",
        () ->
            !api.get("/api/v1/channels/shopify/deliveries/" + deliveryId)
                .json()
                .get("status")
                .asString()
                .equals("RECEIVED"));
    assertThat(
            api.get("/api/v1/channels/shopify/deliveries/" + deliveryId)
                .json()
                .get("status")
                .asString())
        .isEqualTo("STALE");
    assertThat(count("SELECT count(*) FROM orders WHERE external_id = ?", id)).isEqualTo(1);

    clock.shift(java.time.Duration.ofDays(31));
    processor.purge();
    assertThat(api.get("/api/v1/channels/shopify/deliveries/" + deliveryId + "/body").status())
        .isEqualTo(404);
    assertThat(
            api.get("/api/v1/channels/shopify/deliveries/" + deliveryId)
                .json()
                .get("purgedAt")
                .isNull())
        .isFalse();
    assertThat(
            api.post("/api/v1/channels/shopify/deliveries/" + deliveryId + "/replay", Map.of())
                .status())
        .isEqualTo(409);
    // The record stays, so the same delivery later is still a duplicate.
    assertThat(
            deliver("orders/create", "{}", one.get("deliveryId").asString())
                .json()
                .get("status")
                .asString())
        .isEqualTo("DUPLICATE");
  }

  // ------------------------------------------------------------------ back to the shop

  private void stubFulfillmentOrders(
      String orderId, String lineItemId, int quantity, long foId, long foLineId) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode fo = body.putArray("fulfillment_orders").addObject();
    fo.put("id", foId);
    fo.put("order_id", new BigInteger(orderId));
    fo.put("status", "open");
    ObjectNode item = fo.putArray("line_items").addObject();
    item.put("id", foLineId);
    item.put("line_item_id", new BigInteger(lineItemId));
    item.put("fulfillable_quantity", quantity);
    shopify.stubFor(
        get(urlEqualTo("/admin/api/" + VERSION + "/orders/" + orderId + "/fulfillment_orders.json"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(body.toString())));
  }

  private String fixtureFulfillment() {
    try (InputStream in =
        getClass()
            .getResourceAsStream(
                "/fixtures/shopify/rest-fulfillment-create-partial-lines.2025-07.response.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void shipments_go_back_as_fulfillments_and_delivery_closes_the_loop_in_the_shop() {
    String s = sku("FUL");
    receive(s, location, 10);
    String id = newId();
    String line = newId();
    deliver("orders/create", order(id, "2026-03-01T10:00:00Z", List.of(new Item(line, s, 3))));
    String orderId = orderOf(id).get("id").asString();
    transition(orderId, "FULFILLMENT_QUEUED");
    stubFulfillmentOrders(id, line, 3, 1046000780L, 1072503277L);
    String fulfillments = "/admin/api/" + VERSION + "/fulfillments.json";
    // The first try is throttled; the relay waits Retry-After and tries again.
    shopify.stubFor(
        post(urlEqualTo(fulfillments))
            .inScenario("throttle")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1.0"))
            .willSetStateTo("open"));
    shopify.stubFor(
        post(urlEqualTo(fulfillments))
            .inScenario("throttle")
            .whenScenarioStateIs("open")
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withBody(fixtureFulfillment())));
    shopify.stubFor(
        get(urlEqualTo("/admin/api/" + VERSION + "/orders/" + id + "/fulfillments.json"))
            .willReturn(aResponse().withStatus(200).withBody("{\"fulfillments\":[]}")));
    String events =
        "/admin/api/" + VERSION + "/orders/" + id + "/fulfillments/1069019868/events.json";
    shopify.stubFor(
        post(urlEqualTo(events)).willReturn(aResponse().withStatus(201).withBody("{}")));

    JsonNode shipped = ship(orderId, s, 2, "UPS", "1Z999");
    awaitSent(orderId, 0);

    String expected =
        "{\"fulfillment\":{\"line_items_by_fulfillment_order\":[{\"fulfillment_order_id\":1046000780,"
            + "\"fulfillment_order_line_items\":[{\"id\":1072503277,\"quantity\":2}]}],"
            + "\"tracking_info\":{\"number\":\"1Z999\",\"company\":\"UPS\"},\"notify_customer\":true}}";
    shopify.verify(
        2,
        postRequestedFor(urlEqualTo(fulfillments))
            .withHeader("X-Shopify-Access-Token", equalTo(token))
            .withRequestBody(equalToJson(expected)));
    // The retry looked for a fulfillment with this tracking number before creating one.
    shopify.verify(
        getRequestedFor(
            urlEqualTo("/admin/api/" + VERSION + "/orders/" + id + "/fulfillments.json")));
    JsonNode push = pushes(orderId).get(0);
    assertThat(push.get("result").get("fulfillmentId").asString()).isEqualTo("1069019868");
    assertThat(push.get("attemptLog").toString()).contains("429", "201");
    // The throttled attempt does not count against max-attempts.
    assertThat(push.get("attempts").asInt()).isEqualTo(1);

    String shipmentId = shipped.get("id").asString();
    Api.Response delivered = api.post("/api/v1/shipments/" + shipmentId + "/delivery", Map.of());
    assertThat(delivered.status()).as(delivered.toString()).isIn(200, 201);
    awaitSent(orderId, 1);
    shopify.verify(
        1,
        postRequestedFor(urlEqualTo(events))
            .withRequestBody(equalToJson("{\"event\":{\"status\":\"delivered\"}}")));

    // The order's page in the console shows the delivery that made it and what went back.
    io.orderloop.console.Browser console = new io.orderloop.console.Browser(port);
    console.signIn(CONSOLE_ADMIN, CONSOLE_PASSWORD);
    String page = console.get("/console/orders/" + orderId).body();
    assertThat(page).contains("Deliveries received").contains("orders/create");
    assertThat(page.substring(page.indexOf("Sent back to the channel")))
        .contains("data-push=\"" + push.get("id").asLong() + "\"")
        .contains(">SENT<");
  }

  @Test
  void a_cancellation_made_here_is_sent_to_the_shop_and_a_dead_shop_never_blocks_the_loop() {
    String s = sku("CXL");
    receive(s, location, 10);
    String id = newId();
    deliver("orders/create", order(id, "2026-03-01T10:00:00Z", List.of(new Item(newId(), s, 2))));
    String orderId = orderOf(id).get("id").asString();
    String cancel = "/admin/api/" + VERSION + "/orders/" + id + "/cancel.json";
    shopify.stubFor(
        post(urlEqualTo(cancel))
            .inScenario("down")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(503))
            .willSetStateTo("up"));
    shopify.stubFor(
        post(urlEqualTo(cancel))
            .inScenario("down")
            .whenScenarioStateIs("up")
            .willReturn(aResponse().withStatus(200).withBody("{\"order\":{}}")));

    Api.Response r =
        api.post("/api/v1/orders/" + orderId + "/cancel", Map.of("reason", "customer called"));
    assertThat(r.status()).as(r.toString()).isEqualTo(200); // the shop's 503 is not the loop's
    awaitSent(orderId, 0);
    shopify.verify(
        2,
        postRequestedFor(urlEqualTo(cancel)).withHeader("X-Shopify-Access-Token", equalTo(token)));
    // The relay's calls carry its cycle's trace (W3C Trace Context).
    shopify.verify(
        2,
        postRequestedFor(urlEqualTo(cancel))
            .withHeader(
                "traceparent",
                com.github.tomakehurst.wiremock.client.WireMock.matching(
                    "00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]")));
    assertThat(pushes(orderId).get(0).get("attemptLog").toString()).contains("503", "200");
  }

  @Test
  void what_allocation_can_still_take_is_pushed_to_the_shop_as_it_changes() {
    String s = sku("STK");
    receive(s, location, 10);
    String levels = "/admin/api/" + VERSION + "/inventory_levels/set.json";
    shopify.stubFor(
        post(urlEqualTo(levels)).willReturn(aResponse().withStatus(200).withBody("{}")));
    Api.Response configured =
        api.put(
            "/api/v1/channels/shopify/shops/" + domain + "/stock-sync",
            Map.of(
                "locations",
                    List.of(Map.of("location", location, "channelLocationId", "655441491")),
                "items", List.of(Map.of("sku", s, "channelItemId", "808950810"))));
    assertThat(configured.status()).as(configured.toString()).isEqualTo(200);
    org.awaitility.Awaitility.await("10 available pushed")
        .atMost(java.time.Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                shopify.verify(
                    postRequestedFor(urlEqualTo(levels))
                        .withHeader("X-Shopify-Access-Token", equalTo(token))
                        .withRequestBody(
                            equalToJson(
                                "{\"location_id\":655441491,\"inventory_item_id\":808950810,\"available\":10}"))));
    // An order reserves 3 (from any channel): the shop may sell 7.
    createOrder(order(s, 3));
    org.awaitility.Awaitility.await("7 available pushed")
        .atMost(java.time.Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                shopify.verify(
                    postRequestedFor(urlEqualTo(levels))
                        .withRequestBody(
                            equalToJson(
                                "{\"location_id\":655441491,\"inventory_item_id\":808950810,\"available\":7}"))));
    JsonNode items =
        api.get("/api/v1/channels/shopify/shops/" + domain + "/stock-sync").json().get("items");
    assertThat(items.get(0).get("lastPushed").asInt()).isEqualTo(7);
    // Unchanged stock is not pushed again.
    int calls = shopify.findAll(postRequestedFor(urlEqualTo(levels))).size();
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    assertThat(shopify.findAll(postRequestedFor(urlEqualTo(levels)))).hasSize(calls);
    assertThat(
            api.put(
                    "/api/v1/channels/shopify/shops/" + domain + "/stock-sync",
                    Map.of(
                        "locations",
                        List.of(),
                        "items",
                        List.of(Map.of("sku", "NOPE-NOT-A-SKU", "channelItemId", "1"))))
                .status())
        .isEqualTo(422);
  }

  @Test
  void concurrent_deliveries_of_one_order_make_one_order_at_its_newest_revision() throws Exception {
    String s = sku("RACE");
    receive(s, location, 100);
    String id = newId();
    String line = newId();
    List<ObjectNode> versions = new ArrayList<>();
    for (int minute = 1; minute <= 8; minute++) {
      versions.add(
          order(id, "2026-03-01T10:0" + minute + ":00Z", List.of(new Item(line, s, minute))));
    }
    java.util.Collections.shuffle(versions);
    List<java.util.concurrent.Future<Delivered>> answers = new ArrayList<>();
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
      java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
      for (ObjectNode v : versions) {
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  return deliver("orders/updated", v);
                }));
      }
      start.countDown();
      for (var a : answers) {
        Delivered d = a.get();
        assertThat(d.status()).as(d.body()).isEqualTo(200);
        assertThat(d.json().get("status").asString()).as(d.body()).isIn("PROCESSED", "STALE");
      }
    }
    JsonNode order = orderOf(id); // exactly one
    assertThat(order.get("lines").get(0).get("quantity").asInt()).isEqualTo(8);
    assertThat(stock(s).get("reserved").asInt()).isEqualTo(8);
    assertThat(deliveriesStored()).isEqualTo(8);
  }

  @org.springframework.beans.factory.annotation.Autowired ChannelConnections connections;
  @org.springframework.beans.factory.annotation.Autowired ChannelDeliveries deliveryLog;
  @org.springframework.beans.factory.annotation.Autowired DeliveryProcessor processor;
  @org.springframework.beans.factory.annotation.Autowired StoreApi storeApi;
  @org.springframework.beans.factory.annotation.Autowired ChannelProperties properties;

  @Test
  void subscriptions_are_checked_and_the_missing_ones_created_when_our_address_is_known() {
    String list = "/admin/api/" + VERSION + "/webhooks.json?limit=250";
    shopify.stubFor(
        get(urlEqualTo(list))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody(
                        "{\"webhooks\":[{\"id\":4759306,\"topic\":\"orders/create\","
                            + "\"address\":\"https://oms.example.com/channels/shopify/webhooks\"}]}")));
    // Without our public address: checked and reported, nothing created.
    JsonNode checked =
        api.post(
                "/api/v1/channels/shopify/shops/" + domain + "/webhook-subscriptions/check",
                Map.of())
            .json();
    assertThat(checked.get("topics").toString())
        .contains("\"topic\":\"orders/create\",\"status\":\"PRESENT\"")
        .contains("\"topic\":\"orders/updated\",\"status\":\"MISSING\"");
    assertThat(
            api.get("/api/v1/channels/shopify/shops/" + domain)
                .json()
                .get("webhookSubscriptions")
                .get("topics"))
        .hasSize(3);
    // With it: the missing two are created.
    shopify.stubFor(
        post(urlEqualTo("/admin/api/" + VERSION + "/webhooks.json"))
            .willReturn(aResponse().withStatus(201).withBody("{\"webhook\":{\"id\":901}}")));
    ChannelProperties withAddress =
        new ChannelProperties(
            properties.deliveryRetention(),
            properties.inlineBudget(),
            properties.retryBackoff(),
            properties.maxBackoff(),
            properties.maxAttempts(),
            properties.pollInterval(),
            properties.apiTimeout(),
            properties.stockSyncInterval(),
            "https://oms.example.com/",
            properties.reconcileInterval());
    JsonNode created =
        new ShopifyUpkeep(
                connections, deliveryLog, processor, storeApi, withAddress, jdbc, JSON, clock)
            .checkSubscriptions(domain);
    assertThat(created.get("topics").toString()).contains("PRESENT").contains("CREATED");
    for (String topic : List.of("orders/updated", "orders/cancelled")) {
      shopify.verify(
          postRequestedFor(urlEqualTo("/admin/api/" + VERSION + "/webhooks.json"))
              .withHeader("X-Shopify-Access-Token", equalTo(token))
              .withRequestBody(
                  equalToJson(
                      "{\"webhook\":{\"topic\":\""
                          + topic
                          + "\",\"address\":\"https://oms.example.com/channels/shopify/webhooks\",\"format\":\"json\"}}")));
    }
  }

  @Test
  void the_reconcile_job_takes_in_orders_whose_webhooks_were_lost() {
    String s = sku("REC");
    receive(s, location, 10);
    String lost = newId();
    String known = newId();
    deliver(
        "orders/create", order(known, "2026-03-01T10:00:00Z", List.of(new Item(newId(), s, 1))));
    ObjectNode page1 = JSON.createObjectNode();
    page1
        .putArray("orders")
        .add(order(lost, "2026-03-01T11:00:00Z", List.of(new Item(newId(), s, 2))));
    ObjectNode page2 = JSON.createObjectNode();
    page2
        .putArray("orders")
        .add(order(known, "2026-03-01T10:00:00Z", List.of(new Item(newId(), s, 1))));
    String orders = "/admin/api/" + VERSION + "/orders.json";
    shopify.stubFor(
        get(com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(orders))
            .withQueryParam(
                "updated_at_min", com.github.tomakehurst.wiremock.client.WireMock.matching(".+"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader(
                        "Link",
                        "<https://" + domain + orders + "?limit=50&page_info=abc123>; rel=\"next\"")
                    .withBody(page1.toString())));
    shopify.stubFor(
        get(urlEqualTo(orders + "?limit=50&page_info=abc123"))
            .willReturn(aResponse().withStatus(200).withBody(page2.toString())));

    JsonNode first =
        api.post("/api/v1/channels/shopify/shops/" + domain + "/reconcile", Map.of()).json();
    assertThat(first.get("deliveries").asInt()).isEqualTo(2);
    assertThat(orderOf(lost).get("lines").get(0).get("quantity").asInt()).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM orders WHERE external_id = ?", known)).isEqualTo(1);
    // Again: the same orders are duplicates, nothing new.
    JsonNode again =
        api.post("/api/v1/channels/shopify/shops/" + domain + "/reconcile", Map.of()).json();
    assertThat(again.get("deliveries").asInt()).isZero();
    // The cursor never goes back; it starts a day before the first run.
    assertThat(
            api.get("/api/v1/channels/shopify/shops/" + domain)
                .json()
                .get("reconciledUntil")
                .isNull())
        .isFalse();
  }

  @Test
  void lines_cancelled_here_are_lowered_in_shopify_by_an_order_edit() {
    String a = sku("EDA");
    String b = sku("EDB");
    receive(a, location, 10);
    receive(b, location, 10);
    String id = newId();
    String la = newId();
    String lb = newId();
    deliver(
        "orders/create",
        order(id, "2026-03-01T10:00:00Z", List.of(new Item(la, a, 3), new Item(lb, b, 2))));
    String orderId = orderOf(id).get("id").asString();
    String graphql = "/admin/api/" + VERSION + "/graphql.json";
    shopify.stubFor(
        post(urlEqualTo(graphql))
            .withRequestBody(
                com.github.tomakehurst.wiremock.client.WireMock.containing("orderEditBegin"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody(
                        "{\"data\":{\"orderEditBegin\":{\"calculatedOrder\":{\"id\":\"gid://shopify/CalculatedOrder/77\","
                            + "\"lineItems\":{\"nodes\":["
                            + "{\"id\":\"gid://shopify/CalculatedLineItem/1\",\"quantity\":3,\"lineItem\":{\"id\":\"gid://shopify/LineItem/"
                            + la
                            + "\"}},"
                            + "{\"id\":\"gid://shopify/CalculatedLineItem/2\",\"quantity\":2,\"lineItem\":{\"id\":\"gid://shopify/LineItem/"
                            + lb
                            + "\"}}]}},"
                            + "\"userErrors\":[]}}}")));
    shopify.stubFor(
        post(urlEqualTo(graphql))
            .withRequestBody(
                com.github.tomakehurst.wiremock.client.WireMock.containing("orderEditSetQuantity"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody("{\"data\":{\"orderEditSetQuantity\":{\"userErrors\":[]}}}")));
    shopify.stubFor(
        post(urlEqualTo(graphql))
            .withRequestBody(
                com.github.tomakehurst.wiremock.client.WireMock.containing("orderEditCommit"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody("{\"data\":{\"orderEditCommit\":{\"userErrors\":[]}}}")));

    Api.Response r =
        api.post(
            "/api/v1/orders/" + orderId + "/cancel",
            Map.of("reason", "short on stock", "lines", List.of(Map.of("sku", a, "quantity", 1))));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    awaitSent(orderId, 0);
    shopify.verify(
        1,
        postRequestedFor(urlEqualTo(graphql))
            .withRequestBody(
                com.github.tomakehurst.wiremock.client.WireMock.containing("orderEditSetQuantity"))
            .withRequestBody(
                com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath(
                    "$.variables.lineItemId", equalTo("gid://shopify/CalculatedLineItem/1")))
            .withRequestBody(
                com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath(
                    "$.variables.quantity", equalTo("2"))));
    shopify.verify(
        1,
        postRequestedFor(urlEqualTo(graphql))
            .withRequestBody(
                com.github.tomakehurst.wiremock.client.WireMock.containing("orderEditCommit")));
  }

  @Test
  void erasing_a_customer_drops_the_raw_bodies_of_their_deliveries() {
    String s = sku("ERA");
    receive(s, location, 5);
    String id = newId();
    String email = unique("erase").toLowerCase() + "@example.com";
    ObjectNode payload = order(id, "2026-03-01T10:00:00Z", List.of(new Item(newId(), s, 1)));
    payload.put("email", email);
    long deliveryId = deliver("orders/create", payload).json().get("deliveryId").asLong();
    assertThat(api.get("/api/v1/channels/shopify/deliveries/" + deliveryId + "/body").body())
        .contains(email);
    Api.Response erased = api.post("/api/v1/customers/erasure", Map.of("email", email));
    assertThat(erased.status()).as(erased.toString()).isEqualTo(200);
    assertThat(api.get("/api/v1/channels/shopify/deliveries/" + deliveryId + "/body").status())
        .isEqualTo(404);
    assertThat(
            count("SELECT count(*) FROM channel_deliveries WHERE body LIKE ?", "%" + email + "%"))
        .isZero();
  }

  @Test
  void a_company_order_with_a_po_becomes_a_b2b_order_with_its_terms() {
    String s = sku("B2B");
    receive(s, location, 50);
    String id = newId();
    ObjectNode payload = order(id, "2026-03-01T10:00:00Z", List.of(new Item(newId(), s, 12)));
    payload.putObject("company").put("id", 98765).put("name", "IRONRIDGE Construction");
    payload.put("po_number", "PO-IR-2026-0089");
    payload.putObject("payment_terms").put("payment_terms_name", "Net 30");
    assertThat(deliver("orders/create", payload).json().get("status").asString())
        .isEqualTo("PROCESSED");
    JsonNode order = orderOf(id);
    assertThat(order.get("type").asString()).isEqualTo("B2B");
    assertThat(order.get("b2b").get("buyerPo").asString()).isEqualTo("PO-IR-2026-0089");
    assertThat(order.get("b2b").get("paymentTerms").asString()).isEqualTo("NET_30");
    assertThat(order.get("fulfillmentPolicy").asString()).isEqualTo("SHIP_COMPLETE");
    assertThat(order.get("state").asString()).isEqualTo("ALLOCATED");
  }

  @Test
  void a_change_after_shipment_is_recorded_and_flagged_not_applied() {
    String s = sku("AFT");
    receive(s, location, 10);
    String id = newId();
    String line = newId();
    deliver("orders/create", order(id, "2026-03-01T10:00:00Z", List.of(new Item(line, s, 4))));
    String orderId = orderOf(id).get("id").asString();
    transition(orderId, "FULFILLMENT_QUEUED");
    ship(orderId, s, 2, "UPS", "1ZAFTER");
    ObjectNode changed = order(id, "2026-03-01T12:00:00Z", List.of(new Item(line, s, 1)));
    ((ObjectNode) changed.get("shipping_address")).put("address1", "77 Elsewhere Ave");
    JsonNode answer = deliver("orders/updated", changed).json();
    assertThat(answer.get("status").asString()).isEqualTo("PROCESSED");
    JsonNode order = orderOf(id);
    assertThat(order.get("lines").get(0).get("quantity").asInt()).isEqualTo(4);
    assertThat(order.get("shipTo").get("line1").asString()).isEqualTo("123 Shipping Street");
    JsonNode flagged =
        history(orderId).stream()
            .filter(e -> e.get("type").asString().equals("order.channel_change_not_applied"))
            .findFirst()
            .orElseThrow();
    assertThat(flagged.get("details").get("changes").toString())
        .contains("quantity 4 → 1")
        .contains("ship-to address changed");
    assertThat(stock(s).get("reserved").asInt()).isEqualTo(2);
  }
}
