package io.orderloop.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.Api;
import io.orderloop.ApiTest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The customer portal's API: sign-in by a one-time expiring link, a session scoped to one customer,
 * and object-level authorization: every identifier of another customer's order, shipment, invoice
 * and return is 404 with nothing of it revealed, in look-ups, lists and actions.
 */
class PortalApiTest extends ApiTest {

  /** A customer with a delivered order (shipped, with a return) and a shipped B2B order. */
  record Customer(
      String email,
      String session,
      JsonNode delivered,
      String shipment,
      JsonNode b2b,
      String invoice,
      JsonNode returned) {}

  private JsonNode orderFor(String email, String type, String sku, int quantity) {
    Map<String, Object> body = orderOfType(type, sku, quantity);
    body.put("customer", Map.of("name", "Name of " + email, "email", email));
    if (type.equals("B2B")) {
      body.put("b2b", Map.of("buyerPo", unique("PO"), "paymentTerms", "NET_30"));
    }
    return createOrder(body);
  }

  /** Signs a customer in through the API: a link issued by an operator, traded for a session. */
  private String signIn(String email) {
    JsonNode link = api.post("/api/v1/portal-links", Map.of("email", email)).json();
    assertThat(link.get("sent").asBoolean()).isFalse();
    String url = link.get("url").asString();
    assertThat(url).contains("/portal/sign-in?token=olp_");
    String token = url.substring(url.indexOf("token=") + 6);
    Api.Response session = api.as(null).post("/api/v1/portal/sessions", Map.of("token", token));
    assertThat(session.status()).as(session.body()).isEqualTo(201);
    return session.json().get("sessionToken").asString();
  }

  private Customer customer(String sku) {
    String email = unique("cust").toLowerCase() + "@example.com";
    JsonNode delivered = orderFor(email, "DTC", sku, 2);
    String id = delivered.get("id").asString();
    transition(id, "FULFILLMENT_QUEUED");
    String shipment = ship(id, sku, 2, "UPS", unique("1Z")).get("id").asString();
    api.post("/api/v1/shipments/" + shipment + "/delivery", null);
    JsonNode b2b = orderFor(email, "B2B", sku, 1);
    transition(b2b.get("id").asString(), "FULFILLMENT_QUEUED");
    ship(b2b.get("id").asString(), sku, 1, "UPS", unique("1Z"));
    Api.Response invoices = api.get("/api/v1/orders/" + b2b.get("id").asString() + "/invoices");
    assertThat(invoices.json().get("items")).as(invoices.body()).isNotNull();
    String invoice = invoices.json().get("items").get(0).get("id").asString();
    JsonNode returned =
        api.post(
                "/api/v1/orders/" + id + "/returns",
                Map.of("lines", List.of(Map.of("sku", sku, "quantity", 1)), "reason", "too big"))
            .json();
    return new Customer(email, signIn(email), delivered, shipment, b2b, invoice, returned);
  }

  private Api portal(String session) {
    return api.as(session);
  }

  @Test
  void a_customer_reaches_only_their_own_orders_shipments_invoices_and_returns() {
    String sku = sku("PORT");
    receive(sku, location(1), 50);
    Customer alice = customer(sku);
    Customer bob = customer(sku);
    Api asBob = portal(bob.session());

    // Bob's own, reachable.
    assertThat(
            asBob.get("/api/v1/portal/orders/" + bob.delivered().get("number").asString()).status())
        .isEqualTo(200);
    assertThat(asBob.get("/api/v1/portal/shipments/" + bob.shipment()).status()).isEqualTo(200);
    assertThat(asBob.get("/api/v1/portal/invoices/" + bob.invoice()).status()).isEqualTo(200);
    assertThat(asBob.get("/api/v1/portal/returns/" + bob.returned().get("id").asString()).status())
        .isEqualTo(200);

    // Alice's, by every identifier: 404, nothing of hers in the answer.
    List<String> paths =
        List.of(
            "/api/v1/portal/orders/" + alice.delivered().get("id").asString(),
            "/api/v1/portal/orders/" + alice.delivered().get("number").asString(),
            "/api/v1/portal/orders/" + alice.b2b().get("number").asString(),
            "/api/v1/portal/shipments/" + alice.shipment(),
            "/api/v1/portal/invoices/" + alice.invoice(),
            "/api/v1/portal/returns/" + alice.returned().get("id").asString(),
            "/api/v1/portal/returns/" + alice.returned().get("number").asString());
    for (String path : paths) {
      Api.Response r = asBob.get(path);
      assertThat(r.status()).as(path).isEqualTo(404);
      assertThat(r.body()).doesNotContain(alice.email()).doesNotContain("Name of");
    }
    // Nor in lists and searches.
    Api.Response search =
        asBob.get("/api/v1/portal/orders?text=" + alice.delivered().get("number").asString());
    assertThat(search.status()).isEqualTo(200);
    assertThat(search.json().get("items").size()).isZero();
    String alicePo = alice.b2b().get("b2b").get("buyerPo").asString();
    assertThat(asBob.get("/api/v1/portal/orders?text=" + alicePo).json().get("items").size())
        .isZero();
    // The same searches find Bob's own: by number and by his PO.
    assertThat(
            asBob
                .get("/api/v1/portal/orders?text=" + bob.delivered().get("number").asString())
                .json()
                .get("items")
                .get(0)
                .get("number")
                .asString())
        .isEqualTo(bob.delivered().get("number").asString());
    String bobPo = bob.b2b().get("b2b").get("buyerPo").asString();
    assertThat(
            asBob
                .get("/api/v1/portal/orders?text=" + bobPo)
                .json()
                .get("items")
                .get(0)
                .get("number")
                .asString())
        .isEqualTo(bob.b2b().get("number").asString());
    String all = asBob.get("/api/v1/portal/orders").body();
    assertThat(all)
        .contains(bob.delivered().get("number").asString())
        .doesNotContain(alice.delivered().get("number").asString())
        .doesNotContain(alice.b2b().get("number").asString());
    String returns = asBob.get("/api/v1/portal/returns").body();
    assertThat(returns)
        .contains(bob.returned().get("number").asString())
        .doesNotContain(alice.returned().get("number").asString());
    // Nor in actions: nothing changes.
    String aliceOrder = alice.delivered().get("number").asString();
    assertThat(
            asBob
                .post(
                    "/api/v1/portal/orders/" + aliceOrder + "/returns",
                    Map.of("lines", List.of(Map.of("sku", sku, "quantity", 1)), "reason", "x"))
                .status())
        .isEqualTo(404);
    JsonNode aliceOpen = orderFor(alice.email(), "DTC", sku, 1);
    assertThat(
            asBob
                .post(
                    "/api/v1/portal/orders/" + aliceOpen.get("number").asString() + "/cancel",
                    Map.of())
                .status())
        .isEqualTo(404);
    assertThat(getOrder(aliceOpen.get("number").asString()).get("state").asString())
        .isEqualTo("ALLOCATED");
    assertThat(
            count(
                "SELECT count(*) FROM returns WHERE order_id = ?::uuid",
                alice.delivered().get("id").asString()))
        .isEqualTo(1);
    // Identifiers that are not identifiers: 404 too, not 400 or 500.
    assertThat(asBob.get("/api/v1/portal/shipments/not-a-uuid").status()).isEqualTo(404);
    assertThat(asBob.get("/api/v1/portal/invoices/" + "x".repeat(300)).status()).isEqualTo(404);
  }

  @Test
  void a_customer_signs_in_once_per_link_sees_the_order_cancels_early_and_asks_for_a_return() {
    String sku = sku("PORF");
    receive(sku, location(1), 50);
    Customer carol = customer(sku);
    Api asCarol = portal(carol.session());

    JsonNode detail =
        asCarol.get("/api/v1/portal/orders/" + carol.delivered().get("number").asString()).json();
    assertThat(detail.get("status").asString()).isIn("Delivered", "Completed");
    assertThat(detail.get("shipments").get(0).get("trackingNumber").asString()).startsWith("1Z");
    assertThat(detail.get("timeline").toString()).contains("Shipped with UPS");
    assertThat(detail.toString()).doesNotContain("actor").doesNotContain("location");
    assertThat(detail.get("canCancel").asBoolean()).isFalse();
    // One unit is already on its way back: one more may be returned.
    assertThat(detail.get("lines").get(0).get("returnable").asInt()).isEqualTo(1);
    Api.Response again =
        asCarol.post(
            "/api/v1/portal/orders/" + carol.delivered().get("id").asString() + "/returns",
            Map.of("lines", List.of(Map.of("sku", sku, "quantity", 1)), "reason", "wrong colour"));
    assertThat(again.status()).as(again.body()).isEqualTo(201);
    assertThat(again.json().get("state").asString()).isEqualTo("REQUESTED");
    Api.Response tooMany =
        asCarol.post(
            "/api/v1/portal/orders/" + carol.delivered().get("id").asString() + "/returns",
            Map.of("lines", List.of(Map.of("sku", sku, "quantity", 1)), "reason", "again"));
    assertThat(tooMany.status()).isEqualTo(422);
    assertThat(history(carol.delivered().get("id").asString()).getLast().get("actor").asString())
        .isEqualTo("customer:" + carol.email());

    // Cancel before it is prepared; not after.
    JsonNode open = orderFor(carol.email(), "DTC", sku, 1);
    Api.Response cancelled =
        asCarol.post(
            "/api/v1/portal/orders/" + open.get("number").asString() + "/cancel",
            Map.of("reason", "changed my mind"));
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    assertThat(getOrder(open.get("number").asString()).get("state").asString())
        .isEqualTo("CANCELLED");
    assertThat(history(open.get("number").asString()).getLast().get("actor").asString())
        .isEqualTo("customer:" + carol.email());
    assertThat(history(open.get("number").asString()).getLast().get("reason").asString())
        .contains("changed my mind")
        .contains("link issued by");
    JsonNode queued = orderFor(carol.email(), "DTC", sku, 1);
    transition(queued.get("id").asString(), "FULFILLMENT_QUEUED");
    Api.Response late =
        asCarol.post("/api/v1/portal/orders/" + queued.get("number").asString() + "/cancel", null);
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.body()).contains("can no longer be cancelled");

    // A link works once and not after it expires.
    JsonNode link = api.post("/api/v1/portal-links", Map.of("email", carol.email())).json();
    String token = link.get("url").asString().replaceAll(".*token=", "");
    assertThat(api.as(null).post("/api/v1/portal/sessions", Map.of("token", token)).status())
        .isEqualTo(201);
    assertThat(api.as(null).post("/api/v1/portal/sessions", Map.of("token", token)).status())
        .isEqualTo(401);
    String late2 =
        api.post("/api/v1/portal-links", Map.of("email", carol.email()))
            .json()
            .get("url")
            .asString()
            .replaceAll(".*token=", "");
    clock.shift(Duration.ofMinutes(31));
    try {
      assertThat(api.as(null).post("/api/v1/portal/sessions", Map.of("token", late2)).status())
          .isEqualTo(401);
    } finally {
      clock.reset();
    }
    assertThat(api.post("/api/v1/portal-links", Map.of("email", "not-an-email")).status())
        .isEqualTo(422);

    // No session, an API key, or an ended session: 401.
    assertThat(api.as(null).get("/api/v1/portal/orders").status()).isEqualTo(401);
    assertThat(api.get("/api/v1/portal/orders").status()).isEqualTo(401);
    // A session ends after orderloop.portal.session-ttl (12 hours).
    String shortLived = signIn(carol.email());
    clock.shift(Duration.ofHours(13));
    try {
      assertThat(portal(shortLived).get("/api/v1/portal/orders").status()).isEqualTo(401);
    } finally {
      clock.reset();
    }
    assertThat(asCarol.send("DELETE", "/api/v1/portal/sessions/current", null).status())
        .isEqualTo(204);
    assertThat(asCarol.get("/api/v1/portal/orders").status()).isEqualTo(401);
    // A customer session is nothing to the operators' API.
    assertThat(
            api.as(carol.session())
                .get("/api/v1/orders/" + carol.delivered().get("id").asString())
                .status())
        .isEqualTo(401);
  }

  @Test
  void the_pages_sign_in_by_link_show_my_orders_and_hide_anyone_elses() {
    String sku = sku("PORP");
    receive(sku, location(1), 50);
    Customer dave = customer(sku);
    Customer erin = customer(sku);
    String url =
        api.post("/api/v1/portal-links", Map.of("email", dave.email()))
            .json()
            .get("url")
            .asString();
    String path = url.substring(url.indexOf("/portal/"));
    io.orderloop.console.Browser browser = new io.orderloop.console.Browser(port);
    // Opening the link does not use it (a mail scanner may open it); the button does.
    String page = browser.get(path).body();
    assertThat(page).contains("data-action=\"sign-in\"");
    String token = path.substring(path.indexOf("token=") + 6);
    Map<String, String> form = new HashMap<>();
    form.put("token", token);
    form.put("_csrf", browser.csrf(path));
    var signedIn = browser.post("/portal/sign-in", form);
    assertThat(signedIn.statusCode()).isEqualTo(302);
    String orders = browser.get("/portal").body();
    assertThat(orders)
        .contains(dave.delivered().get("number").asString())
        .doesNotContain(erin.delivered().get("number").asString());
    String davesOrder = "/portal/orders/" + dave.delivered().get("number").asString();
    String mine = browser.get(davesOrder).body();
    assertThat(mine).contains("Shipments").contains("Timeline").contains("data-action=\"return\"");
    // Ask for a return from the page: the one unit not already on its way back.
    Map<String, String> ret = new HashMap<>();
    ret.put("_csrf", browser.csrf(davesOrder));
    ret.put("sku", sku);
    ret.put("quantity", "1");
    ret.put("reason", "scratched");
    assertThat(browser.post(davesOrder + "/returns", ret).statusCode()).isEqualTo(302);
    assertThat(browser.get(davesOrder).body())
        .contains("requested")
        .doesNotContain("data-action=\"return\"");
    assertThat(browser.get("/portal/returns").body()).contains("scratched");
    assertThat(browser.get("/portal?text=" + erin.delivered().get("number").asString()).body())
        .contains("No orders yet")
        .doesNotContain(erin.delivered().get("number").asString() + "</a>");
    JsonNode erinsOpen = orderFor(erin.email(), "DTC", sku, 1);
    var cancelTheirs =
        browser.post(
            "/portal/orders/" + erinsOpen.get("number").asString() + "/cancel",
            Map.of("_csrf", browser.csrf("/portal")));
    assertThat(cancelTheirs.statusCode()).isEqualTo(404);
    assertThat(getOrder(erinsOpen.get("number").asString()).get("state").asString())
        .isEqualTo("ALLOCATED");
    var theirs = browser.get("/portal/orders/" + erin.delivered().get("number").asString());
    assertThat(theirs.statusCode()).isEqualTo(404);
    assertThat(theirs.body()).contains("We could not find that").doesNotContain(erin.email());
    assertThat(browser.get("/portal/invoices/" + erin.invoice()).statusCode()).isEqualTo(404);
    assertThat(browser.get("/portal/invoices/" + dave.invoice()).body()).contains("Invoice");
    // A forged form to a path that is not an order: no 500.
    var forged =
        browser.post(
            "/portal/orders/%7Bx%7D/returns",
            Map.of("_csrf", browser.csrf("/portal"), "sku", "X", "quantity", "abc", "reason", "r"));
    assertThat(forged.statusCode()).isIn(302, 404);
    // Signed into the portal is not signed into the console.
    assertThat(browser.get("/console/orders").statusCode()).isEqualTo(302);
    // The used link does not sign in again.
    io.orderloop.console.Browser other = new io.orderloop.console.Browser(port);
    Map<String, String> reuse = new HashMap<>();
    reuse.put("token", token);
    reuse.put("_csrf", other.csrf(path));
    var refused = other.post("/portal/sign-in", reuse);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.body()).contains("already used");
    browser.post("/portal/sign-out", Map.of("_csrf", browser.csrf("/portal")));
    assertThat(browser.get("/portal").statusCode()).isEqualTo(302);
  }

  @Test
  void customer_service_issues_a_link_from_the_order_page_and_finance_may_not() {
    String sku = sku("PORC");
    receive(sku, location(1), 5);
    String email = unique("frank").toLowerCase() + "@example.com";
    String number = orderFor(email, "DTC", sku, 1).get("number").asString();
    io.orderloop.console.Browser cs = consoleUser("CUSTOMER_SERVICE");
    String page = "/console/orders/" + number;
    assertThat(cs.get(page).body()).contains("data-action=\"portal-link\"");
    cs.post(page + "/portal-link", Map.of("_csrf", cs.csrf(page)));
    String shown = cs.get(page).body();
    assertThat(shown).contains("Sign-in link for " + email).contains("/portal/sign-in?token=olp_");
    String token = shown.replaceAll("(?s).*token=(olp_[A-Za-z0-9_-]+).*", "$1");
    assertThat(api.as(null).post("/api/v1/portal/sessions", Map.of("token", token)).status())
        .isEqualTo(201);
    io.orderloop.console.Browser finance = consoleUser("FINANCE");
    assertThat(finance.get(page).body()).doesNotContain("data-action=\"portal-link\"");
    assertThat(
            finance.post(page + "/portal-link", Map.of("_csrf", finance.csrf(page))).statusCode())
        .isEqualTo(403);
  }

  private io.orderloop.console.Browser consoleUser(String role) {
    String email = unique(role.toLowerCase()).toLowerCase().replace('_', '-') + "@lumbercraft.test";
    assertThat(
            api.put(
                    "/api/v1/console-users/" + email,
                    Map.of("name", role + " person", "role", role, "password", "a-long-password-1"))
                .status())
        .isEqualTo(201);
    io.orderloop.console.Browser b = new io.orderloop.console.Browser(port);
    assertThat(b.signIn(email, "a-long-password-1").statusCode()).isEqualTo(302);
    return b;
  }
}
