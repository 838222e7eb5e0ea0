package io.orderloop.channels;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.orderloop.Api;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * HTTP: Square notifications carry only ids; the order is fetched from the Orders API (a local stub
 * here), its catalog variations resolved to SKUs, its version ordering updates; shipments and
 * delivery update the order's shipment fulfillment with its current version.
 */
class SquareChannelApiTest extends ChannelApiTest {

  static final JsonMapper JSON = JsonMapper.builder().build();
  static final String NOTIFICATION_URL = "https://orderloop.example.com/channels/square/webhooks";

  static WireMockServer square;

  String merchant;
  String key;
  String token;
  String location;

  @BeforeAll
  static void startStub() {
    square = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    square.start();
  }

  @AfterAll
  static void stopStub() {
    square.stop();
  }

  @BeforeEach
  void connectMerchant() {
    square.resetAll();
    location = location(1);
    merchant = unique("M").replace("-", "");
    key = "sq-key-" + UUID.randomUUID();
    token = "EAAA" + UUID.randomUUID();
    Api.Response r =
        api.put(
            "/api/v1/channels/square/merchants/" + merchant,
            Map.of(
                "signatureKey", key,
                "notificationUrl", NOTIFICATION_URL,
                "accessToken", token,
                "apiBaseUrl", "http://127.0.0.1:" + square.port(),
                "location", location));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  static ObjectNode fixture(String name) {
    try (InputStream in =
        SquareChannelApiTest.class.getResourceAsStream("/fixtures/square/" + name)) {
      return (ObjectNode) JSON.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The documented notification, for this merchant, order and version. */
  ObjectNode notification(String type, String orderId, long version) {
    ObjectNode n =
        fixture(
            type.equals("order.created")
                ? "webhook-order.created.api-spec-example.json"
                : "webhook-order.updated.api-spec-example.json");
    n.put("merchant_id", merchant);
    n.put("event_id", UUID.randomUUID().toString());
    ObjectNode data = (ObjectNode) n.get("data");
    data.put("id", orderId);
    ObjectNode object = (ObjectNode) data.get("object").values().iterator().next();
    object.put("order_id", orderId);
    object.put("version", version);
    return n;
  }

  record Line(String uid, String catalogObjectId, String quantity, long amount) {}

  /** The documented RetrieveOrder answer, reshaped: these lines, a shipment fulfillment. */
  void stubOrder(String orderId, long version, String state, List<Line> lines) {
    ObjectNode body = fixture("retrieve-order.response.api-spec-example.json");
    ObjectNode order = (ObjectNode) body.get("order");
    order.put("id", orderId);
    order.put("version", version);
    order.put("state", state);
    order.put("location_id", "L1");
    ObjectNode template = (ObjectNode) order.get("line_items").get(0).deepCopy();
    ArrayNode items = order.putArray("line_items");
    for (Line l : lines) {
      ObjectNode item = template.deepCopy();
      item.put("uid", l.uid());
      item.put("catalog_object_id", l.catalogObjectId());
      item.put("quantity", l.quantity());
      ((ObjectNode) item.get("base_price_money")).put("amount", l.amount());
      items.add(item);
    }
    ObjectNode fulfillment = order.putArray("fulfillments").addObject();
    fulfillment.put("uid", "F-" + orderId);
    fulfillment.put("type", "SHIPMENT");
    fulfillment.put("state", "PROPOSED");
    ObjectNode recipient = fulfillment.putObject("shipment_details").putObject("recipient");
    recipient.put("display_name", "Sam Square");
    recipient.put("email_address", "sam@example.com");
    recipient
        .putObject("address")
        .put("address_line_1", "5 Market St")
        .put("locality", "Oakland")
        .put("country", "US");
    square.stubFor(
        get(urlEqualTo("/v2/orders/" + orderId))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(body.toString())));
  }

  void stubVariation(String catalogObjectId, String sku) {
    square.stubFor(
        get(urlEqualTo("/v2/catalog/object/" + catalogObjectId))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody(
                        "{\"object\":{\"type\":\"ITEM_VARIATION\",\"id\":\""
                            + catalogObjectId
                            + "\",\"item_variation_data\":{\"sku\":\""
                            + sku
                            + "\"}}}")));
  }

  record Delivered(int status, String body) {
    String status_() {
      return JSON.readTree(body).get("status").asString();
    }
  }

  Delivered send(String body, String signature) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/channels/square/webhooks"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (signature != null) {
      b.header("x-square-hmacsha256-signature", signature);
    }
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Delivered(r.statusCode(), r.body());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  String sign(String body) {
    return Base64.getEncoder()
        .encodeToString(
            WebhookIntake.hmac(key, (NOTIFICATION_URL + body).getBytes(StandardCharsets.UTF_8)));
  }

  Delivered deliver(JsonNode notification) {
    String body = notification.toString();
    return send(body, sign(body));
  }

  JsonNode orderOf(String squareId) {
    List<String> ids =
        jdbc.sql("SELECT id::text FROM orders WHERE channel = 'SQUARE' AND external_id = ?")
            .param(squareId)
            .query(String.class)
            .list();
    assertThat(ids).hasSize(1);
    return getOrder(ids.getFirst());
  }

  @Test
  void an_order_is_fetched_mapped_through_the_catalog_and_ordered_by_version() {
    String s = sku("SQ");
    receive(s, location, 10);
    String orderId = "SQ" + UUID.randomUUID().toString().replace("-", "");
    String variation = "VAR" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    stubVariation(variation, s);
    stubOrder(
        orderId,
        1,
        "OPEN",
        List.of(new Line("u1", variation, "2", 1250), new Line("u2", variation, "1.5", 1250)));

    JsonNode created = notification("order.created", orderId, 1);
    Delivered d = deliver(created);
    assertThat(d.status()).as(d.body()).isEqualTo(200);
    assertThat(d.status_()).isEqualTo("PROCESSED");
    square.verify(
        getRequestedFor(urlEqualTo("/v2/orders/" + orderId))
            .withHeader("Authorization", equalTo("Bearer " + token)));
    JsonNode order = orderOf(orderId);
    assertThat(order.get("lines")).hasSize(1);
    assertThat(order.get("lines").get(0).get("sku").asString()).isEqualTo(s);
    assertThat(order.get("lines").get(0).get("unitPrice").asString()).isEqualTo("12.50");
    assertThat(order.get("lines").get(0).get("allocated").asInt()).isEqualTo(2);
    assertThat(order.get("shipTo").get("line1").asString()).isEqualTo("5 Market St");
    assertThat(order.get("customer").get("name").asString()).isEqualTo("Sam Square");
    // The fractional line is kept aside, not rounded, and holds the order.
    assertThat(order.get("holds").toString()).contains("CHANNEL_DATA", "1.5");
    assertThat(order.get("channelOrder").get("pendingLines").toString())
        .contains("u2", "NOT_TAKEN");

    // The same event again: a duplicate.
    String body = created.toString();
    assertThat(send(body, sign(body)).status_()).isEqualTo("DUPLICATE");

    // Version 3 arrives before version 2: the older never overwrites the newer.
    stubOrder(orderId, 3, "OPEN", List.of(new Line("u1", variation, "4", 1250)));
    assertThat(deliver(notification("order.updated", orderId, 3)).status_()).isEqualTo("PROCESSED");
    assertThat(stock(s).get("reserved").asInt()).isEqualTo(4);
    stubOrder(orderId, 2, "OPEN", List.of(new Line("u1", variation, "1", 1250)));
    assertThat(deliver(notification("order.updated", orderId, 2)).status_()).isEqualTo("STALE");
    assertThat(orderOf(orderId).get("lines").get(0).get("quantity").asInt()).isEqualTo(4);

    // CANCELED on Square cancels here.
    stubOrder(orderId, 4, "CANCELED", List.of(new Line("u1", variation, "4", 1250)));
    assertThat(deliver(notification("order.updated", orderId, 4)).status_()).isEqualTo("PROCESSED");
    assertThat(orderOf(orderId).get("state").asString()).isEqualTo("CANCELLED");
    assertThat(stock(s).get("reserved").asInt()).isZero();
  }

  @Test
  void bad_signatures_and_unknown_merchants_are_refused_and_store_nothing() {
    String body = notification("order.created", "X1", 1).toString();
    assertThat(send(body, null).status()).isEqualTo(401);
    assertThat(send(body, sign(body + " ")).status()).isEqualTo(401);
    String wrongUrl =
        Base64.getEncoder()
            .encodeToString(
                WebhookIntake.hmac(
                    key,
                    ("https://elsewhere.example.com/hook" + body)
                        .getBytes(StandardCharsets.UTF_8)));
    assertThat(send(body, wrongUrl).status()).isEqualTo(401);
    String stranger = body.replace(merchant, "SOMEONEELSE");
    assertThat(send(stranger, sign(stranger)).status()).isEqualTo(401);
    assertThat(send("not json", sign("not json")).status()).isEqualTo(400);
    assertThat(count("SELECT count(*) FROM channel_deliveries WHERE account = ?", merchant))
        .isZero();
  }

  @Test
  void shipment_and_delivery_update_the_square_fulfillment_with_the_current_version() {
    String s = sku("SQS");
    receive(s, location, 10);
    String orderId = "SQ" + UUID.randomUUID().toString().replace("-", "");
    String variation = "VAR" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    stubVariation(variation, s);
    stubOrder(orderId, 5, "OPEN", List.of(new Line("u1", variation, "1", 900)));
    assertThat(deliver(notification("order.created", orderId, 5)).status_()).isEqualTo("PROCESSED");
    String id = orderOf(orderId).get("id").asString();
    transition(id, "FULFILLMENT_QUEUED");

    // The first update meets a version conflict; the relay reads the order again and retries.
    square.stubFor(
        put(urlEqualTo("/v2/orders/" + orderId))
            .inScenario("version")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withBody("{\"errors\":[{\"code\":\"VERSION_MISMATCH\"}]}"))
            .willSetStateTo("fresh"));
    square.stubFor(
        put(urlEqualTo("/v2/orders/" + orderId))
            .inScenario("version")
            .whenScenarioStateIs("fresh")
            .willReturn(aResponse().withStatus(200).withBody("{\"order\":{}}")));
    JsonNode shipped = ship(id, s, 1, "USPS", "9400-1");
    awaitSent(id, 0);
    square.verify(
        2,
        putRequestedFor(urlEqualTo("/v2/orders/" + orderId))
            .withHeader("Authorization", equalTo("Bearer " + token))
            .withRequestBody(matchingJsonPath("$.order.version", equalTo("5")))
            .withRequestBody(
                matchingJsonPath("$.order.fulfillments[0].uid", equalTo("F-" + orderId)))
            .withRequestBody(
                matchingJsonPath(
                    "$.order.fulfillments[0].shipment_details.tracking_number", equalTo("9400-1")))
            .withRequestBody(
                matchingJsonPath(
                    "$.order.fulfillments[0].shipment_details.carrier", equalTo("USPS"))));

    Api.Response delivered =
        api.post("/api/v1/shipments/" + shipped.get("id").asString() + "/delivery", Map.of());
    assertThat(delivered.status()).as(delivered.toString()).isIn(200, 201);
    awaitSent(id, 1);
    square.verify(
        putRequestedFor(urlEqualTo("/v2/orders/" + orderId))
            .withRequestBody(
                matchingJsonPath("$.order.fulfillments[0].state", equalTo("COMPLETED"))));
  }

  @Test
  void stock_is_pushed_to_square_as_physical_counts() {
    String s = sku("SQSTK");
    receive(s, location, 6);
    square.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.post(
                urlEqualTo("/v2/inventory/changes/batch-create"))
            .willReturn(aResponse().withStatus(200).withBody("{\"counts\":[]}")));
    Api.Response configured =
        api.put(
            "/api/v1/channels/square/merchants/" + merchant + "/stock-sync",
            Map.of(
                "locations", List.of(Map.of("location", location, "channelLocationId", "LOC-SQ-1")),
                "items", List.of(Map.of("sku", s, "channelItemId", "VAR-" + s))));
    assertThat(configured.status()).as(configured.toString()).isEqualTo(200);
    org.awaitility.Awaitility.await("6 pushed")
        .atMost(java.time.Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                square.verify(
                    com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                            urlEqualTo("/v2/inventory/changes/batch-create"))
                        .withHeader("Authorization", equalTo("Bearer " + token))
                        .withRequestBody(
                            matchingJsonPath("$.changes[0].type", equalTo("PHYSICAL_COUNT")))
                        .withRequestBody(
                            matchingJsonPath(
                                "$.changes[0].physical_count.catalog_object_id",
                                equalTo("VAR-" + s)))
                        .withRequestBody(
                            matchingJsonPath(
                                "$.changes[0].physical_count.location_id", equalTo("LOC-SQ-1")))
                        .withRequestBody(
                            matchingJsonPath(
                                "$.changes[0].physical_count.quantity", equalTo("6")))));
  }

  @Test
  void a_line_cancelled_here_is_not_sent_to_square_as_a_completion() {
    String s = sku("SQL");
    receive(s, location, 10);
    String orderId = "SQ" + UUID.randomUUID().toString().replace("-", "");
    String variation = "VAR" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    stubVariation(variation, s);
    stubOrder(orderId, 1, "OPEN", List.of(new Line("u1", variation, "3", 500)));
    assertThat(deliver(notification("order.created", orderId, 1)).status_()).isEqualTo("PROCESSED");
    String id = orderOf(orderId).get("id").asString();
    Api.Response r =
        api.post(
            "/api/v1/orders/" + id + "/cancel",
            Map.of("reason", "short", "lines", List.of(Map.of("sku", s, "quantity", 1))));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(api.get("/api/v1/channels/pushes?order=" + id).json().get("items")).isEmpty();
    square.verify(0, putRequestedFor(urlEqualTo("/v2/orders/" + orderId)));
  }
}
