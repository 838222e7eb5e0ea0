package io.orderloop.channels.edi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The inbound folder: each file processed once (also with several scanners at once), moved to done/
 * or failed/ with a report, its 997 written for the partner; a claim left behind is taken back.
 */
class EdiFolderApiTest extends EdiTest {

  @Autowired EdiFolder folder;

  private static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  @Test
  void files_are_processed_once_with_reports_and_997s_even_with_scanners_racing() throws Exception {
    String isa = isaId();
    String partner = partner(isa, "004010", List.of());
    String sku = sku("FOLD");
    alias(partner, sku, sku);
    Path mine = Files.createDirectories(EDI_INBOUND.resolve(partner));
    for (int n = 1; n <= 12; n++) {
      String x12 =
          X12.interchange(
              "ZZ",
              isa,
              "ORDERLOOP",
              String.valueOf(100 + n),
              "004010",
              List.of(po("PO-F" + n, sku, 1, "20260310-20260314")));
      Path temp = mine.resolve(".po-" + n + ".x12.part");
      Files.writeString(temp, x12, StandardCharsets.US_ASCII);
      Files.move(temp, mine.resolve("po-" + n + ".x12"));
    }
    Files.writeString(mine.resolve("junk.txt"), "not X12 at all", StandardCharsets.US_ASCII);

    // Four scanners at once, as four instances would: each file is claimed by exactly one.
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<Integer>> scans = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      scans.add(pool.submit((Callable<Integer>) folder::scan));
    }
    int total = 0;
    for (Future<Integer> f : scans) {
      total += f.get();
    }
    pool.shutdown();
    // The scheduled poll may have taken some too; together every file is processed once.
    Awaitility.await("all files out of the folder")
        .atMost(Duration.ofSeconds(20))
        .until(() -> list(mine).isEmpty() && list(mine.resolve("processing")).isEmpty());
    assertThat(total).isLessThanOrEqualTo(13);
    List<Path> done = list(mine.resolve("done"));
    assertThat(done.stream().filter(p -> p.toString().endsWith(".x12"))).hasSize(12);
    assertThat(done.stream().filter(p -> p.toString().endsWith(".report.txt"))).hasSize(12);
    assertThat(Files.readString(mine.resolve("done").resolve("po-3.x12.report.txt")))
        .contains("processed", "PO PO-F3");
    List<Path> failed = list(mine.resolve("failed"));
    assertThat(failed.stream().map(p -> p.getFileName().toString()))
        .containsExactlyInAnyOrder("junk.txt", "junk.txt.report.txt");
    assertThat(Files.readString(mine.resolve("failed").resolve("junk.txt.report.txt")))
        .contains("refused (400)", "ISA");
    assertThat(count("SELECT count(*) FROM orders WHERE external_id LIKE ?", partner + ":PO-F%"))
        .isEqualTo(12);
    assertThat(
            count(
                "SELECT count(*) FROM edi_interchanges WHERE partner_id = ? AND source LIKE 'FOLDER:%'",
                partner))
        .isEqualTo(12);
    List<Path> acks = list(EDI_OUTBOUND.resolve(partner));
    assertThat(acks.stream().filter(p -> p.getFileName().toString().startsWith("997-")))
        .hasSize(12);
    assertThat(X12.readBack(Files.readString(acks.getFirst()))).contains("AK5*A");
  }

  @Test
  void a_file_in_another_partners_folder_fails_and_a_stale_claim_is_taken_back() throws Exception {
    String isa = isaId();
    String partner = partner(isa, "004010", List.of());
    String other = partner(isaId(), "004010", List.of());
    String sku = sku("FOLD2");
    alias(partner, sku, sku);
    String x12 =
        X12.interchange(
            "ZZ",
            isa,
            "ORDERLOOP",
            "201",
            "004010",
            List.of(po("PO-G1", sku, 1, "20260310-20260314")));
    Path wrong = Files.createDirectories(EDI_INBOUND.resolve(other));
    Files.writeString(wrong.resolve("misplaced.x12"), x12, StandardCharsets.US_ASCII);
    // A claim an instance left behind eleven minutes ago.
    Path mine = Files.createDirectories(EDI_INBOUND.resolve(partner).resolve("processing"));
    long elevenMinutesAgo = clock.instant().minus(Duration.ofMinutes(11)).toEpochMilli();
    Path stale = mine.resolve(elevenMinutesAgo + "~deadbeef~left.x12");
    Files.writeString(stale, x12, StandardCharsets.US_ASCII);
    // A claim made just now by another instance stays where it is.
    Path fresh = mine.resolve(clock.instant().toEpochMilli() + "~cafebabe~busy.x12");
    Files.writeString(fresh, x12, StandardCharsets.US_ASCII);

    Awaitility.await("both files settled")
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                Files.exists(wrong.resolve("failed").resolve("misplaced.x12"))
                    && Files.exists(
                        EDI_INBOUND.resolve(partner).resolve("done").resolve("left.x12")));
    assertThat(Files.readString(wrong.resolve("failed").resolve("misplaced.x12.report.txt")))
        .contains("refused (422)", "partner " + other + "'s folder", isa);
    assertThat(count("SELECT count(*) FROM orders WHERE external_id = ?", partner + ":PO-G1"))
        .isEqualTo(1);
    assertThat(Files.exists(fresh)).isTrue();
    Files.delete(fresh);
  }

  @Test
  void a_document_that_never_reached_the_outbound_folder_is_put_there() throws Exception {
    String isa = isaId();
    String partner = partner(isa, "004010", List.of(855));
    String sku = sku("FILE");
    alias(partner, sku, sku);
    post(
        X12.interchange(
            "ZZ",
            isa,
            "ORDERLOOP",
            "301",
            "004010",
            List.of(po("PO-FILE", sku, 1, "20260310-20260314"))));
    String orderId =
        jdbc.sql("SELECT id::text FROM orders WHERE external_id = ?")
            .param(partner + ":PO-FILE")
            .query(String.class)
            .single();
    JsonNode doc = awaitSent(orderId, "855", 1).getFirst();
    Path file =
        EDI_OUTBOUND
            .resolve(partner)
            .resolve("855-" + doc.get("interchangeControl").asString() + ".x12");
    Awaitility.await("the 855 in the folder")
        .atMost(Duration.ofSeconds(10))
        .until(() -> Files.exists(file));
    // As if the instance had stopped between the commit and the file.
    Files.delete(file);
    jdbc.sql(
            "UPDATE edi_documents SET filed_at = NULL, written_at = written_at - interval '2 minutes' WHERE id = ?")
        .param(doc.get("id").asLong())
        .update();
    Awaitility.await("the 855 put in the folder again")
        .atMost(Duration.ofSeconds(20))
        .until(() -> Files.exists(file));
    assertThat(X12.readBack(Files.readString(file))).contains("ST*855*0001", "CTT*1");
  }
}
