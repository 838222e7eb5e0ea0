package io.orderloop.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.Api;
import io.orderloop.ApiTest;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Crash: a second service process is killed with SIGKILL in the middle of an order burst, then
 * started again. Every order a client saw acknowledged exists with its reservations and history;
 * clients retrying with their Idempotency-Key create nothing twice; every acknowledged order's
 * events reach the webhook receiver.
 */
class CrashRecoveryTest extends ApiTest {

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private Process start(int port, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            "io.orderloop.OrderloopApplication",
            "--server.port=" + port,
            "--spring.datasource.url=" + DATABASE_URL,
            "--orderloop.security.bootstrap-api-key=" + ADMIN_KEY,
            "--orderloop.orders.number-prefix=LMB",
            "--orderloop.webhooks.initial-backoff=PT0.05S",
            "--orderloop.webhooks.timeout=PT2S",
            "--orderloop.webhooks.allow-private-targets=true");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    Api child = new Api("http://127.0.0.1:" + port, ADMIN_KEY);
    await(
        "the child service is up",
        () -> {
          try {
            return child.get("/actuator/health").status() == 200;
          } catch (RuntimeException notYet) {
            return false;
          }
        });
    return process;
  }

  @Test
  void killing_the_service_mid_burst_loses_no_acknowledged_order_and_no_event() throws Exception {
    int port = freePort();
    Path log = Files.createTempFile("orderloop-crash", ".log");
    Process first = start(port, log);
    Api child = new Api("http://127.0.0.1:" + port, ADMIN_KEY);
    io.orderloop.WebhookReceiver receiver = new io.orderloop.WebhookReceiver(0);
    String subscription = null;
    Process second = null;
    try {
      Api.Response sub = api.post("/api/v1/webhook-subscriptions", Map.of("url", receiver.url()));
      subscription = sub.json().get("id").asString();
      receiver.secret = sub.json().get("secret").asString();
      String sku = sku("CRASH");
      receive(sku, location(1), 1000);

      Map<String, String> acknowledged = new ConcurrentHashMap<>();
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        keys.add(unique("crash-" + i));
      }
      try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
        List<Future<?>> futures = new ArrayList<>();
        for (String key : keys) {
          futures.add(
              pool.submit(
                  () -> {
                    try {
                      Api.Response r =
                          child.with("Idempotency-Key", key).post("/api/v1/orders", order(sku, 1));
                      if (r.status() == 201) {
                        acknowledged.put(key, r.json().get("id").asString());
                      }
                    } catch (RuntimeException connectionLost) {
                      // the service died under this request: the client does not know the outcome
                    }
                  }));
        }
        await("some orders are acknowledged", () -> acknowledged.size() >= 15);
        first.destroyForcibly().waitFor();
        for (Future<?> f : futures) {
          f.get();
        }
      }
      Map<String, String> beforeRestart = new HashMap<>(acknowledged);
      assertThat(beforeRestart).isNotEmpty();

      second = start(port, log);
      for (String key : keys) {
        Api.Response retry =
            child.with("Idempotency-Key", key).post("/api/v1/orders", order(sku, 1));
        assertThat(retry.status()).as(retry.toString()).isEqualTo(201);
        String id = retry.json().get("id").asString();
        if (beforeRestart.containsKey(key)) {
          assertThat(id)
              .as("an acknowledged order is replayed, not made again")
              .isEqualTo(beforeRestart.get(key));
        }
        acknowledged.put(key, id);
      }
      assertThat(
              count(
                  "SELECT count(*) FROM idempotency_keys WHERE key LIKE 'CRASH-%' OR key LIKE 'crash-%'"))
          .isEqualTo(60);
      Set<String> ids = Set.copyOf(acknowledged.values());
      assertThat(ids).hasSize(60);
      int expected = 0;
      for (String id : ids) {
        List<JsonNode> history = history(id);
        assertThat(history.getFirst().get("type").asString()).isEqualTo("order.received");
        expected += history.size();
      }
      assertThat(stock(sku).get("reserved").asInt()).isEqualTo(60);
      int want = expected;
      await(
          "every event of every acknowledged order reaches the receiver",
          () ->
              receiver.received.stream()
                      .filter(e -> ids.contains(e.get("subject").asString()))
                      .map(e -> e.get("id").asString())
                      .distinct()
                      .count()
                  == want);
      assertThat(receiver.badSignatures).isEmpty();
      assertStockInvariants(sku);
    } finally {
      if (subscription != null) {
        api.delete("/api/v1/webhook-subscriptions/" + subscription);
      }
      receiver.close();
      first.destroyForcibly();
      if (second != null) {
        second.destroy();
        second.waitFor();
      }
      Files.deleteIfExists(log);
    }
  }
}
