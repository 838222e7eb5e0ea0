package io.orderloop.channels.edi;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.Api;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** HTTP: X12 850s in, 997s back, 855/856/810 out, per trading partner. */
class EdiApiTest extends EdiTest {

  @Test
  void ironridge_po_becomes_an_allocated_b2b_order_acknowledged_shipped_invoiced_and_closed() {
    String isa = isaId();
    String partner = partner(isa, "004010", List.of(855, 856, 810));
    String sku = sku("BRS", Map.of("casePack", 12));
    alias(partner, "BP:IR-BRS-12", sku);
    String location =
        api.get("/api/v1/channels/edi/partners/" + partner).json().get("location").asString();
    receive(sku, location, 288);

    String x12 =
        X12.interchange(
            "ZZ",
            isa,
            "ORDERLOOP",
            "000000101",
            "004010",
            List.of(po("PO-IR-2026-0089", sku, 24, "20260310-20260314")));
    Api.Response answer = post(x12);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    assertThat(answer.header("Content-Type")).startsWith("application/edi-x12");
    List<String> ack = X12.readBack(answer.body());
    assertThat(ack).contains("AK1*PO*101", "AK2*850*0001", "AK5*A", "AK9*A*1*1*1");
    assertThat(ack.getFirst()).contains("*ZZ*ORDERLOOP      *ZZ*" + String.format("%-15s", isa));

    JsonNode order = api.get("/api/v1/orders?q=PO-IR-2026-0089").json().get("items").get(0);
    String id = order.get("id").asString();
    order = getOrder(id);
    assertThat(order.get("channel").asString()).isEqualTo("EDI");
    assertThat(order.get("externalId").asString()).isEqualTo(partner + ":PO-IR-2026-0089");
    assertThat(order.get("type").asString()).isEqualTo("B2B");
    assertThat(order.get("state").asString()).isEqualTo("ALLOCATED");
    JsonNode line = order.get("lines").get(0);
    assertThat(line.get("sku").asString()).isEqualTo(sku);
    assertThat(line.get("quantity").asInt()).isEqualTo(288);
    assertThat(line.get("unitOfMeasure").asString()).isEqualTo("CASE");
    assertThat(line.get("cases").asInt()).isEqualTo(24);
    assertThat(line.get("unitPrice").asString()).isEqualTo("96.00");
    JsonNode b2b = order.get("b2b");
    assertThat(b2b.get("buyerPo").asString()).isEqualTo("PO-IR-2026-0089");
    assertThat(b2b.get("paymentTerms").asString()).isEqualTo("NET_30");
    assertThat(b2b.get("deliveryWindow").get("from").asString()).isEqualTo("2026-03-10");
    assertThat(b2b.get("deliveryWindow").get("to").asString()).isEqualTo("2026-03-14");
    assertThat(order.get("shipTo").get("city").asString()).isEqualTo("Denver");
    assertThat(order.get("customer").get("name").asString()).isEqualTo("IRONRIDGE Construction");
    assertThat(order.get("notes").asString()).contains("routing: M BEST WAY");

    JsonNode in = documents("direction=IN&orderId=" + id).getFirst();
    assertThat(in.get("type").asString()).isEqualTo("850");
    assertThat(in.get("status").asString()).isEqualTo("ACCEPTED");
    assertThat(in.get("reference").asString()).isEqualTo("PO-IR-2026-0089");

    List<String> poAck = X12.readBack(raw(awaitSent(id, "855", 1).getFirst()));
    assertThat(poAck)
        .anySatisfy(s -> assertThat(s).startsWith("BAK*00*AD*PO-IR-2026-0089*20260301"))
        .contains("PO1*1*24*CA*96.00**BP*IR-BRS-12*VN*" + sku, "ACK*IA*24*CA", "CTT*1");
    assertThat(poAck.stream().filter(s -> s.startsWith("GS*")).findFirst().orElseThrow())
        .startsWith("GS*PR*ORDERLOOP*" + isa);

    // Released to the warehouse; a partial shipment: 12 cases, then the other 12.
    transition(id, "FULFILLMENT_QUEUED");
    String[] shipments = new String[2];
    for (int n = 0; n < 2; n++) {
      Api.Response shipped =
          api.post(
              "/api/v1/orders/" + id + "/shipments",
              Map.of(
                  "carrier",
                  "UPS",
                  "trackingNumber",
                  "1ZIR000" + n,
                  "lines",
                  List.of(Map.of("sku", sku, "quantity", 144))));
      assertThat(shipped.status()).as(shipped.toString()).isEqualTo(201);
      shipments[n] = shipped.json().get("id").asString();
      List<JsonNode> notices = awaitSent(id, "856", n + 1);
      List<String> asn = X12.readBack(raw(notices.get(n)));
      assertThat(asn)
          .contains(
              "HL*1**S",
              "TD5**2*UPS**UPS",
              "REF*CN*1ZIR000" + n,
              "HL*2*1*O",
              "PRF*PO-IR-2026-0089***20260301",
              "SN1*1*12*CA",
              "PO4*12");
      String bsn = "BSN*00*" + shipments[n].replace("-", "").substring(0, 30) + "*";
      assertThat(asn).anySatisfy(s -> assertThat(s).startsWith(bsn));
      assertThat(asn).anySatisfy(s -> assertThat(s).startsWith("LIN*1*BP*IR-BRS-12"));
      List<JsonNode> invoices = awaitSent(id, "810", n + 1);
      List<String> inv = X12.readBack(raw(invoices.get(n)));
      JsonNode invoice = api.get("/api/v1/orders/" + id + "/invoices").json().get("items").get(n);
      String big = invoice.get("number").asString() + "*20260301*PO-IR-2026-0089";
      String due = invoice.get("dueOn").asString().replace("-", "") + "*30";
      assertThat(inv)
          .contains(
              "IT1*1*12*CA*96**BP*IR-BRS-12*VN*" + sku,
              "TDS*"
                  + new java.math.BigDecimal(invoice.get("total").asString())
                      .movePointRight(2)
                      .toBigInteger(),
              "CTT*1");
      assertThat(inv).anySatisfy(s -> assertThat(s).startsWith("BIG*").contains(big));
      assertThat(inv).anySatisfy(s -> assertThat(s).startsWith("ITD*05*3****").contains(due));
    }
    for (String s : shipments) {
      assertThat(api.post("/api/v1/shipments/" + s + "/delivery", Map.of()).status())
          .isEqualTo(200);
    }
    assertThat(getOrder(id).get("state").asString()).isEqualTo("CLOSED");

    // Control numbers never repeat for the partner: 997, 855, two 856s, two 810s.
    List<String> controls =
        documents("direction=OUT&partner=" + partner).stream()
            .map(d -> d.get("interchangeControl").asString())
            .distinct()
            .toList();
    assertThat(controls).hasSize(6);

    // The partner's 997 accepts our 855.
    JsonNode ours = awaitSent(id, "855", 1).getFirst();
    String group = ours.get("groupControl").asString();
    Api.Response acked =
        post(
            X12.interchange(
                "ZZ",
                isa,
                "ORDERLOOP",
                "000000102",
                "004010",
                "FA",
                List.of(
                    List.of(
                        "#997",
                        "AK1*PR*" + group,
                        "AK2*855*" + ours.get("controlNumber").asString(),
                        "AK5*A",
                        "AK9*A*1*1*1"))));
    assertThat(acked.status()).as(acked.toString()).isEqualTo(204);
    JsonNode after = api.get("/api/v1/channels/edi/documents/" + ours.get("id").asLong()).json();
    assertThat(after.get("status").asString()).isEqualTo("ACCEPTED");
    assertThat(after.get("acknowledgedAt").isNull()).isFalse();
    assertReconciliationClean();
  }

  @Test
  void a_resent_po_makes_no_second_order_and_a_changed_resend_is_reported_not_applied() {
    String isa = isaId();
    String partner = partner(isa, "005010", List.of());
    String sku = sku("RES", Map.of("casePack", 12));
    alias(partner, sku, sku);
    String x12 =
        X12.interchange(
            "ZZ",
            isa,
            "ORDERLOOP",
            "7",
            "005010",
            List.of(po("PO-R1", sku, 2, "20260310-20260314")));
    Api.Response first = post(x12);
    assertThat(first.status()).as(first.toString()).isEqualTo(200);

    // The same interchange again: its first 997, nothing taken again.
    Api.Response again = post(x12);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body()).isEqualTo(first.body());
    JsonNode interchanges =
        api.get("/api/v1/channels/edi/interchanges?partner=" + partner).json().get("items");
    assertThat(interchanges.get(0).get("status").asString()).isEqualTo("DUPLICATE");

    // The same PO in a new interchange: accepted, no second order.
    Api.Response resent =
        post(
            X12.interchange(
                "ZZ",
                isa,
                "ORDERLOOP",
                "8",
                "005010",
                List.of(po("PO-R1", sku, 2, "20260310-20260314"))));
    assertThat(X12.readBack(resent.body())).contains("AK5*A");
    // Changed: 3 cases now.
    Api.Response changed =
        post(
            X12.interchange(
                "ZZ",
                isa,
                "ORDERLOOP",
                "9",
                "005010",
                List.of(po("PO-R1", sku, 3, "20260310-20260314"))));
    assertThat(X12.readBack(changed.body())).contains("AK5*A");
    assertThat(
            count(
                "SELECT count(*) FROM orders WHERE channel = 'EDI' AND external_id = ?",
                partner + ":PO-R1"))
        .isEqualTo(1);
    List<JsonNode> docs = documents("direction=IN&type=850&partner=" + partner);
    assertThat(docs.stream().map(d -> d.get("status").asString()).toList())
        .containsExactly("CHANGED_RESEND", "DUPLICATE", "ACCEPTED");
    assertThat(docs.getFirst().get("detail").asString()).contains("not applied");
    String orderId = docs.getLast().get("orderId").asString();
    assertThat(getOrder(orderId).get("lines").get(0).get("cases").asInt()).isEqualTo(2);
  }

  @Test
  void an_unknown_sender_is_refused_kept_and_never_an_order() {
    String isa = isaId();
    Api.Response refused =
        post(
            X12.interchange(
                "01",
                isa,
                "ORDERLOOP",
                "1",
                "004010",
                List.of(po("PO-UNKNOWN-" + isa, "X", 1, "20260310-20260314"))));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().get("detail").asString())
        .contains("'" + isa + "'", "qualifier 01", "kept");
    JsonNode kept =
        api.get("/api/v1/channels/edi/interchanges?status=UNKNOWN_SENDER").json().get("items");
    assertThat(kept.toString()).contains(isa);
    assertThat(count("SELECT count(*) FROM orders WHERE external_id LIKE ?", "%PO-UNKNOWN-" + isa))
        .isZero();

    // A key without edi:write cannot post X12.
    String key = apiKey(unique("reader"), "orders:read");
    Api.Response forbidden =
        api.as(key)
            .with("Content-Type", "application/edi-x12")
            .send("POST", "/channels/edi/x12", "ISA");
    assertThat(forbidden.status()).isEqualTo(403);
    assertThat(forbidden.json().get("detail").asString()).contains("edi:write");
  }
}
