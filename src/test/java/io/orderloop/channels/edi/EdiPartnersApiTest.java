package io.orderloop.channels.edi;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.Api;
import io.orderloop.ApiTest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** HTTP: EDI trading partners are configured by an admin; a sender belongs to one partner. */
class EdiPartnersApiTest extends ApiTest {

  private Map<String, Object> ironridge(String location, String isaId) {
    Map<String, Object> body = new HashMap<>();
    body.put("name", "IRONRIDGE Construction");
    body.put("isaQualifier", "ZZ");
    body.put("isaId", isaId);
    body.put("gsId", "IRONRIDGE");
    body.put("version", "004010");
    body.put("outbound", List.of(855, 856, 810));
    body.put("location", location);
    body.put("paymentTerms", "NET_30");
    return body;
  }

  @Test
  void a_partner_is_configured_listed_and_removed() {
    String location = location(1);
    String id = unique("IR");
    String isaId = unique("IR").substring(0, 11);
    Api.Response created =
        api.put("/api/v1/channels/edi/partners/" + id, ironridge(location, isaId));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    JsonNode p = created.json();
    assertThat(p.get("isaId").asString()).isEqualTo(isaId);
    assertThat(p.get("outbound").toString()).isEqualTo("[810,855,856]");
    assertThat(p.get("delimiters").get("element").asString()).isEqualTo("*");
    assertThat(p.get("ourIsaId").isNull()).isTrue();

    Map<String, Object> changed = ironridge(location, isaId);
    changed.put("outbound", List.of(856));
    changed.put(
        "delimiters",
        Map.of("element", "|", "component", "^", "segment", "newline", "repetition", "{"));
    changed.put("ourIsaId", "LUMBERCRAFT");
    Api.Response updated = api.put("/api/v1/channels/edi/partners/" + id, changed);
    assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
    assertThat(updated.json().get("outbound").toString()).isEqualTo("[856]");
    assertThat(updated.json().get("delimiters").get("segment").asString()).isEqualTo("newline");
    assertThat(api.get("/api/v1/channels/edi/partners").json().get("items").toString())
        .contains(id);
    assertThat(api.get("/api/v1/channels/edi/partners/" + id).json().get("ourIsaId").asString())
        .isEqualTo("LUMBERCRAFT");

    // The same sender cannot be a second partner: an interchange is matched by its sender.
    Api.Response taken =
        api.put("/api/v1/channels/edi/partners/" + unique("OTHER"), ironridge(location, isaId));
    assertThat(taken.status()).isEqualTo(409);
    assertThat(taken.json().get("detail").asString()).contains(id);

    assertThat(api.delete("/api/v1/channels/edi/partners/" + id).status()).isEqualTo(204);
    assertThat(api.get("/api/v1/channels/edi/partners/" + id).status()).isEqualTo(404);
  }

  @Test
  void bad_settings_are_refused_naming_the_field() {
    String location = location(1);
    String id = unique("BAD");
    Map<String, Map<String, Object>> cases = new HashMap<>();
    Map<String, Object> version = ironridge(location, "BADV");
    version.put("version", "003050");
    cases.put("version", version);
    Map<String, Object> outbound = ironridge(location, "BADO");
    outbound.put("outbound", List.of(850));
    cases.put("outbound", outbound);
    Map<String, Object> qualifier = ironridge(location, "BADQ");
    qualifier.put("isaQualifier", "Z");
    cases.put("isaQualifier", qualifier);
    Map<String, Object> isaId = ironridge(location, "X".repeat(16));
    cases.put("isaId", isaId);
    Map<String, Object> where = ironridge("NOWHERE-" + id, "BADL");
    cases.put("location", where);
    Map<String, Object> delimiters = ironridge(location, "BADD");
    delimiters.put(
        "delimiters", Map.of("element", "*", "component", "*", "segment", "~", "repetition", "^"));
    cases.put("delimiters.component", delimiters);
    Map<String, Object> terms = ironridge(location, "BADT");
    terms.put("paymentTerms", "soon");
    Map<String, Object> clash = ironridge(location, "ACME-WEST");
    clash.put(
        "delimiters", Map.of("element", "*", "component", "-", "segment", "~", "repetition", "^"));
    cases.put("delimiters", clash);
    Map<String, Object> euro = ironridge(location, "BADE");
    euro.put(
        "delimiters",
        Map.of("element", "\u20ac", "component", ">", "segment", "~", "repetition", "^"));
    cases.put("delimiters.element", euro);
    Map<String, Object> nullDoc = ironridge(location, "BADN");
    nullDoc.put("outbound", java.util.Arrays.asList(855, null));
    cases.put("paymentTerms", terms);
    cases.forEach(
        (field, body) -> {
          Api.Response r = api.put("/api/v1/channels/edi/partners/" + id, body);
          assertThat(r.status()).as(field + ": " + r).isEqualTo(422);
          assertThat(r.body()).as(field).contains(field);
        });
    Api.Response nullOutbound = api.put("/api/v1/channels/edi/partners/" + id, nullDoc);
    assertThat(nullOutbound.status()).as(nullOutbound.toString()).isIn(400, 422);
    assertThat(nullOutbound.body()).contains("outbound");
    assertThat(api.get("/api/v1/channels/edi/partners/" + id).status()).isEqualTo(404);
    assertThat(
            api.put("/api/v1/channels/edi/partners/has%20space", ironridge(location, "SP"))
                .status())
        .isIn(400, 422);
  }
}
