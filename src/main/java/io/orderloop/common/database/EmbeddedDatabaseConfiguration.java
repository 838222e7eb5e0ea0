package io.orderloop.common.database;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded default: with no {@code spring.datasource.url}, start a real PostgreSQL (zonky's
 * binaries from Maven Central) on a data folder that survives restarts, so a newcomer runs the
 * service with one command and finds yesterday's orders tomorrow. With a URL configured this class
 * does nothing and Spring Boot's own datasource is used.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.datasource.url:}'.isEmpty()")
class EmbeddedDatabaseConfiguration {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseConfiguration.class);

  @Bean(destroyMethod = "close")
  EmbeddedPostgres embeddedPostgres(EmbeddedDatabaseProperties properties) throws IOException {
    Files.createDirectories(properties.dataDir());
    log.info(
        "No spring.datasource.url configured: starting the embedded PostgreSQL with its data in {}",
        properties.dataDir().toAbsolutePath());
    EmbeddedPostgres postgres =
        EmbeddedPostgres.builder()
            .setDataDirectory(properties.dataDir())
            .setCleanDataDirectory(false)
            .setPort(properties.port())
            // Stopped by this context, after the pool that depends on it has closed its
            // connections; zonky's own JVM hook would race Spring's on Ctrl-C and cut them off.
            .setRegisterShutdownHook(false)
            // zonky's defaults favour throw-away test databases; this one keeps real orders.
            .setServerConfig("synchronous_commit", "on")
            .setServerConfig("listen_addresses", "127.0.0.1")
            .start();
    log.info("Embedded PostgreSQL is up on 127.0.0.1:{}", postgres.getPort());
    return postgres;
  }

  /**
   * A Hikari pool on the embedded server; {@code spring.datasource.hikari.*} settings apply as
   * usual.
   */
  @Bean
  @ConfigurationProperties("spring.datasource.hikari")
  HikariDataSource dataSource(EmbeddedPostgres postgres) {
    HikariDataSource dataSource = new HikariDataSource();
    dataSource.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
    dataSource.setUsername("postgres");
    dataSource.setPoolName("orderloop-embedded");
    return dataSource;
  }
}
