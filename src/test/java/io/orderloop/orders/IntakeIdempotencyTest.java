package io.orderloop.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.Api;
import io.orderloop.ApiTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * HTTP: intake is idempotent per channel order id and per Idempotency-Key, also under concurrency.
 */
class IntakeIdempotencyTest extends ApiTest {

  @Test
  void the_same_channel_order_never_makes_two_orders_or_reserves_twice() {
    String sku = sku("IDEM");
    receive(sku, location(1), 10);
    String externalId = unique("shopify-450789469");
    Map<String, Object> body = order(sku, 2);
    body.put("channel", "SHOPIFY");
    body.put("externalId", externalId);

    Api.Response first = api.post("/api/v1/orders", body);
    Api.Response second = api.post("/api/v1/orders", body);

    assertThat(first.status()).isEqualTo(201);
    assertThat(second.status()).as("existing order returned, nothing created").isEqualTo(200);
    assertThat(second.json().get("id")).isEqualTo(first.json().get("id"));
    assertThat(count("SELECT count(*) FROM orders WHERE external_id = ?", externalId)).isEqualTo(1);
    assertThat(stock(sku).get("reserved").asInt()).isEqualTo(2);
    body.put("channel", "SQUARE");
    assertThat(api.post("/api/v1/orders", body).status())
        .as("another channel's id space")
        .isEqualTo(201);
  }

  @Test
  void an_idempotency_key_replays_the_first_response_and_refuses_a_different_body() {
    String sku = sku("KEY");
    receive(sku, location(1), 10);
    String key = unique("key");
    Api keyed = api.with("Idempotency-Key", key);

    Api.Response first = keyed.post("/api/v1/orders", order(sku, 1));
    Api.Response replay = keyed.post("/api/v1/orders", order(sku, 1));

    assertThat(first.status()).isEqualTo(201);
    assertThat(replay.status()).isEqualTo(201);
    assertThat(replay.body()).isEqualTo(first.body());
    assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(stock(sku).get("reserved").asInt()).isEqualTo(1);

    Api.Response different = keyed.post("/api/v1/orders", order(sku, 2));
    assertThat(different.status()).isEqualTo(422);
    assertThat(different.json().get("detail").asString()).contains("different request body");
    assertThat(stock(sku).get("reserved").asInt()).isEqualTo(1);
  }

  @Test
  void an_idempotency_key_is_remembered_for_24_hours_by_the_injected_clock() {
    String sku = sku("EXPIRY");
    receive(sku, location(1), 10);
    Api keyed = api.with("Idempotency-Key", unique("day-key"));
    String first = keyed.post("/api/v1/orders", order(sku, 1)).json().get("id").asString();

    clock.shift(java.time.Duration.ofHours(23));
    assertThat(keyed.post("/api/v1/orders", order(sku, 1)).json().get("id").asString())
        .isEqualTo(first);
    clock.shift(java.time.Duration.ofHours(25));
    Api.Response later = keyed.post("/api/v1/orders", order(sku, 3));
    assertThat(later.status()).as("an expired key is a new request").isEqualTo(201);
    assertThat(later.json().get("id").asString()).isNotEqualTo(first);
  }

  @Test
  void concurrent_requests_with_one_key_or_one_channel_order_create_exactly_one_order()
      throws Exception {
    String sku = sku("RACE");
    receive(sku, location(1), 100);
    String key = unique("race-key");
    String externalId = unique("race-ext");
    Map<String, Object> keyed = order(sku, 1);
    Map<String, Object> external = order(sku, 1);
    external.put("channel", "SQUARE");
    external.put("externalId", externalId);

    List<Callable<Api.Response>> calls = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      calls.add(() -> api.with("Idempotency-Key", key).post("/api/v1/orders", keyed));
      calls.add(() -> api.post("/api/v1/orders", external));
    }
    List<Api.Response> responses = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(24)) {
      for (Future<Api.Response> f : pool.invokeAll(calls)) {
        responses.add(f.get());
      }
    }
    assertThat(responses)
        .allSatisfy(r -> assertThat(r.status()).as(r.toString()).isIn(200, 201, 409));
    assertThat(count("SELECT count(*) FROM orders WHERE external_id = ?", externalId)).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM idempotency_keys WHERE key = ?", key)).isEqualTo(1);
    assertThat(stock(sku).get("reserved").asInt())
        .as("one order per key, one per channel order")
        .isEqualTo(2);
    assertStockInvariants(sku);
  }

  @Test
  void the_previous_release_s_channel_insert_still_finds_its_unique_index() {
    // In a rolling upgrade, instances of the previous release still run against this schema: their
    // guarded insert names no predicate in ON CONFLICT, which a partial unique index alone would
    // not match (V32). EXPLAIN makes PostgreSQL infer the index without writing anything.
    assertThat(
            jdbc.sql(
                    """
                    EXPLAIN INSERT INTO orders (id, channel, external_id) VALUES (gen_random_uuid(), 'SHOPIFY', 'x')
                    ON CONFLICT (channel, external_id) DO NOTHING""")
                .query(String.class)
                .list())
        .anySatisfy(line -> assertThat(line).contains("Conflict"));
  }
}
