package io.orderloop.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.Api;
import io.orderloop.ApiTest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * HTTP: the console's sign-in — the login form, CSRF, sessions, logout, the bootstrap admin,
 * accounts locked after failures — beside the API, which keeps its keys.
 */
class ConsoleSignInApiTest extends ApiTest {

  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  /** A browser: its own cookies, no redirects followed. */
  private static String location(HttpResponse<String> r) {
    return r.headers().firstValue("Location").orElse("");
  }

  @Test
  void an_address_with_too_many_failed_sign_ins_is_refused_unchecked_until_the_window_passes() {
    Browser b = new Browser(port);
    String location = "";
    int attempts = 0;
    // Failures for e-mails that do not exist: no account locks, only the address counts.
    while (!location.endsWith("/login?throttled") && attempts < 25) {
      String token = b.csrf("/login");
      location =
          location(
              b.post(
                  "/login",
                  Map.of(
                      "username",
                      "nobody-" + attempts + "@example.com",
                      "password",
                      "wrong-password-123",
                      "_csrf",
                      token)));
      attempts++;
    }
    assertThat(attempts).isBetween(2, 21);
    assertThat(location).endsWith("/login?throttled");
    // Even the right password is not checked now.
    assertThat(location(b.signIn(CONSOLE_ADMIN, CONSOLE_PASSWORD))).endsWith("/login?throttled");
    assertThat(b.get("/login?throttled").body()).contains("Too many failed sign-ins");
    try {
      clock.shift(java.time.Duration.ofMinutes(16));
      HttpResponse<String> later = b.signIn(CONSOLE_ADMIN, CONSOLE_PASSWORD);
      assertThat(location(later)).doesNotContain("/login");
    } finally {
      clock.reset();
    }
  }

  @Test
  void signed_out_the_console_sends_you_to_the_login_form_and_the_bootstrap_admin_signs_in() {
    Browser b = new Browser(port);
    HttpResponse<String> home = b.get("/");
    assertThat(home.statusCode()).isEqualTo(302);
    assertThat(location(home)).endsWith("/login");
    HttpResponse<String> form = b.get("/login");
    assertThat(form.statusCode()).isEqualTo(200);
    assertThat(form.body()).contains("name=\"username\"", "name=\"password\"", "name=\"_csrf\"");

    // Without the CSRF token the form is refused.
    HttpResponse<String> forged =
        b.post("/login", Map.of("username", CONSOLE_ADMIN, "password", CONSOLE_PASSWORD));
    assertThat(forged.statusCode()).isEqualTo(403);

    HttpResponse<String> wrong = b.signIn(CONSOLE_ADMIN, "not-the-password");
    assertThat(location(wrong)).endsWith("/login?error");
    assertThat(b.get("/").statusCode()).isEqualTo(302);

    HttpResponse<String> in = b.signIn(CONSOLE_ADMIN, CONSOLE_PASSWORD);
    assertThat(in.statusCode()).isEqualTo(302);
    assertThat(location(in)).doesNotContain("error");
    String cookie = in.headers().allValues("Set-Cookie").toString();
    assertThat(cookie).contains("JSESSIONID", "HttpOnly", "SameSite=Lax");
    HttpResponse<String> page = b.get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body())
        .contains("Administrator", "Admin", "Orders by state", "data-state=\"RECEIVED\"");

    // Signing out needs the token too; then the console is closed again.
    assertThat(b.post("/logout", Map.of()).statusCode()).isEqualTo(403);
    HttpResponse<String> out = b.post("/logout", Map.of("_csrf", csrf(b, "/")));
    assertThat(location(out)).endsWith("/login?logout");
    assertThat(b.get("/").statusCode()).isEqualTo(302);
  }

  private static String csrf(Browser b, String path) {
    Matcher m = CSRF.matcher(b.get(path).body());
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  @Test
  void five_wrong_passwords_lock_an_account_even_against_the_right_one() {
    String email = unique("ops").toLowerCase() + "@lumbercraft.test";
    Api.Response created =
        api.put(
            "/api/v1/console-users/" + email,
            Map.of("name", "Olive Ops", "role", "OPERATIONS", "password", "a-long-enough-secret"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.body()).doesNotContain("a-long-enough-secret", "bcrypt");
    Browser b = new Browser(port);
    for (int i = 0; i < ConsoleUsers.MAX_FAILURES; i++) {
      assertThat(location(b.signIn(email, "wrong-" + i))).endsWith("/login?error");
    }
    assertThat(location(b.signIn(email, "a-long-enough-secret"))).endsWith("/login?error");
    assertThat(api.get("/api/v1/console-users").json().get("items").toString())
        .contains(email, "lockedUntil");
    // An admin setting a new password unlocks it.
    api.put(
        "/api/v1/console-users/" + email,
        Map.of("name", "Olive Ops", "role", "OPERATIONS", "password", "another-long-secret"));
    assertThat(location(b.signIn(email, "another-long-secret"))).doesNotContain("error");
    assertThat(b.get("/").body()).contains("Olive Ops", "Operations");
  }

  @Test
  void the_board_shows_each_state_with_its_exact_count_and_the_order_cards() {
    String sku = sku("BOARD");
    String wh = location(1);
    receive(sku, wh, 10);
    JsonNode order = createOrder(order(sku, 2));
    String number = order.get("number").asString();
    Browser b = new Browser(port);
    b.signIn(CONSOLE_ADMIN, CONSOLE_PASSWORD);
    String page = b.get("/?q=" + number).body();
    // The card is in its state's column, with its number, badge and total.
    String column = order.get("state").asString();
    int at = page.indexOf("data-state=\"" + column + "\"");
    int card = page.indexOf("data-order=\"" + number + "\"", at);
    assertThat(at).isPositive();
    assertThat(card).as(page).isGreaterThan(at);
    assertThat(page.substring(card, card + 600))
        .contains(
            Format.money(
                new java.math.BigDecimal(order.get("total").get("amount").asString()), "USD"));
    // The counts are the API's counts (the kept ones), for every state.
    b.get("/");
    JsonNode counts = api.get("/api/v1/orders/counts").json().get("counts");
    String all = b.get("/").body();
    counts
        .propertyNames()
        .forEach(
            state -> {
              int i = all.indexOf("data-state=\"" + state + "\"");
              assertThat(i).as(state).isPositive();
              assertThat(all.substring(i, Math.min(all.length(), i + 400)))
                  .as(state)
                  .contains(">" + counts.get(state).asLong() + "<");
            });
    // A search that matches nothing leaves the columns empty, the counts as they are.
    assertThat(b.get("/?q=no-such-order-anywhere").body())
        .doesNotContain("data-order=")
        .contains("No orders");
  }

  @Test
  void a_card_opens_the_order_page_with_lines_terms_timeline_shipments_and_invoices() {
    String sku = sku("PAGE", Map.of("casePack", 12));
    String wh = location(1);
    receive(sku, wh, 48);
    Map<String, Object> body = orderOfType("B2B", sku, 24);
    body.put(
        "b2b",
        Map.of(
            "buyerPo",
            "PO-PAGE-1",
            "paymentTerms",
            "NET_30",
            "deliveryWindow",
            Map.of("from", "2027-03-10", "to", "2027-03-14")));
    JsonNode order = createOrder(body);
    String number = order.get("number").asString();
    transition(order.get("id").asString(), "FULFILLMENT_QUEUED");
    Api.Response shipped =
        api.post(
            "/api/v1/orders/" + number + "/shipments",
            Map.of(
                "carrier",
                "UPS",
                "trackingNumber",
                "1ZPAGE",
                "lines",
                List.of(Map.of("sku", sku, "quantity", 12))));
    assertThat(shipped.status()).as(shipped.toString()).isEqualTo(201);

    Browser b = new Browser(port);
    b.signIn(CONSOLE_ADMIN, CONSOLE_PASSWORD);
    assertThat(b.get("/?q=" + number).body()).contains("/console/orders/" + number);
    HttpResponse<String> page = b.get("/console/orders/" + number);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body())
        .contains(
            number,
            "Partially shipped",
            sku,
            "PO-PAGE-1",
            "NET_30",
            "2027-03-10 – 2027-03-14",
            "1ZPAGE",
            "RECEIVED",
            "ALLOCATED",
            "FULFILLMENT_QUEUED",
            "PARTIALLY_SHIPPED");
    JsonNode invoice = api.get("/api/v1/orders/" + number + "/invoices").json().get("items").get(0);
    assertThat(page.body()).contains(invoice.get("number").asString());
    HttpResponse<String> missing = b.get("/console/orders/NO-SUCH-ORDER");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(missing.body()).contains("Not found", "NO-SUCH-ORDER", "Back to the board");
    // Signed out, the page is not shown.
    assertThat(new Browser(port).get("/console/orders/" + number).statusCode()).isEqualTo(302);
  }

  @Test
  void actions_are_offered_by_role_checked_on_the_server_and_refused_on_a_stale_page() {
    String sku = sku("ACT");
    receive(sku, location(1), 10);
    JsonNode order = createOrder(order(sku, 1));
    String number = order.get("number").asString();
    int version = getOrder(number).get("version").asInt();
    Browser admin = new Browser(port);
    admin.signIn(CONSOLE_ADMIN, CONSOLE_PASSWORD);
    String page = admin.get("/console/orders/" + number).body();
    assertThat(page).contains("data-action=\"move-FULFILLMENT_QUEUED\"", "data-action=\"cancel\"");

    // Without the token: refused, nothing changes.
    assertThat(
            admin
                .post(
                    "/console/orders/" + number + "/transitions",
                    Map.of("to", "FULFILLMENT_QUEUED", "version", "" + version))
                .statusCode())
        .isEqualTo(403);
    String token = csrf(admin, "/console/orders/" + number);
    HttpResponse<String> moved =
        admin.post(
            "/console/orders/" + number + "/transitions",
            Map.of("to", "FULFILLMENT_QUEUED", "version", "" + version, "_csrf", token));
    assertThat(location(moved)).endsWith("/console/orders/" + number);
    assertThat(getOrder(number).get("state").asString()).isEqualTo("FULFILLMENT_QUEUED");
    assertThat(admin.get("/console/orders/" + number).body()).contains("Moved to In fulfillment");
    assertThat(history(order.get("id").asString()).getLast().get("actor").asString())
        .isEqualTo(CONSOLE_ADMIN);

    // Held and released from the page.
    int held = getOrder(number).get("version").asInt();
    admin.post(
        "/console/orders/" + number + "/hold",
        Map.of("version", "" + held, "reason", "check the address", "_csrf", token));
    assertThat(getOrder(number).get("hold").get("kind").asString()).isEqualTo("MANUAL");
    assertThat(admin.get("/console/orders/" + number).body())
        .contains("check the address", "data-action=\"release-MANUAL\"");
    admin.post(
        "/console/orders/" + number + "/release",
        Map.of(
            "kind",
            "MANUAL",
            "version",
            "" + getOrder(number).get("version").asInt(),
            "_csrf",
            token));
    assertThat(getOrder(number).get("hold").isNull()).isTrue();
    assertThat(admin.get("/console/orders/" + number).body()).contains("Hold released.");

    // The page as it was before (the old version): "changed since you opened it", no cancel.
    HttpResponse<String> stale =
        admin.post(
            "/console/orders/" + number + "/cancel",
            Map.of("version", "" + version, "reason", "stale", "_csrf", token));
    assertThat(location(stale)).endsWith("/console/orders/" + number);
    assertThat(admin.get("/console/orders/" + number).body())
        .contains("changed since you opened it");
    assertThat(getOrder(number).get("state").asString()).isEqualTo("FULFILLMENT_QUEUED");

    // Finance sees no action and a forged one is refused.
    String email = unique("fin").toLowerCase() + "@lumbercraft.test";
    api.put(
        "/api/v1/console-users/" + email,
        Map.of("name", "Fay Finance", "role", "FINANCE", "password", "a-long-enough-secret"));
    Browser finance = new Browser(port);
    finance.signIn(email, "a-long-enough-secret");
    String seen = finance.get("/console/orders/" + number).body();
    assertThat(seen).contains(number).doesNotContain("data-action=");
    int now = getOrder(number).get("version").asInt();
    HttpResponse<String> forged =
        finance.post(
            "/console/orders/" + number + "/cancel",
            Map.of("version", "" + now, "_csrf", csrf(finance, "/console/orders/" + number)));
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(getOrder(number).get("state").asString()).isEqualTo("FULFILLMENT_QUEUED");

    // Disabled by an admin, the user's open session no longer shows anything.
    api.put(
        "/api/v1/console-users/" + email,
        Map.of("name", "Fay Finance", "role", "FINANCE", "enabled", false));
    assertThat(finance.get("/console/orders/" + number).statusCode()).isEqualTo(403);
    assertThat(finance.get("/").statusCode()).isEqualTo(403);
  }

  @Test
  void the_api_keeps_its_keys_and_console_users_are_an_admin_matter() {
    assertThat(api.get("/api/v1/orders?limit=1").status()).isEqualTo(200);
    Api.Response noKey = api.as(null).get("/api/v1/orders?limit=1");
    assertThat(noKey.status()).isEqualTo(401);
    String key = apiKey(unique("reader"), "orders:read");
    Api.Response refused =
        api.as(key)
            .put(
                "/api/v1/console-users/x@lumbercraft.test",
                Map.of("role", "ADMIN", "password", "a-long-enough-secret"));
    assertThat(refused.status()).isEqualTo(403);
    Api.Response weak =
        api.put(
            "/api/v1/console-users/weak@lumbercraft.test",
            Map.of("role", "FINANCE", "password", "short"));
    assertThat(weak.status()).isEqualTo(422);
    assertThat(weak.json().get("detail").asString()).contains("12");
  }
}
