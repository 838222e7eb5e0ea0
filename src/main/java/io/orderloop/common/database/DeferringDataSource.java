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
      List<Write> writes = List.copyOf(pending);
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
