package io.orderloop;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fresh databases for tests: on the PostgreSQL server named by {@code ORDERLOOP_TEST_DATABASE_URL}
 * (a JDBC URL of a database the user may create databases from, e.g. {@code
 * jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}) when it is set, otherwise on one
 * embedded PostgreSQL started for the test JVM. Never H2, never a mock.
 */
public final class TestDatabases {

  private static final Pattern JDBC_URL = Pattern.compile("(jdbc:postgresql://[^/]+/)([^?]*)(.*)");
  private static String adminUrl;
  private static EmbeddedPostgres embedded;

  private TestDatabases() {}

  /**
   * Creates an empty database and returns its JDBC URL (user and password, if any, are in the URL).
   */
  /** A new empty temporary folder, removed when the test JVM exits. */
  public static java.nio.file.Path tempDir(String prefix) {
    try {
      java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("orderloop-" + prefix + "-");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public static synchronized String fresh() {
    String admin = adminUrl();
    String name =
        "orderloop_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(admin);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test database through " + admin, e);
    }
    if (embedded == null) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> drop(admin, name)));
    }
    Matcher m = JDBC_URL.matcher(admin);
    if (!m.matches()) {
      throw new IllegalStateException("not a PostgreSQL JDBC URL: " + admin);
    }
    return m.group(1) + name + m.group(3);
  }

  /** Runs SQL as the server's administrator (e.g. to take a test database away and back). */
  public static void admin(String sql) {
    try (Connection c = DriverManager.getConnection(adminUrl());
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** The database name in a JDBC URL {@link #fresh()} gave. */
  public static String name(String jdbcUrl) {
    Matcher m = JDBC_URL.matcher(jdbcUrl);
    if (!m.matches()) {
      throw new IllegalStateException("not a PostgreSQL JDBC URL: " + jdbcUrl);
    }
    return m.group(2);
  }

  private static String adminUrl() {
    if (adminUrl != null) {
      return adminUrl;
    }
    String server = System.getenv("ORDERLOOP_TEST_DATABASE_URL");
    if (server != null && !server.isBlank()) {
      adminUrl = server;
    } else {
      try {
        embedded = EmbeddedPostgres.builder().setServerConfig("max_connections", "400").start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL for tests", e);
      }
      adminUrl = embedded.getJdbcUrl("postgres", "postgres");
    }
    return adminUrl;
  }

  private static void drop(String admin, String name) {
    try (Connection c = DriverManager.getConnection(admin);
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException ignored) {
      // best effort at JVM exit
    }
  }
}
