package io.orderloop.returns;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.Api;
import io.orderloop.ApiTest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * HTTP flow: returns (RMA) with their own loop, restock or scrap, refunds, milestones on the order.
 */
class ReturnsApiTest extends ApiTest {

  /** A return of {@code quantity} units of {@code sku} on the order, authorized; its id. */
  private String authorizedReturn(String orderId, String sku, int quantity) {
    String rma =
        api.post(
                "/api/v1/orders/" + orderId + "/returns",
                Map.of("lines", List.of(Map.of("sku", sku, "quantity", quantity)), "reason", "r"))
            .json()
            .get("id")
            .asString();
    assertThat(move(rma, Map.of("to", "AUTHORIZED")).status()).isEqualTo(200);
    return rma;
  }

  private String deliveredOrder(String sku, int quantity) {
    String id = createOrder(order(sku, quantity)).get("id").asString();
    transition(id, "FULFILLMENT_QUEUED");
    String shipment =
        api.post(
                "/api/v1/orders/" + id + "/shipments",
                Map.of(
                    "carrier", "DHL",
                    "trackingNumber", unique("JD"),
                    "lines", List.of(Map.of("sku", sku, "quantity", quantity))))
            .json()
            .get("id")
            .asString();
    api.post("/api/v1/shipments/" + shipment + "/delivery", null);
    assertThat(getOrder(id).get("state").asString()).isEqualTo("CLOSED");
    return id;
  }

  private Api.Response move(String returnId, Map<String, Object> body) {
    return api.post("/api/v1/returns/" + returnId + "/transitions", body);
  }

  @Test
  void a_return_walks_its_loop_restocks_units_that_fill_backorders_and_records_the_refund() {
    String sku = sku("RMA", Map.of("lotControlled", true));
    String wh = location(1);
    receive(sku, wh, "L-RMA", LocalDate.now().plusDays(100), 3);
    String id = deliveredOrder(sku, 3);
    String waiting = createOrder(order(sku, 2)).get("id").asString();
    assertThat(getOrder(waiting).get("lines").get(0).get("backordered").asInt()).isEqualTo(2);

    Api.Response created =
        api.post(
            "/api/v1/orders/" + id + "/returns",
            Map.of("lines", List.of(Map.of("sku", sku, "quantity", 2)), "reason", "wrong size"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String rma = created.json().get("id").asString();
    assertThat(created.json().get("number").asString()).matches("LMB-RMA-\\d{4}-\\d{4,}");
    assertThat(created.json().get("state").asString()).isEqualTo("REQUESTED");

    assertThat(move(rma, Map.of("to", "RECEIVED")).status()).as("authorize first").isEqualTo(409);
    assertThat(move(rma, Map.of("to", "AUTHORIZED")).status()).isEqualTo(200);
    assertThat(
            move(
                    rma,
                    Map.of(
                        "to",
                        "RECEIVED",
                        "lines",
                        List.of(Map.of("sku", sku, "disposition", "KEEP"))))
                .status())
        .as("a disposition that is neither RESTOCK nor SCRAP")
        .isEqualTo(422);
    Api.Response received =
        move(
            rma,
            Map.of(
                "to",
                "RECEIVED",
                "lines",
                List.of(
                    Map.of("sku", sku, "disposition", "RESTOCK", "location", wh, "lot", "L-RMA"))));
    assertThat(received.status()).as(received.toString()).isEqualTo(200);
    await(
        "restocked units fill the waiting backorder",
        () -> getOrder(waiting).get("lines").get(0).get("allocated").asInt() == 2);

    assertThat(move(rma, Map.of("to", "REFUNDED", "refundAmount", "999.00")).status())
        .as("more than the units are worth")
        .isEqualTo(422);
    Api.Response refunded = move(rma, Map.of("to", "REFUNDED", "refundAmount", "25.00"));
    assertThat(refunded.json().get("refundAmount").asString()).isEqualTo("25.00");
    assertThat(move(rma, Map.of("to", "CLOSED")).json().get("state").asString())
        .isEqualTo("CLOSED");

    List<String> returnEvents = new ArrayList<>();
    api.get("/api/v1/returns/" + rma + "/events")
        .json()
        .get("items")
        .forEach(e -> returnEvents.add(e.get("type").asString()));
    assertThat(returnEvents)
        .containsExactly(
            "return.requested",
            "return.authorized",
            "return.received",
            "return.refunded",
            "return.closed");
    assertThat(history(id))
        .extracting(e -> e.get("type").asString())
        .contains("return.requested", "return.received", "return.closed");
    JsonNode movements = api.get("/api/v1/inventory/" + sku + "/movements").json().get("items");
    List<String> kinds = new ArrayList<>();
    movements.forEach(m -> kinds.add(m.get("kind").asString()));
    assertThat(kinds).contains("RETURN");
    assertStockInvariants(sku);
  }

  @Test
  void a_return_received_without_lines_restocks_each_line_where_it_shipped_from() {
    String sku = sku("RMADEF", Map.of("lotControlled", true));
    String wh = location(1);
    receive(sku, wh, "L-DEF", LocalDate.now().plusDays(100), 4);
    String id = deliveredOrder(sku, 4);
    String rma = authorizedReturn(id, sku, 3);
    Api.Response received = move(rma, Map.of("to", "RECEIVED"));
    assertThat(received.status()).as(received.toString()).isEqualTo(200);
    JsonNode line = received.json().get("lines").get(0);
    assertThat(line.get("disposition").asString()).isEqualTo("RESTOCK");
    assertThat(line.get("location").asString()).isEqualTo(wh);
    assertThat(line.get("lot").asString()).isEqualTo("L-DEF");
    assertThat(stock(sku).get("onHand").asInt()).as("3 units back on hand").isEqualTo(3);
    assertStockInvariants(sku);
  }

  @Test
  void returns_are_limited_to_shipped_units_not_already_returning_and_to_delivered_orders() {
    String sku = sku("LIMIT");
    String wh = location(1);
    receive(sku, wh, 10);
    String id = deliveredOrder(sku, 3);
    Map<String, Object> two =
        Map.of("lines", List.of(Map.of("sku", sku, "quantity", 2)), "reason", "r");
    assertThat(api.post("/api/v1/orders/" + id + "/returns", two).status()).isEqualTo(201);
    Api.Response over = api.post("/api/v1/orders/" + id + "/returns", two);
    assertThat(over.status()).isEqualTo(422);
    assertThat(over.json().get("detail").asString()).contains("only 1");
    assertThat(
            api.post(
                    "/api/v1/orders/" + id + "/returns",
                    Map.of("lines", List.of(Map.of("sku", "OTHER", "quantity", 1)), "reason", "r"))
                .status())
        .isEqualTo(422);

    String open = createOrder(order(sku, 1)).get("id").asString();
    Api.Response early = api.post("/api/v1/orders/" + open + "/returns", two);
    assertThat(early.status()).isEqualTo(409);
    assertThat(early.json().get("currentState").asString()).isEqualTo("ALLOCATED");
  }

  @Test
  void a_rejected_return_frees_its_units_and_scrapped_units_stay_out_of_stock() {
    String sku = sku("REJ");
    String wh = location(1);
    receive(sku, wh, 4);
    String id = deliveredOrder(sku, 4);
    Map<String, Object> all =
        Map.of("lines", List.of(Map.of("sku", sku, "quantity", 4)), "reason", "r");
    String first = api.post("/api/v1/orders/" + id + "/returns", all).json().get("id").asString();
    assertThat(move(first, Map.of("to", "REJECTED")).json().get("state").asString())
        .isEqualTo("REJECTED");
    assertThat(move(first, Map.of("to", "AUTHORIZED")).status()).isEqualTo(409);

    String second = api.post("/api/v1/orders/" + id + "/returns", all).json().get("id").asString();
    move(second, Map.of("to", "AUTHORIZED"));
    Api.Response scrapped =
        move(
            second,
            Map.of("to", "RECEIVED", "lines", List.of(Map.of("sku", sku, "disposition", "SCRAP"))));
    assertThat(scrapped.status()).as(scrapped.toString()).isEqualTo(200);
    assertThat(scrapped.json().get("lines").get(0).get("disposition").asString())
        .isEqualTo("SCRAP");
    assertThat(stock(sku).get("onHand").asInt()).isZero();
  }

  @Test
  void a_refund_is_capped_at_what_the_returned_units_were_paid_line_by_line() {
    String sku = sku("TWOPRICES");
    receive(sku, location(1), 5);
    Map<String, Object> body = order(sku, 1, sku, 1);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> lines = (List<Map<String, Object>>) body.get("lines");
    lines.get(0).put("unitPrice", "100.00");
    lines.get(1).put("unitPrice", "0.00");
    String id = createOrder(body).get("id").asString();
    transition(id, "FULFILLMENT_QUEUED");
    transition(id, "SHIPPED");
    transition(id, "DELIVERED");
    String rma =
        api.post(
                "/api/v1/orders/" + id + "/returns",
                Map.of("lines", List.of(Map.of("sku", sku, "quantity", 2)), "reason", "both"))
            .json()
            .get("id")
            .asString();
    move(rma, Map.of("to", "AUTHORIZED"));
    move(
        rma,
        Map.of("to", "RECEIVED", "lines", List.of(Map.of("sku", sku, "disposition", "SCRAP"))));
    assertThat(move(rma, Map.of("to", "REFUNDED", "refundAmount", "200.00")).status())
        .isEqualTo(422);
    assertThat(move(rma, Map.of("to", "REFUNDED", "refundAmount", "99.999")).status())
        .isEqualTo(422);
    assertThat(move(rma, Map.of("to", "REFUNDED", "refundAmount", "100.00")).status())
        .isEqualTo(200);
  }

  @Test
  void receiving_a_return_needs_inventory_write_and_a_lot_it_shipped_from() {
    String sku = sku("RLOT", Map.of("lotControlled", true));
    String wh = location(1);
    receive(sku, wh, "SHIPPED-LOT", LocalDate.now().plusDays(50), 2);
    String id = deliveredOrder(sku, 2);
    String rma = authorizedReturn(id, sku, 1);
    String ordersOnly = apiKey(unique("cs"), "orders:read", "orders:write");
    Map<String, Object> restock =
        Map.of(
            "to",
            "RECEIVED",
            "lines",
            List.of(
                Map.of(
                    "sku", sku, "disposition", "RESTOCK", "location", wh, "lot", "SHIPPED-LOT")));
    assertThat(api.as(ordersOnly).post("/api/v1/returns/" + rma + "/transitions", restock).status())
        .isEqualTo(403);
    Map<String, Object> madeUp =
        Map.of(
            "to",
            "RECEIVED",
            "lines",
            List.of(
                Map.of("sku", sku, "disposition", "RESTOCK", "location", wh, "lot", "MADE-UP")));
    assertThat(move(rma, madeUp).status()).isEqualTo(422);
    assertThat(move(rma, restock).status()).isEqualTo(200);
    assertThat(stock(sku).get("onHand").asInt()).isEqualTo(1);
  }

  @Test
  void every_move_the_return_table_refuses_is_409() {
    for (ReturnState from : ReturnState.values()) {
      for (ReturnState to : ReturnState.values()) {
        boolean expected =
            switch (from) {
              case REQUESTED ->
                  EnumSet.of(ReturnState.AUTHORIZED, ReturnState.REJECTED).contains(to);
              case AUTHORIZED ->
                  EnumSet.of(ReturnState.RECEIVED, ReturnState.REJECTED).contains(to);
              case RECEIVED -> to == ReturnState.REFUNDED;
              case REFUNDED -> to == ReturnState.CLOSED;
              case CLOSED, REJECTED -> false;
            };
        assertThat(from.canTransitionTo(to)).as(from + " → " + to).isEqualTo(expected);
      }
    }
  }
}
