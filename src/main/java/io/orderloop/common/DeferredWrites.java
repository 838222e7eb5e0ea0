package io.orderloop.common;

import io.orderloop.common.database.DeferringDataSource;
import java.util.Arrays;
import javax.sql.DataSource;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Writes a transaction does not need an answer from (history rows, outbox rows, lines, ledger
 * movements, a new order's row), held back and sent together: before the next statement on the
 * transaction's connection, so every read in the transaction sees them, or with the {@code COMMIT}
 * itself. An accepted order then costs two round trips — the read its plan needs, and this one —
 * however many rows it writes (ADR 0010). Outside a transaction a write runs at once.
 *
 * <p>A write that must change a given number of rows to be right (a conditional stock update, an
 * insert that a concurrent duplicate may have beaten) is {@link #addExpecting added with that
 * number}: when held back it carries its own check, and a different count fails the whole
 * transaction at its commit (SQLSTATE {@value #LOST_STATE}, which Spring translates to a {@link
 * ConcurrencyFailureException}) and {@link Transactions#inTransaction} runs the work again from a
 * fresh read. Only the first run of work that {@code inTransaction} runs holds such writes back
 * ({@link #guardsRetry()}); elsewhere, and on a second run, they run at once and a different count
 * throws {@link Lost} there.
 */
@Component
public class DeferredWrites {

  /** SQLSTATE of a held-back write whose row count was not the one it needed (class 40). */
  public static final String LOST_STATE = "40L01";

  private final DataSource dataSource;
  private final JdbcClient jdbc;

  DeferredWrites(DataSource dataSource, JdbcClient jdbc) {
    this.dataSource = dataSource;
    this.jdbc = jdbc;
  }

  /** A held-back write changed another number of rows than it needed: the work is run again. */
  public static final class Lost extends ConcurrencyFailureException {
    public Lost(String what) {
      super("lost a race, retrying: " + what);
    }
  }

  /** Adds a write: held back inside a transaction, run at once outside one. */
  public void add(String sql, Object... params) {
    DeferringDataSource.Held held = held();
    if (held != null) {
      held.add(sql, params);
    } else {
      jdbc.sql(sql).params(Arrays.asList(params)).update();
    }
  }

  /**
   * Adds a write that must change exactly {@code rows} rows ({@code sql} is an INSERT, UPDATE or
   * DELETE without RETURNING). Held back only where {@link #guardsRetry()}; run at once otherwise.
   * Either way a different count ends in {@link Lost}.
   */
  public void addExpecting(int rows, String what, String sql, Object... params) {
    DeferringDataSource.Held held = guardsRetry() ? held() : null;
    if (held == null) {
      int changed = jdbc.sql(sql).params(Arrays.asList(params)).update();
      if (changed != rows) {
        throw new Lost(what);
      }
      return;
    }
    Object[] all = Arrays.copyOf(params, params.length + 2);
    all[params.length] = rows;
    all[params.length + 1] = what;
    held.add(
        "WITH changed AS ("
            + sql
            + " RETURNING 1) SELECT orderloop_expect_rows((SELECT count(*) FROM changed), ?, ?)",
        all);
  }

  /**
   * Whether writes added now may be held back with their checks: on the first run of work that
   * {@link Transactions#inTransaction} runs (and retries whole), on a connection that holds writes
   * back. A run after a lost race does its checks at once instead, so contention that keeps beating
   * the optimistic path (many buyers of the same few units) falls back to planning again in place.
   */
  public boolean guardsRetry() {
    return Transactions.attempt() == 1 && held() != null;
  }

  private DeferringDataSource.Held held() {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      return null;
    }
    if (TransactionSynchronizationManager.getResource(dataSource) instanceof ConnectionHolder h
        && h.isSynchronizedWithTransaction()) {
      return DeferringDataSource.held(h.getConnection());
    }
    return null;
  }
}
