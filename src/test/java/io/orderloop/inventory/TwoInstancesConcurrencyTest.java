package io.orderloop.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.Api;
import io.orderloop.ApiTest;
import io.orderloop.OrderloopApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Concurrency across instances: a second service process on the same database, requests alternating
 * between the two. Orders, cancellations and receipts race; stock never oversells and every unit
 * ends up accounted for.
 */
class TwoInstancesConcurrencyTest extends ApiTest {

  private static ConfigurableApplicationContext second;

  @BeforeAll
  static void startSecondInstance() {
    second =
        SpringApplication.run(
            OrderloopApplication.class,
            "--server.port=0",
            "--spring.datasource.url=" + DATABASE_URL,
            "--orderloop.security.bootstrap-api-key=" + ADMIN_KEY,
            "--orderloop.orders.number-prefix=LMB",
            "--spring.lifecycle.timeout-per-shutdown-phase=1s",
            "--orderloop.webhooks.allow-private-targets=true");
  }

  @AfterAll
  static void stopSecondInstance() {
    if (second != null) {
      second.close();
    }
  }

  private Api other() {
    int port = ((WebServerApplicationContext) second).getWebServer().getPort();
    return new Api("http://127.0.0.1:" + port, ADMIN_KEY);
  }

  private static List<Api.Response> race(List<Callable<Api.Response>> calls) throws Exception {
    List<Api.Response> responses = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(32)) {
      for (Future<Api.Response> f : pool.invokeAll(calls)) {
        responses.add(f.get());
      }
    }
    return responses;
  }

  private int allocated(String sku) {
    return count("SELECT coalesce(sum(allocated), 0)::int FROM order_lines WHERE sku = ?", sku);
  }

  @Test
  void orders_cancellations_and_receipts_racing_on_two_instances_never_oversell() throws Exception {
    String hot = sku("TWO");
    String a = location(1);
    String b = location(2);
    receive(hot, a, 12);
    receive(hot, b, 8);
    Api[] instances = {api, other()};
    // Both instances relay webhooks at once: the receiver must still see each order's events in
    // sequence.
    io.orderloop.WebhookReceiver receiver = new io.orderloop.WebhookReceiver(0);
    Api.Response subscription =
        api.post("/api/v1/webhook-subscriptions", Map.of("url", receiver.url()));
    receiver.secret = subscription.json().get("secret").asString();

    List<Callable<Api.Response>> orders = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Api via = instances[i % 2];
      Map<String, Object> body = i % 5 == 0 ? order(hot, 1, hot, 1) : order(hot, 1);
      orders.add(() -> via.post("/api/v1/orders", body));
    }
    List<Api.Response> created = race(orders);
    assertThat(created).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(201));
    assertThat(allocated(hot)).as("exactly the 20 units on hand are allocated").isEqualTo(20);
    assertThat(stock(hot).get("available").asInt()).isZero();

    List<Callable<Api.Response>> mixed = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Api via = instances[i % 2];
      String id = created.get(i).json().get("id").asString();
      String location = i % 2 == 0 ? a : b;
      mixed.add(() -> via.post("/api/v1/orders/" + id + "/cancel", Map.of("reason", "race")));
      mixed.add(
          () ->
              via.post(
                  "/api/v1/inventory/receipts",
                  Map.of("sku", hot, "location", location, "quantity", 1)));
      mixed.add(() -> via.post("/api/v1/orders", order(hot, 1)));
    }
    List<Api.Response> raced = race(mixed);
    assertThat(raced).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isIn(200, 201));

    // Far more is backordered than arrived: once background fills settle, every unit on hand is
    // allocated.
    await(
        "released and received units are allocated to waiting backorders",
        () -> stock(hot).get("available").asInt() == 0);
    int onHand = stock(hot).get("onHand").asInt();
    assertThat(onHand).isEqualTo(80);
    assertThat(allocated(hot)).isEqualTo(onHand);
    assertStockInvariants(hot);

    java.util.Set<String> ids = new java.util.HashSet<>();
    created.forEach(r -> ids.add(r.json().get("id").asString()));
    int expected = ids.stream().mapToInt(id -> history(id).size()).sum();
    try {
      await(
          "both instances delivered every event of these orders",
          () ->
              receiver.received.stream()
                      .filter(e -> ids.contains(e.get("subject").asString()))
                      .map(e -> e.get("id").asString())
                      .distinct()
                      .count()
                  == expected);
      java.util.Map<String, Integer> last = new java.util.HashMap<>();
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (var e : receiver.received) {
        String subject = e.get("subject").asString();
        if (!ids.contains(subject) || !seen.add(e.get("id").asString())) {
          continue;
        }
        int sequence = e.get("data").get("sequence").asInt();
        Integer previous = last.put(subject, sequence);
        assertThat(sequence).as("per-order order").isEqualTo(previous == null ? 1 : previous + 1);
      }
      assertThat(receiver.badSignatures).isEmpty();
    } finally {
      api.delete("/api/v1/webhook-subscriptions/" + subscription.json().get("id").asString());
      receiver.close();
    }
  }
}
