package io.orderloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Operations over HTTP: the Prometheus exposition behind its scope, meters that move when the loop
 * moves (an order through the whole loop counts each transition once), the event backlog a failing
 * webhook receiver builds, the health probes, and {@code promtool} accepting the exposition and the
 * alert rules (skipped with a message where promtool is missing outside CI).
 */
class OperationsApiTest extends ApiTest {

  private String metricsKey() {
    return apiKey(unique("prometheus"), "metrics:read");
  }

  private String scrape(String key) {
    Api.Response r = api.as(key).get("/actuator/prometheus");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  /** A sample's value (0 when the series is absent). */
  static double value(String exposition, String series) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(exposition);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static String moved(String from, String to) {
    return "orderloop_orders_transitions_total{from=\"" + from + "\",to=\"" + to + "\"}";
  }

  @Test
  void the_exposition_needs_its_scope_and_the_probes_are_public() {
    assertThat(api.as(null).get("/actuator/prometheus").status()).isEqualTo(401);
    String reader = apiKey(unique("reader"), "orders:read");
    assertThat(api.as(reader).get("/actuator/prometheus").status()).isEqualTo(403);
    String body = scrape(metricsKey());
    assertThat(body)
        .contains("orderloop_orders{state=\"RECEIVED\"}")
        .contains("orderloop_orders_stuck{state=\"ALLOCATED\"}")
        .contains("orderloop_outbox_unpositioned")
        .contains("http_server_requests_seconds_bucket");
    // No order ids, numbers, SKUs or e-mails in any tag.
    assertThat(body).doesNotContainPattern("LMB-ORD-").doesNotContain("@example.com");
    // The gateway's tool calls are counted by tool and outcome.
    String agent = apiKey(unique("agent"), "agent:read");
    Api.Response call =
        api.as(agent)
            .with("Accept", "application/json, text/event-stream")
            .post(
                "/mcp",
                Map.of(
                    "jsonrpc",
                    "2.0",
                    "id",
                    1,
                    "method",
                    "tools/call",
                    "params",
                    Map.of("name", "get_order", "arguments", Map.of("order", "NOPE-0"))));
    assertThat(call.status()).as(call.body()).isEqualTo(200);
    assertThat(
            value(
                scrape(metricsKey()),
                "orderloop_agent_calls_total{outcome=\"refused\",tool=\"get_order\"}"))
        .isGreaterThanOrEqualTo(1);
    // A problem names its trace, whether from the API or from the security filters.
    assertThat(api.get("/api/v1/orders/NOPE-0").json().get("traceId").asString())
        .matches("[0-9a-f]{32}");
    assertThat(api.as(null).get("/api/v1/orders").json().get("traceId").asString())
        .matches("[0-9a-f]{32}");
    for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
      Api.Response r = api.as(null).get(probe);
      assertThat(r.status()).as(probe).isEqualTo(200);
      assertThat(r.json().get("status").asString()).isEqualTo("UP");
    }
    // SPEC §9 fixes the body of the health endpoint, probes or not.
    assertThat(api.as(null).get("/actuator/health").body()).isEqualTo("{\"status\":\"UP\"}");
  }

  @Test
  void an_order_through_the_whole_loop_counts_each_transition_once() {
    String key = metricsKey();
    String sku = sku("OPS");
    receive(sku, location(1), 5);
    List<String> steps =
        List.of(
            moved("NONE", "RECEIVED"),
            moved("RECEIVED", "ALLOCATED"),
            moved("ALLOCATED", "FULFILLMENT_QUEUED"),
            moved("FULFILLMENT_QUEUED", "SHIPPED"),
            moved("SHIPPED", "DELIVERED"),
            moved("DELIVERED", "CLOSED"),
            "orderloop_orders_received_total{channel=\"MANUAL\",type=\"DTC\"}",
            "orderloop_orders_time_to_state_seconds_count{state=\"SHIPPED\"}",
            "orderloop_orders_time_to_state_seconds_count{state=\"CLOSED\"}");
    String before = scrape(key);
    JsonNode order = createOrder(order(sku, 2));
    String id = order.get("id").asString();
    transition(id, "FULFILLMENT_QUEUED");
    String shipment = ship(id, sku, 2, "UPS", "1ZOPS").get("id").asString();
    api.post("/api/v1/shipments/" + shipment + "/delivery", null);
    assertThat(getOrder(id).get("state").asString()).isEqualTo("CLOSED");
    String after = scrape(key);
    for (String series : steps) {
      assertThat(value(after, series) - value(before, series)).as(series).isEqualTo(1.0);
    }
    assertThat(
            value(after, "orderloop_inventory_units_total{change=\"reserved\"}")
                - value(before, "orderloop_inventory_units_total{change=\"reserved\"}"))
        .isEqualTo(2.0);
  }

  @Test
  void a_failing_webhook_receiver_builds_a_backlog_the_gauges_show() {
    String key = metricsKey();
    int closed;
    try (var socket = new java.net.ServerSocket(0)) {
      closed = socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    double failedBefore =
        value(scrape(key), "orderloop_webhooks_attempts_total{outcome=\"failed\"}");
    String subscription =
        api.post(
                "/api/v1/webhook-subscriptions",
                Map.of("url", "http://127.0.0.1:" + closed + "/hook"))
            .json()
            .get("id")
            .asString();
    try {
      String sku = sku("OPW");
      receive(sku, location(1), 5);
      createOrder(order(sku, 1));
      String backlog =
          "orderloop_webhooks_backlog{state=\"DEAD\",subscription=\"" + subscription + "\"}";
      String oldest =
          "orderloop_webhooks_oldest_undelivered_seconds{state=\"DEAD\",subscription=\""
              + subscription
              + "\"}";
      await("the subscription is dead with a backlog", () -> value(scrape(key), backlog) > 0);
      clock.shift(Duration.ofMinutes(20));
      try {
        await(
            "the oldest undelivered event is 20 minutes old",
            () -> value(scrape(key), oldest) >= 1200);
      } finally {
        clock.reset();
      }
      String now = scrape(key);
      assertThat(value(now, "orderloop_webhooks_dead")).isGreaterThanOrEqualTo(1);
      assertThat(value(now, "orderloop_webhooks_attempts_total{outcome=\"failed\"}"))
          .isGreaterThan(failedBefore);
    } finally {
      api.delete("/api/v1/webhook-subscriptions/" + subscription);
    }
  }

  /**
   * Series of a multi-gauge or a lazily made counter exist only once there is a row (a Kafka topic,
   * a channel delivery, a tool call): for those, the meter's registration in the code is checked.
   */
  static final List<String> MAY_BE_EMPTY =
      List.of(
          "orderloop_kafka_backlog",
          "orderloop_webhooks_backlog",
          "orderloop_webhooks_oldest_undelivered_seconds",
          "orderloop_channel_last_delivery_age_seconds",
          "orderloop_channel_deliveries_waiting",
          "orderloop_channel_pushes_waiting",
          "orderloop_channel_deliveries_total",
          "orderloop_channel_deliveries_refused_total",
          "orderloop_edi_acknowledgments_total",
          "orderloop_agent_calls_total");

  /** Checks every series a text (alert rules, a dashboard) reads; answers how many. */
  private static int checkSeries(String text, String exposition) throws IOException {
    Matcher names =
        Pattern.compile("\\b(orderloop_[a-z_]+|http_server_requests_seconds_[a-z]+)").matcher(text);
    String code;
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      code =
          files
              .filter(p -> p.toString().endsWith(".java"))
              .map(
                  p -> {
                    try {
                      return Files.readString(p);
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  })
              .reduce("", String::concat);
    }
    int checked = 0;
    while (names.find()) {
      String name = names.group(1);
      if (MAY_BE_EMPTY.contains(name)) {
        String meter = name.replaceAll("_(seconds|total)$", "").replace('_', '.');
        assertThat(code).as(name + " registered as " + meter).contains("\"" + meter + "\"");
      } else {
        assertThat(exposition).as(name).containsPattern("(?m)^" + Pattern.quote(name) + "[{ ]");
      }
      checked++;
    }
    return checked;
  }

  @Test
  void the_dashboard_reads_only_series_the_service_exposes() throws Exception {
    JsonNode dashboard =
        tools.jackson.databind.json.JsonMapper.builder()
            .build()
            .readTree(Files.readString(Path.of("ops/grafana-dashboard.json")));
    assertThat(dashboard.get("panels").size()).isGreaterThan(10);
    String exposition = scrape(metricsKey());
    assertThat(checkSeries(dashboard.toString(), exposition)).isGreaterThan(15);
  }

  @Test
  void promtool_accepts_the_exposition_and_the_alert_rules() throws Exception {
    Path promtool = Path.of("/usr/bin/promtool");
    if (!Files.isExecutable(promtool)) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("promtool is missing: .ci/run installs Debian's prometheus");
      }
      Assumptions.abort("promtool missing (Debian: apt-get install prometheus); not checked");
    }
    String exposition = scrape(metricsKey());
    Process metrics =
        new ProcessBuilder(promtool.toString(), "check", "metrics")
            .redirectErrorStream(true)
            .start();
    metrics.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
    metrics.getOutputStream().close();
    String said = new String(metrics.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(metrics.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(metrics.exitValue()).as(said).isZero();
    Process rules =
        new ProcessBuilder(promtool.toString(), "check", "rules", "ops/alerts.yml")
            .redirectErrorStream(true)
            .start();
    String rulesSaid = new String(rules.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(rules.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(rules.exitValue()).as(rulesSaid).isZero();
    // Every series the alerts use is one the service exposes.
    assertThat(checkSeries(Files.readString(Path.of("ops/alerts.yml")), exposition))
        .isGreaterThan(8);
  }
}
