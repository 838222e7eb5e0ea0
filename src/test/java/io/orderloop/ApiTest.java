package io.orderloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Base of the HTTP test family: one Spring context (one server on a random port, one fresh
 * database) shared by every subclass. Tests stay independent by naming their own SKUs and locations
 * ({@link #unique}).
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "orderloop.security.bootstrap-api-key=" + ApiTest.ADMIN_KEY,
      "orderloop.orders.number-prefix=LMB",
      "spring.lifecycle.timeout-per-shutdown-phase=1s",
      "orderloop.fulfillment.carrier-secret=" + ApiTest.CARRIER_SECRET,
      "orderloop.webhooks.initial-backoff=PT0.05S",
      "orderloop.webhooks.max-attempts=5",
      "orderloop.webhooks.timeout=PT2S",
      // Test receivers listen on 127.0.0.1.
      "orderloop.webhooks.allow-private-targets=true",
      "orderloop.channels.poll-interval=PT0.2S",
      "orderloop.channels.retry-backoff=PT0.2S",
      "orderloop.channels.stock-sync-interval=PT0.3S",
      "orderloop.edi.poll-interval=PT0.2S",
      "orderloop.console.bootstrap-admin-email=" + ApiTest.CONSOLE_ADMIN,
      "orderloop.console.bootstrap-admin-password=" + ApiTest.CONSOLE_PASSWORD,
      // The HTTP tests send many bad requests on purpose; ErrorBudgetApiTest tests the budget.
      "orderloop.security.error-budget.burst=1000000",
      // The operations gauges refresh every second here (30 s in production).
      "orderloop.metrics.gauge-interval=PT1S"
    })
@Import(ApiTest.TestClockConfiguration.class)
public abstract class ApiTest {

  public static final String ADMIN_KEY = "test-admin-key-0123456789abcdef";
  public static final String CARRIER_SECRET = "test-carrier-secret";
  public static final String CONSOLE_ADMIN = "admin@lumbercraft.test";
  public static final String CONSOLE_PASSWORD = "correct-horse-battery-staple";

  /** The test family's database; a second service instance may be started on it. */
  protected static final String DATABASE_URL = TestDatabases.fresh();

  /** The test family's EDI folders: what partners drop in, and what is written for them. */
  protected static final java.nio.file.Path EDI_INBOUND = TestDatabases.tempDir("edi-in");

  protected static final java.nio.file.Path EDI_OUTBOUND = TestDatabases.tempDir("edi-out");

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    registry.add("orderloop.edi.inbound-dir", EDI_INBOUND::toString);
    registry.add("orderloop.edi.outbound-dir", EDI_OUTBOUND::toString);
    registry.add("spring.datasource.url", () -> DATABASE_URL);
  }

  @TestConfiguration(proxyBeanMethods = false)
  static class TestClockConfiguration {
    @Bean
    @Primary
    MutableClock mutableClock() {
      return new MutableClock();
    }
  }

  @LocalServerPort protected int port;

  @Autowired protected JdbcClient jdbc;

  @Autowired protected MutableClock clock;

  protected Api api;

  @BeforeEach
  void connect() {
    api = new Api("http://127.0.0.1:" + port, ADMIN_KEY);
  }

  @AfterEach
  void resetClockAndCheckStock() {
    clock.reset();
    assertReconciliationClean();
    assertStateCountsExact();
  }

  /**
   * The board's counts equal a count of the orders themselves, before and after compaction.
   * Background work (backorder fills) may move an order between the two reads, so a mismatch is
   * read again until the background is quiet; counts that are wrong never match and fail after 30
   * s.
   */
  protected void assertStateCountsExact() {
    for (boolean compacted : new boolean[] {false, true}) {
      if (compacted) {
        jdbc.sql("SELECT compact_order_state_counts()").query(Integer.class).single();
      }
      org.awaitility.Awaitility.await("orders by state" + (compacted ? " after compaction" : ""))
          .atMost(java.time.Duration.ofSeconds(30))
          .pollInterval(java.time.Duration.ofMillis(50))
          .untilAsserted(
              () -> {
                Map<String, Long> actual = new HashMap<>();
                jdbc.sql("SELECT state, count(*) FROM orders GROUP BY state")
                    .query((rs, n) -> Map.entry(rs.getString(1), rs.getLong(2)))
                    .list()
                    .forEach(e -> actual.put(e.getKey(), e.getValue()));
                Api.Response r = api.get("/api/v1/orders/counts");
                assertThat(r.status()).as(r.toString()).isEqualTo(200);
                Map<String, Long> counted = new HashMap<>();
                long total = 0;
                for (var e : r.json().get("counts").properties()) {
                  counted.put(e.getKey(), e.getValue().asLong());
                  total += e.getValue().asLong();
                }
                assertThat(r.json().get("total").asLong()).isEqualTo(total);
                Map<String, Long> expected = new HashMap<>();
                counted
                    .keySet()
                    .forEach(state -> expected.put(state, actual.getOrDefault(state, 0L)));
                assertThat(counted).isEqualTo(expected);
              });
    }
  }

  /** The reconciliation endpoint must come back clean after every scenario. */
  protected void assertReconciliationClean() {
    Api.Response r = api.get("/api/v1/inventory/reconciliation");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().get("clean").asBoolean()).as(r.toString()).isTrue();
  }

  /**
   * Polls until {@code condition} holds (background work such as backorder filling), for at most 30
   * s.
   */
  protected static void await(String what, java.util.function.BooleanSupplier condition) {
    org.awaitility.Awaitility.await(what)
        .atMost(java.time.Duration.ofSeconds(30))
        .pollInterval(java.time.Duration.ofMillis(50))
        .until(condition::getAsBoolean);
  }

  protected static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
  }

  // ---------------------------------------------------------------- fixtures through the real API

  protected String sku(String prefix) {
    return sku(prefix, Map.of());
  }

  protected String sku(String prefix, Map<String, Object> attributes) {
    String code = unique(prefix);
    Map<String, Object> body = new HashMap<>(attributes);
    body.putIfAbsent("name", "Test " + code);
    Api.Response r = api.put("/api/v1/skus/" + code, body);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return code;
  }

  protected String location(int priority) {
    String code = unique("WH");
    Api.Response r =
        api.put(
            "/api/v1/locations/" + code, Map.of("name", "Warehouse " + code, "priority", priority));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return code;
  }

  protected void receive(String sku, String location, int quantity) {
    receive(sku, location, null, null, quantity);
  }

  protected void receive(
      String sku, String location, String lot, LocalDate expiresOn, int quantity) {
    Map<String, Object> body = new HashMap<>();
    body.put("sku", sku);
    body.put("location", location);
    body.put("quantity", quantity);
    if (lot != null) {
      body.put("lot", lot);
    }
    if (expiresOn != null) {
      body.put("expiresOn", expiresOn.toString());
    }
    Api.Response r = api.post("/api/v1/inventory/receipts", body);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  protected JsonNode stock(String sku) {
    Api.Response r = api.get("/api/v1/inventory/" + sku);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  /** A DTC manual order body: each pair is (sku, quantity). */
  protected static Map<String, Object> order(Object... skuQuantityPairs) {
    return orderOfType("DTC", skuQuantityPairs);
  }

  protected static Map<String, Object> orderOfType(String type, Object... skuQuantityPairs) {
    List<Map<String, Object>> lines = new ArrayList<>();
    for (int i = 0; i < skuQuantityPairs.length; i += 2) {
      lines.add(
          new HashMap<>(
              Map.of(
                  "sku",
                  skuQuantityPairs[i],
                  "quantity",
                  skuQuantityPairs[i + 1],
                  "unitPrice",
                  "12.50")));
    }
    Map<String, Object> body = new HashMap<>();
    body.put("channel", "MANUAL");
    body.put("type", type);
    body.put("customer", Map.of("name", "Ada Buyer", "email", "ada@example.com"));
    body.put(
        "shipTo",
        Map.of(
            "name",
            "Ada Buyer",
            "line1",
            "1 Loop Road",
            "city",
            "Springfield",
            "postalCode",
            "12345",
            "country",
            "US"));
    body.put("currency", "USD");
    body.put("lines", lines);
    return body;
  }

  protected JsonNode createOrder(Map<String, Object> body) {
    Api.Response r = api.post("/api/v1/orders", body);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  /** Ships {@code quantity} of {@code sku} on the order; answers the shipment (201). */
  protected JsonNode ship(
      String orderId, String sku, int quantity, String carrier, String tracking) {
    Api.Response shipped =
        api.post(
            "/api/v1/orders/" + orderId + "/shipments",
            Map.of(
                "carrier",
                carrier,
                "trackingNumber",
                tracking,
                "lines",
                List.of(Map.of("sku", sku, "quantity", quantity))));
    assertThat(shipped.status()).as(shipped.toString()).isEqualTo(201);
    return shipped.json();
  }

  protected JsonNode getOrder(String idOrNumber) {
    Api.Response r = api.get("/api/v1/orders/" + idOrNumber);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  protected JsonNode transition(String id, String to) {
    Api.Response r = api.post("/api/v1/orders/" + id + "/transitions", Map.of("to", to));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  protected List<JsonNode> history(String id) {
    Api.Response r = api.get("/api/v1/orders/" + id + "/events");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    List<JsonNode> items = new ArrayList<>();
    JsonNode array = r.json().get("items");
    for (int i = 0; i < array.size(); i++) {
      items.add(array.get(i));
    }
    return items;
  }

  /** A new API key with these scopes (as the admin creates it); the key itself. */
  protected String apiKey(String name, String... scopes) {
    Api.Response created =
        api.post("/api/v1/api-keys", Map.of("name", name, "scopes", List.of(scopes)));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return created.json().get("key").asString();
  }

  protected int count(String sql, Object... params) {
    return jdbc.sql(sql).params(params).query(Integer.class).single();
  }

  /** The stock invariants, checked straight in the database after a scenario. */
  protected void assertStockInvariants(String sku) {
    assertThat(
            count(
                "SELECT count(*) FROM stock WHERE sku = ? AND (reserved < 0 OR on_hand < reserved)",
                sku))
        .as("no stock row of %s oversold", sku)
        .isZero();
    assertThat(
            count(
                """
        SELECT count(*) FROM stock s WHERE s.sku = ? AND s.reserved <> (
            SELECT coalesce(sum(r.quantity), 0) FROM reservations r WHERE r.stock_id = s.id AND r.status = 'ACTIVE')""",
                sku))
        .as("reserved equals the active reservations of %s", sku)
        .isZero();
    assertThat(
            count(
                """
        SELECT count(*) FROM stock s
        CROSS JOIN LATERAL (SELECT coalesce(sum(m.on_hand_delta), 0) AS on_hand, coalesce(sum(m.reserved_delta), 0) AS reserved
                            FROM stock_movements m WHERE m.stock_id = s.id) ledger
        WHERE s.sku = ? AND (s.on_hand <> ledger.on_hand OR s.reserved <> ledger.reserved)""",
                sku))
        .as("the ledger of %s adds up to its stock", sku)
        .isZero();
    assertThat(
            count(
                """
        SELECT count(*) FROM order_lines l WHERE l.sku = ? AND l.allocated <> (
            SELECT coalesce(sum(r.quantity), 0) FROM reservations r
            WHERE r.order_id = l.order_id AND r.line_no = l.line_no AND r.status = 'ACTIVE')""",
                sku))
        .as("each line's allocated equals its active reservations of %s", sku)
        .isZero();
  }

  protected Clock clock() {
    return clock;
  }
}
