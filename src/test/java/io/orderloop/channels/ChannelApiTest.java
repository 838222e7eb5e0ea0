package io.orderloop.channels;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.ApiTest;
import tools.jackson.databind.JsonNode;

/** What the channel tests share: watching an order's pushes. */
abstract class ChannelApiTest extends ApiTest {

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
