package io.orderloop.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderloop.Api;
import io.orderloop.ApiTest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * HTTP: a customer asks to be forgotten. Their name, e-mail, phone and address lines disappear from
 * orders, history, the event feed and stored responses; what finance needs stays; one event says
 * so; the erasure is on record without the data.
 */
class CustomerErasureApiTest extends ApiTest {

  private Map<String, Object> orderFor(String sku, String name, String email, String line1) {
    return orderFor(sku, name, email, line1, "RH1 2AB", "+44 20 7946 0958");
  }

  private Map<String, Object> orderFor(
      String sku, String name, String email, String line1, String postalCode, String phone) {
    Map<String, Object> body = order(sku, 1);
    body.put("customer", Map.of("name", name, "email", email));
    body.put(
        "shipTo",
        Map.of(
            "name", name,
            "line1", line1,
            "city", "Ravenholm",
            "postalCode", postalCode,
            "region", "Kent",
            "country", "GB",
            "phone", phone));
    body.put("notes", "leave with " + name + " at the back door");
    return body;
  }

  @Test
  void a_customer_is_forgotten_everywhere_and_finance_keeps_its_figures() {
    String sku = sku("ERASE");
    receive(sku, location(1), 10);
    String email = unique("ada") + "@example.com";
    String name = "Ada " + unique("Lovelace");
    JsonNode first =
        api.with("Idempotency-Key", unique("erase-key"))
            .post("/api/v1/orders", orderFor(sku, name, email, "12 Analytical Row"))
            .json();
    // An edit keeps the old address in history: it must go too.
    Api.Response edited =
        api.patch(
            "/api/v1/orders/" + first.get("id").asString(),
            Map.of("shipTo", Map.of("line1", "1 Difference Engine Lane")));
    assertThat(edited.status()).as(edited.toString()).isEqualTo(200);
    JsonNode second = createOrder(orderFor(sku, name, email.toUpperCase(), "12 Analytical Row"));
    // Free text that mentions her: a hold's reason (held in history too) and an edited note.
    String secondPath = "/api/v1/orders/" + second.get("id").asString();
    assertThat(api.post(secondPath + "/hold", Map.of("reason", "call " + name + " first")).status())
        .isEqualTo(200);
    assertThat(api.patch(secondPath, Map.of("notes", "gift from " + name)).status()).isEqualTo(200);
    JsonNode other =
        createOrder(
            orderFor(
                sku,
                "Grace Hopper",
                unique("grace") + "@example.com",
                "3 Cobol Way",
                "NY 10001",
                "+1 212 555 0100"));
    JsonNode total = first.get("total");

    Api.Response erased = api.post("/api/v1/customers/erasure", Map.of("email", email));
    assertThat(erased.status()).as(erased.toString()).isEqualTo(200);
    String pseudonym = erased.json().get("pseudonym").asString();
    assertThat(pseudonym).matches("cust-[0-9a-f]{12}");
    assertThat(erased.json().get("orders").asInt()).isEqualTo(2);
    assertThat(erased.body()).doesNotContain(email).doesNotContain(name);

    for (JsonNode o : List.of(first, second)) {
      JsonNode now = getOrder(o.get("id").asString());
      assertThat(now.get("customer").get("name").asString())
          .isEqualTo("Erased customer " + pseudonym);
      assertThat(now.get("customer").get("email").asString())
          .isEqualTo(pseudonym + "@erased.invalid");
      JsonNode shipTo = now.get("shipTo");
      assertThat(shipTo.get("line1").asString()).isEqualTo("erased");
      assertThat(shipTo.get("city").asString()).isEqualTo("erased");
      assertThat(shipTo.get("phone").asString()).isEqualTo("erased");
      assertThat(shipTo.get("country").asString()).isEqualTo("GB");
      assertThat(shipTo.get("region").asString()).isEqualTo("Kent");
      assertThat(now.get("notes").asString()).doesNotContain(name);
      assertThat(now.get("lines").get(0).get("sku").asString()).isEqualTo(sku);
      assertThat(now.get("version").asInt()).isGreaterThan(o.get("version").asInt());
    }
    assertThat(getOrder(first.get("id").asString()).get("total")).isEqualTo(total);
    assertThat(getOrder(other.get("id").asString()).get("customer").get("name").asString())
        .isEqualTo("Grace Hopper");

    for (String value :
        List.of(email, name, "Analytical Row", "Difference Engine", "RH1 2AB", "7946 0958")) {
      String like = "%" + value.toLowerCase() + "%";
      assertThat(
              count(
                  "SELECT count(*) FROM orders WHERE lower(customer_name || coalesce(customer_email, '') || ship_to::text || coalesce(notes, '')) LIKE ?",
                  like))
          .as("orders: " + value)
          .isZero();
      assertThat(
              count(
                  "SELECT count(*) FROM orders WHERE lower(coalesce(holds::text, '') || coalesce(hold_reason, '')) LIKE ?",
                  like))
          .as("holds: " + value)
          .isZero();
      assertThat(
              count(
                  "SELECT count(*) FROM order_events WHERE lower(coalesce(reason, '')) LIKE ?",
                  like))
          .as("history reasons: " + value)
          .isZero();
      assertThat(count("SELECT count(*) FROM order_events WHERE lower(details::text) LIKE ?", like))
          .as("history: " + value)
          .isZero();
      assertThat(count("SELECT count(*) FROM outbox WHERE lower(data::text) LIKE ?", like))
          .as("event feed: " + value)
          .isZero();
      assertThat(count("SELECT count(*) FROM idempotency_keys WHERE lower(body) LIKE ?", like))
          .as("stored responses: " + value)
          .isZero();
      assertThat(
              count(
                  "SELECT count(*) FROM customer_erasures WHERE lower(pseudonym || erased_by) LIKE ?",
                  like))
          .isZero();
    }
    assertThat(
            count(
                "SELECT count(*) FROM outbox WHERE type = 'customer.erased' AND subject = ?",
                pseudonym))
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM customer_erasures WHERE pseudonym = ? AND orders = 2",
                pseudonym))
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM order_events WHERE order_id = ?::uuid",
                first.get("id").asString()))
        .as("history keeps its entries")
        .isEqualTo(history(first.get("id").asString()).size());

    Api.Response again = api.post("/api/v1/customers/erasure", Map.of("email", email));
    assertThat(again.json().get("pseudonym").asString()).as("stable").isEqualTo(pseudonym);
    assertThat(again.json().get("orders").asInt()).isZero();
  }

  @Test
  void erasure_needs_admin_and_an_email_and_history_stays_append_only_otherwise() {
    String reader = apiKey(unique("ops"), "orders:read", "orders:write");
    assertThat(api.as(reader).post("/api/v1/customers/erasure", Map.of("email", "a@b.c")).status())
        .isEqualTo(403);
    Api.Response bad =
        api.post("/api/v1/customers/erasure", new HashMap<>(Map.of("email", "nobody")));
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.json().get("errors").get(0).get("field").asString()).isEqualTo("email");

    String sku = sku("APPEND");
    receive(sku, location(1), 1);
    String id = createOrder(order(sku, 1)).get("id").asString();
    assertThatThrownBy(
            () ->
                jdbc.sql("UPDATE order_events SET details = '{}'::jsonb WHERE order_id = ?::uuid")
                    .param(id)
                    .update())
        .hasMessageContaining("append-only");
  }
}
