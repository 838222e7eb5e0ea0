package io.orderloop.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.ApiTest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * HTTP: the console's pages and actions beyond the board, as each role sees them — the order's
 * allocation panel, shipping, lots, line cancellation and returns from its page; the orders list,
 * the pick list and inventory with their CSV; receipts and adjustments. Every action is checked
 * against the role on the server and changes nothing when refused.
 */
class ConsolePagesApiTest extends ApiTest {

  @Autowired ConsoleUsers users;

  private Browser as(ConsoleRole role) {
    String email =
        role.name().toLowerCase().replace('_', '-')
            + "-"
            + unique("u").toLowerCase()
            + "@lumbercraft.test";
    users.put(
        email, new ConsoleUsers.Settings(role.label() + " user", role, "a-long-password-1", true));
    Browser b = new Browser(port);
    assertThat(b.signIn(email, "a-long-password-1").statusCode()).isEqualTo(302);
    return b;
  }

  private static Map<String, String> form(Browser b, String page, String... pairs) {
    Map<String, String> f = new HashMap<>();
    f.put("_csrf", b.csrf(page));
    for (int i = 0; i < pairs.length; i += 2) {
      f.put(pairs[i], pairs[i + 1]);
    }
    return f;
  }

  private static String flash(Browser b, String page) {
    return b.get(page).body();
  }

  @Test
  void operations_ship_from_the_order_page_and_print_its_packing_slip() {
    String sku = sku("SHIPC");
    String loc = location(1);
    receive(sku, loc, 10);
    JsonNode order = createOrder(order(sku, 3));
    String number = order.get("number").asString();
    transition(number, "FULFILLMENT_QUEUED");
    String page = "/console/orders/" + number;
    Browser ops = as(ConsoleRole.OPERATIONS);

    // The allocation panel: available before this order, reserved for it, available after.
    String body = ops.get(page).body();
    assertThat(body).contains("Lines and allocation").contains("data-action=\"ship\"");
    String line = body.substring(body.indexOf("data-line=\"1\""));
    line = line.substring(0, line.indexOf("</tr>"));
    java.util.regex.Matcher cell =
        java.util.regex.Pattern.compile("<td class=\"num[^\"]*\">([^<]*)</td>").matcher(line);
    List<String> cells = new java.util.ArrayList<>();
    while (cell.find()) {
      cells.add(cell.group(1));
    }
    // Quantity, unit price, allocated, backordered, shipped, cancelled; available before this
    // order, reserved for it, available after.
    assertThat(cells).containsExactly("3", "$12.50", "3", "0", "0", "0", "10", "3", "7");
    assertThat(line).contains("3 @ " + loc);

    // Finance may not ship: 403, nothing shipped.
    Browser finance = as(ConsoleRole.FINANCE);
    assertThat(finance.get(page).body()).doesNotContain("data-action=\"ship\"");
    HttpResponse<String> forged =
        finance.post(
            page + "/shipments",
            form(finance, page, "version", "3", "ship-1", "3", "carrier", "UPS", "tracking", "1Z"));
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(getOrder(number).get("state").asString()).isEqualTo("FULFILLMENT_QUEUED");

    int version = getOrder(number).get("version").asInt();
    HttpResponse<String> shipped =
        ops.post(
            page + "/shipments",
            form(
                ops,
                page,
                "version",
                Integer.toString(version),
                "ship-1",
                "2",
                "carrier",
                "UPS",
                "tracking",
                "1ZCONSOLE1"));
    assertThat(shipped.statusCode()).isEqualTo(302);
    assertThat(flash(ops, page)).contains("Shipped with UPS 1ZCONSOLE1.");
    JsonNode after = getOrder(number);
    assertThat(after.get("state").asString()).isEqualTo("PARTIALLY_SHIPPED");
    assertThat(after.get("lines").get(0).get("shipped").asInt()).isEqualTo(2);
    assertThat(history(number).getLast().get("actor").asString()).startsWith("operations-");

    String shipmentId =
        api.get("/api/v1/orders/" + number + "/shipments")
            .json()
            .get("items")
            .get(0)
            .get("id")
            .asString();
    String slip = ops.get("/console/shipments/" + shipmentId + "/packing-slip").body();
    assertThat(slip).contains("Packing slip").contains(number).contains(sku).contains("1ZCONSOLE1");
    assertStateCountsExact();
  }

  @Test
  void lots_are_pinned_and_unpinned_and_units_of_a_line_cancelled_from_the_order_page() {
    String sku = sku("LOTC", Map.of("lotControlled", true));
    String loc = location(1);
    receive(sku, loc, "LOT-EARLY", LocalDate.of(2030, 1, 1), 5);
    receive(sku, loc, "LOT-LATE", LocalDate.of(2031, 1, 1), 5);
    JsonNode order = createOrder(order(sku, 4));
    String number = order.get("number").asString();
    String page = "/console/orders/" + number;
    Browser ops = as(ConsoleRole.OPERATIONS);
    assertThat(ops.get(page).body()).contains("lot LOT-EARLY");

    int v = getOrder(number).get("version").asInt();
    assertThat(
            ops.post(
                    page + "/lines/1/pin",
                    form(ops, page, "version", Integer.toString(v), "lot", "LOT-LATE"))
                .statusCode())
        .isEqualTo(302);
    assertThat(flash(ops, page))
        .contains("Line 1 pinned to lot LOT-LATE.")
        .contains("lot LOT-LATE · pinned");
    JsonNode pinned = getOrder(number).get("lines").get(0);
    assertThat(pinned.get("lot").asString()).isEqualTo("LOT-LATE");
    assertThat(pinned.get("lotPinned").asBoolean()).isTrue();

    v = getOrder(number).get("version").asInt();
    ops.post(page + "/lines/1/unpin", form(ops, page, "version", Integer.toString(v)));
    assertThat(getOrder(number).get("lines").get(0).get("lotPinned").asBoolean()).isFalse();

    // Customer service cancels one unit of the line; a stale version is refused with the message.
    Browser cs = as(ConsoleRole.CUSTOMER_SERVICE);
    v = getOrder(number).get("version").asInt();
    HttpResponse<String> stale =
        cs.post(
            page + "/lines/1/cancel",
            form(cs, page, "version", Integer.toString(v - 1), "quantity", "1"));
    assertThat(stale.statusCode()).isEqualTo(302);
    assertThat(flash(cs, page)).contains("changed since you opened it");
    assertThat(getOrder(number).get("lines").get(0).get("cancelled").asInt()).isZero();
    cs.post(
        page + "/lines/1/cancel",
        form(cs, page, "version", Integer.toString(v), "quantity", "1", "reason", "short"));
    JsonNode cancelled = getOrder(number).get("lines").get(0);
    assertThat(cancelled.get("cancelled").asInt()).isEqualTo(1);
    assertThat(cancelled.get("allocated").asInt()).isEqualTo(3);
    // Customer service may not pin lots.
    assertThat(
            cs.post(
                    page + "/lines/1/pin",
                    form(cs, page, "version", Integer.toString(v + 1), "lot", "LOT-LATE"))
                .statusCode())
        .isEqualTo(403);
    assertStockInvariants(sku);
  }

  @Test
  void a_return_is_opened_by_customer_service_received_by_operations_and_refunded_by_finance() {
    String sku = sku("RETC");
    String loc = location(1);
    receive(sku, loc, 5);
    JsonNode order = createOrder(order(sku, 2));
    String number = order.get("number").asString();
    transition(number, "FULFILLMENT_QUEUED");
    transition(number, "SHIPPED");
    String page = "/console/orders/" + number;
    Browser cs = as(ConsoleRole.CUSTOMER_SERVICE);
    assertThat(cs.get(page).body()).doesNotContain("data-action=\"open-return\"");
    transition(number, "DELIVERED");

    assertThat(cs.get(page).body()).contains("data-action=\"open-return\"");
    cs.post(page + "/returns", form(cs, page, "return-" + sku, "1", "reason", "damaged"));
    assertThat(flash(cs, page)).contains("Return opened.");
    List<JsonNode> returns =
        api.get("/api/v1/orders/" + number + "/returns").json().get("items").valueStream().toList();
    assertThat(returns).hasSize(1);
    String rma = returns.getFirst().get("number").asString();
    assertThat(flash(cs, page)).contains(rma).contains("data-action=\"return-AUTHORIZED\"");

    // Customer service authorizes, but may not receive (that restocks) nor refund.
    cs.post("/console/returns/" + rma + "/transitions", form(cs, page, "to", "AUTHORIZED"));
    assertThat(
            cs.post("/console/returns/" + rma + "/transitions", form(cs, page, "to", "RECEIVED"))
                .statusCode())
        .isEqualTo(403);
    Browser ops = as(ConsoleRole.OPERATIONS);
    ops.post("/console/returns/" + rma + "/transitions", form(ops, page, "to", "RECEIVED"));
    assertThat(stock(sku).get("onHand").asInt()).isEqualTo(4);

    Browser finance = as(ConsoleRole.FINANCE);
    assertThat(finance.get(page).body()).contains("data-action=\"return-REFUNDED\"");
    finance.post(
        "/console/returns/" + rma + "/transitions",
        form(finance, page, "to", "REFUNDED", "refundAmount", "12.50"));
    JsonNode refunded = api.get("/api/v1/returns/" + rma).json();
    assertThat(refunded.get("state").asString()).isEqualTo("REFUNDED");
    assertThat(refunded.get("refundAmount").asString()).isEqualTo("12.50");
  }

  @Test
  void lists_filter_and_export_csv_with_formula_cells_defused() {
    String sku = sku("LISTC");
    String loc = location(1);
    receive(sku, loc, 10);
    Map<String, Object> body = order(sku, 1);
    body.put(
        "customer", Map.of("name", "=HYPERLINK(\"http://x\",\"a, b\")", "email", "x@example.com"));
    JsonNode order = createOrder(body);
    String number = order.get("number").asString();
    transition(number, "FULFILLMENT_QUEUED");
    Browser ops = as(ConsoleRole.OPERATIONS);

    assertThat(ops.get("/console/orders?q=" + number).body())
        .contains("data-order=\"" + number + "\"");
    assertThat(ops.get("/console/orders?q=" + number + "&state=SHIPPED").body())
        .doesNotContain("data-order=\"" + number + "\"")
        .contains("No orders match");
    HttpResponse<String> csv = ops.get("/console/orders.csv?q=" + number);
    assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    assertThat(csv.body().lines().toList())
        .hasSize(2)
        .first()
        .asString()
        .startsWith("number,channel,type,state,customer,total");
    assertThat(csv.body())
        .contains(
            number
                + ",MANUAL,DTC,FULFILLMENT_QUEUED,\"'=HYPERLINK(\"\"http://x\"\",\"\"a, b\"\")\",12.50,USD");

    // The board and the list narrowed to a location: orders with units reserved there.
    assertThat(ops.get("/?location=" + loc).body()).contains("data-order=\"" + number + "\"");
    assertThat(ops.get("/?location=" + location(9)).body())
        .doesNotContain("data-order=\"" + number + "\"");
    assertThat(ops.get("/console/orders?location=" + loc).body())
        .contains("data-order=\"" + number + "\"");
    assertThat(api.get("/api/v1/orders?location=" + loc).json().get("items")).hasSize(1);

    // The pick list at the location: the order, its SKU and quantity; and as CSV.
    assertThat(ops.get("/console/fulfillment?location=" + loc).body())
        .contains("data-order=\"" + number + "\"")
        .contains(sku);
    assertThat(ops.get("/console/fulfillment.csv?location=" + loc).body())
        .contains(loc + "," + number + ",DTC,");

    // The reconciliation, run on demand.
    assertThat(ops.get("/console/inventory/reconciliation").body())
        .contains("data-reconciliation")
        .contains("Clean: every one of");

    // Inventory and its CSV.
    assertThat(ops.get("/console/inventory?location=" + loc).body())
        .contains("data-sku=\"" + sku + "\"");
    assertThat(ops.get("/console/inventory.csv?location=" + loc).body())
        .contains(sku + ",Test " + sku + ",10,1,9");
  }

  @Test
  void operations_receive_and_adjust_stock_from_the_sku_page_and_finance_may_not() {
    String sku = sku("STKC");
    String loc = location(1);
    String page = "/console/inventory/" + sku;
    Browser ops = as(ConsoleRole.OPERATIONS);
    assertThat(ops.get(page).body()).contains("No stock yet.").contains("data-action=\"receive\"");
    ops.post(page + "/receipts", form(ops, page, "location", loc, "quantity", "12"));
    assertThat(flash(ops, page)).contains("12 received at " + loc);
    ops.post(
        page + "/adjustments",
        form(ops, page, "location", loc, "quantity", "-2", "reason", "DAMAGED", "note", "dropped"));
    assertThat(stock(sku).get("onHand").asInt()).isEqualTo(10);
    String movements = ops.get(page + "/movements.csv").body();
    assertThat(movements.lines().toList()).hasSize(3);
    assertThat(movements).contains("ADJUSTMENT," + loc).contains("RECEIPT," + loc);

    Browser finance = as(ConsoleRole.FINANCE);
    assertThat(finance.get(page).body()).doesNotContain("data-action=\"receive\"");
    assertThat(
            finance
                .post(page + "/receipts", form(finance, page, "location", loc, "quantity", "5"))
                .statusCode())
        .isEqualTo(403);
    assertThat(stock(sku).get("onHand").asInt()).isEqualTo(10);

    // A refused adjustment (below zero) says why and changes nothing.
    ops.post(
        page + "/adjustments",
        form(ops, page, "location", loc, "quantity", "-50", "reason", "LOST"));
    assertThat(flash(ops, page)).contains("role=\"alert\"").contains("cannot remove 50 units");
    assertThat(stock(sku).get("onHand").asInt()).isEqualTo(10);
  }

  @Test
  void unknown_pages_and_broken_forms_answer_with_pages_not_stack_traces() {
    Browser ops = as(ConsoleRole.OPERATIONS);
    HttpResponse<String> missing = ops.get("/console/inventory/NO-SUCH-SKU-X");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("no SKU").doesNotContain("Exception");
    String sku = sku("BRKC");
    receive(sku, location(1), 3);
    String number = createOrder(order(sku, 1)).get("number").asString();
    String page = "/console/orders/" + number;
    HttpResponse<String> broken = ops.post(page + "/transitions", form(ops, page, "to", "CLOSED"));
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(broken.body()).contains("incomplete or malformed").doesNotContain("Exception");
    HttpResponse<String> badShipment =
        ops.get("/console/shipments/00000000-0000-0000-0000-000000000000/packing-slip");
    assertThat(badShipment.statusCode()).isEqualTo(404);
  }

  @Test
  void the_new_order_form_takes_a_b2b_order_once_and_shows_what_it_got_wrong() {
    String sku = sku("NEWC", Map.of("casePack", 12));
    String loc = location(1);
    receive(sku, loc, 120);
    Browser cs = as(ConsoleRole.CUSTOMER_SERVICE);
    String page = "/console/orders/new";
    String form = cs.get(page).body();
    assertThat(form).contains("data-action=\"create-order\"").contains(sku);
    assertThat(cs.get("/console/skus/availability?sku-1=" + sku).body())
        .contains("data-available=\"120\"")
        .contains("case of 12");
    assertThat(cs.get("/console/skus/availability?sku-1=NOPE-" + sku).body())
        .contains("unknown SKU");

    java.util.regex.Matcher key =
        java.util.regex.Pattern.compile("name=\"key\" value=\"([^\"]+)\"").matcher(form);
    assertThat(key.find()).isTrue();
    Map<String, String> fields =
        form(
            cs,
            page,
            "key",
            key.group(1),
            "type",
            "B2B",
            "name",
            "Harbor Supply",
            "email",
            "buyer@harbor.example",
            "po",
            "PO-HS-77",
            "terms",
            "NET_30",
            "windowFrom",
            "2027-04-01",
            "windowTo",
            "2027-04-05",
            "line1",
            "9 Dock St",
            "city",
            "Portland",
            "postalCode",
            "04101",
            "country",
            "US",
            "sku-1",
            sku,
            "qty-1",
            "2",
            "uom-1",
            "CASE",
            "price-1",
            "60.00");

    // What the form gets wrong comes back on it, with what was typed; nothing is created.
    Map<String, String> wrong = new HashMap<>(fields);
    wrong.put("qty-1", "two");
    wrong.put("windowTo", "05/04/2027");
    HttpResponse<String> refused = cs.post(page, wrong);
    assertThat(refused.statusCode()).isEqualTo(200);
    assertThat(refused.body())
        .contains("line 1 quantity: give a whole number")
        .contains("delivery window to: give a date as YYYY-MM-DD")
        .contains("value=\"Harbor Supply\"");
    assertThat(api.get("/api/v1/orders?q=PO-HS-77").json().get("items")).isEmpty();

    HttpResponse<String> created = cs.post(page, fields);
    assertThat(created.statusCode()).isEqualTo(302);
    String number = location(created).substring(location(created).lastIndexOf('/') + 1);
    JsonNode order = getOrder(number);
    assertThat(order.get("type").asString()).isEqualTo("B2B");
    assertThat(order.get("state").asString()).isEqualTo("ALLOCATED");
    assertThat(order.get("b2b").get("buyerPo").asString()).isEqualTo("PO-HS-77");
    assertThat(order.get("lines").get(0).get("allocated").asInt()).isEqualTo(24);
    // The same form sent again (a double click) is the same order.
    fields.put("_csrf", cs.csrf(page));
    HttpResponse<String> again = cs.post(page, fields);
    assertThat(location(again)).endsWith("/console/orders/" + number);
    assertThat(api.get("/api/v1/orders?q=PO-HS-77").json().get("items")).hasSize(1);

    Browser finance = as(ConsoleRole.FINANCE);
    assertThat(finance.get(page).statusCode()).isEqualTo(403);
    assertThat(finance.post(page, form(finance, "/console/orders", "name", "x")).statusCode())
        .isEqualTo(403);
  }

  @Test
  void a_csv_import_is_uploaded_previewed_row_by_row_and_applied_by_operations_only() {
    String fresh = unique("CIMP");
    String csv = "sku,name,case_pack\n" + fresh + ",Imported fitting,12\nbad code!,x,1\n";
    Browser ops = as(ConsoleRole.OPERATIONS);
    String page = "/console/inventory/import";
    assertThat(ops.get(page).body()).contains("data-action=\"preview\"");

    // Uploaded: the preview shows each row; with a wrong row nothing can be applied.
    HttpResponse<String> preview =
        ops.postFile(
            "/console/inventory/import/preview",
            Map.of("_csrf", ops.csrf(page), "kind", "SKUS"),
            "file",
            "skus.csv",
            csv);
    assertThat(preview.statusCode()).isEqualTo(200);
    assertThat(preview.body())
        .contains("data-row=\"1\"")
        .contains("CREATE")
        .contains("not a valid code")
        .doesNotContain("data-action=\"apply\"");
    assertThat(api.get("/api/v1/skus/" + fresh).status()).isEqualTo(404);

    // Mended (pasted this time): applying writes it.
    String mended = "sku,name,case_pack\n" + fresh + ",Imported fitting,12\n";
    HttpResponse<String> ok =
        ops.post(
            "/console/inventory/import/preview", form(ops, page, "kind", "SKUS", "csv", mended));
    assertThat(ok.body()).contains("data-action=\"apply\"").contains("Every row is valid");
    HttpResponse<String> applied =
        ops.post("/console/inventory/import/apply", form(ops, page, "kind", "SKUS", "csv", mended));
    assertThat(applied.statusCode()).isEqualTo(302);
    assertThat(ops.get("/console/inventory").body()).contains("Imported 1 rows");
    assertThat(api.get("/api/v1/skus/" + fresh).json().get("casePack").asInt()).isEqualTo(12);

    Browser cs = as(ConsoleRole.CUSTOMER_SERVICE);
    assertThat(cs.get(page).statusCode()).isEqualTo(403);
    String other = unique("CIMQ");
    assertThat(
            cs.post(
                    "/console/inventory/import/apply",
                    form(
                        cs,
                        "/console/inventory",
                        "kind",
                        "SKUS",
                        "csv",
                        "sku,name\n" + other + ",x\n"))
                .statusCode())
        .isEqualTo(403);
    assertThat(api.get("/api/v1/skus/" + other).status()).isEqualTo(404);
  }

  @Test
  void admins_create_watch_pause_and_replay_webhooks_and_operations_see_channel_deliveries()
      throws Exception {
    try (io.orderloop.WebhookReceiver receiver = new io.orderloop.WebhookReceiver(1)) {
      Browser admin = as(ConsoleRole.ADMIN);
      String page = "/console/events";
      HttpResponse<String> created =
          admin.post(
              "/console/events/webhooks",
              form(admin, page, "url", receiver.url(), "eventTypes", "order.received"));
      assertThat(created.statusCode()).isEqualTo(302);
      String listing = admin.get(page).body();
      assertThat(listing).contains(receiver.url());
      java.util.regex.Matcher secret =
          java.util.regex.Pattern.compile("shown this once: (whsec_[A-Za-z0-9+/=]+)")
              .matcher(listing);
      assertThat(secret.find()).as(listing).isTrue();
      receiver.secret = secret.group(1);
      JsonNode subscription =
          api.get("/api/v1/webhook-subscriptions")
              .json()
              .get("items")
              .valueStream()
              .filter(x -> x.get("url").asString().equals(receiver.url()))
              .findFirst()
              .orElseThrow();
      String id = subscription.get("id").asString();

      // An order: the first attempt fails (the receiver refuses it), the retry succeeds; the log
      // shows both, the failure marked.
      String sku = sku("HOOKC");
      receive(sku, location(1), 5);
      createOrder(order(sku, 1));
      await("the retry delivered", () -> receiver.received.size() >= 1);
      assertThat(receiver.badSignatures).isEmpty();
      String detail = admin.get("/console/events/webhooks/" + id).body();
      assertThat(detail).contains("order.received").contains("1 failed of the last 2");

      admin.post(
          "/console/events/webhooks/" + id + "/pause",
          form(admin, "/console/events/webhooks/" + id, "paused", "true"));
      assertThat(api.get("/api/v1/webhook-subscriptions/" + id).json().get("state").asString())
          .isEqualTo("PAUSED");
      HttpResponse<String> badReplay =
          admin.post(
              "/console/events/webhooks/" + id + "/replay",
              form(admin, "/console/events/webhooks/" + id, "from", "yesterday"));
      assertThat(badReplay.statusCode()).isEqualTo(302);
      assertThat(admin.get("/console/events/webhooks/" + id).body())
          .contains("Give the time to replay from");

      Browser ops = as(ConsoleRole.OPERATIONS);
      assertThat(ops.get(page).statusCode()).isEqualTo(403);
      assertThat(
              ops.post(
                      "/console/events/webhooks/" + id + "/pause",
                      form(ops, "/console/channels", "paused", "false"))
                  .statusCode())
          .isEqualTo(403);
      assertThat(api.get("/api/v1/webhook-subscriptions/" + id).json().get("state").asString())
          .isEqualTo("PAUSED");
      assertThat(ops.get("/console/channels").body())
          .contains("Lines waiting outside the loop")
          .contains("Deliveries");
      ops.post("/console/channels/deliveries/987654321/replay", form(ops, "/console/channels"));
      assertThat(ops.get("/console/channels").body()).contains("no channel delivery 987654321");
      assertThat(as(ConsoleRole.FINANCE).get("/console/channels").statusCode()).isEqualTo(403);
      api.delete("/api/v1/webhook-subscriptions/" + id);
    }
  }

  @Test
  void the_live_stream_resumes_from_the_position_a_board_saw_and_tells_of_every_change()
      throws Exception {
    Browser admin = as(ConsoleRole.ADMIN);
    String sku = sku("LIVEC");
    receive(sku, location(1), 5);
    createOrder(order(sku, 1));
    await("the feed is sequenced", () -> !headOf(admin).equals("0"));
    // A board that saw nothing (or an old position) is told at once that there is news.
    try (java.util.stream.Stream<String> lines = stream(admin, "?after=0")) {
      java.util.Iterator<String> it = lines.iterator();
      List<String> first = next(it, 8);
      assertThat(first).contains("event:hello", "event:change");
    }
    // A board that saw the newest position is told nothing until something changes, then is.
    String head = headOf(admin);
    try (java.util.stream.Stream<String> lines = stream(admin, "?after=" + head)) {
      java.util.Iterator<String> it = lines.iterator();
      List<String> hello = next(it, 4);
      assertThat(hello.getFirst()).isEqualTo("event:hello");
      // Its id is the feed's newest position when the stream opened: the board's, unless another
      // event came in between (then a change follows at once, which the next read takes too).
      assertThat(Long.parseLong(hello.get(1).substring(3)))
          .isGreaterThanOrEqualTo(Long.parseLong(head));
      createOrder(order(sku, 1));
      List<String> change = next(it, 3);
      assertThat(change.get(0)).isEqualTo("event:change");
      assertThat(Long.parseLong(change.get(1).substring(3))).isGreaterThan(Long.parseLong(head));
    }
  }

  /** The feed position the board was rendered at. */
  private static String headOf(Browser b) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("data-position=\"(\\d+)\"").matcher(b.get("/").body());
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private java.util.stream.Stream<String> stream(Browser b, String query) throws Exception {
    return b.client
        .send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(
                        "http://localhost:" + port + "/console/board/stream" + query))
                .build(),
            HttpResponse.BodyHandlers.ofLines())
        .body();
  }

  /** The next {@code n} lines of a stream, or a failure after 10 s. */
  private static List<String> next(java.util.Iterator<String> it, int n) throws Exception {
    return java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              List<String> read = new java.util.ArrayList<>();
              while (read.size() < n && it.hasNext()) {
                read.add(it.next());
              }
              return read;
            })
        .get(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  private static String location(HttpResponse<String> r) {
    return r.headers().firstValue("Location").orElse("");
  }
}
