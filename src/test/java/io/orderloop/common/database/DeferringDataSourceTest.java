package io.orderloop.common.database;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.common.database.DeferringDataSource.Write;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How held-back writes are put together before they are sent: runs of the same plain insert become
 * one multi-row insert, in order, with their parameters in order; nothing else is merged or moved.
 */
class DeferringDataSourceTest {

  private static final String LINE = "INSERT INTO order_lines (order_id, line_no) VALUES (?, ?)";
  private static final String EVENT =
      "INSERT INTO outbox (id, data) VALUES (?, ?::jsonb)"; // a cast in the row stays per row

  private static Write w(String sql, Object... params) {
    return new Write(sql, params);
  }

  private static List<String> sqls(List<Write> writes) {
    return writes.stream().map(Write::sql).toList();
  }

  @Test
  void consecutive_plain_inserts_of_the_same_sql_become_one_statement_with_all_rows_in_order() {
    List<Write> out =
        DeferringDataSource.merged(
            List.of(
                w("UPDATE stock SET reserved = reserved + ? WHERE id = ?", 1, 7),
                w(LINE, "o", 1),
                w(LINE, "o", 2),
                w(LINE, "o", 3),
                w(EVENT, "e1", "{}"),
                w(EVENT, "e2", null)));
    assertThat(sqls(out))
        .containsExactly(
            "UPDATE stock SET reserved = reserved + ? WHERE id = ?",
            "INSERT INTO order_lines (order_id, line_no) VALUES (?, ?), (?, ?), (?, ?)",
            "INSERT INTO outbox (id, data) VALUES (?, ?::jsonb), (?, ?::jsonb)");
    assertThat(out.get(1).params()).containsExactly("o", 1, "o", 2, "o", 3);
    assertThat(Arrays.asList(out.get(2).params())).containsExactly("e1", "{}", "e2", null);
  }

  @Test
  void inserts_with_a_clause_after_their_rows_or_a_subquery_and_runs_apart_are_left_alone() {
    String conflict = "INSERT INTO orders (id) VALUES (?) ON CONFLICT (id) DO NOTHING";
    String returning = "INSERT INTO orders (id) VALUES (?) RETURNING id";
    String select = "INSERT INTO counts (n) VALUES ((SELECT count(*) FROM orders WHERE id = ?))";
    String upsert =
        "INSERT INTO c (k, n) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET n = (c.n + 1)";
    String commented = "INSERT INTO orders (id) VALUES (?) -- the id (a uuid)";
    String plain = "INSERT INTO orders (id) VALUES (?)";
    List<Write> in =
        List.of(
            w(conflict, 1),
            w(conflict, 2),
            w(returning, 3),
            w(returning, 4),
            w(select, 5),
            w(select, 6),
            w(upsert, "a", 1),
            w(upsert, "b", 1),
            w(commented, 1),
            w(commented, 2),
            w(plain, 7),
            w("DELETE FROM orders WHERE id = ?", 8),
            w(plain, 9));
    assertThat(sqls(DeferringDataSource.merged(in))).isEqualTo(sqls(in));
  }

  @Test
  void a_long_run_is_split_so_no_statement_passes_the_parameter_limit() {
    String wide = "INSERT INTO t VALUES (?, ?, ?)";
    int rows = DeferringDataSource.MAX_MERGED_PARAMS / 3 + 5;
    List<Write> in =
        java.util.stream.IntStream.range(0, rows).mapToObj(i -> w(wide, i, i, i)).toList();
    List<Write> out = DeferringDataSource.merged(in);
    assertThat(out).hasSize(2);
    assertThat(out.get(0).params()).hasSize(DeferringDataSource.MAX_MERGED_PARAMS);
    assertThat(out.get(1).params()).hasSize(15);
    assertThat(out.get(1).params()[0]).isEqualTo(rows - 5);
  }
}
