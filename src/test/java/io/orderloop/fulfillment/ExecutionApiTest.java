package io.orderloop.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.Api;
import io.orderloop.ApiTest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** HTTP flow: the second half of the loop — queue, shipments, delivery, holds, invoices. */
class ExecutionApiTest extends ApiTest {

  /** A B2B order (Net 30) of {@code cases} cases of {@code sku} at {@code price} a case. */
  private static Map<String, Object> b2bInCases(String sku, int cases, String price) {
    Map<String, Object> body = orderOfType("B2B", sku, cases);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> lines = (List<Map<String, Object>>) body.get("lines");
    lines.get(0).put("unitOfMeasure", "CASE");
    lines.get(0).put("unitPrice", price);
    body.put("b2b", Map.of("paymentTerms", "NET_30"));
    return body;
  }

  private String released(Map<String, Object> body) {
    String id = createOrder(body).get("id").asString();
    transition(id, "FULFILLMENT_QUEUED");
    return id;
  }

  private Api.Response ship(String id, Object... skuQuantity) {
    List<Map<String, Object>> lines = new ArrayList<>();
    for (int i = 0; i < skuQuantity.length; i += 2) {
      lines.add(Map.of("sku", skuQuantity[i], "quantity", skuQuantity[i + 1]));
    }
    return api.post(
        "/api/v1/orders/" + id + "/shipments",
        Map.of("carrier", "UPS", "trackingNumber", unique("1Z"), "lines", lines));
  }

  private List<JsonNode> queue(String location) {
    List<JsonNode> items = new ArrayList<>();
    api.get(
            "/api/v1/fulfillment-queue?limit=500"
                + (location == null ? "" : "&location=" + location))
        .json()
        .get("items")
        .forEach(items::add);
    return items;
  }

  @Test
  void
      a_partially_shipped_order_ships_the_rest_when_its_backorder_arrives_and_closes_on_delivery() {
    String sku = sku("SHIP");
    String wh = location(1);
    receive(sku, wh, 3);
    String id = released(order(sku, 5));
    assertThat(queue(wh)).anySatisfy(i -> assertThat(i.get("orderId").asString()).isEqualTo(id));

    Api.Response first = ship(id, sku, 3);
    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    assertThat(first.json().get("orderState").asString()).isEqualTo("PARTIALLY_SHIPPED");
    assertThat(first.json().get("lines").get(0).get("location").asString()).isEqualTo(wh);
    JsonNode line = getOrder(id).get("lines").get(0);
    assertThat(line.get("shipped").asInt()).isEqualTo(3);
    assertThat(line.get("backordered").asInt()).isEqualTo(2);
    assertThat(stock(sku).get("onHand").asInt()).as("shipping consumes stock").isZero();

    receive(sku, wh, 2);
    await(
        "the backorder joins the queue",
        () -> queue(wh).stream().anyMatch(i -> i.get("orderId").asString().equals(id)));
    Api.Response second = ship(id, sku, 2);
    assertThat(second.json().get("orderState").asString()).isEqualTo("SHIPPED");

    List<JsonNode> shipments = new ArrayList<>();
    api.get("/api/v1/orders/" + id + "/shipments").json().get("items").forEach(shipments::add);
    assertThat(shipments).hasSize(2);
    String s1 = first.json().get("id").asString();
    String s2 = second.json().get("id").asString();

    Api.Response d1 = api.post("/api/v1/shipments/" + s1 + "/delivery", Map.of());
    assertThat(d1.status()).as(d1.toString()).isEqualTo(200);
    assertThat(d1.json().get("state").asString()).isEqualTo("DELIVERED");
    assertThat(getOrder(id).get("state").asString())
        .as("one shipment still travelling")
        .isEqualTo("SHIPPED");
    Api.Response d2 = api.post("/api/v1/shipments/" + s2 + "/delivery", null);
    assertThat(d2.json().get("orderState").asString()).isEqualTo("CLOSED");
    Api.Response again = api.post("/api/v1/shipments/" + s2 + "/delivery", null);
    assertThat(again.status()).as("carriers may repeat themselves").isEqualTo(200);

    List<String> changes = new ArrayList<>();
    history(id).stream()
        .filter(e -> !e.get("toState").isNull())
        .forEach(e -> changes.add(e.get("toState").asString()));
    assertThat(changes)
        .containsExactly(
            "RECEIVED",
            "ALLOCATED",
            "FULFILLMENT_QUEUED",
            "PARTIALLY_SHIPPED",
            "SHIPPED",
            "DELIVERED",
            "CLOSED");
    assertStockInvariants(sku);
  }

  @Test
  void shipments_that_break_a_rule_are_refused_and_change_nothing() {
    String sku = sku("NOSHIP");
    String other = sku("NOSHIP2");
    String wh = location(1);
    receive(sku, wh, 10);
    receive(other, wh, 10);
    String allocated = createOrder(order(sku, 2)).get("id").asString();
    assertThat(ship(allocated, sku, 1).status()).as("not released yet").isEqualTo(409);

    String id = released(order(sku, 2, other, 1));
    api.post(
        "/api/v1/orders/" + id + "/cancel",
        Map.of("reason", "x", "lines", List.of(Map.of("sku", other, "quantity", 1))));
    JsonNode before = getOrder(id);
    int onHand = stock(sku).get("onHand").asInt();
    assertThat(ship(id, sku, 3).status()).as("more than allocated").isEqualTo(422);
    assertThat(ship(id, "GHOST", 1).status()).isEqualTo(422);
    assertThat(ship(id, other, 1).status()).as("a cancelled line").isEqualTo(422);
    Api.Response wrongLot =
        api.post(
            "/api/v1/orders/" + id + "/shipments",
            Map.of(
                "carrier", "UPS",
                "trackingNumber", "1Z999",
                "lines", List.of(Map.of("sku", sku, "quantity", 1, "lot", "NOT-RESERVED"))));
    assertThat(wrongLot.status()).isEqualTo(422);
    assertThat(
            api.post(
                    "/api/v1/orders/" + id + "/shipments",
                    Map.of("carrier", "UPS", "lines", List.of()))
                .status())
        .isEqualTo(422);
    assertThat(getOrder(id)).isEqualTo(before);
    assertThat(stock(sku).get("onHand").asInt()).isEqualTo(onHand);
    assertThat(
            api.post("/api/v1/shipments/00000000-0000-0000-0000-000000000000/delivery", null)
                .status())
        .isEqualTo(404);
  }

  @Test
  void a_held_order_is_not_released_nor_shipped_until_the_hold_is_released() {
    String sku = sku("HOLD");
    String wh = location(1);
    receive(sku, wh, 5);
    String id = createOrder(order(sku, 1)).get("id").asString();
    Api.Response held =
        api.post("/api/v1/orders/" + id + "/hold", Map.of("reason", "fraud review"));
    assertThat(held.status()).as(held.toString()).isEqualTo(200);
    assertThat(held.json().get("hold").get("reason").asString()).isEqualTo("fraud review");
    assertThat(held.json().get("allowedTransitions").toString())
        .doesNotContain("FULFILLMENT_QUEUED");

    Api.Response refused =
        api.post("/api/v1/orders/" + id + "/transitions", Map.of("to", "FULFILLMENT_QUEUED"));
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().get("detail").asString()).contains("on hold");
    assertThat(api.post("/api/v1/orders/" + id + "/hold", Map.of("reason", "again")).status())
        .isEqualTo(409);
    assertThat(api.get("/api/v1/orders?onHold=true&limit=500").body()).contains(id);

    assertThat(
            api.post("/api/v1/orders/" + id + "/hold/release", Map.of("reason", "cleared"))
                .status())
        .isEqualTo(200);
    transition(id, "FULFILLMENT_QUEUED");
    api.post("/api/v1/orders/" + id + "/hold", Map.of("reason", "address check"));
    assertThat(ship(id, sku, 1).status()).isEqualTo(409);
    assertThat(queue(wh)).noneSatisfy(i -> assertThat(i.get("orderId").asString()).isEqualTo(id));
    assertThat(history(id))
        .extracting(e -> e.get("type").asString())
        .contains("order.held", "order.released");

    Map<String, Object> review = order(sku, 1);
    review.put("holdReason", "needs review");
    JsonNode atIntake = createOrder(review);
    assertThat(atIntake.get("hold").get("reason").asString()).isEqualTo("needs review");
  }

  @Test
  void holds_of_several_kinds_are_kept_and_released_one_by_one() {
    String sku = sku("HOLDS");
    receive(sku, location(1), 2);
    String id = createOrder(order(sku, 1)).get("id").asString();
    api.post(
        "/api/v1/orders/" + id + "/hold",
        Map.of("reason", "card not captured", "kind", "PAYMENT_PENDING"));
    JsonNode both =
        api.post("/api/v1/orders/" + id + "/hold", Map.of("reason", "fraud review")).json();
    assertThat(both.get("holds").size()).isEqualTo(2);
    assertThat(both.get("hold").get("kind").asString()).isEqualTo("PAYMENT_PENDING");
    Api.Response queued =
        api.post("/api/v1/orders/" + id + "/transitions", Map.of("to", "FULFILLMENT_QUEUED"));
    assertThat(queued.status()).isEqualTo(409);
    assertThat(queued.json().get("detail").asString())
        .contains("PAYMENT_PENDING: card not captured")
        .contains("fraud review");
    JsonNode one =
        api.post("/api/v1/orders/" + id + "/hold/release", Map.of("kind", "PAYMENT_PENDING"))
            .json();
    assertThat(one.get("holds").size()).isEqualTo(1);
    assertThat(one.get("hold").get("kind").asString()).isEqualTo("MANUAL");
    api.post("/api/v1/orders/" + id + "/hold/release", Map.of("reason", "cleared"));
    assertThat(transition(id, "FULFILLMENT_QUEUED").get("state").asString())
        .isEqualTo("FULFILLMENT_QUEUED");
  }

  @Test
  void shipping_a_b2b_order_issues_an_invoice_with_terms_and_shows_cases_and_pallets() {
    String sku = sku("B2BSHIP", Map.of("casePack", 12, "palletQuantity", 240));
    String wh = location(1);
    receive(sku, wh, 480);
    Map<String, Object> body = orderOfType("B2B", sku, 240);
    body.put(
        "b2b",
        Map.of(
            "buyerPo", "PO-IR-2026-0089",
            "paymentTerms", "NET_30",
            "deliveryWindow", Map.of("from", "2099-03-10", "to", "2099-03-14")));
    String id = released(body);

    Api.Response shipment = ship(id, sku, 120);
    assertThat(shipment.status()).as(shipment.toString()).isEqualTo(201);
    JsonNode line = shipment.json().get("lines").get(0);
    assertThat(line.get("cases").asInt()).isEqualTo(10);
    assertThat(line.get("pallets").asString()).isEqualTo("0.50");
    JsonNode invoice = shipment.json().get("invoice");
    assertThat(invoice.get("number").asString()).matches("LMB-INV-\\d{4}-\\d{4,}");
    assertThat(invoice.get("total").asString()).isEqualTo("1500.00");
    assertThat(LocalDate.parse(invoice.get("dueOn").asString()))
        .isEqualTo(LocalDate.parse(invoice.get("issuedOn").asString()).plusDays(30));

    ship(id, sku, 120);
    JsonNode invoices = api.get("/api/v1/orders/" + id + "/invoices").json().get("items");
    assertThat(invoices.size()).isEqualTo(2);
    assertThat(history(id))
        .filteredOn(e -> e.get("type").asString().equals("invoice.issued"))
        .hasSize(2);
  }

  @Test
  void the_queue_puts_the_earliest_delivery_window_first_and_filters_by_location() {
    String sku = sku("QUEUE");
    String east = location(1);
    String west = location(2);
    receive(sku, east, 1);
    receive(sku, west, 10);
    Map<String, Object> later = orderOfType("B2B", sku, 1);
    later.put("b2b", Map.of("deliveryWindow", Map.of("from", "2001-02-01", "to", "2001-02-05")));
    later.put("fulfillmentPolicy", "SHIP_PARTIAL");
    Map<String, Object> sooner = orderOfType("B2B", sku, 1);
    sooner.put("b2b", Map.of("deliveryWindow", Map.of("from", "2001-01-01", "to", "2001-01-05")));
    String laterId = released(later);
    String soonerId = released(sooner);
    List<String> order = new ArrayList<>();
    queue(null).forEach(i -> order.add(i.get("orderId").asString()));
    assertThat(order.indexOf(soonerId)).isNotNegative().isLessThan(order.indexOf(laterId));
    assertThat(queue(west))
        .allSatisfy(i -> assertThat(i.get("location").asString()).isEqualTo(west))
        .anySatisfy(i -> assertThat(i.get("orderId").asString()).isEqualTo(soonerId));
  }

  @Test
  void carriers_confirm_delivery_by_tracking_number_with_the_shared_secret() {
    String sku = sku("TRACK");
    receive(sku, location(1), 2);
    String id = released(order(sku, 1));
    String tracking = unique("1ZTRACK");
    api.post(
        "/api/v1/orders/" + id + "/shipments",
        Map.of(
            "carrier",
            "UPS",
            "trackingNumber",
            tracking,
            "lines",
            List.of(Map.of("sku", sku, "quantity", 1))));
    Api carrier = api.as(null);
    Map<String, Object> delivered =
        Map.of("carrier", "ups", "trackingNumber", tracking, "status", "DELIVERED");

    assertThat(carrier.post("/carriers/tracking-events", delivered).status()).isEqualTo(401);
    assertThat(
            carrier
                .with("X-Carrier-Secret", "wrong")
                .post("/carriers/tracking-events", delivered)
                .status())
        .isEqualTo(401);
    Api signed = carrier.with("X-Carrier-Secret", CARRIER_SECRET);
    assertThat(
            signed
                .post(
                    "/carriers/tracking-events",
                    Map.of("carrier", "UPS", "trackingNumber", tracking, "status", "IN_TRANSIT"))
                .status())
        .isEqualTo(202);
    assertThat(getOrder(id).get("state").asString()).isEqualTo("SHIPPED");
    Api.Response r = signed.post("/carriers/tracking-events", delivered);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(getOrder(id).get("state").asString()).isEqualTo("CLOSED");
    assertThat(
            signed
                .post(
                    "/carriers/tracking-events",
                    Map.of("carrier", "UPS", "trackingNumber", "NOPE", "status", "DELIVERED"))
                .status())
        .isEqualTo(404);
  }

  @Test
  void shipping_and_cancelling_one_order_at_once_lets_exactly_one_win() throws Exception {
    String sku = sku("DUEL");
    String wh = location(1);
    receive(sku, wh, 40);
    for (int round = 0; round < 10; round++) {
      String id = released(order(sku, 2));
      List<Callable<Api.Response>> calls =
          List.of(
              () -> ship(id, sku, 2),
              () -> api.post("/api/v1/orders/" + id + "/cancel", Map.of("reason", "duel")));
      List<Api.Response> responses = new ArrayList<>();
      try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
        for (Future<Api.Response> f : pool.invokeAll(calls)) {
          responses.add(f.get());
        }
      }
      long won = responses.stream().filter(r -> r.status() / 100 == 2).count();
      assertThat(won).as(responses.toString()).isEqualTo(1);
      assertThat(responses).allSatisfy(r -> assertThat(r.status()).isIn(200, 201, 409));
      String state = getOrder(id).get("state").asString();
      assertThat(state).isIn("SHIPPED", "CANCELLED");
    }
    JsonNode stock = stock(sku);
    int shipped =
        count("SELECT coalesce(sum(shipped), 0)::int FROM order_lines WHERE sku = ?", sku);
    assertThat(stock.get("onHand").asInt()).isEqualTo(40 - shipped);
    assertThat(stock.get("reserved").asInt()).isZero();
    assertStockInvariants(sku);
  }

  @Test
  void a_manual_shipped_transition_records_a_shipment_and_the_b2b_invoice_like_any_other() {
    String sku = sku("MANUAL");
    receive(sku, location(1), 10);
    Map<String, Object> body = orderOfType("B2B", sku, 4);
    body.put("b2b", Map.of("paymentTerms", "NET_60"));
    String id = released(body);
    assertThat(transition(id, "SHIPPED").get("state").asString()).isEqualTo("SHIPPED");
    JsonNode shipments = api.get("/api/v1/orders/" + id + "/shipments").json().get("items");
    assertThat(shipments.size()).isEqualTo(1);
    assertThat(shipments.get(0).get("carrier").asString()).isEqualTo("MANUAL");
    assertThat(api.get("/api/v1/orders/" + id + "/invoices").json().get("items").size())
        .isEqualTo(1);

    assertThat(transition(id, "DELIVERED").get("state").asString()).isEqualTo("CLOSED");
    JsonNode after = api.get("/api/v1/orders/" + id + "/shipments").json().get("items").get(0);
    assertThat(after.get("state").asString())
        .as("whole order confirmed by hand")
        .isEqualTo("DELIVERED");
    int events = history(id).size();
    api.post("/api/v1/shipments/" + after.get("id").asString() + "/delivery", null);
    assertThat(history(id)).as("a late confirmation changes nothing").hasSize(events);
  }

  @Test
  void a_manual_shipped_transition_moves_the_version_once() {
    String sku = sku("ONCE");
    receive(sku, location(1), 3);
    String id = released(order(sku, 3));
    int before = getOrder(id).get("version").asInt();
    JsonNode shipped = transition(id, "SHIPPED");
    assertThat(shipped.get("state").asString()).isEqualTo("SHIPPED");
    assertThat(shipped.get("version").asInt()).as("one command, one version").isEqualTo(before + 1);
    assertThat(getOrder(id).get("version").asInt()).isEqualTo(before + 1);
  }

  @Test
  void money_is_a_decimal_string_at_the_currency_scale_in_orders_invoices_and_events() {
    String sku = sku("MONEY", Map.of("casePack", 12));
    receive(sku, location(1), 240);
    Map<String, Object> body = b2bInCases(sku, 2, "50.00");
    String id = released(body);
    Api.Response raw = api.get("/api/v1/orders/" + id);
    assertThat(raw.body())
        .contains("\"amount\":\"100.00\"")
        .contains("\"unitPrice\":\"50.00\"")
        .contains("\"unitPricePerUnit\":\"4.1667\"")
        .contains("\"amount\":\"100.00\",\"currency\":\"USD\"");
    Api.Response shipment = ship(id, sku, 12);
    assertThat(shipment.json().get("invoice").get("total").asString()).isEqualTo("50.00");
    assertThat(shipment.json().get("invoice").get("lines").get(0).get("amount").asString())
        .isEqualTo("50.00");
    assertThat(api.get("/api/v1/orders/" + id + "/invoices").body())
        .contains("\"total\":\"50.00\"");
    JsonNode issued =
        history(id).stream()
            .filter(e -> e.get("type").asString().equals("invoice.issued"))
            .findFirst()
            .orElseThrow();
    assertThat(issued.get("details").get("total").asString()).isEqualTo("50.00");
  }

  @Test
  void invoices_of_a_line_ordered_in_cases_add_up_to_what_was_ordered() {
    String sku = sku("SEVEN", Map.of("casePack", 7));
    receive(sku, location(1), 700);
    Map<String, Object> body = b2bInCases(sku, 100, "10.00");
    String id = released(body);
    ship(id, sku, 350);
    ship(id, sku, 350);
    java.math.BigDecimal invoiced = java.math.BigDecimal.ZERO;
    for (JsonNode invoice : api.get("/api/v1/orders/" + id + "/invoices").json().get("items")) {
      invoiced = invoiced.add(new java.math.BigDecimal(invoice.get("total").asString()));
    }
    assertThat(invoiced).isEqualByComparingTo("1000.00");
    assertThat(getOrder(id).get("total").get("amount").asString()).isEqualTo("1000.00");
  }

  @Test
  void a_retried_shipment_with_its_idempotency_key_is_recorded_once() {
    String sku = sku("RETRY");
    receive(sku, location(1), 5);
    String id = released(order(sku, 2));
    Api keyed = api.with("Idempotency-Key", unique("wms"));
    Map<String, Object> body =
        Map.of(
            "carrier",
            "FedEx",
            "trackingNumber",
            unique("7"),
            "lines",
            List.of(Map.of("sku", sku, "quantity", 1)));
    Api.Response first = keyed.post("/api/v1/orders/" + id + "/shipments", body);
    Api.Response retry = keyed.post("/api/v1/orders/" + id + "/shipments", body);
    assertThat(first.status()).isEqualTo(201);
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(api.get("/api/v1/orders/" + id + "/shipments").json().get("items").size())
        .isEqualTo(1);
    assertThat(getOrder(id).get("lines").get(0).get("shipped").asInt()).isEqualTo(1);
  }

  @Test
  void a_held_order_refusal_names_only_the_moves_the_hold_allows() {
    String sku = sku("HELD409");
    receive(sku, location(1), 1);
    String id = createOrder(order(sku, 1)).get("id").asString();
    api.post("/api/v1/orders/" + id + "/hold", Map.of("reason", "check"));
    Api.Response r =
        api.post("/api/v1/orders/" + id + "/transitions", Map.of("to", "FULFILLMENT_QUEUED"));
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().get("allowedTransitions").toString()).doesNotContain("FULFILLMENT_QUEUED");
  }

  @Test
  void a_forged_cursor_is_a_400_not_an_error() {
    String forged =
        java.util.Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("10000000000000000:0:00000000-0000-0000-0000-000000000000".getBytes());
    assertThat(api.get("/api/v1/fulfillment-queue?cursor=" + forged).status()).isEqualTo(400);
    assertThat(api.get("/api/v1/orders?cursor=" + forged).status()).isEqualTo(400);
  }

  @Test
  void a_delivery_time_before_the_shipment_left_is_refused() {
    String sku = sku("EARLY");
    receive(sku, location(1), 1);
    String id = released(order(sku, 1));
    String shipment = ship(id, sku, 1).json().get("id").asString();
    Api.Response r =
        api.post(
            "/api/v1/shipments/" + shipment + "/delivery",
            Map.of("deliveredAt", "2001-01-01T00:00:00Z"));
    assertThat(r.status()).isEqualTo(422);
    assertThat(getOrder(id).get("state").asString()).isEqualTo("SHIPPED");
  }
}
