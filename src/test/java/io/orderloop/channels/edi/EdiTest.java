package io.orderloop.channels.edi;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.Api;
import io.orderloop.ApiTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import tools.jackson.databind.JsonNode;

/** What the EDI HTTP tests share: partners, posting X12, aliases and the documents record. */
abstract class EdiTest extends ApiTest {

  /** A partner whose sender is ZZ/{isaId}; answers its id. */
  String partner(String isaId, String version, List<Integer> outbound) {
    String id = unique("IR");
    Map<String, Object> body = new HashMap<>();
    body.put("name", "IRONRIDGE Construction");
    body.put("isaQualifier", "ZZ");
    body.put("isaId", isaId);
    body.put("gsId", isaId);
    body.put("version", version);
    body.put("outbound", outbound);
    body.put("location", location(1));
    body.put("paymentTerms", "NET_45");
    Api.Response put = api.put("/api/v1/channels/edi/partners/" + id, body);
    assertThat(put.status()).as(put.toString()).isEqualTo(201);
    return id;
  }

  static String isaId() {
    String id = unique("S").replaceAll("[^A-Za-z0-9]", "").toUpperCase(java.util.Locale.ROOT);
    return id.length() > 15 ? id.substring(id.length() - 15) : id;
  }

  Api.Response post(String x12) {
    return api.with("Content-Type", "application/edi-x12").send("POST", "/channels/edi/x12", x12);
  }

  void alias(String partner, String code, String sku) {
    Api.Response put =
        api.put("/api/v1/channels/edi:" + partner + "/sku-aliases/" + code, Map.of("sku", sku));
    assertThat(put.status()).as(put.toString()).isIn(200, 201);
  }

  List<JsonNode> documents(String query) {
    List<JsonNode> out = new ArrayList<>();
    api.get("/api/v1/channels/edi/documents?" + query).json().get("items").forEach(out::add);
    return out;
  }

  /**
   * Waits for the order's outbound documents of a type to be written; answers them, oldest first.
   */
  List<JsonNode> awaitSent(String orderId, String type, int count) {
    List<JsonNode> found = new ArrayList<>();
    Awaitility.await(count + " " + type + " written")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              found.clear();
              documents("direction=OUT&type=" + type + "&orderId=" + orderId).reversed().stream()
                  .filter(d -> !d.get("status").asString().equals("PENDING"))
                  .forEach(found::add);
              assertThat(found).as(found.toString()).hasSize(count);
            });
    for (JsonNode d : found) {
      assertThat(d.get("status").asString()).as(d.toString()).isEqualTo("SENT");
    }
    return found;
  }

  String raw(JsonNode document) {
    Api.Response raw =
        api.get("/api/v1/channels/edi/documents/" + document.get("id").asLong() + "/raw");
    assertThat(raw.status()).as(raw.toString()).isEqualTo(200);
    return raw.body();
  }

  static List<String> po(String po, String sku, int cases, String window) {
    return List.of(
        "BEG*00*SA*" + po + "**20260301",
        "CUR*BY*USD",
        "ITD*05*3****20260410*30",
        "DTM*064*" + window.substring(0, 8),
        "DTM*063*" + window.substring(9),
        "TD5****M*BEST WAY",
        "N1*BY*IRONRIDGE Construction",
        "N1*ST*IRONRIDGE Yard 4*92*Y4",
        "N3*1200 Quarry Road",
        "N4*Denver*CO*80216*US",
        "PO1*1*" + cases + "*CA*96.00**BP*IR-BRS-12*VN*" + sku,
        "PID*F****Brass fittings, 12 per case",
        "PO4*12",
        "CTT*1");
  }
}
