package io.orderloop.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.Api;
import io.orderloop.ApiTest;
import io.orderloop.RawHttp;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/**
 * HTTP, as a hostile or careless client: every refusal is a 4xx problem document (never a 500, an
 * HTML page or a stack trace), secrets in headers are neither echoed nor logged, and a body means
 * exactly one thing. One case per probe finding, plus the ones that already held.
 */
@ExtendWith(OutputCaptureExtension.class)
class HostileInputTest extends ApiTest {

  private static final String SECRET = "s3cr3t-value-never-logged";
  private static final String AUTH = "Authorization: Bearer " + ADMIN_KEY + "\r\n";

  static Stream<Arguments> rawRequests() {
    String c1 = "\u0085";
    return Stream.of(
        Arguments.of(
            "C1 byte in X-Carrier-Secret, without a key",
            RawHttp.request(
                "POST",
                "/carriers/tracking-events",
                "Content-Type: application/json\r\nX-Carrier-Secret: " + SECRET + c1 + "\r\n",
                "{}"),
            400),
        Arguments.of(
            "C1 byte in Idempotency-Key",
            RawHttp.request(
                "POST",
                "/api/v1/orders",
                AUTH + "Content-Type: application/json\r\nIdempotency-Key: " + SECRET + c1 + "\r\n",
                "{}"),
            400),
        Arguments.of(
            "C1 byte in If-Match",
            RawHttp.request(
                "PATCH",
                "/api/v1/orders/LMB-ORD-2026-0001",
                AUTH + "Content-Type: application/json\r\nIf-Match: \"" + SECRET + "\u009b\"\r\n",
                "{}"),
            400),
        Arguments.of(
            "ESC in a header",
            RawHttp.request("GET", "/api/v1/orders", AUTH + "X-Note: a\u001bb\r\n", null),
            400),
        Arguments.of(
            "';' in the path",
            RawHttp.request("GET", "/api/v1/orders;jsessionid=1", AUTH, null),
            400),
        Arguments.of(
            "'%2e%2e' in the path",
            RawHttp.request("GET", "/api/v1/%2e%2e/orders", AUTH, null), 400),
        Arguments.of(
            "'%00' in the path", RawHttp.request("GET", "/api/v1/orders%00", AUTH, null), 400),
        Arguments.of(
            "'%2F' in the path", RawHttp.request("GET", "/api/v1/orders/%2F", AUTH, null), 400),
        Arguments.of(
            "'//' in the path", RawHttp.request("GET", "/api/v1//orders", AUTH, null), 400),
        Arguments.of(
            "a 10 kB header",
            RawHttp.request(
                "GET", "/api/v1/orders", AUTH + "X-Big: " + "a".repeat(10_240) + "\r\n", null),
            400),
        Arguments.of(
            "a malformed request line",
            "GET /api/v1/orders x y HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
            400),
        Arguments.of("GET /error without a key", RawHttp.request("GET", "/error", "", null), 404),
        Arguments.of("GET /error with a key", RawHttp.request("GET", "/error", AUTH, null), 404),
        Arguments.of(
            "an instant beyond year 9999",
            RawHttp.request(
                "GET", "/api/v1/orders?createdFrom=%2B999999999-12-31T23:59:59Z", AUTH, null),
            400),
        Arguments.of(
            "NUL in a query parameter",
            RawHttp.request("GET", "/api/v1/orders?q=a%00b", AUTH, null),
            400),
        Arguments.of(
            "a limit over the cap",
            RawHttp.request("GET", "/api/v1/orders?limit=1001", AUTH, null),
            400),
        Arguments.of("no key", RawHttp.request("GET", "/api/v1/orders", "", null), 401),
        Arguments.of(
            "a wrong key",
            RawHttp.request("GET", "/api/v1/orders", "Authorization: Bearer ol_wrong\r\n", null),
            401));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rawRequests")
  void refusals_are_problem_documents_that_echo_and_log_no_header_value(
      String name, byte[] request, int status, CapturedOutput output) {
    RawHttp.Answer answer = RawHttp.send(port, "127.0.0.1", request);
    assertThat(answer.status()).as(answer.head() + "\n" + answer.body()).isEqualTo(status);
    assertThat(answer.contentType()).startsWith("application/problem+json");
    JsonNode problem = JSON.readTree(answer.body());
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("type").asString()).startsWith("urn:orderloop:problem:");
    assertThat(problem.get("detail").asString()).isNotBlank();
    assertThat(answer.body())
        .doesNotContain(SECRET)
        .doesNotContain("Exception")
        .doesNotContain("at io.");
    assertThat(output.getAll()).doesNotContain(SECRET);
  }

  private static final tools.jackson.databind.json.JsonMapper JSON =
      tools.jackson.databind.json.JsonMapper.builder().build();

  @Test
  void console_paths_get_a_readable_html_error_page_in_a_browser() {
    RawHttp.Answer answer =
        RawHttp.send(
            port, "127.0.0.1", RawHttp.request("GET", "/orders%00", "Accept: text/html\r\n", null));
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.contentType()).startsWith("text/html");
    assertThat(answer.body()).contains("<h1>Bad Request</h1>");
  }

  private String line(String quantity) {
    return "{\"sku\":\"" + sku + "\",\"quantity\":" + quantity + ",\"unitPrice\":\"9.99\"}";
  }

  private String sku;

  private String body(String externalId, String name, String linesJson) {
    return """
        {"channel":"API","externalId":"%s","type":"DTC","customer":{"name":%s,"email":"x@example.com"},
         "shipTo":{"line1":"1 Road","country":"US"},"currency":"USD","lines":%s}"""
        .formatted(externalId, name, linesJson);
  }

  static Stream<Arguments> ambiguousBodies() {
    return Stream.of(
        Arguments.of(
            "a fraction in a whole-number field", "\"Ada\"", "[LINE:1.5]", "lines[0].quantity"),
        Arguments.of(
            "an exponent in a whole-number field", "\"Ada\"", "[LINE:1e1]", "lines[0].quantity"),
        Arguments.of(
            "a string in a whole-number field", "\"Ada\"", "[LINE:\"3\"]", "lines[0].quantity"),
        Arguments.of("a number in a text field", "42", "[LINE:1]", "customer.name"),
        Arguments.of("ESC in a name", "\"Ada\\u001b[31m\"", "[LINE:1]", "customer.name"),
        Arguments.of(
            "a right-to-left override in a name", "\"Ada\\u202e\"", "[LINE:1]", "customer.name"),
        Arguments.of("BEL in a name", "\"Ada\\u0007\"", "[LINE:1]", "customer.name"),
        Arguments.of("CR LF in a name", "\"Ada\\r\\nX-Injected: 1\"", "[LINE:1]", "customer.name"),
        Arguments.of("NUL in a name", "\"Ada\\u0000\"", "[LINE:1]", "customer.name"),
        Arguments.of("a lone surrogate in a name", "\"Ada\\ud800\"", "[LINE:1]", "customer.name"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ambiguousBodies")
  void a_body_that_could_mean_two_things_is_refused_naming_the_field(
      String name, String customerName, String lines, String field) {
    sku = sku("HOSTILE");
    receive(sku, location(1), 100);
    String externalId = unique("hostile");
    String linesJson =
        lines.replaceAll("LINE:(.*)]", "") + line(lines.replaceAll(".*LINE:(.*)]", "$1")) + "]";
    Api.Response r = api.post("/api/v1/orders", body(externalId, customerName, linesJson));
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.json().get("detail").asString()).startsWith(field + ":");
    assertThat(count("SELECT count(*) FROM orders WHERE external_id = ?", externalId)).isZero();
    assertThat(stock(sku).get("reserved").asInt()).isZero();
  }

  @Test
  void duplicate_keys_and_trailing_content_are_refused() {
    sku = sku("DUP");
    receive(sku, location(1), 100);
    String externalId = unique("dup");
    String duplicate =
        body(
            externalId,
            "\"Ada\"",
            "[{\"sku\":\"" + sku + "\",\"quantity\":1,\"quantity\":50,\"unitPrice\":\"9.99\"}]");
    Api.Response r = api.post("/api/v1/orders", duplicate);
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.json().get("detail").asString()).contains("quantity");
    Api.Response trailing =
        api.post("/api/v1/orders", body(externalId, "\"Ada\"", "[" + line("1") + "]") + " {}");
    assertThat(trailing.status()).as(trailing.toString()).isEqualTo(400);
    assertThat(count("SELECT count(*) FROM orders WHERE external_id = ?", externalId)).isZero();
    assertThat(stock(sku).get("reserved").asInt()).isZero();
  }

  @Test
  void out_of_range_times_in_bodies_are_refused_naming_the_field() {
    Api.Response sub =
        api.post("/api/v1/webhook-subscriptions", Map.of("url", "http://127.0.0.1:9/never"));
    String id = sub.json().get("id").asString();
    try {
      Api.Response r =
          api.post(
              "/api/v1/webhook-subscriptions/" + id + "/replay",
              "{\"from\":\"+999999999-12-31T23:59:59Z\"}");
      assertThat(r.status()).as(r.toString()).isEqualTo(400);
      assertThat(r.json().get("detail").asString()).startsWith("from:").contains("9999");
    } finally {
      api.delete("/api/v1/webhook-subscriptions/" + id);
    }
  }

  @Test
  void every_list_takes_the_same_limit_cap_and_names_it() {
    String sku = sku("LIMIT");
    receive(sku, location(1), 1);
    for (String list :
        List.of(
            "/api/v1/orders",
            "/api/v1/events",
            "/api/v1/fulfillment-queue",
            "/api/v1/inventory",
            "/api/v1/skus",
            "/api/v1/inventory/" + sku + "/movements")) {
      for (String limit : List.of("0", "1001", "-5")) {
        Api.Response r = api.get(list + "?limit=" + limit);
        assertThat(r.status()).as(list + " " + r).isEqualTo(400);
        assertThat(r.json().get("detail").asString()).contains("1000");
      }
      assertThat(api.get(list + "?limit=1000").status()).as(list).isEqualTo(200);
    }
  }

  @Test
  void if_match_is_read_as_rfc_9110_says() {
    String sku = sku("IFMATCH");
    receive(sku, location(1), 10);
    JsonNode order = createOrder(order(sku, 1));
    String path = "/api/v1/orders/" + order.get("id").asString();
    int v = order.get("version").asInt();
    Map<String, Object> note = Map.of("notes", "gate code 1234");

    assertThat(api.with("If-Match", "W/\"" + v + "\"").patch(path, note).status())
        .as("a weak tag never matches strongly")
        .isEqualTo(412);
    assertThat(api.with("If-Match", "\"abc\"").patch(path, note).status()).isEqualTo(412);
    assertThat(api.with("If-Match", "abc").patch(path, note).status()).isEqualTo(400);
    assertThat(api.with("If-Match", "").patch(path, note).status()).isEqualTo(400);
    assertThat(getOrder(order.get("id").asString()).get("version").asInt())
        .as("nothing changed")
        .isEqualTo(v);

    Api.Response listed = api.with("If-Match", "\"999\", \"" + v + "\"").patch(path, note);
    assertThat(listed.status()).as("a list matches when any tag does").isEqualTo(200);
    assertThat(api.with("If-Match", "*").patch(path, Map.of("notes", "x")).status()).isEqualTo(200);
  }

  @Test
  void a_patch_is_held_to_the_same_text_rules_and_stored_text_from_before_them_still_reads() {
    String sku = sku("LEGACY");
    receive(sku, location(1), 5);
    String id = createOrder(order(sku, 1)).get("id").asString();
    Api.Response refused =
        api.patch("/api/v1/orders/" + id, "{\"shipTo\":{\"line1\":\"1 Road\\u202e\"}}");
    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    assertThat(refused.json().get("detail").asString()).startsWith("shipTo.line1:");

    // A note stored before the rules existed, with a line break in it.
    jdbc.sql("UPDATE orders SET notes = E'ring twice\\nthen wait' WHERE id = ?::uuid")
        .param(id)
        .update();
    assertThat(getOrder(id).get("notes").asString()).isEqualTo("ring twice\nthen wait");
    Api.Response edited =
        api.patch("/api/v1/orders/" + id, Map.of("shipTo", Map.of("line1", "2 Road")));
    assertThat(edited.status()).as(edited.toString()).isEqualTo(200);
    assertThat(api.get("/api/v1/events?limit=1000").status()).isEqualTo(200);
  }
}
