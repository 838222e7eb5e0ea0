package io.orderloop.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.Api;
import io.orderloop.ApiTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** HTTP: PATCH /api/v1/orders/{id} edits what the order's state still allows, and says why not. */
class OrderEditApiTest extends ApiTest {

  private JsonNode edited(String id) {
    return history(id).stream()
        .filter(e -> e.get("type").asString().equals("order.edited"))
        .reduce((a, b) -> b)
        .orElseThrow();
  }

  @Test
  void before_fulfillment_addresses_notes_and_quantities_change_and_stock_follows() {
    String sku = sku("EDIT");
    String other = sku("EDIT2");
    receive(sku, location(1), 10);
    receive(other, location(1), 10);
    JsonNode order = createOrder(order(sku, 4));
    String id = order.get("id").asString();
    int version = order.get("version").asInt();

    Api.Response r =
        api.with("If-Match", "\"" + version + "\"")
            .patch(
                "/api/v1/orders/" + id,
                Map.of(
                    "shipTo",
                    Map.of("city", "Shelbyville", "postalCode", "49855"),
                    "notes",
                    "leave at the back door",
                    "lines",
                    List.of(
                        Map.of("lineNo", 1, "quantity", 6),
                        Map.of("sku", other, "quantity", 2, "unitPrice", "3.00"))));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode after = r.json();
    assertThat(after.get("version").asInt()).as("one edit, one version").isEqualTo(version + 1);
    assertThat(r.header("ETag")).isEqualTo("\"" + (version + 1) + "\"");
    assertThat(after.get("shipTo").get("city").asString()).isEqualTo("Shelbyville");
    assertThat(after.get("shipTo").get("line1").asString())
        .as("a merge patch keeps the fields it does not name")
        .isEqualTo(order.get("shipTo").get("line1").asString());
    assertThat(after.get("notes").asString()).isEqualTo("leave at the back door");
    assertThat(after.get("lines").get(0).get("quantity").asInt()).isEqualTo(6);
    assertThat(after.get("lines").get(0).get("allocated").asInt()).isEqualTo(6);
    assertThat(after.get("lines").get(1).get("sku").asString()).isEqualTo(other);
    assertThat(after.get("lines").get(1).get("allocated").asInt()).isEqualTo(2);
    assertThat(after.get("total").get("amount").asString()).isEqualTo("81.00");
    assertThat(stock(sku).get("reserved").asInt()).isEqualTo(6);

    JsonNode event = edited(id);
    assertThat(event.get("details").get("before").get("shipTo").get("city").asString())
        .isEqualTo(order.get("shipTo").get("city").asString());
    assertThat(event.get("details").get("after").get("shipTo").get("city").asString())
        .isEqualTo("Shelbyville");
    assertThat(event.get("details").get("before").get("lines").get(0).get("quantity").asInt())
        .isEqualTo(4);

    Api.Response fewer =
        api.patch(
            "/api/v1/orders/" + id, Map.of("lines", List.of(Map.of("lineNo", 1, "quantity", 1))));
    assertThat(fewer.json().get("lines").get(0).get("allocated").asInt()).isEqualTo(1);
    assertThat(stock(sku).get("reserved").asInt()).as("released on the way down").isEqualTo(1);

    Api.Response zero =
        api.patch(
            "/api/v1/orders/" + id, Map.of("lines", List.of(Map.of("lineNo", 2, "quantity", 0))));
    assertThat(zero.json().get("lines").get(1).get("cancelled").asInt()).isEqualTo(2);
    assertThat(stock(other).get("reserved").asInt()).isZero();
    assertStockInvariants(sku);
    assertStockInvariants(other);
  }

  @Test
  void a_patch_that_changes_nothing_records_nothing_and_keeps_the_version() {
    String sku = sku("NOOP");
    receive(sku, location(1), 2);
    JsonNode order = createOrder(order(sku, 1));
    String id = order.get("id").asString();
    int events = history(id).size();
    Api.Response same =
        api.patch(
            "/api/v1/orders/" + id,
            Map.of("customer", Map.of("name", order.get("customer").get("name").asString())));
    assertThat(same.status()).isEqualTo(200);
    assertThat(same.json().get("version").asInt()).isEqualTo(order.get("version").asInt());
    assertThat(history(id)).hasSize(events);
  }

  @Test
  void once_units_shipped_only_notes_and_unshipped_quantities_change() {
    String sku = sku("EDITSHIP");
    receive(sku, location(1), 3);
    String id = createOrder(order(sku, 5)).get("id").asString();
    transition(id, "FULFILLMENT_QUEUED");
    Api.Response ship =
        api.post(
            "/api/v1/orders/" + id + "/shipments",
            Map.of(
                "carrier", "UPS",
                "trackingNumber", unique("1Z"),
                "lines", List.of(Map.of("sku", sku, "quantity", 2))));
    assertThat(ship.status()).isEqualTo(201);

    Api.Response address =
        api.patch("/api/v1/orders/" + id, Map.of("shipTo", Map.of("city", "Elsewhere")));
    assertThat(address.status()).isEqualTo(409);
    assertThat(address.json().get("detail").asString()).contains("has shipped units");
    assertThat(address.json().get("currentState").asString()).isEqualTo("PARTIALLY_SHIPPED");

    Api.Response below =
        api.patch(
            "/api/v1/orders/" + id, Map.of("lines", List.of(Map.of("lineNo", 1, "quantity", 1))));
    assertThat(below.status()).isEqualTo(409);
    assertThat(below.json().get("detail").asString()).contains("cannot go below 2");

    Api.Response rest =
        api.patch(
            "/api/v1/orders/" + id,
            Map.of(
                "notes", "rest not needed", "lines", List.of(Map.of("lineNo", 1, "quantity", 0))));
    assertThat(rest.status()).as(rest.toString()).isEqualTo(200);
    assertThat(rest.json().get("state").asString()).isEqualTo("SHIPPED");
    assertThat(rest.json().get("lines").get(0).get("cancelled").asInt()).isEqualTo(3);
    assertStockInvariants(sku);

    Api.Response lines =
        api.patch(
            "/api/v1/orders/" + id, Map.of("lines", List.of(Map.of("lineNo", 1, "quantity", 9))));
    assertThat(lines.status()).isEqualTo(409);
    assertThat(
            api.patch("/api/v1/orders/" + id, Map.of("notes", "shipped, noted"))
                .json()
                .get("notes")
                .asString())
        .isEqualTo("shipped, noted");
  }

  @Test
  void edits_that_break_a_rule_are_refused_and_change_nothing() {
    String sku = sku("EDITBAD");
    receive(sku, location(1), 2);
    JsonNode order = createOrder(order(sku, 1));
    String id = order.get("id").asString();
    String path = "/api/v1/orders/" + id;

    Api.Response state = api.patch(path, Map.of("state", "SHIPPED"));
    assertThat(state.status()).isEqualTo(422);
    assertThat(state.json().get("detail").asString()).contains("state: cannot be edited");
    assertThat(api.patch(path, Map.of("customer", Map.of("email", "not-an-email"))).status())
        .isEqualTo(422);
    assertThat(api.patch(path, Map.of("b2b", Map.of("buyerPo", "PO-1"))).status())
        .as("terms on a DTC order")
        .isEqualTo(422);
    assertThat(
            api.patch(
                    path,
                    Map.of(
                        "lines",
                        List.of(Map.of("sku", "NO-SUCH", "quantity", 1, "unitPrice", "1.00"))))
                .status())
        .isEqualTo(422);
    assertThat(
            api.patch(path, Map.of("lines", List.of(Map.of("lineNo", 7, "quantity", 1)))).status())
        .isEqualTo(422);
    assertThat(
            api.patch(path, Map.of("lines", List.of(Map.of("lineNo", 1, "quantity", 5)))).status())
        .as("SHIP_PARTIAL backorders what stock cannot cover")
        .isEqualTo(200);
    assertThat(api.with("If-Match", "\"0\"").patch(path, Map.of("notes", "x")).status())
        .isEqualTo(412);
    assertThat(api.send("PATCH", path, "[1,2]").status()).isEqualTo(400);
    assertStockInvariants(sku);
  }
}
