package io.orderloop.orders;

import io.orderloop.common.Transactions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Orders by state for the board: exact, and read from a few hundred rows however many orders there
 * are. A trigger on {@code orders} appends a delta row for every new order and every change of
 * state (V8 migration); {@link #compact} folds the deltas into the totals; a read sums both.
 */
@Component
class OrderStateCounts {

  private final JdbcClient jdbc;
  private final Transactions transactions;

  OrderStateCounts(JdbcClient jdbc, Transactions transactions) {
    this.jdbc = jdbc;
    this.transactions = transactions;
  }

  /** Counts per state (every state, zero included) for an optional channel and type. */
  Map<OrderState, Long> counts(Channel channel, OrderType type) {
    Map<OrderState, Long> counts = new LinkedHashMap<>();
    for (OrderState s : OrderState.values()) {
      counts.put(s, 0L);
    }
    jdbc.sql(
            """
            SELECT state, sum(n) FROM (
                SELECT state, channel, type, n FROM order_state_counts
                UNION ALL
                SELECT state, channel, type, delta FROM order_state_count_deltas) c
            WHERE (CAST(:channel AS text) IS NULL OR channel = :channel)
              AND (CAST(:type AS text) IS NULL OR type = :type)
            GROUP BY state""")
        .param("channel", channel == null ? null : channel.name())
        .param("type", type == null ? null : type.name())
        .query((rs, n) -> Map.entry(OrderState.valueOf(rs.getString(1)), rs.getLong(2)))
        .list()
        .forEach(e -> counts.put(e.getKey(), e.getValue()));
    return counts;
  }

  /**
   * Folds committed deltas into the totals. Safe on any number of instances at once: a delta row is
   * deleted, and so counted, by one of them only; deltas of transactions still running are left for
   * the next run.
   */
  @Scheduled(fixedDelayString = "${orderloop.orders.count-compaction-interval:PT2S}")
  int compact() {
    return transactions.inTransaction(
        () -> jdbc.sql("SELECT compact_order_state_counts()").query(Integer.class).single());
  }
}
