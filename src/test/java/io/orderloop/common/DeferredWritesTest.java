package io.orderloop.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderloop.ApiTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.ConcurrencyFailureException;
import tools.jackson.databind.JsonNode;

/**
 * Writes held back to travel with the commit (ADR 0010): a read in the same transaction sees them,
 * a rollback drops them, and a held-back write that did not change the rows it needed fails the
 * whole transaction, which {@link Transactions} runs again — nothing of the lost attempt stays.
 */
class DeferredWritesTest extends ApiTest {

  @Autowired DeferredWrites deferred;
  @Autowired Transactions transactions;

  private String key;

  @BeforeEach
  void table() {
    jdbc.sql("CREATE TABLE IF NOT EXISTS held_back_test (k text, n int, PRIMARY KEY (k, n))")
        .update();
    key = unique("k");
  }

  private List<Integer> rows() {
    return jdbc.sql("SELECT n FROM held_back_test WHERE k = ? ORDER BY n")
        .param(key)
        .query(Integer.class)
        .list();
  }

  @Test
  void a_read_in_the_transaction_sees_held_back_writes_and_the_commit_stores_them() {
    int seen =
        transactions.inTransaction(
            () -> {
              deferred.add("INSERT INTO held_back_test VALUES (?, ?)", key, 1);
              deferred.add("INSERT INTO held_back_test VALUES (?, ?)", key, 2);
              assertThat(deferred.guardsRetry()).isTrue();
              return jdbc.sql("SELECT count(*) FROM held_back_test WHERE k = ?")
                  .param(key)
                  .query(Integer.class)
                  .single();
            });
    assertThat(seen).isEqualTo(2);
    assertThat(rows()).containsExactly(1, 2);
  }

  @Test
  void a_rollback_drops_held_back_writes() {
    assertThatThrownBy(
            () ->
                transactions.run(
                    () -> {
                      deferred.add("INSERT INTO held_back_test VALUES (?, ?)", key, 1);
                      throw new IllegalStateException("changed my mind");
                    }))
        .hasMessage("changed my mind");
    assertThat(rows()).isEmpty();
  }

  @Test
  void
      a_guard_that_fails_at_the_commit_runs_the_whole_work_again_and_keeps_nothing_of_the_lost_try() {
    AtomicInteger attempts = new AtomicInteger();
    transactions.run(
        () -> {
          int attempt = attempts.incrementAndGet();
          deferred.add("INSERT INTO held_back_test VALUES (?, ?)", key, attempt);
          // Changes one row on the second attempt only: the first one's commit fails.
          deferred.addExpecting(
              1,
              "the test's guard",
              "UPDATE held_back_test SET n = n WHERE k = ? AND n = ? AND ? > 1",
              key,
              attempt,
              attempt);
        });
    assertThat(attempts).hasValue(2);
    assertThat(rows()).containsExactly(2);
  }

  @Test
  void outside_work_that_retries_whole_a_guard_runs_at_once_and_fails_there() {
    assertThat(deferred.guardsRetry()).isFalse();
    assertThatThrownBy(
            () ->
                deferred.addExpecting(
                    1, "nothing to update", "UPDATE held_back_test SET n = n WHERE k = ?", key))
        .isInstanceOf(ConcurrencyFailureException.class)
        .hasMessageContaining("nothing to update");
  }

  /**
   * The intake's race, made to happen: another transaction holds the last unit's stock row while
   * the order is placed, then writes the unit off. The order's held-back take finds nothing left at
   * its commit, the intake runs again from a fresh read, and the order is stored backordered —
   * never oversold, with no reservation or ledger row from the lost try.
   */
  @Test
  void an_order_whose_held_back_take_loses_the_last_unit_is_run_again_and_backordered()
      throws Exception {
    String sku = sku("RACE");
    receive(sku, location(1), 1);
    long stockId =
        jdbc.sql("SELECT id FROM stock WHERE sku = ?").param(sku).query(Long.class).single();
    try (Connection other = DriverManager.getConnection(DATABASE_URL)) {
      other.setAutoCommit(false);
      try (var hold = other.prepareStatement("SELECT 1 FROM stock WHERE id = ? FOR UPDATE")) {
        hold.setLong(1, stockId);
        hold.executeQuery();
      }
      CompletableFuture<JsonNode> placed =
          CompletableFuture.supplyAsync(() -> createOrder(order(sku, 1)));
      await(
          "the order's commit to wait for the stock row",
          () ->
              count(
                      "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                          + " AND wait_event_type = 'Lock'"
                          + " AND query LIKE '%orderloop_expect_rows%'")
                  > 0);
      // The unit goes (a count found it damaged), with its ledger row.
      try (var take =
              other.prepareStatement("UPDATE stock SET on_hand = on_hand - 1 WHERE id = ?");
          var ledger =
              other.prepareStatement(
                  """
                  INSERT INTO stock_movements (stock_id, kind, on_hand_delta, reserved_delta, reason, actor, at)
                  VALUES (?, 'ADJUSTMENT', -1, 0, 'damaged', 'test', now())""")) {
        take.setLong(1, stockId);
        take.executeUpdate();
        ledger.setLong(1, stockId);
        ledger.executeUpdate();
      }
      other.commit();
      JsonNode order = placed.get(30, TimeUnit.SECONDS);
      JsonNode line = order.get("lines").get(0);
      assertThat(line.get("allocated").asInt()).isZero();
      assertThat(line.get("backordered").asInt()).isEqualTo(1);
      String id = order.get("id").asString();
      assertThat(count("SELECT count(*) FROM reservations WHERE order_id = ?::uuid", id)).isZero();
      assertThat(count("SELECT count(*) FROM stock_movements WHERE order_id = ?::uuid", id))
          .isZero();
      assertThat(count("SELECT count(*) FROM orders WHERE id = ?::uuid", id)).isEqualTo(1);
      assertThat(stock(sku).get("onHand").asInt()).isZero();
      assertThat(stock(sku).get("reserved").asInt()).isZero();
    }
  }

  @Test
  void lines_that_share_a_stock_row_take_their_units_in_one_guarded_update() {
    String sku = sku("SHARED");
    receive(sku, location(1), 3);
    JsonNode both = createOrder(order(sku, 1, sku, 2));
    assertThat(both.get("lines").get(0).get("allocated").asInt()).isEqualTo(1);
    assertThat(both.get("lines").get(1).get("allocated").asInt()).isEqualTo(2);
    assertThat(stock(sku).get("reserved").asInt()).isEqualTo(3);
    // Nothing left: a second order of two lines on the row is backordered whole, and the row's
    // reserved units stay what the first order took (no oversell, no partial take).
    JsonNode none = createOrder(order(sku, 1, sku, 1));
    assertThat(none.get("lines").get(0).get("backordered").asInt()).isEqualTo(1);
    assertThat(none.get("lines").get(1).get("backordered").asInt()).isEqualTo(1);
    assertThat(stock(sku).get("reserved").asInt()).isEqualTo(3);
    assertThat(
            count(
                "SELECT coalesce(sum(quantity), 0) FROM reservations WHERE status = 'ACTIVE'"
                    + " AND stock_id = (SELECT id FROM stock WHERE sku = ?)",
                sku))
        .isEqualTo(3);
  }
}
