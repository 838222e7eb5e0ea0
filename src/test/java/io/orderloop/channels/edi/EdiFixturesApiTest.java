package io.orderloop.channels.edi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.orderloop.Api;
import io.orderloop.ApiTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * HTTP: real-world X12 (the fixtures in {@code src/test/resources/fixtures/x12}, byte for byte) is
 * taken as orders or refused with a precise reason, never a 5xx.
 */
class EdiFixturesApiTest extends ApiTest {

  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  static byte[] fixture(String name) {
    try (InputStream in = EdiFixturesApiTest.class.getResourceAsStream("/fixtures/x12/" + name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Posts raw bytes, untouched (the Api helper sends text). */
  Api.Response post(byte[] body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/channels/edi/x12"))
            .header("Authorization", "Bearer " + ADMIN_KEY)
            .header("Content-Type", "application/edi-x12")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    try {
      HttpResponse<String> r =
          CLIENT.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1));
      return new Api.Response(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Configures (or reconfigures) the partner sending as {@code qualifier/id} to us as {@code ours}.
   */
  String partner(String qualifier, String id, String ourQualifier, String ours, String version) {
    return partner(qualifier, id, ourQualifier, ours, version, List.of());
  }

  String partner(
      String qualifier,
      String id,
      String ourQualifier,
      String ours,
      String version,
      List<Integer> outbound) {
    String partnerId = "FX-" + (qualifier + id).replaceAll("[^A-Za-z0-9]", "");
    Map<String, Object> body = new HashMap<>();
    body.put("name", "Fixture sender " + id);
    body.put("isaQualifier", qualifier);
    body.put("isaId", id);
    body.put("gsId", "FIXTURE");
    body.put("version", version);
    body.put("outbound", outbound);
    // Several of the public samples are marked test (ISA15 T); these partners take them as orders.
    body.put("takeTestInterchanges", true);
    body.put("location", location(1));
    body.put("ourIsaQualifier", ourQualifier);
    body.put("ourIsaId", ours);
    Api.Response put = api.put("/api/v1/channels/edi/partners/" + partnerId, body);
    assertThat(put.status()).as(put.toString()).isIn(200, 201);
    return partnerId;
  }

  JsonNode orderOf(String partnerId, String po) {
    JsonNode items =
        api.get("/api/v1/channels/edi/documents?type=850&direction=IN&partner=" + partnerId)
            .json()
            .get("items");
    for (JsonNode d : items) {
      if (po.equals(d.get("reference").asString()) && !d.get("orderId").isNull()) {
        return getOrder(d.get("orderId").asString());
      }
    }
    throw new AssertionError("no order for PO " + po + " in " + items);
  }

  @Test
  void a_vics_retail_po_with_packs_and_discount_terms_becomes_an_order() {
    String partner = partner("12", "4405197800", "01", "999999999", "004010", List.of(855));
    Map<String, String> skus = new LinkedHashMap<>();
    for (String vn : List.of("AB3542", "RD5322", "XY5266", "VX2332", "RV0524", "DX1875")) {
      String sku = sku("W" + vn);
      skus.put(vn, sku);
      Api.Response alias =
          api.put("/api/v1/channels/edi:" + partner + "/sku-aliases/VN:" + vn, Map.of("sku", sku));
      assertThat(alias.status()).isIn(200, 201);
    }
    Api.Response answer = post(fixture("850_004010VICS_node-x12_multi-line-po4-itd.edi"));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    List<String> ack = X12.readBack(answer.body());
    assertThat(ack).contains("AK1*PO*1421", "AK2*850*000000010", "AK5*A", "AK9*A*1*1*1");
    assertThat(ack.getFirst()).contains("*01*999999999      *12*4405197800     *");

    JsonNode order = orderOf(partner, "08292233294");
    assertThat(order.get("lines")).hasSize(6);
    assertThat(order.get("lines").get(0).get("sku").asString()).isEqualTo(skus.get("AB3542"));
    assertThat(order.get("lines").get(0).get("quantity").asInt()).isEqualTo(120);
    assertThat(order.get("lines").get(5).get("quantity").asInt()).isEqualTo(696);
    assertThat(order.get("lines").get(5).get("unitPrice").asString()).isEqualTo("9.55");
    assertThat(order.get("b2b").get("paymentTerms").asString()).isEqualTo("NET_46");
    assertThat(order.get("b2b").get("deliveryWindow").get("from").asString())
        .isEqualTo("2010-12-14");
    assertThat(order.get("shipTo").get("line1").asString()).isEqualTo("31875 SOLON RD");
    assertThat(order.get("shipTo").get("region").asString()).isEqualTo("OH");
    assertThat(order.get("notes").asString())
        .contains(
            "2 % discount within 45 days, net 46",
            "routing: P3 SEE XYZ RETAIL ROUTING GUIDE", "reference DP 038");

    // The 855 echoes the buyer's lines: their ids, units and prices.
    String id = order.get("id").asString();
    org.awaitility.Awaitility.await("the 855 written")
        .atMost(java.time.Duration.ofSeconds(20))
        .until(
            () ->
                api.get("/api/v1/channels/edi/documents?type=855&orderId=" + id)
                    .json()
                    .get("items")
                    .toString()
                    .contains("\"SENT\""));
    JsonNode ack855 =
        api.get("/api/v1/channels/edi/documents?type=855&orderId=" + id).json().get("items").get(0);
    List<String> poAck =
        X12.readBack(
            api.get("/api/v1/channels/edi/documents/" + ack855.get("id").asLong() + "/raw").body());
    assertThat(poAck)
        .contains(
            "PO1*1*120*EA*9.25**CB*065322-117*PR*RO*VN*AB3542",
            "PO1*6*696*EA*9.55**CB*067504-118*PR*RO*VN*DX1875",
            "CTT*6");
    assertThat(poAck.stream().filter(x -> x.startsWith("ACK*")).count()).isEqualTo(6);
  }

  @Test
  void a_newline_terminated_po_with_a_unit_we_do_not_sell_in_waits_for_a_person() {
    String partner = partner("12", "0000000000", "12", "0000000000", "004010");
    Api.Response answer = post(fixture("850_004010_node-x12_newline-terminator-n9-msg.edi"));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    assertThat(X12.readBack(answer.body())).contains("AK5*A", "AK9*A*1*1*1");
    JsonNode order = orderOf(partner, "----------");
    assertThat(order.get("lines")).isEmpty();
    assertThat(order.get("hold").get("kind").asString()).isEqualTo("CHANNEL_DATA");
    JsonNode waiting = order.get("channelOrder").get("pendingLines").get(0);
    assertThat(waiting.get("problem").asString()).isEqualTo("NOT_TAKEN");
    assertThat(waiting.get("detail").asString()).contains("unit 'KI'");
    assertThat(waiting.get("channelSku").asString()).isEqualTo("VN:UNKNOWN");
    assertThat(waiting.get("quantity").asString()).isEqualTo("1");
    assertThat(order.get("notes").asString()).contains("message: 000000000001010700 BUYER");
    assertThat(order.get("shipTo").get("city").asString()).isEqualTo("SAN DIEGO");
  }

  @Test
  void the_005010_drop_ship_po_is_taken_and_answered_in_005010() {
    String partner = partner("ZZ", "THISISME", "14", "ANOTHERMERCH", "005010");
    String anvil = sku("ANVIL");
    String detonator = sku("DETONATOR");
    api.put("/api/v1/channels/edi:" + partner + "/sku-aliases/VC:VND1234567", Map.of("sku", anvil));
    api.put(
        "/api/v1/channels/edi:" + partner + "/sku-aliases/VND000111222", Map.of("sku", detonator));
    Api.Response answer =
        post(fixture("850_005010_stedi_readme-generated_dropship_vc-sk_per_amt.edi"));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    List<String> ack = X12.readBack(answer.body());
    assertThat(ack).contains("AK1*PO*000000005", "AK5*A");
    assertThat(ack.getFirst()).contains("*^*00501*");
    JsonNode order = orderOf(partner, "365465413");
    assertThat(order.get("lines").get(0).get("sku").asString()).isEqualTo(anvil);
    assertThat(order.get("lines").get(0).get("quantity").asInt()).isEqualTo(8);
    assertThat(order.get("lines").get(1).get("sku").asString()).isEqualTo(detonator);
    assertThat(order.get("lines").get(1).get("quantity").asInt()).isEqualTo(4);
    assertThat(order.get("shipTo").get("name").asString()).isEqualTo("Wile E Coyote");
    assertThat(order.get("b2b").get("paymentTerms").isNull()).isTrue();
    assertThat(order.get("customer").get("email").asString()).isEqualTo("marvin@acme.com");

    // The buyer asks to be forgotten: the kept X12 no longer names them, and still reads.
    Api.Response erased = api.post("/api/v1/customers/erasure", Map.of("email", "marvin@acme.com"));
    assertThat(erased.status()).as(erased.toString()).isEqualTo(200);
    JsonNode doc =
        api.get("/api/v1/channels/edi/documents?type=850&partner=" + partner)
            .json()
            .get("items")
            .get(0);
    String kept =
        api.get("/api/v1/channels/edi/documents/" + doc.get("id").asLong() + "/raw").body();
    assertThat(kept).doesNotContain("Wile E Coyote", "111 Canyon Court", "marvin@acme.com");
    assertThat(kept).contains("PO1*item-1*0008*EA*400", "[erased]");
  }

  @Test
  void a_composite_element_in_an_unmapped_segment_is_read() {
    String partner = partner("ZZ", "ABCDEFGHIJKLMNO", "ZZ", "123456789012345", "004010");
    Api.Response answer =
        post(fixture("850_004010_ediengine_composite-uom-in-sln_newline-terminator.edi"));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    assertThat(X12.readBack(answer.body())).contains("AK5*A", "AK9*A*1*1*1");
    assertThat(orderOf(partner, "08292233294").get("channelOrder").get("pendingLines")).hasSize(2);
  }

  @Test
  void groups_we_do_not_take_are_rejected_each_with_its_reason() {
    partner("ZZ", "SENDERISA", "ZZ", "RECEIVERISA", "004010");
    Api.Response answer = post(fixture("810-850_mixed-004010-003010_staedi_dual-group.edi"));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    List<String> ack = X12.readBack(answer.body());
    assertThat(ack).contains("AK1*IN*1", "AK9*R*2*2*0*1", "AK1*PO*165", "AK9*R*1*1*0*2");
    assertThat(count("SELECT count(*) FROM orders WHERE external_id LIKE 'FX-ZZSENDERISA:%'"))
        .isZero();
  }

  @Test
  void dirty_interchanges_are_refused_naming_where_and_take_nothing() {
    partner("01", "049351117", "ZZ", "BARSAN", "004010");
    Api.Response noIsa16 =
        post(
            fixture(
                "850_004010_edinet_dirty_line-level-dtm-002-038_po4_missing-isa16_dup-st02_missing-terminator.edi"));
    assertThat(noIsa16.status()).as(noIsa16.toString()).isEqualTo(400);
    assertThat(noIsa16.json().get("detail").asString()).contains("IEA");
    assertThat(count("SELECT count(*) FROM orders WHERE external_id LIKE 'FX-01049351117:%'"))
        .isZero();

    Api.Response nbsp =
        post(
            fixture(
                "850_004010_edinet_dirty_bom-nbsp-tabs_iea02-mismatch_bp-vn_dtm-018-067_n1-st-bt-by-su_itd-net60.edi"));
    assertThat(nbsp.status()).as(nbsp.toString()).isEqualTo(400);
    assertThat(nbsp.json().get("detail").asString()).contains("offset");
    JsonNode kept =
        api.get("/api/v1/channels/edi/interchanges?status=UNREADABLE").json().get("items");
    assertThat(kept.size()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void a_partners_997_for_something_we_never_sent_matches_nothing() {
    partner("ZZ", "ReceiverID", "ZZ", "Sender", "005010");
    byte[] ack = fixture("997_005010_staedi_rejected-837.edi");
    String head = new String(ack, 0, 106, StandardCharsets.ISO_8859_1);
    assumeTrue(head.contains("ReceiverID"), "fixture sender as expected: " + head);
    Api.Response answer = post(ack);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(204);
    JsonNode latest =
        api.get("/api/v1/channels/edi/interchanges?partner=FX-ZZReceiverID").json().get("items");
    assertThat(latest.get(0).get("status").asString()).isEqualTo("PROCESSED");
    assertThat(latest.get(0).get("detail").asString()).contains("0 matched");
  }

  /**
   * The GPL sample files of the fixture collection, read in place (never copied): each is taken or
   * refused with a reason, never a 5xx, and every 997 reads back clean. Skipped where the
   * collection is not beside the project.
   */
  @Test
  void reference_only_samples_are_taken_or_refused_never_a_server_error() throws IOException {
    Path folder = Path.of("..", "shared", "fixtures", "reference-only", "x12");
    assumeTrue(
        Files.isDirectory(folder), "no reference-only fixtures at " + folder.toAbsolutePath());
    List<Path> files;
    try (Stream<Path> list = Files.list(folder)) {
      files = list.filter(p -> p.getFileName().toString().startsWith("850")).sorted().toList();
    }
    List<String> outcomes = new ArrayList<>();
    for (Path f : files) {
      byte[] body = Files.readAllBytes(f);
      List<X12Reader.Interchange> read;
      try {
        read = X12Reader.read(body);
      } catch (X12Reader.Unreadable e) {
        Api.Response refused = post(body);
        assertThat(refused.status()).as(f + ": " + refused).isEqualTo(400);
        outcomes.add(f.getFileName() + " → 400");
        continue;
      }
      Map<String, String> receivers = new HashMap<>();
      boolean consistent = true;
      for (X12Reader.Interchange i : read) {
        String sender = i.senderQualifier + "/" + i.senderId;
        consistent &= receivers.getOrDefault(sender, i.receiverId).equals(i.receiverId);
        receivers.put(sender, i.receiverId);
        partner(i.senderQualifier, i.senderId, i.receiverQualifier, i.receiverId, "004010");
      }
      if (!consistent) {
        continue;
      }
      Api.Response answer = post(body);
      assertThat(answer.status()).as(f + ": " + answer).isIn(200, 400, 422);
      if (answer.status() == 200) {
        List<String> ack = X12.readBack(answer.body());
        String report =
            api.get("/api/v1/channels/edi/interchanges?limit=1")
                .json()
                .get("items")
                .get(0)
                .get("detail")
                .asString();
        outcomes.add(
            f.getFileName()
                + " → "
                + ack.stream().filter(s -> s.startsWith("AK9")).toList()
                + (report.contains("rejected") || report.contains("partially")
                    ? "\n" + report
                    : ""));
      } else {
        outcomes.add(f.getFileName() + " → " + answer.status());
      }
    }
    assertThat(outcomes).hasSizeGreaterThanOrEqualTo(10);
    System.out.println("reference-only samples:\n  " + String.join("\n  ", outcomes));
  }
}
