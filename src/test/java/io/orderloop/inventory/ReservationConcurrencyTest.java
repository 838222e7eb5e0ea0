package io.orderloop.inventory;

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
import tools.jackson.databind.JsonNode;

/**
 * Concurrency: many simultaneous requests over HTTP never reserve a unit twice; no error reaches a
 * client.
 */
class ReservationConcurrencyTest extends ApiTest {

  @org.springframework.beans.factory.annotation.Autowired private javax.sql.DataSource dataSource;

  private List<Api.Response> runConcurrently(List<Callable<Api.Response>> calls) throws Exception {
    List<Api.Response> responses = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(32)) {
      for (Future<Api.Response> f : pool.invokeAll(calls)) {
        responses.add(f.get());
      }
    }
    return responses;
  }

  @Test
  void of_many_concurrent_orders_for_the_last_units_exactly_as_many_get_them_as_there_are_units()
      throws Exception {
    String sku = sku("HOT");
    String a = location(1);
    String b = location(2);
    receive(sku, a, 3);
    receive(sku, b, 2);
    List<Callable<Api.Response>> calls = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      calls.add(() -> api.post("/api/v1/orders", order(sku, 1)));
    }

    List<Api.Response> responses = runConcurrently(calls);

    assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(201));
    long winners =
        responses.stream()
            .filter(r -> r.json().get("lines").get(0).get("allocated").asInt() == 1)
            .count();
    long allocatedOrders =
        responses.stream()
            .filter(r -> r.json().get("state").asString().equals("ALLOCATED"))
            .count();
    assertThat(responses.stream().map(r -> r.json().get("number").asString()).distinct().count())
        .as("order numbers stay unique under concurrency")
        .isEqualTo(120);
    assertThat(winners).isEqualTo(5);
    assertThat(allocatedOrders).isEqualTo(5);
    JsonNode stock = stock(sku);
    assertThat(stock.get("reserved").asInt()).isEqualTo(5);
    assertThat(stock.get("available").asInt()).isZero();
    assertStockInvariants(sku);
  }

  @Test
  void two_concurrent_orders_for_one_last_unit_give_it_to_exactly_one() throws Exception {
    for (int round = 0; round < 10; round++) {
      String sku = sku("LAST");
      receive(sku, location(1), 1);
      List<Callable<Api.Response>> calls =
          List.of(
              () -> api.post("/api/v1/orders", order(sku, 1)),
              () -> api.post("/api/v1/orders", order(sku, 1)));
      List<Api.Response> responses = runConcurrently(calls);
      assertThat(
              responses.stream()
                  .mapToInt(r -> r.json().get("lines").get(0).get("allocated").asInt())
                  .sum())
          .isEqualTo(1);
      assertThat(stock(sku).get("available").asInt()).isZero();
      assertStockInvariants(sku);
    }
  }

  @Test
  void multi_line_orders_in_opposite_sku_order_with_concurrent_cancels_never_deadlock_a_client()
      throws Exception {
    String x = sku("X");
    String y = sku("Y");
    String wh = location(1);
    receive(x, wh, 40);
    receive(y, wh, 40);
    long deadlocksBefore = deadlocks();
    List<Callable<Api.Response>> calls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      calls.add(() -> api.post("/api/v1/orders", order(x, 1, y, 1, x, 1)));
      calls.add(() -> api.post("/api/v1/orders", order(y, 2, x, 1)));
    }
    List<Api.Response> created = runConcurrently(calls);
    assertThat(created).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(201));

    List<Callable<Api.Response>> more = new ArrayList<>();
    for (int i = 0; i < created.size(); i += 2) {
      String id = created.get(i).json().get("id").asString();
      more.add(() -> api.post("/api/v1/orders/" + id + "/cancel", Map.of("reason", "race")));
      more.add(() -> api.post("/api/v1/orders", order(x, 2, y, 1)));
    }
    List<Api.Response> raced = runConcurrently(more);
    assertThat(raced).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isIn(200, 201));

    for (String sku : List.of(x, y)) {
      JsonNode stock = stock(sku);
      assertThat(stock.get("available").asInt()).isGreaterThanOrEqualTo(0);
      // One statement, one snapshot: background backorder fills may commit between two reads.
      assertThat(
              count(
                  """
                  SELECT count(*) FROM (SELECT 1) x
                  WHERE (SELECT coalesce(sum(reserved), 0) FROM stock WHERE sku = ?)
                      = (SELECT coalesce(sum(allocated), 0) FROM order_lines WHERE sku = ?)""",
                  sku,
                  sku))
          .as("reserved stock equals allocated order lines")
          .isEqualTo(1);
      assertStockInvariants(sku);
    }
    // Retries hide a deadlock from the clients, not from PostgreSQL: stock rows are locked in id
    // order by every take, so the database detected none. A backend that flushed its counters less
    // than a second ago holds new ones for up to 10 s, but flushes them when it exits: the pool's
    // connections are closed (idle ones at once, busy ones when returned) before the count is read.
    dataSource
        .unwrap(com.zaxxer.hikari.HikariDataSource.class)
        .getHikariPoolMXBean()
        .softEvictConnections();
    Thread.sleep(1_000);
    assertThat(deadlocks()).as("deadlocks PostgreSQL detected").isEqualTo(deadlocksBefore);
  }

  private long deadlocks() {
    jdbc.sql("SELECT pg_stat_clear_snapshot()").query().singleRow();
    return jdbc.sql("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        .query(Long.class)
        .single();
  }
}
