package io.orderloop.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.Api;
import io.orderloop.OrderloopApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The newcomer's path: with no datasource configured the service starts its own PostgreSQL on a
 * data folder, and a restart finds yesterday's data there.
 */
class EmbeddedDatabaseTest {

  private static final String KEY = "embedded-admin-key-0123456789";

  private static ConfigurableApplicationContext start(Path dataDir) {
    return SpringApplication.run(
        OrderloopApplication.class,
        "--server.port=0",
        "--spring.datasource.url=",
        "--orderloop.embedded-database.data-dir=" + dataDir,
        "--orderloop.security.bootstrap-api-key=" + KEY,
        "--spring.lifecycle.timeout-per-shutdown-phase=1s");
  }

  private static Api api(ConfigurableApplicationContext context) {
    int port = ((WebServerApplicationContext) context).getWebServer().getPort();
    return new Api("http://127.0.0.1:" + port, KEY);
  }

  @Test
  void without_a_configured_database_the_service_starts_its_own_and_keeps_data_across_restarts(
      @TempDir Path dir) throws Exception {
    Path dataDir = dir.resolve("pgdata");
    String number;
    try (ConfigurableApplicationContext first = start(dataDir)) {
      Api api = api(first);
      assertThat(api.get("/actuator/health").json().get("status").asString()).isEqualTo("UP");
      assertThat(api.put("/api/v1/skus/LMB-BRS-001", Map.of("name", "Brass fitting")).status())
          .isEqualTo(201);
      assertThat(api.put("/api/v1/locations/MAIN", Map.of("name", "Main", "priority", 1)).status())
          .isEqualTo(201);
      assertThat(
              api.post(
                      "/api/v1/inventory/receipts",
                      Map.of("sku", "LMB-BRS-001", "location", "MAIN", "quantity", 3))
                  .status())
          .isEqualTo(201);
      Api.Response order =
          api.post(
              "/api/v1/orders",
              Map.of(
                  "channel",
                  "MANUAL",
                  "type",
                  "DTC",
                  "customer",
                  Map.of("name", "Ada"),
                  "shipTo",
                  Map.of("line1", "1 Road", "country", "US"),
                  "currency",
                  "USD",
                  "lines",
                  java.util.List.of(Map.of("sku", "LMB-BRS-001", "quantity", 2, "unitPrice", 5))));
      assertThat(order.status()).as(order.toString()).isEqualTo(201);
      number = order.json().get("number").asString();
    }
    assertThat(Files.exists(dataDir.resolve("PG_VERSION"))).isTrue();

    try (ConfigurableApplicationContext second = start(dataDir)) {
      Api api = api(second);
      Api.Response order = api.get("/api/v1/orders/" + number);
      assertThat(order.status()).isEqualTo(200);
      assertThat(order.json().get("state").asString()).isEqualTo("ALLOCATED");
      assertThat(api.get("/api/v1/inventory/LMB-BRS-001").json().get("reserved").asInt())
          .isEqualTo(2);
    }
  }
}
