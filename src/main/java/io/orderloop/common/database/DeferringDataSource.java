package io.orderloop.common.database;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The application's data source: each connection it hands out can hold writes back ({@link
 * io.orderloop.common.DeferredWrites}) and sends them all in one round trip — before the next
 * statement anyone runs on the connection (so a read always sees them), or with the {@code COMMIT}
 * itself when the transaction commits. A rollback drops them. The PostgreSQL driver sends a list of
 * statements in one {@code PreparedStatement} as one pipeline and stops at the first that fails.
 */
public final class DeferringDataSource extends DelegatingDataSource implements AutoCloseable {

  public DeferringDataSource(DataSource target) {
    super(target);
  }

  /** Closes the pool it wraps (the context calls this when it shuts down). */
  @Override
  public void close() throws Exception {
    if (obtainTargetDataSource() instanceof AutoCloseable pool) {
      pool.close();
    }
  }

  @Override
  public Connection getConnection() throws SQLException {
    return wrap(obtainTargetDataSource().getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return wrap(obtainTargetDataSource().getConnection(username, password));
  }

  private static Connection wrap(Connection target) {
    return (Connection)
        Proxy.newProxyInstance(
            DeferringDataSource.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            new Held(target));
  }

  /** The held-back writes of a connection from this data source, or null for another connection. */
  public static Held held(Connection connection) {
    if (connection != null
        && Proxy.isProxyClass(connection.getClass())
        && Proxy.getInvocationHandler(connection) instanceof Held held) {
      return held;
    }
    return null;
  }

  /** Statements sent on this thread (each prepared statement, each list of held-back writes). */
  private static final ThreadLocal<long[]> SENT = ThreadLocal.withInitial(() -> new long[1]);

  /**
   * How many statements this thread has sent through this data source: a prepared statement and a
   * list of held-back writes count one each (each is one round trip; a {@code COMMIT} that travels
   * with the writes costs none). For tests that hold the number of round trips down.
   */
  public static long statementsSent() {
    return SENT.get()[0];
  }

  /** One held-back statement with its parameters. */
  record Write(String sql, Object[] params) {}

  /**
   * A plain {@code INSERT INTO t (…) VALUES (…)}: nothing after its row(s) (no {@code ON CONFLICT},
   * no {@code RETURNING}) and no subquery, so that rows of several alike can go in one statement.
   */
  private static final Pattern PLAIN_INSERT =
      Pattern.compile(
          "(?is)\\s*INSERT\\s+INTO\\s+[\\w.]+\\s*(?:\\([^()]*\\)\\s*)?VALUES\\s*(\\(.*\\))\\s*");

  /** At most this many parameters in one merged statement (the protocol's limit is 65,535). */
  static final int MAX_MERGED_PARAMS = 30_000;

  /**
   * The writes with each run of consecutive plain inserts of the same SQL made one multi-row insert
   * (three outbox rows of an order, its lines, its reservations): PostgreSQL then plans and runs
   * one statement instead of several, with the same rows in the same order, the same row triggers
   * and the same checks. Nothing else is reordered.
   */
  static List<Write> merged(List<Write> writes) {
    List<Write> out = new ArrayList<>(writes.size());
    int i = 0;
    while (i < writes.size()) {
      Write first = writes.get(i);
      int end = i + 1;
      int rowsAt =
          end < writes.size() && writes.get(end).sql().equals(first.sql())
              ? rowsAt(first.sql())
              : -1;
      if (rowsAt < 0) {
        out.add(first);
        i++;
        continue;
      }
      int perRow = first.params().length;
      while (end < writes.size()
          && writes.get(end).sql().equals(first.sql())
          && (end - i + 1) * (long) perRow <= MAX_MERGED_PARAMS) {
        end++;
      }
      int rowsEnd = first.sql().lastIndexOf(')') + 1;
      String rows = first.sql().substring(rowsAt, rowsEnd);
      StringBuilder sql =
          new StringBuilder(first.sql().length() + (end - i - 1) * (rows.length() + 2));
      sql.append(first.sql(), 0, rowsEnd);
      Object[] params = new Object[(end - i) * perRow];
      System.arraycopy(first.params(), 0, params, 0, perRow);
      for (int k = i + 1; k < end; k++) {
        sql.append(", ").append(rows);
        System.arraycopy(writes.get(k).params(), 0, params, (k - i) * perRow, perRow);
      }
      out.add(new Write(sql.toString(), params));
      i = end;
    }
    return out;
  }

  /** Where the rows of a plain insert start in its SQL, or -1; remembered per SQL text. */
  private static final Map<String, Integer> ROWS_AT = new ConcurrentHashMap<>();

  private static int rowsAt(String sql) {
    Integer known = ROWS_AT.get(sql);
    if (known != null) {
      return known;
    }
    Matcher insert = PLAIN_INSERT.matcher(sql);
    int at =
        insert.matches()
                && !notJustRows(insert.group(1))
                && !sql.contains("--")
                && !sql.contains("/*")
            ? insert.start(1)
            : -1;
    if (ROWS_AT.size() < 1_000) { // held-back SQL is the code's own: a few dozen texts
      ROWS_AT.put(sql, at);
    }
    return at;
  }

  /**
   * Rows that hold more than values: a subquery, or a clause that happens to end in ")". (SQL with
   * a comment is not merged either: a comment after the row would be copied with it.)
   */
  private static boolean notJustRows(String rows) {
    String upper = rows.toUpperCase(Locale.ROOT);
    return upper.contains("SELECT") || upper.contains("CONFLICT") || upper.contains("RETURNING");
  }

  /** A connection's held-back writes, and the connection calls that send or drop them. */
  public static final class Held implements InvocationHandler {

    private final Connection target;
    private final List<Write> pending = new ArrayList<>();

    Held(Connection target) {
      this.target = target;
    }

    /** Holds a write back until the next statement or the commit. */
    public void add(String sql, Object[] params) {
      pending.add(new Write(sql, params));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "prepareStatement", "prepareCall", "createStatement" -> {
          send(false);
          SENT.get()[0]++;
        }
        case "setSavepoint" -> send(false);
        case "commit" -> send(true);
        // Everything pending was added after the last statement, so after any savepoint: a
        // rollback, to a savepoint or whole, drops it.
        case "rollback" -> pending.clear();
        case "setAutoCommit" -> send(false);
        case "close" -> pending.clear();
        case "equals" -> {
          return proxy == args[0];
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        case "unwrap" -> {
          if (((Class<?>) args[0]).isInstance(proxy)) {
            return proxy;
          }
        }
        default -> {}
      }
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }

    /**
     * Sends the held-back writes as one statement list; with {@code commit}, the list ends with
     * {@code COMMIT}, so the commit costs no round trip of its own (the driver's own commit then
     * finds the transaction already ended and sends nothing).
     */
    private void send(boolean commit) throws SQLException {
      if (pending.isEmpty()) {
        return;
      }
      List<Write> writes = merged(pending);
      pending.clear();
      SENT.get()[0]++;
      StringBuilder sql = new StringBuilder();
      for (Write w : writes) {
        sql.append(w.sql()).append(";\n");
      }
      if (commit) {
        sql.append("COMMIT");
      }
      try (PreparedStatement statement = target.prepareStatement(sql.toString())) {
        int index = 1;
        for (Write w : writes) {
          for (Object value : w.params()) {
            if (value == null) {
              statement.setNull(index++, Types.NULL);
            } else {
              statement.setObject(index++, value);
            }
          }
        }
        statement.execute();
      }
    }
  }
}
