package io.orderloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The probes against a database that goes away and comes back, on a service of its own (its own
 * database, so the shared one is never touched): readiness fails while the database refuses
 * connections and recovers after; liveness never depends on it.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.hikari.connection-timeout=1000",
      "spring.lifecycle.timeout-per-shutdown-phase=1s",
      "orderloop.metrics.gauge-interval=PT1H"
    })
class ReadinessTest {

  static final String DATABASE_URL = TestDatabases.fresh();
  static final String NAME = TestDatabases.name(DATABASE_URL);

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", () -> DATABASE_URL);
  }

  @LocalServerPort int port;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private int status(String path) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(20))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void readiness_follows_the_database_and_liveness_does_not() {
    assertThat(status("/actuator/health/readiness")).isEqualTo(200);
    assertThat(status("/actuator/health/liveness")).isEqualTo(200);
    TestDatabases.admin("ALTER DATABASE " + NAME + " ALLOW_CONNECTIONS false");
    try {
      TestDatabases.admin(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + NAME + "'");
      await(
          "readiness fails without the database",
          () -> status("/actuator/health/readiness") == 503);
      assertThat(status("/actuator/health/liveness")).isEqualTo(200);
    } finally {
      TestDatabases.admin("ALTER DATABASE " + NAME + " ALLOW_CONNECTIONS true");
    }
    await(
        "readiness recovers with the database", () -> status("/actuator/health/readiness") == 200);
  }

  private static void await(String what, java.util.function.BooleanSupplier condition) {
    org.awaitility.Awaitility.await(what)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(condition::getAsBoolean);
  }
}
