package io.orderloop.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.Api;
import io.orderloop.ApiTest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * HTTP flow: the allocation engine of SPEC §3 — backorders, adjustments, ledger, panel, management,
 * views.
 */
class AllocationEngineApiTest extends ApiTest {

  private String state(String id) {
    return getOrder(id).get("state").asString();
  }

  private JsonNode line(String id) {
    return getOrder(id).get("lines").get(0);
  }

  @Test
  void a_receipt_fills_waiting_backorders_oldest_first_and_moves_orders_whose_policy_is_now_met() {
    String sku = sku("BACK");
    String wh = location(1);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Map<String, Object> body = order(sku, 2);
      body.put("fulfillmentPolicy", "SHIP_COMPLETE");
      JsonNode o = createOrder(body);
      assertThat(o.get("state").asString()).isEqualTo("RECEIVED");
      ids.add(o.get("id").asString());
    }

    receive(sku, wh, 5);

    await("the two oldest orders are allocated", () -> state(ids.get(1)).equals("ALLOCATED"));
    await("the third holds the odd unit", () -> line(ids.get(2)).get("allocated").asInt() == 1);
    assertThat(state(ids.get(0))).isEqualTo("ALLOCATED");
    assertThat(state(ids.get(2)))
        .as("SHIP_COMPLETE waits with what it holds")
        .isEqualTo("RECEIVED");
    assertThat(line(ids.get(3)).get("allocated").asInt()).isZero();
    assertThat(line(ids.get(4)).get("allocated").asInt()).isZero();
    assertThat(stock(sku).get("available").asInt()).isZero();
    assertStockInvariants(sku);
  }

  @Test
  void b2b_backorders_are_filled_by_earliest_delivery_window_first() {
    String sku = sku("WINDOW");
    String wh = location(1);
    Map<String, Object> late = orderOfType("B2B", sku, 4);
    late.put(
        "b2b",
        Map.of(
            "buyerPo",
            "PO-LATE",
            "deliveryWindow",
            Map.of("from", "2099-06-01", "to", "2099-06-05")));
    Map<String, Object> soon = orderOfType("B2B", sku, 4);
    soon.put(
        "b2b",
        Map.of(
            "buyerPo",
            "PO-SOON",
            "deliveryWindow",
            Map.of("from", "2099-03-10", "to", "2099-03-14")));
    String lateId = createOrder(late).get("id").asString();
    String soonId = createOrder(soon).get("id").asString();

    receive(sku, wh, 4);

    await("the earlier window is filled", () -> state(soonId).equals("ALLOCATED"));
    assertThat(state(lateId)).isEqualTo("RECEIVED");
    assertThat(line(lateId).get("allocated").asInt()).isZero();
  }

  @Test
  void units_allocated_to_an_order_already_in_fulfillment_join_the_queue_and_history() {
    String sku = sku("JOIN");
    String wh = location(1);
    receive(sku, wh, 1);
    String id = createOrder(order(sku, 3)).get("id").asString();
    transition(id, "FULFILLMENT_QUEUED");

    receive(sku, wh, 2);

    await("the backorder is filled", () -> line(id).get("backordered").asInt() == 0);
    assertThat(state(id)).isEqualTo("FULFILLMENT_QUEUED");
    assertThat(history(id))
        .filteredOn(e -> e.get("type").asString().equals("inventory.reserved"))
        .last()
        .satisfies(
            e -> assertThat(e.get("details").get("joinsFulfillmentQueue").asBoolean()).isTrue());
  }

  @Test
  void cancelled_work_restores_stock_to_the_next_backorder() {
    String sku = sku("RESTORE");
    receive(sku, location(1), 2);
    String first = createOrder(order(sku, 2)).get("id").asString();
    String waiting = createOrder(order(sku, 2)).get("id").asString();
    assertThat(line(waiting).get("backordered").asInt()).isEqualTo(2);

    api.post("/api/v1/orders/" + first + "/cancel", Map.of("reason", "changed mind"));

    await(
        "the released units go to the waiting order",
        () -> line(waiting).get("allocated").asInt() == 2);
    assertThat(state(waiting)).isEqualTo("ALLOCATED");
    assertStockInvariants(sku);
  }

  @Test
  void adjustments_change_on_hand_with_a_reason_fill_backorders_and_never_take_reserved_units() {
    String sku = sku("ADJ");
    String wh = location(1);
    receive(sku, wh, 3);
    String id = createOrder(order(sku, 5)).get("id").asString();

    Api.Response tooMuch =
        api.post(
            "/api/v1/inventory/adjustments",
            Map.of("sku", sku, "location", wh, "quantity", -1, "reasonCode", "DAMAGED"));
    assertThat(tooMuch.status()).as(tooMuch.toString()).isEqualTo(422);
    assertThat(tooMuch.json().get("detail").asString()).contains("reserved");
    assertThat(
            api.post(
                    "/api/v1/inventory/adjustments",
                    Map.of("sku", sku, "location", wh, "quantity", 2, "reasonCode", "SHRINK"))
                .status())
        .isEqualTo(400);
    assertThat(
            api.post(
                    "/api/v1/inventory/adjustments",
                    Map.of("sku", sku, "location", wh, "quantity", 0, "reasonCode", "FOUND"))
                .status())
        .isEqualTo(422);

    Api.Response found =
        api.post(
            "/api/v1/inventory/adjustments",
            Map.of(
                "sku",
                sku,
                "location",
                wh,
                "quantity",
                2,
                "reasonCode",
                "FOUND",
                "note",
                "behind the rack"));
    assertThat(found.status()).as(found.toString()).isEqualTo(200);
    await("the found units fill the backorder", () -> line(id).get("backordered").asInt() == 0);

    JsonNode movements = api.get("/api/v1/inventory/" + sku + "/movements").json().get("items");
    List<String> kinds = new ArrayList<>();
    movements.forEach(m -> kinds.add(m.get("kind").asString()));
    assertThat(kinds).containsExactly("RESERVATION", "ADJUSTMENT", "RESERVATION", "RECEIPT");
    assertThat(movements.get(1).get("reason").asString()).isEqualTo("FOUND: behind the rack");
    assertThat(movements.get(0).get("orderId").asString()).isEqualTo(id);
    assertStockInvariants(sku);
  }

  @Test
  void the_ledger_pages_newest_first_with_a_cursor() {
    String sku = sku("LEDGER");
    String wh = location(1);
    for (int i = 0; i < 5; i++) {
      receive(sku, wh, 1);
    }
    Api.Response first = api.get("/api/v1/inventory/" + sku + "/movements?limit=3");
    String cursor = first.json().get("nextCursor").asString();
    Api.Response second =
        api.get("/api/v1/inventory/" + sku + "/movements?limit=3&cursor=" + cursor);
    assertThat(first.json().get("items").size()).isEqualTo(3);
    assertThat(second.json().get("items").size()).isEqualTo(2);
    assertThat(second.json().get("nextCursor").isNull()).isTrue();
    assertThat(first.json().get("items").get(2).get("id").asLong())
        .isGreaterThan(second.json().get("items").get(0).get("id").asLong());
    assertThat(api.get("/api/v1/inventory/NOPE-" + sku + "/movements").status()).isEqualTo(404);
  }

  @Test
  void the_allocation_panel_shows_before_reserved_after_and_where_each_unit_is() {
    String sku = sku("PANEL", Map.of("lotControlled", true));
    String near = location(1);
    String far = location(2);
    receive(sku, near, "L-A", LocalDate.now().plusDays(30), 3);
    receive(sku, far, "L-B", LocalDate.now().plusDays(60), 10);
    String id = createOrder(order(sku, 5)).get("id").asString();

    Api.Response r = api.get("/api/v1/orders/" + id + "/allocation");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode line = r.json().get("lines").get(0);
    assertThat(line.get("availableBefore").asInt()).isEqualTo(13);
    assertThat(line.get("reserved").asInt()).isEqualTo(5);
    assertThat(line.get("availableAfter").asInt()).isEqualTo(8);
    JsonNode reservations = line.get("reservations");
    assertThat(reservations.size()).as("the far location fills the whole line").isEqualTo(1);
    assertThat(reservations.get(0).get("location").asString()).isEqualTo(far);
    assertThat(reservations.get(0).get("lot").asString()).isEqualTo("L-B");
    assertThat(reservations.get(0).get("pinned").asBoolean()).isFalse();
  }

  @Test
  void without_one_location_that_fills_it_a_line_splits_across_locations_by_priority() {
    String sku = sku("SPLIT");
    String first = location(1);
    String second = location(2);
    receive(sku, second, 4);
    receive(sku, first, 3);
    String id = createOrder(order(sku, 6)).get("id").asString();
    JsonNode reservations =
        api.get("/api/v1/orders/" + id + "/allocation")
            .json()
            .get("lines")
            .get(0)
            .get("reservations");
    Map<String, Integer> byLocation = new java.util.HashMap<>();
    reservations.forEach(
        res ->
            byLocation.merge(
                res.get("location").asString(), res.get("quantity").asInt(), Integer::sum));
    assertThat(byLocation).containsExactlyInAnyOrderEntriesOf(Map.of(first, 3, second, 3));
  }

  @Test
  void operators_re_pin_unpin_move_and_release_reservations_with_history() {
    String sku = sku("MANAGE", Map.of("lotControlled", true));
    String near = location(1);
    String far = location(2);
    receive(sku, near, "L-1", LocalDate.now().plusDays(10), 5);
    receive(sku, near, "L-2", LocalDate.now().plusDays(90), 5);
    receive(sku, far, "L-2", LocalDate.now().plusDays(90), 5);
    String id = createOrder(order(sku, 4)).get("id").asString();
    String base = "/api/v1/orders/" + id + "/allocation";

    Api.Response pinned = api.post(base + "/pin", Map.of("lineNo", 1, "lot", "L-2"));
    assertThat(pinned.status()).as(pinned.toString()).isEqualTo(200);
    JsonNode panel = api.get(base).json().get("lines").get(0);
    assertThat(panel.get("lot").asString()).isEqualTo("L-2");
    assertThat(panel.get("pinned").asBoolean()).isTrue();
    panel
        .get("reservations")
        .forEach(
            res -> {
              assertThat(res.get("lot").asString()).isEqualTo("L-2");
              assertThat(res.get("pinned").asBoolean()).isTrue();
            });

    Api.Response wrongLot =
        api.post(
            base + "/move", Map.of("lineNo", 1, "quantity", 1, "toLocation", near, "toLot", "L-1"));
    assertThat(wrongLot.status()).as("pinned lines keep their lot").isEqualTo(422);
    Api.Response moved =
        api.post(
            base + "/move", Map.of("lineNo", 1, "quantity", 4, "toLocation", far, "toLot", "L-2"));
    assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
    JsonNode afterMove = api.get(base).json().get("lines").get(0).get("reservations");
    assertThat(afterMove.size()).isEqualTo(1);
    assertThat(afterMove.get(0).get("location").asString()).isEqualTo(far);
    assertThat(afterMove.get(0).get("quantity").asInt()).isEqualTo(4);
    Api.Response tooMany =
        api.post(
            base + "/move", Map.of("lineNo", 1, "quantity", 9, "toLocation", near, "toLot", "L-2"));
    assertThat(tooMany.status()).as("the line holds only 4").isEqualTo(422);
    assertThat(line(id).get("allocated").asInt()).isEqualTo(4);

    assertThat(api.post(base + "/unpin", Map.of("lineNo", 1)).status()).isEqualTo(200);
    assertThat(api.get(base).json().get("lines").get(0).get("pinned").asBoolean()).isFalse();

    Api.Response released =
        api.post(base + "/release", Map.of("lineNo", 1, "quantity", 1, "reason", "urgent order"));
    assertThat(released.status()).as(released.toString()).isEqualTo(200);
    await(
        "the released unit is taken again by the waiting backorder",
        () -> line(id).get("allocated").asInt() == 4);

    assertThat(api.post(base + "/rerun", null).status()).isEqualTo(200);
    assertThat(history(id))
        .extracting(e -> e.get("type").asString())
        .contains(
            "inventory.lot_pinned",
            "inventory.reservation_moved",
            "inventory.lot_unpinned",
            "inventory.released",
            "order.allocation_rerun");
    assertStockInvariants(sku);
  }

  @Test
  void a_move_to_a_place_without_enough_stock_is_409_and_changes_nothing() {
    String sku = sku("NOROOM");
    String near = location(1);
    String far = location(2);
    receive(sku, near, 5);
    receive(sku, far, 1);
    String id = createOrder(order(sku, 3)).get("id").asString();
    JsonNode panelBefore = api.get("/api/v1/orders/" + id + "/allocation").json();
    Api.Response r =
        api.post(
            "/api/v1/orders/" + id + "/allocation/move",
            Map.of("lineNo", 1, "quantity", 3, "toLocation", far));
    assertThat(r.status()).as(r.toString()).isEqualTo(409);
    assertThat(r.json().get("detail").asString()).contains(far);
    assertThat(api.get("/api/v1/orders/" + id + "/allocation").json()).isEqualTo(panelBefore);
    assertStockInvariants(sku);
  }

  @Test
  void releasing_units_an_allocated_ship_complete_order_needs_is_refused() {
    String sku = sku("KEEP");
    receive(sku, location(1), 5);
    Map<String, Object> body = order(sku, 2);
    body.put("fulfillmentPolicy", "SHIP_COMPLETE");
    String id = createOrder(body).get("id").asString();
    Api.Response r = api.post("/api/v1/orders/" + id + "/allocation/release", Map.of("lineNo", 1));
    assertThat(r.status()).isEqualTo(409);
    assertThat(line(id).get("allocated").asInt()).isEqualTo(2);
    assertThat(
            api.post("/api/v1/orders/" + id + "/allocation/release", Map.of("lineNo", 9)).status())
        .isEqualTo(422);
  }

  @Test
  void a_sku_that_requires_a_pinned_lot_cannot_be_unpinned_and_a_plain_sku_cannot_be_pinned() {
    String regulated = sku("REG", Map.of("lotControlled", true, "requiresPinnedLot", true));
    String plain = sku("PLAIN");
    String wh = location(1);
    receive(regulated, wh, "R-1", LocalDate.now().plusDays(100), 5);
    receive(plain, wh, 5);
    String id = createOrder(order(regulated, 1, plain, 1)).get("id").asString();
    String base = "/api/v1/orders/" + id + "/allocation";
    assertThat(api.post(base + "/unpin", Map.of("lineNo", 1)).status()).isEqualTo(422);
    assertThat(api.post(base + "/pin", Map.of("lineNo", 2, "lot", "R-1")).status()).isEqualTo(422);
    assertThat(api.post(base + "/pin", Map.of("lineNo", 1, "lot", "NO-SUCH")).status())
        .isEqualTo(422);
  }

  @Test
  void allocation_management_needs_the_inventory_write_scope() {
    String sku = sku("SCOPE");
    receive(sku, location(1), 1);
    String id = createOrder(order(sku, 1)).get("id").asString();
    String key = apiKey(unique("orders-only"), "orders:read", "orders:write");
    Api.Response r = api.as(key).post("/api/v1/orders/" + id + "/allocation/rerun", null);
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().get("detail").asString()).contains("inventory:write");
    assertThat(api.as(key).get("/api/v1/orders/" + id + "/allocation").status()).isEqualTo(200);
  }

  @Test
  void the_stock_list_filters_by_location_and_low_availability() {
    String low = sku("LOW");
    String high = sku("HIGH");
    String wh = location(1);
    String other = location(2);
    receive(low, wh, 2);
    receive(high, wh, 50);
    receive(high, other, 7);
    Api.Response r = api.get("/api/v1/inventory?location=" + wh + "&belowAvailable=10&limit=1000");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    List<String> skus = new ArrayList<>();
    r.json().get("items").forEach(i -> skus.add(i.get("sku").asString()));
    assertThat(skus).contains(low).doesNotContain(high);
    Api.Response atOther = api.get("/api/v1/inventory?location=" + other + "&limit=1000");
    List<String> there = new ArrayList<>();
    atOther
        .json()
        .get("items")
        .forEach(i -> there.add(i.get("sku").asString() + "=" + i.get("available").asInt()));
    assertThat(there).containsExactly(high + "=7");
  }

  @Test
  void reconciliation_reports_a_row_that_breaks_an_invariant() {
    String sku = sku("RECON");
    receive(sku, location(1), 5);
    assertReconciliationClean();
    jdbc.sql("UPDATE stock SET reserved = reserved + 1 WHERE sku = ?").param(sku).update();
    try {
      JsonNode report = api.get("/api/v1/inventory/reconciliation").json();
      assertThat(report.get("clean").asBoolean()).isFalse();
      JsonNode problem = report.get("problems").get(0);
      assertThat(problem.get("sku").asString()).isEqualTo(sku);
      assertThat(problem.get("reserved").asInt()).isEqualTo(1);
      assertThat(problem.get("activeReservations").asInt()).isZero();
      assertThat(problem.get("issues").toString())
          .contains("active reservations")
          .contains("ledger");
    } finally {
      jdbc.sql("UPDATE stock SET reserved = reserved - 1 WHERE sku = ?").param(sku).update();
    }
  }

  @Test
  void an_expired_lot_is_not_allocated_once_the_clock_passes_its_expiry() {
    String sku = sku("EXPIRE", Map.of("lotControlled", true));
    String wh = location(1);
    receive(sku, wh, "SHORT-LIVED", LocalDate.now().plusDays(5), 10);
    assertThat(createOrder(order(sku, 1)).get("lines").get(0).get("allocated").asInt())
        .isEqualTo(1);
    clock.shift(java.time.Duration.ofDays(7));
    JsonNode later = createOrder(order(sku, 1));
    assertThat(later.get("lines").get(0).get("allocated").asInt()).isZero();
    assertThat(later.get("lines").get(0).get("backordered").asInt()).isEqualTo(1);
  }
}
