package io.orderloop.common.database;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The embedded default database, started only when no {@code spring.datasource.url} is configured.
 *
 * @param dataDir folder holding the embedded PostgreSQL's data, kept across restarts ({@code
 *     orderloop.embedded-database.data-dir}, default {@code ~/.orderloop/postgres})
 * @param port TCP port on 127.0.0.1 for the embedded server; 0 picks a free one ({@code
 *     orderloop.embedded-database.port}, default 0)
 */
@ConfigurationProperties("orderloop.embedded-database")
public record EmbeddedDatabaseProperties(Path dataDir, Integer port) {

  public EmbeddedDatabaseProperties {
    if (dataDir == null) {
      dataDir = Path.of(System.getProperty("user.home"), ".orderloop", "postgres");
    }
    if (port == null) {
      port = 0;
    }
  }
}
