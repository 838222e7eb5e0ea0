package io.orderloop.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.Api;
import io.orderloop.ApiTest;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * HTTP: bad input gets a problem document with the right 4xx and a detail naming the field, and
 * stores nothing.
 */
class BadInputTest extends ApiTest {

  private static final String GOOD_LINE = "{\"sku\":\"%s\",\"quantity\":1,\"unitPrice\":\"9.99\"}";
  private String sku;

  @BeforeEach
  void catalogue() {
    sku = sku("BAD");
    receive(sku, location(1), 5);
  }

  private String orderWith(String field, String json) {
    String channel = field.equals("channel") ? json : "\"MANUAL\"";
    String type = field.equals("type") ? json : "\"DTC\"";
    String currency = field.equals("currency") ? json : "\"USD\"";
    String lines = field.equals("lines") ? json : "[" + GOOD_LINE.formatted(sku) + "]";
    String customer =
        field.equals("customer") ? json : "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}";
    String extra = field.equals("b2b") ? ",\"b2b\":" + json : "";
    return "{\"channel\":%s,\"type\":%s,\"customer\":%s,\"shipTo\":{\"line1\":\"1 Road\",\"country\":\"US\"},\"currency\":%s,\"lines\":%s%s}"
        .formatted(channel, type, customer, currency, lines, extra);
  }

  static Stream<Arguments> badOrders() {
    return Stream.of(
        Arguments.of("channel", "\"FAX\"", 400, "channel"),
        Arguments.of("type", "\"RETAIL\"", 400, "type"),
        Arguments.of("lines", "[]", 422, "lines"),
        Arguments.of(
            "lines",
            "[{\"sku\":\"%SKU%\",\"quantity\":0,\"unitPrice\":1}]",
            422,
            "lines[0].quantity"),
        Arguments.of(
            "lines",
            "[{\"sku\":\"%SKU%\",\"quantity\":-3,\"unitPrice\":1}]",
            422,
            "lines[0].quantity"),
        Arguments.of(
            "lines",
            "[{\"sku\":\"%SKU%\",\"quantity\":1,\"unitPrice\":-1}]",
            422,
            "lines[0].unitPrice"),
        Arguments.of(
            "lines",
            "[{\"sku\":\"%SKU%\",\"quantity\":1,\"unitPrice\":\"1.001\"}]",
            422,
            "lines[0].unitPrice"),
        Arguments.of(
            "lines",
            "[{\"sku\":\"NO-SUCH-SKU\",\"quantity\":1,\"unitPrice\":1}]",
            422,
            "lines[0].sku"),
        Arguments.of(
            "lines",
            "[{\"sku\":\"%SKU%\",\"quantity\":\"many\",\"unitPrice\":1}]",
            400,
            "lines[0].quantity"),
        Arguments.of(
            "lines",
            "[{\"sku\":\"%SKU%\",\"quantity\":1,\"unitPrice\":1,\"unitOfMeasure\":\"PALLETS\"}]",
            400,
            "unitOfMeasure"),
        Arguments.of("currency", "\"usd\"", 422, "currency"),
        Arguments.of("currency", "\"XYZ\"", 422, "currency"),
        Arguments.of("customer", "{\"email\":\"not-an-email\"}", 422, "customer"),
        Arguments.of("b2b", "{\"buyerPo\":\"PO-1\"}", 422, "b2b"));
  }

  @ParameterizedTest(name = "{0} = {1} → {2}")
  @MethodSource("badOrders")
  void a_bad_order_is_refused_with_a_problem_naming_the_field_and_stores_nothing(
      String field, String json, int status, String named) {
    int ordersBefore = count("SELECT count(*) FROM orders");
    int eventsBefore = count("SELECT count(*) FROM order_events WHERE actor <> 'system'");
    Api.Response r = api.post("/api/v1/orders", orderWith(field, json.replace("%SKU%", sku)));
    assertProblem(r, status);
    assertThat(r.json().get("detail").asString()).contains(named);
    assertThat(count("SELECT count(*) FROM orders")).isEqualTo(ordersBefore);
    assertThat(count("SELECT count(*) FROM order_events WHERE actor <> 'system'"))
        .isEqualTo(eventsBefore);
    assertThat(stock(sku).get("reserved").asInt()).isZero();
  }

  @Test
  void malformed_json_and_missing_bodies_are_400() {
    assertProblem(api.post("/api/v1/orders", "{\"channel\": \"MANUAL\", "), 400);
    assertProblem(api.post("/api/v1/orders", "[1, 2]"), 400);
    assertProblem(api.post("/api/v1/orders", "not json at all"), 400);
    assertProblem(api.send("POST", "/api/v1/orders", null), 400);
  }

  @Test
  void problems_say_what_to_fix_in_plain_words() {
    Api.Response malformed = api.post("/api/v1/orders", "{\"channel\": \"MANUAL\", }");
    assertProblem(malformed, 400);
    assertThat(malformed.json().get("detail").asString())
        .startsWith("malformed JSON at line 1, column")
        .doesNotContain("Source")
        .doesNotContain("StreamReadFeature")
        .doesNotContain("REDACTED");

    Api.Response form =
        api.with("Content-Type", "text/plain").send("POST", "/api/v1/orders", "channel=MANUAL");
    assertProblem(form, 415);
    assertThat(form.json().get("detail").asString()).contains("Content-Type: application/json");

    Api.Response nowhere = api.get("/api/v1/nothing-here");
    assertProblem(nowhere, 404);
    assertThat(nowhere.json().get("detail").asString())
        .contains("no endpoint GET /api/v1/nothing-here")
        .doesNotContain("static resource");
  }

  @Test
  void every_422_lists_its_errors_as_field_and_detail() {
    Api.Response invalid = api.post("/api/v1/orders", orderWith("currency", "\"\""));
    assertProblem(invalid, 422);
    Api.Response rule =
        api.post(
            "/api/v1/orders",
            orderWith("lines", "[{\"sku\":\"GHOST\",\"quantity\":1,\"unitPrice\":1}]"));
    assertProblem(rule, 422);
    for (Api.Response r : List.of(invalid, rule)) {
      JsonNode errors = r.json().get("errors");
      assertThat(errors.isArray() && !errors.isEmpty()).as(r.toString()).isTrue();
      assertThat(errors.get(0).has("field") && errors.get(0).has("detail"))
          .as(r.toString())
          .isTrue();
      assertThat(r.json().has("field")).as("one shape: errors only").isFalse();
    }
    assertThat(rule.json().get("errors").get(0).get("field").asString()).isEqualTo("lines[0].sku");
  }

  @Test
  void a_body_over_the_limit_is_413_before_it_is_read() {
    String huge = "{\"channel\":\"MANUAL\",\"pad\":\"" + "x".repeat(1_100_000) + "\"}";
    assertProblem(api.post("/api/v1/orders", huge), 413);
  }

  @Test
  void a_line_with_a_sku_missing_among_good_lines_stores_nothing_and_reserves_nothing() {
    Api.Response r =
        api.post(
            "/api/v1/orders",
            orderWith(
                "lines",
                "["
                    + GOOD_LINE.formatted(sku)
                    + ",{\"sku\":\"GHOST\",\"quantity\":1,\"unitPrice\":1}]"));
    assertProblem(r, 422);
    assertThat(r.json().get("detail").asString()).contains("lines[1].sku").contains("GHOST");
    assertThat(stock(sku).get("reserved").asInt()).isZero();
  }

  @Test
  void bad_catalogue_requests_are_422_with_the_field_named() {
    assertProblem(api.put("/api/v1/skus/" + unique("S"), Map.of("name", "x", "casePack", 0)), 422);
    assertProblem(api.put("/api/v1/skus/" + unique("S"), Map.of("casePack", 1)), 422);
    assertProblem(
        api.put(
            "/api/v1/skus/" + unique("S"),
            Map.of("name", "x", "casePack", 12, "palletQuantity", 100)),
        422);
    assertProblem(api.put("/api/v1/skus/bad%20code", Map.of("name", "x")), 422);
    assertProblem(
        api.put("/api/v1/locations/" + unique("L"), Map.of("name", "x", "priority", -1)), 422);
    assertProblem(
        api.post("/api/v1/inventory/receipts", Map.of("sku", sku, "location", "X", "quantity", 0)),
        422);
  }

  @Test
  void bad_transition_and_cancel_requests_are_refused_without_change() {
    String id = createOrder(orderBody()).get("id").asString();
    assertProblem(
        api.post("/api/v1/orders/" + id + "/transitions", Map.of("to", "TELEPORTED")), 400);
    assertProblem(api.post("/api/v1/orders/" + id + "/transitions", Map.of()), 422);
    assertProblem(
        api.post(
            "/api/v1/orders/" + id + "/cancel",
            Map.of("reason", "x", "lines", List.of(Map.of("sku", "OTHER", "quantity", 1)))),
        422);
    assertProblem(
        api.post(
            "/api/v1/orders/" + id + "/cancel",
            Map.of("reason", "x", "lines", List.of(Map.of("sku", sku, "quantity", 0)))),
        422);
    assertProblem(
        api.with("If-Match", "garbage").post("/api/v1/orders/" + id + "/cancel", Map.of()), 400);
    assertThat(getOrder(id).get("state").asString()).isEqualTo("ALLOCATED");
    assertThat(stock(sku).get("reserved").asInt()).isEqualTo(1);
  }

  @Test
  void values_out_of_range_are_422_not_errors() {
    assertProblem(
        api.post(
            "/api/v1/orders",
            orderWith(
                "lines",
                "[{\"sku\":\"%s\",\"quantity\":1000000,\"unitPrice\":\"999999999999999\"}]"
                    .formatted(sku))),
        422);
    assertProblem(
        api.post(
            "/api/v1/orders",
            orderWith("b2b", "{\"deliveryWindow\":{\"from\":\"1500-01-01\",\"to\":\"1500-01-05\"}}")
                .replace("\"DTC\"", "\"B2B\"")),
        422);
    String wh = location(1);
    for (int i = 0; i < 25; i++) {
      Api.Response r =
          api.post(
              "/api/v1/inventory/receipts",
              Map.of("sku", sku, "location", wh, "quantity", 100_000_000));
      if (r.status() != 201) {
        assertProblem(r, 422);
        return;
      }
    }
    throw new AssertionError("on hand should overflow long before 25 receipts of 100,000,000");
  }

  @Test
  void a_lot_on_a_sku_that_is_not_lot_controlled_is_refused() {
    assertProblem(
        api.post(
            "/api/v1/inventory/receipts",
            Map.of("sku", sku, "location", location(1), "lot", "L1", "quantity", 1)),
        422);
  }

  @Test
  void cancelling_with_an_empty_line_list_is_refused_rather_than_cancelling_everything() {
    String id = createOrder(orderBody()).get("id").asString();
    assertProblem(
        api.post("/api/v1/orders/" + id + "/cancel", Map.of("reason", "x", "lines", List.of())),
        422);
    assertThat(getOrder(id).get("state").asString()).isEqualTo("ALLOCATED");
  }

  @Test
  void actuator_endpoints_other_than_health_need_a_key() {
    assertThat(api.as(null).get("/actuator/info").status()).isEqualTo(401);
  }

  @Test
  void unknown_paths_are_404_problems_not_errors() {
    assertProblem(api.get("/api/v1/nothing-here"), 404);
  }

  @Test
  void too_many_lines_are_refused_before_each_line_is_checked_and_the_problem_stays_short() {
    String line = "{\"sku\":\"" + sku + "\",\"quantity\":1},";
    Api.Response r =
        api.post("/api/v1/orders", orderWith("lines", "[" + line.repeat(20_000) + "{}]"));
    assertProblem(r, 422);
    assertThat(r.json().get("detail").asString())
        .startsWith("lines: size must be between 0 and 500")
        .endsWith(" more");
    assertThat(r.json().get("errors").size()).isEqualTo(20);
    assertThat(r.body().length()).isLessThan(4000);
  }

  @Test
  void a_query_string_that_is_not_utf8_is_400_not_an_error() {
    Api.Response r = api.get("/api/v1/orders?cursor=%FF%FE&limit=5");
    assertProblem(r, 400);
    assertThat(r.json().get("detail").asString()).contains("UTF-8");
  }

  private Map<String, Object> orderBody() {
    return order(sku, 1);
  }

  private static void assertProblem(Api.Response r, int status) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.header("Content-Type")).as(r.toString()).startsWith("application/problem+json");
    assertThat(r.json().get("status").asInt()).isEqualTo(status);
    assertThat(r.json().has("title") && r.json().has("type") && r.json().has("detail"))
        .as(r.toString())
        .isTrue();
    assertThat(r.json().get("title").asString()).isNotBlank();
    assertThat(r.json().get("type").asString()).isNotBlank();
    assertThat(r.json().get("detail").asString()).isNotBlank();
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("at io.orderloop");
  }
}
