import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * EDI: 1,000 X12 850s of 5 lines each from one trading partner — 500 by HTTP from 8 concurrent
 * senders (the 997 is the answer: its latency is the answer's), 500 dropped at once into the
 * inbound folder (the 997 is a file in the partner's outbound folder: its latency is from the drop
 * to that file). Checks: every 997 accepts its PO, one order per PO, and every 855 is written.
 */
final class EdiDrill {

  static final String PARTNER = "BENCH-EDI";
  static final String SENDER = "BENCHBUYER";
  static final Path IN = Path.of("target/bench-edi/in").toAbsolutePath();
  static final Path OUT = Path.of("target/bench-edi/out").toAbsolutePath();

  private final Run run;

  EdiDrill(Run run) {
    this.run = run;
  }

  Map<String, Object> run() throws Exception {
    // Folders of an earlier run would count as this run's answers.
    for (Path dir : List.of(IN, OUT)) {
      if (Files.exists(dir)) {
        try (var walk = Files.walk(dir)) {
          for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      Files.createDirectories(dir);
    }
    Map<String, Object> partner = new LinkedHashMap<>();
    partner.put("name", "Bench buyer");
    partner.put("isaQualifier", "ZZ");
    partner.put("isaId", SENDER);
    partner.put("gsId", SENDER);
    partner.put("version", "004010");
    partner.put("outbound", List.of(855));
    partner.put("location", "MAIN");
    int status = run.http.put("/api/v1/channels/edi/partners/" + PARTNER, partner);
    if (status != 200 && status != 201) {
      run.fail("edi drill: configuring the partner answered " + status);
      return Map.of();
    }
    long base = System.currentTimeMillis() % 100_000 * 10_000;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("linesPerPo", 5);
    r.put("http", http(base, 500, 8));
    r.put("folder", folder(base + 5_000, 500));
    long orders =
        run.db.count(
            "SELECT count(*) FROM orders WHERE channel = 'EDI' AND external_id LIKE '" + PARTNER + ":BPO-%'");
    r.put("ordersStored", orders);
    if (orders != 1000) {
      run.fail("edi drill: 1000 POs made " + orders + " orders");
    }
    long t0 = System.nanoTime();
    long sent = 0;
    while (System.nanoTime() - t0 < 120e9) {
      sent =
          run.db.count(
              "SELECT count(*) FROM edi_documents WHERE partner_id = '" + PARTNER + "' AND type = '855' AND status = 'SENT'");
      if (sent >= 1000) {
        break;
      }
      Thread.sleep(200);
    }
    r.put("poAcknowledgmentsWritten", sent);
    r.put("poAcknowledgmentsSecondsAfterLastPo", Measurements.round((System.nanoTime() - t0) / 1e9));
    if (sent < 1000) {
      run.fail("edi drill: " + sent + " of 1000 855s written");
    }
    run.checkReconciliation("edi drill");
    return r;
  }

  private Map<String, Object> http(long base, int count, int senders) throws Exception {
    ConcurrentLinkedQueue<Integer> queue = new ConcurrentLinkedQueue<>();
    for (int i = 0; i < count; i++) {
      queue.add(i);
    }
    Histogram answers = new Histogram(60_000_000_000L, 3);
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger other = new AtomicInteger();
    long t0 = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int s = 0; s < senders; s++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    Integer i;
                    while ((i = queue.poll()) != null) {
                      String x12 = interchange(base + i);
                      long start = System.nanoTime();
                      try {
                        HttpResponse<String> answer =
                            run.http.client.send(
                                HttpRequest.newBuilder(URI.create(run.config.base() + "/channels/edi/x12"))
                                    .timeout(Duration.ofSeconds(30))
                                    .header("Authorization", "Bearer " + Config.KEY)
                                    .header("Content-Type", "application/edi-x12")
                                    .POST(HttpRequest.BodyPublishers.ofString(x12))
                                    .build(),
                                HttpResponse.BodyHandlers.ofString());
                        synchronized (answers) {
                          answers.recordValue(Math.min(System.nanoTime() - start, 59_000_000_000L));
                        }
                        if (answer.statusCode() == 200 && answer.body().contains("AK9*A*1*1*1")) {
                          accepted.incrementAndGet();
                        } else {
                          other.incrementAndGet();
                        }
                      } catch (Exception e) {
                        other.incrementAndGet();
                      }
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("pos", count);
    r.put("senders", senders);
    r.put("seconds", Measurements.round(seconds));
    r.put("posPerSecond", Measurements.round(count / seconds));
    r.put("ackMs", Measurements.percentiles(answers));
    r.put("accepted", accepted.get());
    r.put("notAccepted", other.get());
    if (accepted.get() != count) {
      run.fail("edi drill: " + other.get() + " of " + count + " HTTP 850s not answered with an accepting 997");
    }
    return r;
  }

  private Map<String, Object> folder(long base, int count) throws Exception {
    Path mine = Files.createDirectories(IN.resolve(PARTNER));
    Path outs = Files.createDirectories(OUT.resolve(PARTNER));
    long dropped = System.currentTimeMillis();
    long t0 = System.nanoTime();
    for (int i = 0; i < count; i++) {
      Path temp = mine.resolve(".po-" + (base + i) + ".part");
      Files.writeString(temp, interchange(base + i), StandardCharsets.US_ASCII);
      Files.move(temp, mine.resolve("po-" + (base + i) + ".x12"));
    }
    Path done = mine.resolve("done");
    long acks = 0;
    while (System.nanoTime() - t0 < 300e9) {
      try (var files = Files.list(outs)) {
        acks = files.filter(p -> p.getFileName().toString().startsWith("997-po-")).count();
      }
      if (acks >= count) {
        break;
      }
      Thread.sleep(100);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Histogram latency = new Histogram(600_000L, 3);
    int accepted = 0;
    try (var files = Files.list(outs)) {
      for (Path p : files.filter(f -> f.getFileName().toString().startsWith("997-po-")).toList()) {
        latency.recordValue(Math.max(0, Math.min(599_000L, Files.getLastModifiedTime(p).toMillis() - dropped)));
        if (Files.readString(p).contains("AK9*A*1*1*1")) {
          accepted++;
        }
      }
    }
    long failed = Files.isDirectory(mine.resolve("failed")) ? Files.list(mine.resolve("failed")).count() : 0;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("pos", count);
    r.put("seconds", Measurements.round(seconds));
    r.put("posPerSecond", Measurements.round(count / seconds));
    Map<String, Object> ms = new LinkedHashMap<>();
    ms.put("p50", latency.getValueAtPercentile(50));
    ms.put("p99", latency.getValueAtPercentile(99));
    ms.put("max", latency.getMaxValue());
    r.put("dropToAckMs", ms);
    r.put("acksWritten", acks);
    r.put("accepted", accepted);
    r.put("filesFailed", failed);
    r.put("filesDone", Files.isDirectory(done) ? Files.list(done).filter(p -> p.toString().endsWith(".x12")).count() : 0);
    if (accepted != count) {
      run.fail("edi drill: " + accepted + " of " + count + " folder 850s answered with an accepting 997");
    }
    return r;
  }

  /** One interchange of one 850 with 5 lines of seeded SKUs (their codes are the product ids). */
  private String interchange(long n) {
    StringBuilder body = new StringBuilder();
    List<String> segs = new ArrayList<>();
    segs.add("BEG*00*SA*BPO-" + n + "**20270301");
    segs.add("ITD*05*3****20270410*30");
    segs.add("DTM*002*20270315");
    segs.add("N1*BY*Bench Buyer Inc");
    segs.add("N1*ST*Bench DC 4");
    segs.add("N3*1 Dock Rd");
    segs.add("N4*Dallas*TX*75201*US");
    for (int l = 1; l <= 5; l++) {
      String sku = String.format("BENCH-%07d", 1 + (n * 7 + l * 131) % Math.max(1, run.config.skus()));
      segs.add("PO1*" + l + "*2*EA*3.25**VN*" + sku);
      segs.add("PID*F****Bench item " + l);
    }
    segs.add("CTT*5");
    long control = n % 1_000_000_000L;
    body.append(
        String.format(
            "ISA*00*          *00*          *ZZ*%-15s*ZZ*%-15s*270301*1200*U*00401*%09d*0*P*>~\n",
            SENDER, "ORDERLOOP", control));
    body.append("GS*PO*" + SENDER + "*ORDERLOOP*20270301*1200*" + control + "*X*004010~\n");
    body.append("ST*850*0001~\n");
    segs.forEach(s -> body.append(s).append("~\n"));
    body.append("SE*" + (segs.size() + 2) + "*0001~\n");
    body.append("GE*1*" + control + "~\n");
    body.append(String.format("IEA*1*%09d~\n", control));
    return body.toString();
  }
}
