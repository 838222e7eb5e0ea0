package io.orderloop.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.Api;
import io.orderloop.ApiTest;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * HTTP: CSV imports of SKUs and stock counts — a preview that writes nothing and says per row what
 * would happen or what is wrong; an apply that writes every row in one transaction, or none.
 */
class InventoryImportApiTest extends ApiTest {

  private Api.Response post(String kind, boolean dryRun, String csv) {
    return api.with("Content-Type", "text/csv")
        .post("/api/v1/inventory/imports/" + kind + (dryRun ? "?dryRun=true" : ""), csv);
  }

  private static List<String> actions(JsonNode result) {
    return result.get("items").valueStream().map(r -> r.get("action").asString()).toList();
  }

  @Test
  void skus_preview_row_by_row_then_apply_all_or_nothing() {
    String existing = sku("IMPX", Map.of("casePack", 6));
    String fresh = unique("IMPN");
    String csv =
        "\uFEFFSKU,Name,Case Pack,palletQuantity,lot_controlled\r\n"
            + existing
            + ",Test "
            + existing
            + ",6,,\r\n" // unchanged
            + fresh
            + ",\"Hinge, brass\",12,480,yes\r\n" // created
            + "bad code!,Nope,1,,\r\n" // invalid code
            + fresh
            + ",Again,12,,\r\n" // a second row of one SKU
            + unique("IMPP")
            + ",Pallets,12,100,\r\n"; // pallet not whole cases

    Api.Response preview = post("skus", true, csv);
    assertThat(preview.status()).as(preview.toString()).isEqualTo(200);
    JsonNode p = preview.json();
    assertThat(p.get("applied").asBoolean()).isFalse();
    assertThat(p.get("rows").asInt()).isEqualTo(5);
    assertThat(p.get("invalid").asInt()).isEqualTo(3);
    assertThat(actions(p)).containsExactly("UNCHANGED", "CREATE", "INVALID", "INVALID", "INVALID");
    assertThat(p.get("items").get(2).get("problems").get(0).asString())
        .contains("not a valid code");
    assertThat(p.get("items").get(3).get("problems").get(0).asString()).contains("earlier row");
    assertThat(p.get("items").get(4).get("problems").get(0).asString())
        .contains("not a multiple of casePack 12");
    assertThat(api.get("/api/v1/skus/" + fresh).status()).isEqualTo(404);

    // Applied with wrong rows: 422 naming them, and nothing written.
    Api.Response refused = post("skus", false, csv);
    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.json().get("detail").asString()).contains("3 of 5 rows are wrong");
    assertThat(refused.json().get("rows")).hasSize(3);
    assertThat(api.get("/api/v1/skus/" + fresh).status()).isEqualTo(404);

    String good =
        "sku,name,case_pack,pallet_quantity,lot_controlled\n"
            + existing
            + ",Renamed "
            + existing
            + ",6,60,\n"
            + fresh
            + ",\"Hinge, brass\",12,480,true\n";
    Api.Response applied = post("skus", false, good);
    assertThat(applied.status()).as(applied.toString()).isEqualTo(200);
    assertThat(applied.json().get("applied").asBoolean()).isTrue();
    assertThat(actions(applied.json())).containsExactly("UPDATE", "CREATE");
    JsonNode created = api.get("/api/v1/skus/" + fresh).json();
    assertThat(created.get("name").asString()).isEqualTo("Hinge, brass");
    assertThat(created.get("casePack").asInt()).isEqualTo(12);
    assertThat(created.get("palletQuantity").asInt()).isEqualTo(480);
    assertThat(created.get("lotControlled").asBoolean()).isTrue();
    assertThat(api.get("/api/v1/skus/" + existing).json().get("palletQuantity").asInt())
        .isEqualTo(60);
  }

  @Test
  void stock_counts_set_on_hand_with_cycle_count_adjustments_and_never_below_reserved() {
    String plain = sku("CNTP");
    String lots = sku("CNTL", Map.of("lotControlled", true));
    String loc = location(1);
    receive(plain, loc, 10);
    receive(lots, loc, "L-1", LocalDate.of(2030, 1, 1), 5);
    createOrder(order(plain, 4)); // 4 reserved

    String csv =
        "sku,location,lot,counted\n"
            + plain
            + ","
            + loc
            + ",,7\n" // 10 → 7 (4 reserved: fine)
            + lots
            + ","
            + loc
            + ",L-1,5\n" // unchanged
            + lots
            + ","
            + loc
            + ",L-2,3\n" // a lot found: +3
            + lots
            + ","
            + loc
            + ",,3\n" // lot missing
            + "NO-SUCH-"
            + plain
            + ","
            + loc
            + ",,1\n"
            + plain
            + ",NOWHERE,,1\n";
    JsonNode p = post("stock-counts", true, csv).json();
    assertThat(actions(p))
        .containsExactly("ADJUST", "UNCHANGED", "ADJUST", "INVALID", "INVALID", "INVALID");
    assertThat(p.get("items").get(0).get("change").asString()).isEqualTo("on hand 10 → 7 (-3)");
    assertThat(p.get("items").get(3).get("problems").get(0).asString()).contains("kept per lot");
    assertThat(stock(plain).get("onHand").asInt()).isEqualTo(10);

    Api.Response below =
        post("stock-counts", false, "sku,location,counted\n" + plain + "," + loc + ",3\n");
    assertThat(below.status()).isEqualTo(422);
    assertThat(below.json().get("rows").get(0).get("problems").get(0).asString())
        .contains("below the 4 units reserved");

    Api.Response applied =
        post(
            "stock-counts",
            false,
            "sku,location,lot,counted\n"
                + plain
                + ","
                + loc
                + ",,7\n"
                + lots
                + ","
                + loc
                + ",L-1,5\n"
                + lots
                + ","
                + loc
                + ",L-2,3\n");
    assertThat(applied.status()).as(applied.toString()).isEqualTo(200);
    assertThat(stock(plain).get("onHand").asInt()).isEqualTo(7);
    assertThat(stock(plain).get("reserved").asInt()).isEqualTo(4);
    assertThat(stock(lots).get("onHand").asInt()).isEqualTo(8);
    JsonNode movements = api.get("/api/v1/inventory/" + plain + "/movements").json().get("items");
    assertThat(movements.get(0).get("kind").asString()).isEqualTo("ADJUSTMENT");
    assertThat(movements.get(0).get("reason").asString()).startsWith("CYCLE_COUNT");
    assertStockInvariants(plain);
    assertStockInvariants(lots);
  }

  @Test
  void unreadable_or_empty_csv_and_a_key_without_inventory_write_are_refused() {
    Api.Response empty = post("skus", true, "sku,name\n");
    assertThat(empty.status()).isEqualTo(422);
    assertThat(empty.json().get("detail").asString()).contains("no data rows");
    Api.Response broken = post("skus", true, "sku,name\nA-1,\"unclosed\nA-2,x\n");
    assertThat(broken.status()).isEqualTo(422);
    assertThat(broken.json().get("detail").asString()).contains("could not be read");
    // An unknown import: the path has no handler (404), or reads as a SKU's stock (POST: 405).
    assertThat(post("nonsense", true, "sku\nA\n").status()).isIn(404, 405);

    String reader = apiKey(unique("ro"), "inventory:read");
    String code = unique("IMPR");
    Api.Response forbidden =
        api.as(reader)
            .with("Content-Type", "text/csv")
            .post("/api/v1/inventory/imports/skus", "sku,name\n" + code + ",x\n");
    assertThat(forbidden.status()).isEqualTo(403);
    assertThat(api.get("/api/v1/skus/" + code).status()).isEqualTo(404);
  }

  @Test
  void a_blank_cell_keeps_the_value_an_unknown_column_is_refused_and_rows_match_the_file() {
    String code = sku("IMPK", Map.of("casePack", 12, "palletQuantity", 480, "lotControlled", true));
    Api.Response renamed =
        post("skus", false, "sku,name,case_pack\n" + code + ",Renamed " + code + ",\n");
    assertThat(renamed.status()).as(renamed.toString()).isEqualTo(200);
    JsonNode kept = api.get("/api/v1/skus/" + code).json();
    assertThat(kept.get("name").asString()).isEqualTo("Renamed " + code);
    assertThat(kept.get("casePack").asInt()).isEqualTo(12);
    assertThat(kept.get("palletQuantity").asInt()).isEqualTo(480);
    assertThat(kept.get("lotControlled").asBoolean()).isTrue();

    Api.Response unknown = post("skus", true, "sku,name,casepak\n" + code + ",x,12\n");
    assertThat(unknown.status()).isEqualTo(422);
    assertThat(unknown.json().get("detail").asString())
        .contains("unknown column 'casepak'")
        .contains("case_pack");

    // Row numbers are the file's lines under the header, blank lines included.
    JsonNode numbered = post("skus", true, "sku,name\n" + code + ",a\n\n\nbad code!,b\n").json();
    assertThat(numbered.get("items").get(1).get("row").asInt()).isEqualTo(4);
  }

  @Test
  void a_count_dates_the_lot_it_finds_and_sets_on_hand_to_the_count() {
    String lots = sku("CNTE", Map.of("lotControlled", true));
    String loc = location(1);
    receive(lots, loc, "L-OLD", LocalDate.of(2030, 1, 1), 5);
    Api.Response wrongDate =
        post(
            "stock-counts",
            true,
            "sku,location,lot,counted,expires_on\n" + lots + "," + loc + ",L-OLD,5,2031-01-01\n");
    assertThat(wrongDate.json().get("items").get(0).get("problems").get(0).asString())
        .contains("expires on 2030-01-01");
    Api.Response found =
        post(
            "stock-counts",
            false,
            "sku,location,lot,counted,expires_on\n" + lots + "," + loc + ",L-NEW,4,2029-06-30\n");
    assertThat(found.status()).as(found.toString()).isEqualTo(200);
    JsonNode stock = stock(lots);
    assertThat(stock.get("onHand").asInt()).isEqualTo(9);
    assertThat(
            stock
                .get("lots")
                .valueStream()
                .filter(l -> "L-NEW".equals(l.get("lot").asString()))
                .findFirst()
                .orElseThrow()
                .get("expiresOn")
                .asString())
        .isEqualTo("2029-06-30");
    // A count of a SKU not kept per lot may not carry an expiry.
    String plain = sku("CNTQ");
    receive(plain, loc, 3);
    assertThat(
            post(
                    "stock-counts",
                    true,
                    "sku,location,counted,expires_on\n" + plain + "," + loc + ",3,2030-01-01\n")
                .json()
                .get("invalid")
                .asInt())
        .isEqualTo(1);
  }
}
