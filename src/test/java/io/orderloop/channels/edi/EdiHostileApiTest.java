package io.orderloop.channels.edi;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.Api;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * HTTP: hostile and broken X12 gets a 997 reject or a 4xx with a reason, never a 5xx, and leaves no
 * order behind; SDQ store distributions and lines mapped later.
 */
class EdiHostileApiTest extends EdiTest {

  private int orders(String partner) {
    return count("SELECT count(*) FROM orders WHERE external_id LIKE ?", partner + ":%");
  }

  @Test
  void broken_interchanges_are_refused_with_a_reason_and_take_nothing() {
    String isa = isaId();
    String partner = partner(isa, "004010", List.of());
    String sku = sku("HOST");
    alias(partner, sku, sku);
    String good =
        X12.interchange(
            "ZZ",
            isa,
            "ORDERLOOP",
            "11",
            "004010",
            List.of(po("PO-H1", sku, 1, "20260310-20260314")));

    // Truncated: cut in the middle of a segment.
    Api.Response truncated = post(good.substring(0, good.indexOf("PO1*") + 8));
    assertThat(truncated.status()).as(truncated.toString()).isEqualTo(400);
    assertThat(truncated.json().get("detail").asString()).contains("could not be read");

    // Binary garbage, and not X12 at all.
    byte[] noise = new byte[4096];
    new java.util.Random(7).nextBytes(noise);
    Api.Response garbage = post(new String(noise, java.nio.charset.StandardCharsets.ISO_8859_1));
    assertThat(garbage.status()).isEqualTo(400);
    assertThat(garbage.json().get("detail").asString()).isNotBlank();
    Api.Response text = post("Dear supplier, please send 24 cases of brass fittings. Regards.");
    assertThat(text.status()).isEqualTo(400);
    assertThat(text.json().get("detail").asString()).contains("ISA");

    // Wrong segment count in SE: the set is rejected (AK5 R 4).
    Api.Response count = post(good.replaceFirst("SE\\*16\\*", "SE*15*"));
    assertThat(count.status()).as(count.toString()).isEqualTo(200);
    assertThat(X12.readBack(count.body())).contains("AK5*R*4", "AK9*R*1*1*0");

    // Wrong transaction count in GE: the group is rejected (AK9 … 5).
    Api.Response group =
        post(
            X12.interchange(
                    "ZZ",
                    isa,
                    "ORDERLOOP",
                    "12",
                    "004010",
                    List.of(po("PO-H2", sku, 1, "20260310-20260314")))
                .replace("GE*1*12", "GE*2*12"));
    assertThat(X12.readBack(group.body()))
        .anySatisfy(s -> assertThat(s).startsWith("AK9*R*2*1*0*5"));

    // The trailer does not match the header: nothing is processed.
    Api.Response iea =
        post(
            X12.interchange(
                    "ZZ",
                    isa,
                    "ORDERLOOP",
                    "13",
                    "004010",
                    List.of(po("PO-H3", sku, 1, "20260310-20260314")))
                .replace("IEA*1*000000013", "IEA*1*000000099"));
    assertThat(iea.status()).as(iea.toString()).isEqualTo(422);
    assertThat(iea.json().get("detail").asString()).contains("IEA02");

    // An element too long (BEG03 over 22 characters): AK4 names it.
    List<String> longPo = new ArrayList<>(po("PO-H4", sku, 1, "20260310-20260314"));
    longPo.set(0, "BEG*00*SA*" + "P".repeat(40) + "**20260301");
    Api.Response overflow =
        post(X12.interchange("ZZ", isa, "ORDERLOOP", "14", "004010", List.of(longPo)));
    assertThat(X12.readBack(overflow.body()))
        .contains("AK3*BEG*2**8", "AK4*3*324*5*" + "P".repeat(40), "AK5*R*5");

    // Not addressed to us.
    Api.Response elsewhere =
        post(
            X12.interchange(
                "ZZ",
                isa,
                "SOMEONEELSE",
                "15",
                "004010",
                List.of(po("PO-H5", sku, 1, "20260310-20260314"))));
    assertThat(elsewhere.status()).isEqualTo(422);
    assertThat(elsewhere.json().get("detail").asString()).contains("SOMEONEELSE", "ORDERLOOP");

    assertThat(orders(partner)).isZero();
  }

  @Test
  void a_huge_body_is_refused_before_it_is_read_and_ten_thousand_lines_are_rejected() {
    String isa = isaId();
    String partner = partner(isa, "004010", List.of());
    Api.Response huge = post("ISA" + "*".repeat(20 * 1024 * 1024));
    assertThat(huge.status()).isEqualTo(413);
    assertThat(huge.json().get("detail").asString()).contains("max-interchange-size");
    // Past the general body limit (1MB) but within the interchange's: read, and refused as X12.
    Api.Response twoMb = post("ISA" + "*".repeat(2 * 1024 * 1024));
    assertThat(twoMb.status()).isEqualTo(400);

    List<String> lines = new ArrayList<>();
    lines.add("BEG*00*SA*PO-BIG**20260301");
    for (int i = 1; i <= 10_000; i++) {
      lines.add("PO1*" + i + "*1*EA*1.00**BP*X" + i);
    }
    lines.add("CTT*10000");
    Api.Response big =
        post(X12.interchange("ZZ", isa, "ORDERLOOP", "21", "004010", List.of(lines)));
    assertThat(big.status()).as(big.toString()).isEqualTo(200);
    assertThat(X12.readBack(big.body())).contains("AK3*PO1*503**4", "AK5*R*5");
    JsonNode doc = documents("type=850&partner=" + partner).getFirst();
    assertThat(doc.get("status").asString()).isEqualTo("REJECTED");
    assertThat(doc.get("detail").asString()).contains("10000 PO1 lines", "split");
    assertThat(orders(partner)).isZero();
  }

  @Test
  void store_distributions_make_one_order_per_store_the_rest_ships_to_the_dc_and_one_855() {
    String isa = isaId();
    String partner = partner(isa, "004010", List.of(855));
    Map<String, Object> settings = new java.util.HashMap<>();
    settings.put("name", "Retailer");
    settings.put("isaQualifier", "ZZ");
    settings.put("isaId", isa);
    settings.put("gsId", isa);
    settings.put("version", "004010");
    settings.put("outbound", List.of(855));
    settings.put("location", location(1));
    settings.put(
        "stores",
        Map.of(
            "0042",
            Map.of(
                "name",
                "Store 42",
                "line1",
                "42 Main St",
                "city",
                "Austin",
                "region",
                "TX",
                "postalCode",
                "78701",
                "country",
                "US")));
    assertThat(api.put("/api/v1/channels/edi/partners/" + partner, settings).status())
        .isEqualTo(200);
    String sku = sku("SDQ");
    String other = sku("SDQ2");
    alias(partner, sku, sku);
    Api.Response answer =
        post(
            X12.interchange(
                "ZZ",
                isa,
                "ORDERLOOP",
                "31",
                "004010",
                List.of(
                    List.of(
                        "BEG*00*SA*PO-SDQ**20260301",
                        "N1*ST*Retailer DC*92*DC1",
                        "N3*1 Dock Rd",
                        "N4*Dallas*TX*75201",
                        "PO1*1*12*EA*5.00**VN*" + sku,
                        "SDQ*EA*92*0042*6*0099*4",
                        "PO1*1*3*EA*2.00**VN*" + other,
                        "CTT*2"))));
    assertThat(X12.readBack(answer.body())).contains("AK5*A");
    JsonNode store42 = getOrder(find(partner + ":PO-SDQ:0042"));
    assertThat(store42.get("lines")).hasSize(1);
    assertThat(store42.get("lines").get(0).get("quantity").asInt()).isEqualTo(6);
    assertThat(store42.get("shipTo").get("city").asString()).isEqualTo("Austin");
    assertThat(store42.get("holds")).isEmpty();
    JsonNode store99 = getOrder(find(partner + ":PO-SDQ:0099"));
    assertThat(store99.get("lines").get(0).get("quantity").asInt()).isEqualTo(4);
    assertThat(store99.get("hold").get("kind").asString()).isEqualTo("CHANNEL_DATA");
    assertThat(store99.get("hold").get("reason").asString()).contains("'0099'", "stores");
    // What the stores leave of line 1, and line 2 (the same PO101, another line), go to the DC.
    JsonNode dc = getOrder(find(partner + ":PO-SDQ"));
    assertThat(dc.get("shipTo").get("city").asString()).isEqualTo("Dallas");
    assertThat(dc.get("lines")).hasSize(2);
    assertThat(dc.get("lines").get(0).get("sku").asString()).isEqualTo(sku);
    assertThat(dc.get("lines").get(0).get("quantity").asInt()).isEqualTo(2);
    assertThat(dc.get("lines").get(1).get("sku").asString()).isEqualTo(other);
    assertThat(dc.get("lines").get(1).get("quantity").asInt()).isEqualTo(3);
    // One 855 for the PO, over the three orders.
    List<String> ack = X12.readBack(raw(awaitSent(dc.get("id").asString(), "855", 1).getFirst()));
    assertThat(ack).contains("PO1*1*12*EA*5**VN*" + sku, "PO1*1*3*EA*2**VN*" + other, "CTT*2");
    assertThat(
            count(
                "SELECT count(*) FROM edi_documents WHERE partner_id = ? AND type = '855'",
                partner))
        .isEqualTo(1);

    // A distribution larger than the line is refused, naming the SDQ.
    Api.Response over =
        post(
            X12.interchange(
                "ZZ",
                isa,
                "ORDERLOOP",
                "32",
                "004010",
                List.of(
                    List.of(
                        "BEG*00*SA*PO-SDQ2**20260301",
                        "PO1*1*5*EA*5.00**VN*" + sku,
                        "SDQ*EA*92*0042*6",
                        "CTT*1"))));
    assertThat(X12.readBack(over.body())).contains("AK3*SDQ*4**8", "AK5*R*5");
  }

  @Test
  void test_interchanges_cancellations_and_a_reused_control_number() {
    String isa = isaId();
    String partner = partner(isa, "004010", List.of());
    String sku = sku("TEST");
    alias(partner, sku, sku);
    // ISA15 T: checked and acknowledged (in a test 997), not an order.
    Api.Response test =
        post(
            X12.interchange(
                    "ZZ",
                    isa,
                    "ORDERLOOP",
                    "61",
                    "004010",
                    List.of(po("PO-T1", sku, 1, "20260310-20260314")))
                .replace("*0*P*>", "*0*T*>"));
    List<String> ack = X12.readBack(test.body());
    assertThat(ack).contains("AK5*A");
    assertThat(ack.getFirst()).contains("*0*T*>");
    assertThat(documents("type=850&partner=" + partner).getFirst().get("status").asString())
        .isEqualTo("TEST");
    assertThat(count("SELECT count(*) FROM orders WHERE external_id = ?", partner + ":PO-T1"))
        .isZero();

    // BEG01 01: the buyer cancels a PO; no order is made from it.
    List<String> cancel = new ArrayList<>(po("PO-C1", sku, 1, "20260310-20260314"));
    cancel.set(0, "BEG*01*SA*PO-C1**20260301");
    Api.Response cancelled =
        post(X12.interchange("ZZ", isa, "ORDERLOOP", "62", "004010", List.of(cancel)));
    assertThat(X12.readBack(cancelled.body())).contains("AK5*A");
    JsonNode doc = documents("type=850&partner=" + partner).getFirst();
    assertThat(doc.get("status").asString()).isEqualTo("CANCELLATION_REQUESTED");
    assertThat(count("SELECT count(*) FROM orders WHERE external_id = ?", partner + ":PO-C1"))
        .isZero();

    // A translator that reuses ISA13 62 for a new PO: not answered with the old 997, the PO taken.
    Api.Response reused =
        post(
            X12.interchange(
                "ZZ",
                isa,
                "ORDERLOOP",
                "62",
                "004010",
                List.of(po("PO-R2", sku, 1, "20260310-20260314"))));
    assertThat(X12.readBack(reused.body())).contains("AK5*A");
    assertThat(count("SELECT count(*) FROM orders WHERE external_id = ?", partner + ":PO-R2"))
        .isEqualTo(1);
  }

  @Test
  void any_delimiters_a_bom_wrapped_lines_and_several_interchanges_in_one_body_are_read() {
    String isa = isaId();
    String partner = partner(isa, "004010", List.of());
    String sku = sku("DELIM");
    alias(partner, sku, sku);
    // Pipe elements, caret components, bare newline terminators; a BOM in front.
    String pipes =
        X12.interchange(
                "ZZ",
                isa,
                "ORDERLOOP",
                "81",
                "004010",
                List.of(po("PO-D1", sku, 1, "20260310-20260314")))
            .replace("*", "|")
            .replace("|P|>~", "|P|^~")
            .replace("~\n", "\n");
    // Hard-wrapped at 80 columns with CRLF, as a mailbox delivers it.
    String flat =
        X12.interchange(
                "ZZ",
                isa,
                "ORDERLOOP",
                "82",
                "004010",
                List.of(po("PO-D2", sku, 1, "20260310-20260314")))
            .replace("\n", "");
    StringBuilder wrapped = new StringBuilder();
    for (int i = 0; i < flat.length(); i += 80) {
      wrapped.append(flat, i, Math.min(flat.length(), i + 80)).append("\r\n");
    }
    String third =
        X12.interchange(
            "ZZ",
            isa,
            "ORDERLOOP",
            "83",
            "004010",
            List.of(po("PO-D3", sku, 1, "20260310-20260314")));
    Api.Response answer = post("\uFEFF" + pipes + wrapped + third);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    List<String> acks = X12.readBack(answer.body());
    assertThat(acks.stream().filter(x -> x.startsWith("ISA*")).count()).isEqualTo(3);
    assertThat(acks).contains("AK1*PO*81", "AK1*PO*82", "AK1*PO*83");
    assertThat(acks.stream().filter(x -> x.equals("AK9*A*1*1*1")).count()).isEqualTo(3);
    for (String po : List.of("PO-D1", "PO-D2", "PO-D3")) {
      assertThat(count("SELECT count(*) FROM orders WHERE external_id = ?", partner + ":" + po))
          .as(po)
          .isEqualTo(1);
    }
  }

  @Test
  void odd_values_neither_fail_nor_lose_a_line_and_a_recreated_partner_goes_on_counting() {
    String isa = isaId();
    String partner = partner(isa, "004010", List.of());
    String sku = sku("ODD");
    String other = sku("ODD2");
    alias(partner, sku, sku);
    alias(partner, other, other);
    // A discount percentage StAEDI's decimal check lets through; a ':' in the PO number; an SDQ PO
    // with a line whose quantity cannot be read.
    Api.Response answer =
        post(
            X12.interchange(
                "ZZ",
                isa,
                "ORDERLOOP",
                "91",
                "004010",
                List.of(
                    List.of(
                        "BEG*00*SA*PO:91**20260301",
                        "ITD*01*3*E1**10**30",
                        "N1*ST*DC*92*DC1",
                        "N3*1 Dock Rd",
                        "N4*Dallas*TX*75201",
                        "PO1*1*12*EA*5.00**VN*" + sku,
                        "SDQ*EA*92*0042*6",
                        "PO1*2**EA*2.00**VN*" + other,
                        "CTT*2"))));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    assertThat(X12.readBack(answer.body())).contains("AK5*A");
    JsonNode dc = getOrder(find(partner + ":PO%3A91"));
    assertThat(dc.get("b2b").get("buyerPo").asString()).isEqualTo("PO:91");
    assertThat(dc.get("b2b").get("paymentTerms").asString()).isEqualTo("NET_30");
    assertThat(dc.get("lines").get(0).get("quantity").asInt()).isEqualTo(6);
    JsonNode waiting = dc.get("channelOrder").get("pendingLines").get(0);
    assertThat(waiting.get("channelSku").asString()).isEqualTo("VN:" + other);
    assertThat(waiting.get("problem").asString()).isEqualTo("NOT_TAKEN");
    assertThat(
            getOrder(find(partner + ":PO%3A91:0042")).get("lines").get(0).get("quantity").asInt())
        .isEqualTo(6);

    // The partner removed and configured again: its control numbers go on, never repeat.
    String first = X12.readBack(answer.body()).getFirst();
    Map<String, Object> settings = new java.util.HashMap<>();
    settings.put("name", "Again");
    settings.put("isaQualifier", "ZZ");
    settings.put("isaId", isa);
    settings.put("gsId", isa);
    settings.put("version", "004010");
    settings.put("location", location(1));
    assertThat(api.delete("/api/v1/channels/edi/partners/" + partner).status()).isEqualTo(204);
    assertThat(api.put("/api/v1/channels/edi/partners/" + partner, settings).status())
        .isEqualTo(201);
    Api.Response again =
        post(
            X12.interchange(
                "ZZ",
                isa,
                "ORDERLOOP",
                "92",
                "004010",
                List.of(po("PO-92", sku, 1, "20260310-20260314"))));
    String second = X12.readBack(again.body()).getFirst();
    assertThat(first).contains("*000000001*");
    assertThat(second).contains("*000000002*");
  }

  @Test
  void missing_trailers_are_named_and_take_nothing() {
    String isa = isaId();
    String partner = partner(isa, "004010", List.of());
    String sku = sku("TRAIL");
    alias(partner, sku, sku);
    String x12 =
        X12.interchange(
            "ZZ",
            isa,
            "ORDERLOOP",
            "71",
            "004010",
            List.of(po("PO-M1", sku, 1, "20260310-20260314")));
    Api.Response noGe = post(x12.replace("GE*1*71~\n", ""));
    assertThat(noGe.status()).as(noGe.toString()).isIn(200, 400, 422);
    if (noGe.status() == 200) {
      assertThat(X12.readBack(noGe.body())).anySatisfy(s -> assertThat(s).startsWith("AK9*R"));
    }
    Api.Response noSe = post(x12.replaceFirst("SE\\*16\\*0001~\n", ""));
    assertThat(noSe.status()).as(noSe.toString()).isIn(200, 400, 422);
    if (noSe.status() == 200) {
      assertThat(X12.readBack(noSe.body())).anySatisfy(s -> assertThat(s).startsWith("AK5*R"));
    }
    assertThat(count("SELECT count(*) FROM orders WHERE external_id = ?", partner + ":PO-M1"))
        .isZero();
  }

  private String find(String externalId) {
    return jdbc.sql("SELECT id::text FROM orders WHERE channel = 'EDI' AND external_id = ?")
        .param(externalId)
        .query(String.class)
        .single();
  }

  @Test
  void a_line_with_an_unknown_product_waits_and_joins_when_aliased_with_a_new_855() {
    String isa = isaId();
    String partner = partner(isa, "004010", List.of(855));
    String sku = sku("LATE", Map.of("casePack", 12));
    receive(
        sku,
        api.get("/api/v1/channels/edi/partners/" + partner).json().get("location").asString(),
        240);
    Api.Response answer =
        post(
            X12.interchange(
                "ZZ",
                isa,
                "ORDERLOOP",
                "41",
                "004010",
                List.of(po("PO-LATE", "NOT-OURS", 2, "20260310-20260314"))));
    assertThat(X12.readBack(answer.body())).contains("AK5*A");
    String id = find(partner + ":PO-LATE");
    assertThat(getOrder(id).get("hold").get("kind").asString()).isEqualTo("UNMAPPED_SKU");
    List<String> first = X12.readBack(raw(awaitSent(id, "855", 1).getFirst()));
    assertThat(first).anySatisfy(s -> assertThat(s).startsWith("BAK*00*AC*PO-LATE"));
    assertThat(first).contains("ACK*IH*2*CA");

    Api.Response mapped =
        api.put("/api/v1/channels/edi:" + partner + "/sku-aliases/IR-BRS-12", Map.of("sku", sku));
    assertThat(mapped.header("Orderloop-Orders-Resolved")).isEqualTo("1");
    JsonNode order = getOrder(id);
    assertThat(order.get("lines").get(0).get("cases").asInt()).isEqualTo(2);
    assertThat(order.get("lines").get(0).get("quantity").asInt()).isEqualTo(24);
    List<String> second = X12.readBack(raw(awaitSent(id, "855", 2).get(1)));
    assertThat(second).anySatisfy(s -> assertThat(s).startsWith("BAK*05*AD*PO-LATE"));
    assertThat(second).contains("ACK*IA*2*CA");
  }

  @Test
  void a_case_pack_that_differs_from_ours_keeps_the_line_aside_with_the_reason() {
    String isa = isaId();
    String partner = partner(isa, "004010", List.of());
    String sku = sku("PACK", Map.of("casePack", 24));
    alias(partner, "BP:IR-BRS-12", sku);
    post(
        X12.interchange(
            "ZZ",
            isa,
            "ORDERLOOP",
            "51",
            "004010",
            List.of(po("PO-PACK", sku, 2, "20260310-20260314"))));
    JsonNode order = getOrder(find(partner + ":PO-PACK"));
    JsonNode waiting = order.get("channelOrder").get("pendingLines").get(0);
    assertThat(waiting.get("problem").asString()).isEqualTo("NOT_TAKEN");
    assertThat(waiting.get("detail").asString()).contains("case pack is 12", "24 to a case");
    assertThat(order.get("hold").get("kind").asString()).isEqualTo("CHANNEL_DATA");
  }
}
