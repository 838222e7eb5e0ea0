package io.orderloop.console;

import io.orderloop.ApiTest;
import io.orderloop.TestDatabases;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The console's test family: one application on its own empty database with {@code
 * orderloop.demo=true} (SPEC §8's store, orders in every state) and the bootstrap admin, shared by
 * every subclass.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "orderloop.demo=true",
      "spring.lifecycle.timeout-per-shutdown-phase=1s",
      "orderloop.security.bootstrap-api-key=" + ApiTest.ADMIN_KEY,
      "orderloop.console.bootstrap-admin-email=" + ApiTest.CONSOLE_ADMIN,
      "orderloop.console.bootstrap-admin-password=" + ApiTest.CONSOLE_PASSWORD
    })
abstract class DemoConsoleTest {

  private static final String DATABASE_URL = TestDatabases.fresh();

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", () -> DATABASE_URL);
  }

  @LocalServerPort int port;

  String base() {
    return "http://127.0.0.1:" + port;
  }
}
