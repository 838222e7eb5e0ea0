package io.orderloop.channels;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.Api;
import io.orderloop.ApiTest;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** What the channel tests share: shipping an order through the API and watching its pushes. */
abstract class ChannelApiTest extends ApiTest {

  /** Ships {@code quantity} of {@code sku} on the order; answers the shipment (201). */
  protected JsonNode ship(
      String orderId, String sku, int quantity, String carrier, String tracking) {
    Api.Response shipped =
        api.post(
            "/api/v1/orders/" + orderId + "/shipments",
            Map.of(
                "carrier",
                carrier,
                "trackingNumber",
                tracking,
                "lines",
                List.of(Map.of("sku", sku, "quantity", quantity))));
    assertThat(shipped.status()).as(shipped.toString()).isEqualTo(201);
    return shipped.json();
  }

  protected JsonNode pushes(String orderId) {
    return api.get("/api/v1/channels/pushes?order=" + orderId).json().get("items");
  }

  /** Waits until the order's push number {@code index} is SENT; fails showing every push. */
  protected void awaitSent(String orderId, int index) {
    org.awaitility.Awaitility.await("push " + index + " sent")
        .atMost(java.time.Duration.ofSeconds(20))
        .pollInterval(java.time.Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              JsonNode pushes = pushes(orderId);
              assertThat(pushes.size()).as(pushes.toString()).isGreaterThan(index);
              assertThat(pushes.get(index).get("status").asString())
                  .as(pushes.toString())
                  .isEqualTo("SENT");
            });
  }
}
