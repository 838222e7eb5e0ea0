package io.orderloop.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.Api;
import io.orderloop.ApiTest;
import io.orderloop.WebhookReceiver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * HTTP: webhook subscriptions against a real local receiver — signed per Standard Webhooks, retried
 * with backoff, in per-order order, dead after too many failures and resumed by replay.
 */
class WebhookApiTest extends ApiTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final List<String> subscriptions = new ArrayList<>();
  private final List<WebhookReceiver> receivers = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    subscriptions.forEach(id -> api.delete("/api/v1/webhook-subscriptions/" + id));
    receivers.forEach(WebhookReceiver::close);
  }

  private WebhookReceiver receiver(int failFirst) throws IOException {
    WebhookReceiver r = new WebhookReceiver(failFirst);
    receivers.add(r);
    return r;
  }

  private JsonNode subscribe(WebhookReceiver receiver, Map<String, Object> extra) {
    Map<String, Object> body = new HashMap<>(extra);
    body.put("url", receiver.url());
    Api.Response r = api.post("/api/v1/webhook-subscriptions", body);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    receiver.secret = r.json().get("secret").asString();
    subscriptions.add(r.json().get("id").asString());
    return r.json();
  }

  private List<JsonNode> of(WebhookReceiver receiver, Set<String> orderIds) {
    return receiver.received.stream()
        .filter(e -> orderIds.contains(e.get("subject").asString()))
        .toList();
  }

  @Test
  void a_receiver_that_fails_at_first_still_gets_every_event_signed_and_in_order_per_order()
      throws Exception {
    WebhookReceiver receiver = receiver(3);
    JsonNode subscription = subscribe(receiver, Map.of());
    assertThat(subscription.get("secret").asString()).startsWith("whsec_");
    String sku = sku("HOOK");
    receive(sku, location(1), 10);
    Set<String> ids = new LinkedHashSet<>();
    for (int i = 0; i < 4; i++) {
      String id = createOrder(order(sku, 1)).get("id").asString();
      ids.add(id);
      if (i % 2 == 0) {
        api.post("/api/v1/orders/" + id + "/cancel", Map.of("reason", "hook"));
      }
    }
    int expected = ids.stream().mapToInt(id -> history(id).size()).sum();

    await(
        "every event of these orders arrived",
        () ->
            of(receiver, ids).stream().map(e -> e.get("id").asString()).distinct().count()
                == expected);

    assertThat(receiver.badSignatures).isEmpty();
    Map<String, Integer> last = new HashMap<>();
    Set<String> firstSeen = new LinkedHashSet<>();
    for (JsonNode e : of(receiver, ids)) {
      if (!firstSeen.add(e.get("id").asString())) {
        continue; // at least once: a repeat is allowed, receivers dedupe by id
      }
      int sequence = e.get("data").get("sequence").asInt();
      Integer previous = last.put(e.get("subject").asString(), sequence);
      assertThat(sequence).isEqualTo(previous == null ? 1 : previous + 1);
    }
    String deliveriesPath =
        "/api/v1/webhook-subscriptions/" + subscription.get("id").asString() + "/deliveries";
    // The delivery log is saved with the progress, per batch: it may trail the receiver a little.
    await(
        "successful deliveries are logged",
        () -> api.get(deliveriesPath).body().contains("\"statusCode\":204"));
    List<Integer> statuses = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    api.get(deliveriesPath)
        .json()
        .get("items")
        .forEach(
            d -> {
              statuses.add(d.get("statusCode").asInt());
              errors.add(d.get("error").isNull() ? null : d.get("error").asString());
            });
    assertThat(statuses).contains(500, 204);
    assertThat(errors).as("a coarse outcome, never exception text").contains("HTTP 5xx");
  }

  @Test
  void a_subscription_that_keeps_failing_dies_keeps_its_backlog_and_resumes_on_replay()
      throws Exception {
    WebhookReceiver receiver = receiver(0);
    receiver.failing = true;
    String id = subscribe(receiver, Map.of()).get("id").asString();
    String sku = sku("DEAD");
    receive(sku, location(1), 1);
    String order = createOrder(order(sku, 1)).get("id").asString();

    await(
        "the subscription is dead",
        () ->
            api.get("/api/v1/webhook-subscriptions/" + id)
                .json()
                .get("state")
                .asString()
                .equals("DEAD"));
    receiver.failing = false;
    Api.Response replay = api.post("/api/v1/webhook-subscriptions/" + id + "/replay", null);
    assertThat(replay.json().get("state").asString()).isEqualTo("ACTIVE");
    int expected = history(order).size();
    await("the backlog arrives", () -> of(receiver, Set.of(order)).size() >= expected);
    // Each delivery carries the trace of the job that made it (W3C Trace Context).
    assertThat(receiver.traceparents)
        .isNotEmpty()
        .allMatch(t -> t.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]"));
  }

  /** The lease token and its end, as the subscription's row holds them now. */
  private record Lease(String token, java.sql.Timestamp until) {}

  @Test
  void a_slow_receiver_keeps_the_lease_renewed_through_a_batch_and_gets_each_event_once()
      throws Exception {
    // The tests' timeout is 2 s: a lease of 6 s, renewed every 2 s. Each answer takes 1.2 s and an
    // order's events go one after another in one lane, so one batch outlasts a renewal interval.
    WebhookReceiver receiver = receiver(0);
    String subscription = subscribe(receiver, Map.of()).get("id").asString();
    api.send("PATCH", "/api/v1/webhook-subscriptions/" + subscription, Map.of("paused", true));
    String sku = sku("LEASE");
    receive(sku, location(1), 2);
    String id = createOrder(order(sku, 1)).get("id").asString();
    api.post("/api/v1/orders/" + id + "/cancel", Map.of("reason", "lease"));
    int expected = history(id).size();
    assertThat(expected).isGreaterThanOrEqualTo(3);
    await(
        "the order's events positioned in the feed (so they go in one batch)",
        () ->
            count("SELECT count(*) FROM outbox WHERE subject = ? AND position IS NOT NULL", id)
                == expected);
    receiver.delayMillis = 1200;
    api.send("PATCH", "/api/v1/webhook-subscriptions/" + subscription, Map.of("paused", false));

    // The lease row, sampled from here every 50 ms while the batch is sent (not inside the request,
    // whose answer must come within the 2 s timeout).
    List<Lease> leases = new ArrayList<>();
    await(
        "every event of the order arrived",
        () -> {
          leases.add(lease(subscription));
          return of(receiver, Set.of(id)).size() >= expected;
        });
    await("the batch saved and the lease released", () -> lease(subscription).token() == null);
    assertThat(of(receiver, Set.of(id)))
        .as("each event once: the lease was never lost, nor taken by another run")
        .hasSize(expected);
    List<Lease> held = leases.stream().filter(l -> l.token() != null).toList();
    assertThat(held)
        .as("within one lease (same token), its end moved on while the batch was sent")
        .anySatisfy(
            later ->
                assertThat(held)
                    .anySatisfy(
                        earlier -> {
                          assertThat(later.token()).isEqualTo(earlier.token());
                          assertThat(later.until()).isAfter(earlier.until());
                        }));
  }

  private Lease lease(String subscription) {
    return jdbc.sql(
            "SELECT lease_token::text, leased_until FROM webhook_subscriptions WHERE id = ?::uuid")
        .param(subscription)
        .query((rs, n) -> new Lease(rs.getString(1), rs.getTimestamp(2)))
        .single();
  }

  @Test
  void a_subscription_paused_while_a_failing_batch_is_out_stays_paused() throws Exception {
    WebhookReceiver receiver = receiver(1);
    String subscription = subscribe(receiver, Map.of()).get("id").asString();
    java.util.concurrent.atomic.AtomicBoolean paused =
        new java.util.concurrent.atomic.AtomicBoolean();
    // The first request (answered 500) pauses the subscription before it is answered.
    receiver.onRequest =
        () -> {
          if (paused.compareAndSet(false, true)) {
            api.send(
                "PATCH", "/api/v1/webhook-subscriptions/" + subscription, Map.of("paused", true));
          }
        };
    String sku = sku("PAUSEFAIL");
    receive(sku, location(1), 2);
    createOrder(order(sku, 1));

    await("the failed batch saved", () -> paused.get() && lease(subscription).token() == null);
    JsonNode after = api.get("/api/v1/webhook-subscriptions/" + subscription).json();
    assertThat(after.get("attempts").asInt()).as("the failure was recorded").isEqualTo(1);
    assertThat(after.get("state").asString()).as("the pause was kept").isEqualTo("PAUSED");
  }

  @Test
  void paused_subscriptions_keep_their_backlog_and_filters_pick_event_types() throws Exception {
    WebhookReceiver all = receiver(0);
    WebhookReceiver cancellations = receiver(0);
    String pausedId = subscribe(all, Map.of()).get("id").asString();
    subscribe(cancellations, Map.of("eventTypes", List.of("order.cancelled")));
    api.send("PATCH", "/api/v1/webhook-subscriptions/" + pausedId, Map.of("paused", true));
    String sku = sku("PAUSE");
    receive(sku, location(1), 2);
    String id = createOrder(order(sku, 1)).get("id").asString();
    api.post("/api/v1/orders/" + id + "/cancel", Map.of("reason", "filter"));

    await("the cancellation arrives", () -> of(cancellations, Set.of(id)).size() == 1);
    assertThat(of(cancellations, Set.of(id)).getFirst().get("type").asString())
        .isEqualTo("order.cancelled");
    assertThat(of(all, Set.of(id))).as("paused").isEmpty();
    api.send("PATCH", "/api/v1/webhook-subscriptions/" + pausedId, Map.of("paused", false));
    int expected = history(id).size();
    await("the backlog arrives after resuming", () -> of(all, Set.of(id)).size() >= expected);
  }

  @Test
  void targets_must_be_http_and_never_metadata_and_secrets_rotate() throws Exception {
    assertThat(
            api.post("/api/v1/webhook-subscriptions", Map.of("url", "ftp://example.com/x"))
                .status())
        .isEqualTo(422);
    // Even with allow-private-targets (this test family's setting), metadata, link-local and
    // unspecified addresses stay refused.
    for (String url :
        List.of(
            "http://169.254.169.254/latest",
            "http://100.100.100.200/latest/meta-data",
            "http://metadata.google.internal/computeMetadata/v1/",
            "http://[fd00:ec2::254]/",
            "http://[::ffff:169.254.169.254]/",
            "http://169.254.10.10/",
            "http://0/",
            "http://[::]/")) {
      Api.Response refused = api.post("/api/v1/webhook-subscriptions", Map.of("url", url));
      assertThat(refused.status()).as(url).isEqualTo(422);
      assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("url");
    }
    WebhookReceiver receiver = receiver(0);
    JsonNode created = subscribe(receiver, Map.of());
    String id = created.get("id").asString();
    assertThat(api.get("/api/v1/webhook-subscriptions").body())
        .doesNotContain(created.get("secret").asString());
    String rotated =
        api.post("/api/v1/webhook-subscriptions/" + id + "/rotate-secret", null)
            .json()
            .get("secret")
            .asString();
    assertThat(rotated).startsWith("whsec_").isNotEqualTo(created.get("secret").asString());
    String key = apiKey(unique("ops"), "orders:write");
    assertThat(api.as(key).get("/api/v1/webhook-subscriptions").status()).isEqualTo(403);
  }
}
