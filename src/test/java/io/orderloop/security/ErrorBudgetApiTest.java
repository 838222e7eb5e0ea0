package io.orderloop.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.Api;
import io.orderloop.ApiTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * HTTP: a client that keeps sending bad requests is slowed down and refused with 429, and other
 * clients on the same address are not.
 */
@TestPropertySource(
    properties = {
      "orderloop.security.error-budget.burst=5",
      "orderloop.security.error-budget.per-second=0.1",
      "orderloop.security.error-budget.penalty=PT0.3S"
    })
class ErrorBudgetApiTest extends ApiTest {

  @Test
  void a_key_that_keeps_sending_bad_requests_is_slowed_down_and_others_are_not() {
    Api noisy = api.as(apiKey(unique("noisy"), "orders:read", "orders:write"));
    assertThat(noisy.get("/api/v1/orders?limit=1").status()).isEqualTo(200);
    for (int i = 0; i < 5; i++) {
      assertThat(noisy.post("/api/v1/orders", "{").status()).isEqualTo(400);
    }
    long t0 = System.nanoTime();
    Api.Response refused = noisy.post("/api/v1/orders", "{");
    long waitedMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(refused.status()).as(refused.toString()).isEqualTo(429);
    assertThat(refused.header("Retry-After")).isEqualTo("1");
    assertThat(refused.json().get("type").asString()).endsWith("too-many-bad-requests");
    assertThat(waitedMs).isGreaterThanOrEqualTo(300);

    String sku = sku("BUDGET");
    receive(sku, location(1), 3);
    assertThat(api.post("/api/v1/orders", order(sku, 1)).status()).isEqualTo(201);
  }

  @Test
  void made_up_keys_are_counted_against_the_address_but_a_working_key_there_still_works() {
    assertThat(api.get("/api/v1/orders?limit=1").status()).isEqualTo(200); // a recently valid key
    for (int i = 0; i < 5; i++) {
      assertThat(api.as("ol_made_up_key_number_" + i).get("/api/v1/orders").status())
          .isEqualTo(401);
    }
    assertThat(api.as("ol_made_up_key_number_6").get("/api/v1/orders").status()).isEqualTo(429);
    assertThat(api.as(null).get("/api/v1/orders").status()).isEqualTo(429);
    assertThat(api.get("/api/v1/orders?limit=1").status()).isEqualTo(200);
  }

  @Test
  void a_fresh_valid_key_is_judged_by_itself_while_its_address_is_exhausted() {
    String fresh = apiKey(unique("team"), "orders:read");
    int refused = 0;
    for (int i = 0; i < 10 && refused == 0; i++) {
      if (api.as("ol_made_up_by_a_neighbour_" + i).get("/api/v1/orders").status() == 429) {
        refused++;
      }
    }
    assertThat(refused).as("the address is out of budget").isEqualTo(1);
    assertThat(api.as(fresh).get("/api/v1/orders?limit=1").status())
        .as("a never-used valid key behind the same address")
        .isEqualTo(200);
  }

  @Test
  void control_bytes_in_headers_are_refused_as_400_and_counted() {
    // From 127.0.0.2: an address of its own, untouched by the other tests.
    byte[] request =
        io.orderloop.RawHttp.request(
            "POST",
            "/carriers/tracking-events",
            "Content-Type: application/json\r\nX-Carrier-Secret: x\u0085y\r\n",
            "{}");
    for (int i = 0; i < 5; i++) {
      assertThat(io.orderloop.RawHttp.send(port, "127.0.0.2", request).status()).isEqualTo(400);
    }
    assertThat(io.orderloop.RawHttp.send(port, "127.0.0.2", request).status()).isEqualTo(429);
  }
}
