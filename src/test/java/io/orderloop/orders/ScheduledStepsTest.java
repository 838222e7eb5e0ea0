package io.orderloop.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.Api;
import io.orderloop.ApiTest;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Module: the time-driven steps with a close grace and a transit lead time set — delivered orders
 * close once the grace has passed, B2B orders past their last ship date are flagged at risk. Time
 * comes from the shifted clock.
 */
@TestPropertySource(
    properties = {
      "orderloop.orders.close-grace=PT1H",
      "orderloop.orders.transit-lead-days=3",
      "orderloop.orders.schedule-interval=PT1H"
    })
class ScheduledStepsTest extends ApiTest {

  @Autowired OrderScheduler scheduler;

  @Test
  void a_delivered_order_closes_only_after_the_grace() {
    String sku = sku("GRACE");
    receive(sku, location(1), 1);
    String id = createOrder(order(sku, 1)).get("id").asString();
    transition(id, "FULFILLMENT_QUEUED");
    transition(id, "SHIPPED");
    assertThat(transition(id, "DELIVERED").get("state").asString()).isEqualTo("DELIVERED");

    scheduler.runOnce();
    assertThat(getOrder(id).get("state").asString()).isEqualTo("DELIVERED");
    clock.shift(Duration.ofMinutes(61));
    scheduler.runOnce();
    assertThat(getOrder(id).get("state").asString()).isEqualTo("CLOSED");
    assertThat(history(id).getLast().get("actor").asString()).isEqualTo("system");
  }

  @Test
  void an_operator_may_close_a_delivered_order_before_the_grace_has_passed() {
    String sku = sku("CLOSEHAND");
    receive(sku, location(1), 1);
    String id = createOrder(order(sku, 1)).get("id").asString();
    transition(id, "FULFILLMENT_QUEUED");
    transition(id, "SHIPPED");
    JsonNode delivered = transition(id, "DELIVERED");
    assertThat(delivered.get("allowedTransitions").toString()).contains("CLOSED");
    Api.Response closed = api.post("/api/v1/orders/" + id + "/transitions", Map.of("to", "CLOSED"));
    assertThat(closed.status()).as(closed.toString()).isEqualTo(200);
    assertThat(closed.json().get("state").asString()).isEqualTo("CLOSED");
    assertThat(history(id).getLast().get("type").asString()).isEqualTo("order.closed");
  }

  @Test
  void a_b2b_order_not_shipped_by_its_window_start_minus_transit_time_is_flagged_at_risk_once() {
    String sku = sku("RISK");
    receive(sku, location(1), 10);
    // The service's day: its clock (shifted by tests), in UTC as the scheduler reads it.
    LocalDate today = LocalDate.ofInstant(clock.instant(), java.time.ZoneOffset.UTC);
    Map<String, Object> tight = orderOfType("B2B", sku, 1);
    tight.put(
        "b2b",
        Map.of(
            "deliveryWindow",
            Map.of("from", today.plusDays(2).toString(), "to", today.plusDays(6).toString())));
    Map<String, Object> relaxed = orderOfType("B2B", sku, 1);
    relaxed.put(
        "b2b",
        Map.of(
            "deliveryWindow",
            Map.of("from", today.plusDays(30).toString(), "to", today.plusDays(35).toString())));
    String late = createOrder(tight).get("id").asString();
    String fine = createOrder(relaxed).get("id").asString();

    scheduler.runOnce();
    scheduler.runOnce();

    assertThat(getOrder(late).get("atRisk").asBoolean()).isTrue();
    assertThat(getOrder(fine).get("atRisk").asBoolean()).isFalse();
    List<?> flagged =
        history(late).stream()
            .filter(e -> e.get("type").asString().equals("order.at_risk"))
            .toList();
    assertThat(flagged).hasSize(1);
    assertThat(api.get("/api/v1/orders?atRisk=true&limit=500").body())
        .contains(late)
        .doesNotContain(fine);
    transition(late, "FULFILLMENT_QUEUED");
    transition(late, "SHIPPED");
    assertThat(getOrder(late).get("atRisk").asBoolean()).as("shipped: no longer at risk").isFalse();
  }
}
