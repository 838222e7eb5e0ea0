package io.orderloop.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.Api;
import io.orderloop.ApiTest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** HTTP flow: orders walk the loop over real HTTP against PostgreSQL, every step on record. */
class OrderLoopApiTest extends ApiTest {

  @Test
  void an_accepted_order_reserves_its_stock_in_the_same_request_and_is_allocated() {
    String sku = sku("BRS");
    String wh = location(1);
    receive(sku, wh, 10);

    JsonNode order = createOrder(order(sku, 4));

    assertThat(order.get("state").asString()).isEqualTo("ALLOCATED");
    assertThat(order.get("number").asString()).matches("LMB-ORD-\\d{4}-\\d{4,}");
    JsonNode line = order.get("lines").get(0);
    assertThat(line.get("allocated").asInt()).isEqualTo(4);
    assertThat(line.get("backordered").asInt()).isZero();
    JsonNode stock = stock(sku);
    assertThat(stock.get("onHand").asInt()).isEqualTo(10);
    assertThat(stock.get("reserved").asInt()).isEqualTo(4);
    assertThat(stock.get("available").asInt()).isEqualTo(6);
    assertThat(history(order.get("id").asString()))
        .extracting(e -> e.get("type").asString())
        .containsExactly("order.received", "inventory.reserved", "order.allocated");
    assertStockInvariants(sku);
  }

  @Test
  void the_whole_loop_is_walked_with_every_state_change_in_history_by_the_acting_key() {
    String sku = sku("LOOP");
    receive(sku, location(1), 5);
    String id = createOrder(order(sku, 2)).get("id").asString();

    List<String> path = List.of("FULFILLMENT_QUEUED", "SHIPPED");
    for (String to : path) {
      assertThat(transition(id, to).get("state").asString()).isEqualTo(to);
    }
    assertThat(transition(id, "DELIVERED").get("state").asString())
        .as("the close grace is zero by default: delivery closes the loop")
        .isEqualTo("CLOSED");

    List<JsonNode> events = history(id);
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).get("sequence").asInt())
          .as("sequences are contiguous from 1")
          .isEqualTo(i + 1);
      assertThat(events.get(i).get("actor").asString()).isEqualTo("bootstrap");
    }
    List<String> stateChanges =
        events.stream()
            .filter(e -> !e.get("toState").isNull())
            .map(e -> e.get("fromState").asString("") + ">" + e.get("toState").asString())
            .toList();
    assertThat(stateChanges)
        .containsExactly(
            ">RECEIVED",
            "RECEIVED>ALLOCATED",
            "ALLOCATED>FULFILLMENT_QUEUED",
            "FULFILLMENT_QUEUED>SHIPPED",
            "SHIPPED>DELIVERED",
            "DELIVERED>CLOSED");
    JsonNode closed = getOrder(id);
    assertThat(closed.get("lines").get(0).get("shipped").asInt()).isEqualTo(2);
    assertThat(closed.get("allowedTransitions").size()).isZero();
    JsonNode stock = stock(sku);
    assertThat(stock.get("onHand").asInt()).as("shipping consumed the reservation").isEqualTo(3);
    assertThat(stock.get("reserved").asInt()).isZero();
    assertStockInvariants(sku);
  }

  @Test
  void every_move_the_table_refuses_answers_409_with_the_allowed_moves_and_changes_nothing() {
    String sku = sku("REFUSE");
    receive(sku, location(1), 100);
    // One order parked in each reachable state, reached through real transitions.
    Map<OrderState, String> parked = new HashMap<>();
    List<List<String>> paths =
        List.of(
            List.of(),
            List.of("FULFILLMENT_QUEUED"),
            List.of("FULFILLMENT_QUEUED", "SHIPPED"),
            List.of("FULFILLMENT_QUEUED", "SHIPPED", "DELIVERED"),
            List.of("CANCELLED"));
    for (List<String> p : paths) {
      String id = createOrder(order(sku, 1)).get("id").asString();
      p.forEach(to -> transition(id, to));
      parked.put(OrderState.valueOf(getOrder(id).get("state").asString()), id);
    }
    String partSku = sku("PARTLY");
    receive(partSku, location(1), 1);
    String partly = createOrder(order(partSku, 2)).get("id").asString();
    transition(partly, "FULFILLMENT_QUEUED");
    transition(partly, "PARTIALLY_SHIPPED");
    parked.put(OrderState.PARTIALLY_SHIPPED, partly);
    String short_ = sku("SHORT");
    Map<String, Object> waiting = order(short_, 1);
    waiting.put("fulfillmentPolicy", "SHIP_COMPLETE");
    parked.put(OrderState.RECEIVED, createOrder(waiting).get("id").asString());

    int refusals = 0;
    for (Map.Entry<OrderState, String> entry : parked.entrySet()) {
      OrderState state = entry.getKey();
      String id = entry.getValue();
      for (OrderState to : OrderState.values()) {
        if (state.canTransitionTo(to)) {
          continue;
        }
        JsonNode before = getOrder(id);
        int historyBefore = history(id).size();
        Api.Response r = api.post("/api/v1/orders/" + id + "/transitions", Map.of("to", to.name()));
        assertThat(r.status()).as(state + " → " + to + ": " + r).isEqualTo(409);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().get("currentState").asString()).isEqualTo(state.name());
        Set<String> allowed = new java.util.HashSet<>();
        r.json().get("allowedTransitions").forEach(n -> allowed.add(n.asString()));
        assertThat(allowed)
            .isEqualTo(
                state.allowedTransitions().stream().map(Enum::name).collect(Collectors.toSet()));
        assertThat(getOrder(id)).as("unchanged").isEqualTo(before);
        assertThat(history(id)).hasSize(historyBefore);
        refusals++;
      }
    }
    assertThat(parked.keySet())
        .containsAll(
            EnumSet.of(
                OrderState.RECEIVED,
                OrderState.ALLOCATED,
                OrderState.FULFILLMENT_QUEUED,
                OrderState.SHIPPED,
                OrderState.PARTIALLY_SHIPPED,
                OrderState.CLOSED,
                OrderState.CANCELLED));
    assertThat(refusals).isGreaterThan(40);
  }

  @Test
  void
      a_ship_complete_order_waits_in_received_holding_what_it_reserved_until_stock_arrives_and_fills_it() {
    String sku = sku("WAIT");
    String wh = location(1);
    receive(sku, wh, 3);
    Map<String, Object> body = order(sku, 5);
    body.put("fulfillmentPolicy", "SHIP_COMPLETE");
    JsonNode order = createOrder(body);
    String id = order.get("id").asString();

    assertThat(order.get("state").asString()).isEqualTo("RECEIVED");
    assertThat(order.get("lines").get(0).get("allocated").asInt()).isEqualTo(3);
    assertThat(order.get("lines").get(0).get("backordered").asInt()).isEqualTo(2);
    assertThat(stock(sku).get("available").asInt()).isZero();

    Api.Response refused =
        api.post("/api/v1/orders/" + id + "/transitions", Map.of("to", "ALLOCATED"));
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().get("detail").asString()).contains("2 of " + sku + " backordered");
    assertThat(getOrder(id).get("lines").get(0).get("allocated").asInt()).isEqualTo(3);

    receive(sku, wh, 2);
    await(
        "the receipt fills the backorder",
        () -> getOrder(id).get("state").asString().equals("ALLOCATED"));
    JsonNode allocated = getOrder(id);
    assertThat(allocated.get("lines").get(0).get("allocated").asInt()).isEqualTo(5);
    assertThat(allocated.get("lines").get(0).get("backordered").asInt()).isZero();
    assertThat(history(id))
        .filteredOn(e -> e.get("type").asString().equals("order.allocated"))
        .singleElement()
        .satisfies(e -> assertThat(e.get("actor").asString()).isEqualTo("system"));
    assertStockInvariants(sku);
  }

  @Test
  void a_ship_partial_order_is_allocated_with_one_unit_and_records_the_backorder() {
    String sku = sku("PART");
    receive(sku, location(1), 1);
    JsonNode order = createOrder(order(sku, 3));
    assertThat(order.get("state").asString()).isEqualTo("ALLOCATED");
    assertThat(order.get("lines").get(0).get("backordered").asInt()).isEqualTo(2);
    assertThat(history(order.get("id").asString()))
        .extracting(e -> e.get("type").asString())
        .contains("order.backordered");
  }

  @Test
  void cancelling_an_order_releases_exactly_its_reserved_units() {
    String sku = sku("CXL");
    receive(sku, location(1), 10);
    String keep = createOrder(order(sku, 3)).get("id").asString();
    String id = createOrder(order(sku, 4)).get("id").asString();
    assertThat(stock(sku).get("reserved").asInt()).isEqualTo(7);

    Api.Response r =
        api.post(
            "/api/v1/orders/" + id + "/cancel", Map.of("reason", "customer changed their mind"));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().get("state").asString()).isEqualTo("CANCELLED");
    assertThat(r.json().get("lines").get(0).get("cancelled").asInt()).isEqualTo(4);
    assertThat(stock(sku).get("reserved").asInt()).isEqualTo(3);
    assertThat(getOrder(keep).get("lines").get(0).get("allocated").asInt()).isEqualTo(3);
    List<JsonNode> events = history(id);
    assertThat(events)
        .extracting(e -> e.get("type").asString())
        .endsWith("inventory.released", "order.cancelled");
    assertThat(events.getLast().get("reason").asString()).isEqualTo("customer changed their mind");

    Api.Response again = api.post("/api/v1/orders/" + id + "/cancel", Map.of("reason", "twice"));
    assertThat(again.status()).isEqualTo(409);
    assertThat(stock(sku).get("reserved").asInt()).isEqualTo(3);
    assertStockInvariants(sku);
  }

  @Test
  void cancelling_some_units_takes_backordered_units_first_then_releases_reserved_ones() {
    String sku = sku("PCXL");
    String other = sku("PCXL2");
    String wh = location(1);
    receive(sku, wh, 4);
    receive(other, wh, 5);
    Map<String, Object> body = order(sku, 6, other, 2);
    body.put("fulfillmentPolicy", "SHIP_COMPLETE");
    JsonNode order = createOrder(body);
    String id = order.get("id").asString();
    assertThat(order.get("state").asString()).isEqualTo("RECEIVED");

    Api.Response r =
        api.post(
            "/api/v1/orders/" + id + "/cancel",
            Map.of("reason", "short", "lines", List.of(Map.of("sku", sku, "quantity", 3))));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode line = r.json().get("lines").get(0);
    assertThat(line.get("backordered").asInt()).isZero();
    assertThat(line.get("allocated").asInt()).isEqualTo(3);
    assertThat(line.get("cancelled").asInt()).isEqualTo(3);
    assertThat(r.json().get("state").asString())
        .as("nothing is short any more")
        .isEqualTo("ALLOCATED");
    assertThat(stock(sku).get("reserved").asInt()).isEqualTo(3);

    Api.Response tooMany =
        api.post(
            "/api/v1/orders/" + id + "/cancel",
            Map.of("reason", "x", "lines", List.of(Map.of("sku", other, "quantity", 3))));
    assertThat(tooMany.status()).isEqualTo(422);
    assertThat(tooMany.json().get("detail").asString()).contains("only 2");

    Api.Response rest =
        api.post(
            "/api/v1/orders/" + id + "/cancel",
            Map.of(
                "reason",
                "all",
                "lines",
                List.of(Map.of("sku", sku, "quantity", 3), Map.of("sku", other, "quantity", 2))));
    assertThat(rest.json().get("state").asString()).isEqualTo("CANCELLED");
    assertThat(stock(sku).get("reserved").asInt()).isZero();
    assertThat(stock(other).get("reserved").asInt()).isZero();
    assertStockInvariants(sku);
    assertStockInvariants(other);
  }

  @Test
  void
      cancelling_the_unshipped_rest_of_a_partially_shipped_order_releases_it_and_ships_the_order() {
    String sku = sku("REST");
    String wh = location(1);
    receive(sku, wh, 2);
    String id = createOrder(order(sku, 5)).get("id").asString();
    transition(id, "FULFILLMENT_QUEUED");
    assertThat(transition(id, "PARTIALLY_SHIPPED").get("lines").get(0).get("shipped").asInt())
        .isEqualTo(2);

    Api.Response r =
        api.post("/api/v1/orders/" + id + "/cancel", Map.of("reason", "rest no longer wanted"));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().get("state").asString()).isEqualTo("SHIPPED");
    JsonNode line = r.json().get("lines").get(0);
    assertThat(line.get("shipped").asInt()).isEqualTo(2);
    assertThat(line.get("cancelled").asInt()).isEqualTo(3);
    assertStockInvariants(sku);
  }

  @Test
  void cancelling_units_of_a_sku_on_two_lines_takes_every_backordered_unit_before_reserved_ones() {
    String sku = sku("TWOLINES");
    receive(sku, location(1), 5);
    JsonNode order = createOrder(order(sku, 5, sku, 5));
    String id = order.get("id").asString();
    assertThat(order.get("lines").get(0).get("allocated").asInt()).isEqualTo(5);
    assertThat(order.get("lines").get(1).get("backordered").asInt()).isEqualTo(5);

    Api.Response r =
        api.post(
            "/api/v1/orders/" + id + "/cancel",
            Map.of("reason", "less", "lines", List.of(Map.of("sku", sku, "quantity", 5))));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().get("lines").get(0).get("allocated").asInt()).isEqualTo(5);
    assertThat(r.json().get("lines").get(1).get("cancelled").asInt()).isEqualTo(5);
    assertThat(stock(sku).get("reserved").asInt()).isEqualTo(5);
    assertStockInvariants(sku);
  }

  @Test
  void
      cancelling_every_reserved_unit_of_an_allocated_order_that_still_waits_for_others_is_refused() {
    String inStock = sku("HAVE");
    String missing = sku("LACK");
    receive(inStock, location(1), 1);
    String id = createOrder(order(inStock, 1, missing, 1)).get("id").asString();
    Api.Response r =
        api.post(
            "/api/v1/orders/" + id + "/cancel",
            Map.of("reason", "x", "lines", List.of(Map.of("sku", inStock, "quantity", 1))));
    assertThat(r.status()).as(r.toString()).isEqualTo(409);
    assertThat(stock(inStock).get("reserved").asInt()).isEqualTo(1);
  }

  @Test
  void order_numbers_keep_counting_past_9999_without_collisions() {
    String sku = sku("MANY");
    receive(sku, location(1), 5);
    jdbc.sql("SELECT setval('order_number_seq', 99998)").query(Long.class).single();
    // Numbers are taken a block at a time (OrderNumbers): the block in hand is used up first.
    String a = "";
    for (int i = 0; i <= OrderNumbers.BLOCK && !a.endsWith("-99999"); i++) {
      a = createOrder(order(sku, 1)).get("number").asString();
    }
    String b = createOrder(order(sku, 1)).get("number").asString();
    assertThat(a).endsWith("-99999");
    assertThat(b).endsWith("-100000");
  }

  @Test
  void a_channel_order_id_with_stray_whitespace_finds_the_same_order() {
    String sku = sku("SPACE");
    receive(sku, location(1), 5);
    String externalId = unique("ext");
    Map<String, Object> body = order(sku, 1);
    body.put("channel", "API");
    body.put("externalId", externalId);
    String first = createOrder(body).get("id").asString();
    body.put("externalId", externalId + " ");
    Api.Response again = api.post("/api/v1/orders", body);
    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    assertThat(again.json().get("id").asString()).isEqualTo(first);
  }

  @Test
  void a_stale_if_match_is_refused_with_412_and_a_current_one_is_accepted() {
    String sku = sku("ETAG");
    receive(sku, location(1), 5);
    String id = createOrder(order(sku, 1)).get("id").asString();
    Api.Response get = api.get("/api/v1/orders/" + id);
    String etag = get.header("ETag");
    assertThat(etag).isEqualTo("\"" + get.json().get("version").asInt() + "\"");

    Api.Response moved =
        api.with("If-Match", etag)
            .post("/api/v1/orders/" + id + "/transitions", Map.of("to", "FULFILLMENT_QUEUED"));
    assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
    assertThat(moved.header("ETag")).isNotEqualTo(etag);

    JsonNode before = getOrder(id);
    Api.Response stale =
        api.with("If-Match", etag).post("/api/v1/orders/" + id + "/cancel", Map.of("reason", "x"));
    assertThat(stale.status()).isEqualTo(412);
    assertThat(stale.header("Content-Type")).startsWith("application/problem+json");
    assertThat(getOrder(id)).isEqualTo(before);
  }

  @Test
  void an_order_is_found_by_id_or_by_number_and_an_unknown_one_is_404() {
    String sku = sku("FIND");
    receive(sku, location(1), 1);
    JsonNode order = createOrder(order(sku, 1));
    assertThat(getOrder(order.get("number").asString()).get("id")).isEqualTo(order.get("id"));
    Api.Response missing = api.get("/api/v1/orders/LMB-ORD-1999-0001");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.header("Content-Type")).startsWith("application/problem+json");
    assertThat(api.get("/api/v1/orders/00000000-0000-0000-0000-000000000000/events").status())
        .isEqualTo(404);
  }

  @Test
  void the_list_filters_and_pages_with_a_cursor_without_gaps_or_repeats() {
    String sku = sku("LIST");
    receive(sku, location(1), 100);
    String customer = unique("Customer");
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      Map<String, Object> body = orderOfType(i % 2 == 0 ? "DTC" : "B2B", sku, 1);
      body.put("customer", Map.of("name", customer, "email", "list@example.com"));
      if (i % 2 == 1) {
        body.put("b2b", Map.of("buyerPo", "PO-" + customer + "-" + i, "paymentTerms", "NET_30"));
      }
      created.add(createOrder(body).get("id").asString());
    }
    List<List<String>> all = pages("/api/v1/orders?limit=3&q=" + customer);
    assertThat(all).hasSize(3);
    assertThat(all.stream().flatMap(List::stream)).containsExactlyElementsOf(created.reversed());

    Api.Response b2b = api.get("/api/v1/orders?type=B2B&q=" + customer);
    assertThat(b2b.json().get("items").size()).isEqualTo(3);
    Api.Response byPo = api.get("/api/v1/orders?q=po-" + customer.toLowerCase() + "-3");
    assertThat(byPo.json().get("items").size()).isEqualTo(1);
    Api.Response byState = api.get("/api/v1/orders?state=CANCELLED&q=" + customer);
    assertThat(byState.json().get("items").size()).isZero();
    Api.Response future =
        api.get(
            "/api/v1/orders?createdFrom="
                + Instant.now().plus(Duration.ofDays(1))
                + "&q="
                + customer);
    assertThat(future.json().get("items").size()).isZero();

    // By state and by channel (each read from its own index, the page ordered by it first): the
    // same pages, newest first, through the cursor.
    List<String> cancelled = new ArrayList<>();
    for (int i : new int[] {0, 3, 6}) {
      api.post("/api/v1/orders/" + created.get(i) + "/cancel", Map.of("reason", "list test"));
      cancelled.add(created.get(i));
    }
    assertThat(ids("/api/v1/orders?limit=2&state=CANCELLED&q=" + customer))
        .containsExactlyElementsOf(cancelled.reversed());
    List<String> open = new ArrayList<>(created);
    open.removeAll(cancelled);
    assertThat(ids("/api/v1/orders?limit=3&state=ALLOCATED&channel=MANUAL&q=" + customer))
        .containsExactlyElementsOf(open.reversed());
    assertThat(ids("/api/v1/orders?limit=3&channel=MANUAL&q=" + customer))
        .containsExactlyElementsOf(created.reversed());
    assertThat(ids("/api/v1/orders?limit=3&channel=SHOPIFY&q=" + customer)).isEmpty();
    assertThat(api.get("/api/v1/orders?cursor=not-a-cursor").status()).isEqualTo(400);
    assertThat(api.get("/api/v1/orders?state=LOST").status()).isEqualTo(400);
  }

  /** A list's pages, each its order ids, followed through the cursor. */
  private List<List<String>> pages(String path) {
    List<List<String>> pages = new ArrayList<>();
    String cursor = null;
    do {
      Api.Response page = api.get(path + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.status()).as(page.toString()).isEqualTo(200);
      List<String> ids = new ArrayList<>();
      page.json().get("items").forEach(o -> ids.add(o.get("id").asString()));
      pages.add(ids);
      JsonNode next = page.json().get("nextCursor");
      cursor = next == null || next.isNull() ? null : next.asString();
    } while (cursor != null);
    return pages;
  }

  /** Every order id of a list, page after page. */
  private List<String> ids(String path) {
    return pages(path).stream().flatMap(List::stream).toList();
  }

  @Test
  void history_times_come_from_the_injected_clock() {
    String sku = sku("CLOCK");
    receive(sku, location(1), 1);
    clock.shift(Duration.ofDays(400));
    JsonNode order = createOrder(order(sku, 1));
    Instant at = Instant.parse(history(order.get("id").asString()).getFirst().get("at").asString());
    assertThat(at).isAfter(Instant.now().plus(Duration.ofDays(399)));
    assertThat(order.get("number").asString())
        .startsWith("LMB-ORD-" + LocalDate.now().plusDays(400).getYear());
  }

  @Test
  void b2b_lines_must_be_whole_cases_unless_the_sku_allows_loose_units() {
    String sku = sku("CASE", Map.of("casePack", 12, "palletQuantity", 480));
    String loose = sku("LOOSE", Map.of("casePack", 12, "allowsLooseUnits", true));
    String wh = location(1);
    receive(sku, wh, 600);
    receive(loose, wh, 600);

    Map<String, Object> broken = orderOfType("B2B", sku, 25);
    Api.Response refused = api.post("/api/v1/orders", broken);
    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.json().get("detail").asString())
        .contains("lines[0].quantity")
        .contains("cases of 12");

    Map<String, Object> inCases = orderOfType("B2B", sku, 24, loose, 5);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> lines = (List<Map<String, Object>>) inCases.get("lines");
    lines.get(0).put("unitOfMeasure", "CASE");
    lines.get(0).put("quantity", 2);
    lines.get(0).put("unitPrice", "120.00");
    inCases.put(
        "b2b",
        Map.of(
            "buyerPo",
            "PO-IR-2026-0089",
            "paymentTerms",
            "NET_30",
            "deliveryWindow",
            Map.of("from", "2027-03-10", "to", "2027-03-14")));
    JsonNode order = createOrder(inCases);
    assertThat(order.get("fulfillmentPolicy").asString()).isEqualTo("SHIP_COMPLETE");
    assertThat(order.get("lines").get(0).get("quantity").asInt()).isEqualTo(24);
    assertThat(order.get("lines").get(0).get("cases").asInt()).isEqualTo(2);
    assertThat(order.get("total").get("amount").asString()).isEqualTo("302.50");
    assertThat(order.get("lines").get(0).get("unitPrice").asString())
        .as("the price as given, per case")
        .isEqualTo("120.00");
    assertThat(order.get("lines").get(0).get("unitOfMeasure").asString()).isEqualTo("CASE");
    assertThat(order.get("lines").get(0).get("unitPricePerUnit").asString())
        .as("the derived price of one unit of 12, with the decimals it needs")
        .isEqualTo("10.00");
    assertThat(order.get("b2b").get("buyerPo").asString()).isEqualTo("PO-IR-2026-0089");
    assertThat(order.get("b2b").get("deliveryWindow").get("to").asString()).isEqualTo("2027-03-14");

    Map<String, Object> dtcWithTerms = order(sku, 1);
    dtcWithTerms.put("b2b", Map.of("buyerPo", "PO-1"));
    assertThat(api.post("/api/v1/orders", dtcWithTerms).status()).isEqualTo(422);
  }

  @Test
  void a_line_pinned_to_a_lot_is_served_only_from_that_lot_and_expired_lots_are_never_reserved() {
    String sku = sku("LOT", Map.of("lotControlled", true));
    String wh = location(1);
    LocalDate today = LocalDate.now();
    receive(sku, wh, "LMB-LOT-OLD", today.minusDays(2), 50);
    receive(sku, wh, "LMB-LOT-2025-002", today.plusDays(200), 5);
    receive(sku, wh, "LMB-LOT-SOON", today.plusDays(20), 5);

    Map<String, Object> pinnedBody = order(sku, 7);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> lines = (List<Map<String, Object>>) pinnedBody.get("lines");
    lines.get(0).put("lot", "LMB-LOT-2025-002");
    JsonNode pinned = createOrder(pinnedBody);
    JsonNode line = pinned.get("lines").get(0);
    assertThat(line.get("lot").asString()).isEqualTo("LMB-LOT-2025-002");
    assertThat(line.get("lotPinned").asBoolean()).isTrue();
    assertThat(line.get("allocated").asInt()).isEqualTo(5);
    assertThat(line.get("backordered").asInt()).as("never swapped for another lot").isEqualTo(2);

    JsonNode fefo = createOrder(order(sku, 3));
    assertThat(fefo.get("lines").get(0).get("allocated").asInt()).isEqualTo(3);
    JsonNode rows = stock(sku).get("lots");
    for (JsonNode row : rows) {
      switch (row.get("lot").asString()) {
        case "LMB-LOT-OLD" -> assertThat(row.get("reserved").asInt()).as("expired").isZero();
        case "LMB-LOT-SOON" ->
            assertThat(row.get("reserved").asInt()).as("earliest expiry first").isEqualTo(3);
        case "LMB-LOT-2025-002" -> assertThat(row.get("reserved").asInt()).isEqualTo(5);
        default -> throw new AssertionError(row.toString());
      }
    }
    Map<String, Object> unknownLot = order(sku, 1);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> l2 = (List<Map<String, Object>>) unknownLot.get("lines");
    l2.get(0).put("lot", "NO-SUCH-LOT");
    assertThat(api.post("/api/v1/orders", unknownLot).status()).isEqualTo(422);
    assertStockInvariants(sku);
  }

  @Test
  void a_sku_that_requires_pinning_gets_its_earliest_expiring_lot_pinned_with_a_history_event() {
    String sku = sku("PIN", Map.of("lotControlled", true, "requiresPinnedLot", true));
    String wh = location(1);
    receive(sku, wh, "LATE", LocalDate.now().plusDays(300), 10);
    receive(sku, wh, "EARLY", LocalDate.now().plusDays(30), 2);
    JsonNode order = createOrder(order(sku, 4));
    JsonNode line = order.get("lines").get(0);
    assertThat(line.get("lot").asString()).isEqualTo("EARLY");
    assertThat(line.get("lotPinned").asBoolean()).isTrue();
    assertThat(line.get("allocated").asInt()).isEqualTo(2);
    assertThat(history(order.get("id").asString()))
        .extracting(e -> e.get("type").asString())
        .contains("inventory.lot_pinned");
  }

  @Test
  void stock_receipts_are_checked_against_the_catalogue() {
    String lotSku = sku("RCPT", Map.of("lotControlled", true));
    String wh = location(1);
    assertThat(
            api.post(
                    "/api/v1/inventory/receipts",
                    Map.of("sku", lotSku, "location", wh, "quantity", 1))
                .status())
        .as("lot-controlled needs a lot")
        .isEqualTo(422);
    assertThat(
            api.post(
                    "/api/v1/inventory/receipts",
                    Map.of("sku", "NOPE-" + lotSku, "location", wh, "quantity", 1))
                .status())
        .isEqualTo(422);
    assertThat(
            api.post(
                    "/api/v1/inventory/receipts",
                    Map.of("sku", lotSku, "location", "NOPE", "lot", "L", "quantity", 1))
                .status())
        .isEqualTo(422);
    receive(lotSku, wh, "L1", LocalDate.now().plusDays(10), 1);
    Api.Response contradicting =
        api.post(
            "/api/v1/inventory/receipts",
            Map.of(
                "sku",
                lotSku,
                "location",
                wh,
                "lot",
                "L1",
                "expiresOn",
                LocalDate.now().plusDays(11).toString(),
                "quantity",
                1));
    assertThat(contradicting.status()).isEqualTo(422);
    assertThat(api.get("/api/v1/inventory/NO-SUCH-SKU").status()).isEqualTo(404);
    Api.Response updated =
        api.put("/api/v1/skus/" + lotSku, Map.of("name", "Renamed", "lotControlled", true));
    assertThat(updated.status()).isEqualTo(200);
    assertThat(updated.json().get("name").asString()).isEqualTo("Renamed");
  }
}
