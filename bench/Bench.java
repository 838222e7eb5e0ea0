import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.UUID;
import java.net.InetSocketAddress;
import com.sun.net.httpserver.HttpServer;
import org.HdrHistogram.Histogram;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Orderloop's bench harness (run through bench/run.sh): starts the built service on a fresh database on the local
 * PostgreSQL server, seeds it, drives load over real HTTP from this separate process, checks correctness after
 * each scenario, measures the database's own limit with pgbench in the same run, and writes docs/BENCHMARKS.md and
 * bench/results.json. It fails (exit 1) when a correctness check fails: a fast wrong answer is not a result.
 */
public class Bench {

  static final String KEY = "bench-admin-key-0123456789";
  static final String DB = "orderloop_bench";
  static final int PORT = Integer.parseInt(env("BENCH_PORT", "18080"));
  static final int SECONDS = Integer.parseInt(env("BENCH_SECONDS", "15"));
  static final int SKUS = Integer.parseInt(env("BENCH_SKUS", "100000"));
  static final int ORDERS_FOR_QUERIES = Integer.parseInt(env("BENCH_QUERY_ORDERS", "1000000"));
  static final String BASE = "http://127.0.0.1:" + PORT;
  static final List<String> SCENARIOS =
      List.of(env("BENCH_SCENARIOS", "intake,open,hot,events,queries,storm,crash,two,dbrestart").split(","));
  static final String JAR_PATH_PROPERTY = "bench.jar";
  static String jar;
  static final Receiver receiver = new Receiver();
  /** The previous run's bench/results.json, to show how far this run reproduces it. */
  static String previous = "";
  static final int[] CLIENTS =
      Arrays.stream(env("BENCH_CLIENTS", "1,8,32,64").split(",")).mapToInt(Integer::parseInt).toArray();
  static final String SERVICE_OPTS = env("BENCH_SERVICE_OPTS", "");
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
  static final Map<String, Object> results = new LinkedHashMap<>();
  static final List<String> failures = new ArrayList<>();
  static Process service;

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    jar = args.length > 0 ? args[0] : "target/orderloop-0.1.0-SNAPSHOT.jar";
    Path previousFile = Path.of("bench/results.json");
    previous = Files.exists(previousFile) ? Files.readString(previousFile) : "";
    receiver.start();
    results.put("date", Instant.now().toString());
    results.put("machine", machine());
    psql("postgres", "DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
    psql("postgres", "CREATE DATABASE " + DB);
    try {
      startService(jar); // first start: migrations
      stopService();
      double startup = startService(jar);
      results.put("startupSecondsExistingDatabase", round(startup));
      seed();
      Map<String, Object> intake = new LinkedHashMap<>();
      Map<String, Object> limit = new LinkedHashMap<>();
      if (SCENARIOS.contains("intake")) {
        setUpDatabaseLimit();
        warmUp();
        profiler("start,event=itimer,interval=1ms");
        boolean statements = resetStatementStats();
        for (int c : CLIENTS) {
          intake.put("c" + c, intake(c));
          limit.put("c" + c, databaseLimit(c));
        }
        profiler("dump,collapsed,file=" + Path.of("target/bench-intake-profile.collapsed").toAbsolutePath());
        profiler("stop,file=" + Path.of("target/bench-intake-profile.html").toAbsolutePath());
        if (Files.exists(Path.of("target/bench-intake-profile.collapsed"))) {
          results.put("intakeProfile", profileSummary(Path.of("target/bench-intake-profile.collapsed")));
        }
        if (statements) {
          results.put("intakeStatements", statementStats());
        }
        results.put("intake", intake);
        results.put("databaseLimit", limit);
      }
      if (SCENARIOS.contains("open")) {
        double closed = intake.isEmpty() ? 200 : ((Number) ((Map<String, Object>) intake.getOrDefault("c32", intake.values().iterator().next())).get("ordersPerSecond")).doubleValue();
        Map<String, Object> open = new LinkedHashMap<>();
        for (double share : new double[] {0.5, 0.8}) {
          open.put(Math.round(share * 100) + "%", openModel(Math.max(5, Math.round(closed * share)), SECONDS));
        }
        results.put("intakeOpenModel", open);
      }
      if (SCENARIOS.contains("hot")) {
        results.put("hotSku", hotSku());
      }
      if (SCENARIOS.contains("events")) {
        results.put("events", events());
      }
      if (SCENARIOS.contains("queries")) {
        results.put("queries", queries());
      }
      Map<String, Object> drills = new LinkedHashMap<>();
      if (SCENARIOS.contains("storm")) {
        drills.put("badInputStorm", storm());
      }
      if (SCENARIOS.contains("crash")) {
        drills.put("crash", crash());
      }
      if (SCENARIOS.contains("two")) {
        drills.put("twoInstances", twoInstances());
      }
      if (SCENARIOS.contains("dbrestart")) {
        drills.put("databaseRestart", databaseRestart());
      }
      if (!drills.isEmpty()) {
        results.put("drills", drills);
      }
      results.put("rssMiBAfterLoad", rssMiB());
      results.put("rssMiBMax", maxRss);
      checkReconciliation("end of run");
      if (!env("BENCH_AOT", "true").equals("false")) {
        results.put("startupSecondsAotCache", aotStartup());
      }
    } finally {
      stopService();
      receiver.stop();
    }
    results.put("failures", failures);
    write();
    System.out.println(json(results));
    if (!failures.isEmpty()) {
      System.err.println("CORRECTNESS FAILURES: " + failures);
      System.exit(1);
    }
  }

  // ------------------------------------------------------------------ scenarios

  /**
   * The JIT compiles the hot paths before anything is measured; its orders count nowhere. Runs at
   * 8 clients in 10 s windows for at least BENCH_WARMUP_SECONDS (60), then until two windows in a
   * row agree within 5 % (steady state), at most 300 s in all.
   */
  static void warmUp() throws Exception {
    int minimum = Integer.parseInt(env("BENCH_WARMUP_SECONDS", "60"));
    long start = System.nanoTime();
    List<Double> rates = new ArrayList<>();
    // A first window fills the tables; then statistics, as autovacuum's analyze would have them on a
    // default server (this machine's runs with autovacuum off): plans cached while the tables were
    // empty (the foreign-key checks' among them) are made again.
    closedLoop(8, 10);
    psql(DB, "ANALYZE");
    while (true) {
      Map<String, Object> window = closedLoop(8, 10);
      if (((Number) window.get("errors")).intValue() > 0) {
        failures.add("warm-up: " + window.get("errors") + " non-201 answers");
      }
      rates.add(((Number) window.get("ordersPerSecond")).doubleValue());
      double elapsed = (System.nanoTime() - start) / 1e9;
      int n = rates.size();
      boolean steady =
          n >= 3
              && Math.abs(rates.get(n - 1) - rates.get(n - 2)) <= 0.05 * rates.get(n - 1)
              && Math.abs(rates.get(n - 2) - rates.get(n - 3)) <= 0.05 * rates.get(n - 1);
      if (elapsed >= 300 || (elapsed >= minimum && steady)) {
        results.put("warmUpSeconds", Math.round(elapsed));
        results.put("warmUpRates", rates);
        break;
      }
    }
    psql(DB, "ANALYZE");
    System.err.println("warmed up: " + results.get("warmUpSeconds") + " s, orders/s per 10 s: " + rates);
  }

  static Map<String, Object> intake(int clients) throws Exception {
    long[] cpuBefore = {serviceCpuMs(), postgresCpuMs()};
    Map<String, Object> r = closedLoop(clients, SECONDS);
    long[] cpuAfter = {serviceCpuMs(), postgresCpuMs()};
    r.put("clients", clients);
    long n = ((Number) r.get("requests")).longValue();
    r.put("serviceCpuMsPerOrder", n == 0 ? null : round((cpuAfter[0] - cpuBefore[0]) / (double) n));
    r.put("postgresCpuMsPerOrder", n == 0 ? null : round((cpuAfter[1] - cpuBefore[1]) / (double) n));
    r.put("rssMiB", rssMiB());
    if (((Number) r.get("errors")).intValue() > 0) {
      failures.add("intake c" + clients + ": " + r.get("errors") + " non-201 answers");
    }
    System.err.println("intake c=" + clients + " " + r);
    checkReconciliation("intake c" + clients);
    return r;
  }

  static Map<String, Object> hotSku() throws Exception {
    List<String> hot = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String sku = "HOT-" + i;
      put("/api/v1/skus/" + sku, "{\"name\":\"hot\"}");
      post("/api/v1/inventory/receipts", "{\"sku\":\"" + sku + "\",\"location\":\"MAIN\",\"quantity\":20}");
      hot.add(sku);
    }
    Stats stats = new Stats();
    AtomicInteger errors = new AtomicInteger();
    long start = System.nanoTime();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 1000; i++) {
        String sku = hot.get(i % 10);
        pool.submit(
            () -> {
              String body = order(List.of(sku));
              long t0 = System.nanoTime();
              int status = post("/api/v1/orders", body);
              stats.add(System.nanoTime() - t0);
              if (status != 201) {
                errors.incrementAndGet();
              }
              return null;
            });
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, Object> r = stats.summary(seconds);
    r.put("buyers", 1000);
    r.put("errors", errors.get());
    String allocated =
        psql(DB, "SELECT coalesce(sum(allocated),0) FROM order_lines WHERE sku LIKE 'HOT-%'").strip();
    String negative =
        psql(DB, "SELECT count(*) FROM stock WHERE sku LIKE 'HOT-%' AND on_hand < reserved").strip();
    r.put("unitsAllocated", Integer.parseInt(allocated));
    r.put("unitsInStock", 200);
    if (!allocated.equals("200")) {
      failures.add("hot SKU: " + allocated + " units allocated of 200");
    }
    if (!negative.equals("0") || errors.get() > 0) {
      failures.add("hot SKU: oversold rows " + negative + ", errors " + errors.get());
    }
    checkReconciliation("hot SKU");
    System.err.println("hot SKU " + r);
    return r;
  }

  static Map<String, Object> queries() throws Exception {
    long t0 = System.nanoTime();
    psql(
        DB,
        """
        INSERT INTO orders (id, number, channel, type, state, fulfillment_policy, customer_name, customer_email,
                            ship_to, currency, total_amount, version, last_event_seq, created_at, updated_at, created_by)
        SELECT gen_random_uuid(), 'BENCH-ORD-' || g, (ARRAY['SHOPIFY','SQUARE','EDI','MANUAL','API'])[1 + mod(g, 5)],
               CASE WHEN mod(g, 7) = 0 THEN 'B2B' ELSE 'DTC' END,
               (ARRAY['RECEIVED','ALLOCATED','FULFILLMENT_QUEUED','SHIPPED','DELIVERED','CLOSED','CANCELLED'])[1 + mod(g, 7)],
               'SHIP_PARTIAL', 'Customer ' || g, 'c' || g || '@example.com', '{"line1":"1 Road","country":"US"}',
               'USD', 10, 0, 0, now() - (g || ' seconds')::interval, now(), 'bench'
        FROM generate_series(1, %d) g;
        INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price, line_amount, cancelled)
        SELECT id, 1, 'BENCH-0000001', 1, 10, 10, 1 FROM orders WHERE number LIKE 'BENCH-ORD-%%';
        ANALYZE orders; ANALYZE order_lines;
        SELECT compact_order_state_counts();
        """
            .formatted(ORDERS_FOR_QUERIES));
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("orders", ORDERS_FOR_QUERIES);
    r.put("seedSeconds", round((System.nanoTime() - t0) / 1e9));
    r.put("firstPage", measureGet("/api/v1/orders?limit=50", 200));
    r.put("firstPageByState", measureGet("/api/v1/orders?state=SHIPPED&limit=50", 200));
    String cursor = null;
    for (int i = 0; i < 200; i++) {
      String body = get("/api/v1/orders?limit=50" + (cursor == null ? "" : "&cursor=" + cursor));
      Matcher m = Pattern.compile("\"nextCursor\":\"([^\"]+)\"").matcher(body);
      cursor = m.find() ? m.group(1) : null;
    }
    r.put("deepPageAfter10000", measureGet("/api/v1/orders?limit=50&cursor=" + cursor, 200));
    r.put("stateCounts", measureGet("/api/v1/orders/counts", 200));
    r.put("stateCountsOneChannel", measureGet("/api/v1/orders/counts?channel=SHOPIFY", 200));
    r.put("textSearch", measureGet("/api/v1/orders?q=customer%20999&limit=50", 20));
    System.err.println("queries " + r);
    return r;
  }

  static Map<String, Object> measureGet(String path, int times) throws Exception {
    Stats stats = new Stats();
    for (int i = 0; i < times; i++) {
      long t0 = System.nanoTime();
      get(path);
      stats.add(System.nanoTime() - t0);
    }
    Map<String, Object> s = stats.summary(0);
    s.remove("ordersPerSecond");
    return s;
  }

  /**
   * Open model: orders arrive at a fixed rate whatever the service does, and each latency runs from
   * the moment the order was due to be sent, so a stall counts against every order it delayed
   * (no coordinated omission). Recorded in an HdrHistogram.
   */
  static Map<String, Object> openModel(double rate, int seconds) throws Exception {
    Histogram h = new Histogram(TimeUnit.MINUTES.toNanos(2), 3);
    AtomicInteger errors = new AtomicInteger();
    long period = (long) (1e9 / rate);
    int n = (int) (rate * seconds);
    long start = System.nanoTime() + 50_000_000;
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < n; i++) {
        long intended = start + i * period;
        long wait = intended - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        pool.submit(
            () -> {
              int status = post("/api/v1/orders", orderBody(1 + ThreadLocalRandom.current().nextInt(5)));
              long latency = System.nanoTime() - intended;
              synchronized (h) {
                h.recordValue(Math.min(latency, h.getHighestTrackableValue()));
              }
              if (status != 201) {
                errors.incrementAndGet();
              }
              return null;
            });
      }
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("offeredPerSecond", round(rate));
    r.put("completedPerSecond", round(n / elapsed));
    r.put("requests", n);
    r.put("errors", errors.get());
    r.putAll(percentiles(h));
    if (errors.get() > 0) {
      failures.add("open model at " + rate + "/s: " + errors.get() + " non-201 answers");
    }
    System.err.println("open model " + r);
    checkReconciliation("open model " + rate);
    return r;
  }

  static Map<String, Object> percentiles(Histogram h) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("p50Ms", round(h.getValueAtPercentile(50) / 1e6));
    r.put("p95Ms", round(h.getValueAtPercentile(95) / 1e6));
    r.put("p99Ms", round(h.getValueAtPercentile(99) / 1e6));
    r.put("maxMs", round(h.getMaxValue() / 1e6));
    return r;
  }

  /**
   * Webhook delivery: a subscription to the bench's own receiver, orders at a steady rate, and the
   * time from each event's time (its history entry, inside the committing transaction) to its
   * arrival. Every event of the run must arrive.
   */
  static Map<String, Object> events() throws Exception {
    int rate = Integer.parseInt(env("BENCH_EVENT_RATE", "20"));
    String subscription = subscribe();
    receiver.reset();
    long before = Long.parseLong(psql(DB, "SELECT coalesce(max(seq), 0) FROM outbox").strip());
    Map<String, Object> load = openModel(rate, SECONDS);
    long expected =
        Long.parseLong(psql(DB, "SELECT count(*) FROM outbox WHERE seq > " + before).strip());
    boolean all = receiver.awaitDistinct(expected, Duration.ofSeconds(60));
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("ordersPerSecond", rate);
    r.put("seconds", SECONDS);
    r.put("intakeP99Ms", load.get("p99Ms"));
    r.put("eventsExpected", expected);
    r.put("eventsReceived", receiver.distinct());
    r.put("duplicates", receiver.duplicates());
    r.put("outOfOrder", receiver.outOfOrder.get());
    r.putAll(percentiles(receiver.latencies));
    if (!all) {
      failures.add("events: " + receiver.distinct() + " of " + expected + " events arrived within 60 s");
    }
    if (receiver.outOfOrder.get() > 0) {
      failures.add("events: " + receiver.outOfOrder.get() + " events arrived before an earlier one of their order");
    }
    unsubscribe(subscription);
    System.err.println("events " + r);
    return r;
  }

  static String subscribe() throws Exception {
    HttpResponse<String> r =
        send("POST", "/api/v1/webhook-subscriptions", "{\"url\":\"" + receiver.url() + "\"}");
    Matcher m = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(r.body());
    if (r.statusCode() != 201 || !m.find()) {
      throw new IllegalStateException("cannot subscribe: " + r.statusCode() + " " + r.body());
    }
    return m.group(1);
  }

  static void unsubscribe(String id) throws Exception {
    send("DELETE", "/api/v1/webhook-subscriptions/" + id, null);
  }

  // ------------------------------------------------------------------ reliability drills

  /** Bad input storm: hostile requests from 8 clients interleaved with good intake from 8 others. */
  static Map<String, Object> storm() throws Exception {
    int seconds = Math.max(10, SECONDS);
    Map<String, Object> clean = closedLoop(8, seconds);
    AtomicInteger bad = new AtomicInteger();
    Map<Integer, AtomicInteger> badStatuses = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    // The hostile traffic comes from its own integration (its own key), as a misbehaving client would.
    HttpResponse<String> keyAnswer =
        send("POST", "/api/v1/api-keys", "{\"name\":\"storm-" + System.currentTimeMillis()
            + "\",\"scopes\":[\"orders:read\",\"orders:write\",\"inventory:write\"]}");
    Matcher keyMatch = Pattern.compile("\"key\":\"([^\"]+)\"").matcher(keyAnswer.body());
    if (!keyMatch.find()) {
      throw new IllegalStateException("cannot create the storm's key: " + keyAnswer.body());
    }
    List<HttpRequest> hostile = hostileRequests(keyMatch.group(1));
    Thread[] attackers = new Thread[8];
    for (int i = 0; i < attackers.length; i++) {
      int offset = i;
      attackers[i] =
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (int k = offset; !stop.get(); k++) {
                      HttpRequest req = hostile.get(k % hostile.size());
                      int status;
                      try {
                        status = HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                      } catch (Exception e) {
                        status = -1; // the server closed the connection: allowed for abuse
                      }
                      bad.incrementAndGet();
                      badStatuses.computeIfAbsent(status, x -> new AtomicInteger()).incrementAndGet();
                    }
                  });
    }
    Map<String, Object> during = closedLoop(8, seconds);
    stop.set(true);
    for (Thread t : attackers) {
      t.join();
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("goodClean", clean);
    r.put("goodDuringStorm", during);
    r.put("hostileRequests", bad.get());
    r.put("hostileKinds", hostile.size());
    Map<String, Integer> statuses = new java.util.TreeMap<>();
    badStatuses.forEach((k, v) -> statuses.put(String.valueOf(k), v.get()));
    r.put("hostileStatuses", statuses);
    double ratio = ((Number) during.get("p99Ms")).doubleValue() / ((Number) clean.get("p99Ms")).doubleValue();
    r.put("p99Ratio", round(ratio * 100) / 100.0);
    long fiveXx = badStatuses.entrySet().stream().filter(e -> e.getKey() >= 500).mapToLong(e -> e.getValue().get()).sum();
    r.put("serverErrors", fiveXx + ((Number) clean.get("serverErrors")).longValue() + ((Number) during.get("serverErrors")).longValue());
    if (((Number) r.get("serverErrors")).longValue() > 0) {
      failures.add("bad input storm: " + r.get("serverErrors") + " answers of 5xx");
    }
    if (((Number) during.get("errors")).intValue() > 0) {
      failures.add("bad input storm: good orders refused: " + during.get("errors"));
    }
    checkReconciliation("bad input storm");
    System.err.println("storm " + r);
    return r;
  }

  /** Closed-loop intake from {@code clients} for {@code seconds}; counts 5xx apart. */
  static Map<String, Object> closedLoop(int clients, int seconds) throws Exception {
    Stats stats = new Stats();
    AtomicInteger errors = new AtomicInteger();
    AtomicInteger serverErrors = new AtomicInteger();
    long until = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < clients; i++) {
        pool.submit(
            () -> {
              while (System.nanoTime() < until) {
                long t0 = System.nanoTime();
                int status = post("/api/v1/orders", orderBody(1 + ThreadLocalRandom.current().nextInt(5)));
                stats.add(System.nanoTime() - t0);
                if (status != 201) {
                  errors.incrementAndGet();
                }
                if (status >= 500) {
                  serverErrors.incrementAndGet();
                }
              }
              return null;
            });
      }
    }
    Map<String, Object> r = stats.summary(seconds);
    r.put("errors", errors.get());
    r.put("serverErrors", serverErrors.get());
    return r;
  }

  static List<HttpRequest> hostileRequests(String key) {
    String good = orderBody(2);
    List<String[]> bodies =
        List.of(
            new String[] {"POST", "/api/v1/orders", "{"},
            new String[] {"POST", "/api/v1/orders", "{\"channel\":123,\"lines\":\"x\"}"},
            new String[] {"POST", "/api/v1/orders", good.replace("\"quantity\":1", "\"quantity\":-5")},
            new String[] {"POST", "/api/v1/orders", good.replace("\"quantity\":1", "\"quantity\":99999999999999999999")},
            new String[] {"POST", "/api/v1/orders", good.replace("\"quantity\":1", "\"quantity\":1e400")},
            new String[] {"POST", "/api/v1/orders", good.replaceFirst("BENCH-\\d+", "'; DROP TABLE orders; --")},
            new String[] {"POST", "/api/v1/orders", good.replace("Bench Buyer", "\\ud800\\u0000<script>")},
            new String[] {"POST", "/api/v1/orders", good.replace("\"USD\"", "\"XXX\"")},
            new String[] {"POST", "/api/v1/orders", "[".repeat(20_000) + "]".repeat(20_000)},
            new String[] {"POST", "/api/v1/orders", "{\"channel\":\"API\",\"lines\":[" + "{\"sku\":\"A\",\"quantity\":1},".repeat(20_000) + "{}]}"},
            new String[] {"POST", "/api/v1/orders", "x".repeat(2 * 1024 * 1024)},
            new String[] {"PUT", "/api/v1/skus/" + "A".repeat(5000), "{\"name\":\"x\"}"},
            new String[] {"POST", "/api/v1/inventory/receipts", "{\"sku\":\"BENCH-0000001\",\"location\":\"MAIN\",\"quantity\":2147483648}"},
            new String[] {"POST", "/api/v1/orders/not-a-real-order/cancel", "{}"},
            new String[] {"POST", "/api/v1/orders/00000000-0000-0000-0000-000000000000/transitions", "{\"to\":\"NOPE\"}"},
            new String[] {"GET", "/api/v1/orders?limit=-1", null},
            new String[] {"GET", "/api/v1/orders?limit=abc&cursor=%FF%FE", null},
            new String[] {"GET", "/api/v1/orders?cursor=" + "Z".repeat(3000), null},
            new String[] {"GET", "/api/v1/orders/%2e%2e%2f%2e%2e%2fetc%2fpasswd", null},
            new String[] {"GET", "/api/v1/events?after=-1&limit=100000", null},
            new String[] {"DELETE", "/api/v1/orders", null});
    List<HttpRequest> out = new ArrayList<>();
    for (String[] b : bodies) {
      HttpRequest.Builder req =
          HttpRequest.newBuilder(URI.create(BASE + b[1]))
              .timeout(Duration.ofSeconds(30))
              .header("Authorization", "Bearer " + key)
              .method(b[0], b[2] == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(b[2]));
      if (b[2] != null) {
        req.header("Content-Type", "application/json");
      }
      out.add(req.build());
    }
    // No key, a wrong key, a wrong content type.
    out.add(HttpRequest.newBuilder(URI.create(BASE + "/api/v1/orders")).POST(HttpRequest.BodyPublishers.ofString(good)).header("Content-Type", "application/json").build());
    out.add(HttpRequest.newBuilder(URI.create(BASE + "/api/v1/orders")).POST(HttpRequest.BodyPublishers.ofString(good)).header("Content-Type", "application/json").header("Authorization", "Bearer ol_" + "x".repeat(40)).build());
    out.add(HttpRequest.newBuilder(URI.create(BASE + "/api/v1/orders")).POST(HttpRequest.BodyPublishers.ofString(good)).header("Content-Type", "text/plain").header("Authorization", "Bearer " + key).build());
    return out;
  }

  /**
   * Crash: 8 clients send orders, each with its own Idempotency-Key and retrying until answered; the
   * service is killed with SIGKILL mid-stream and started again. Every acknowledged order must exist,
   * whole, with its events; no order may exist twice.
   */
  static Map<String, Object> crash() throws Exception {
    Map<String, String> acknowledged = new ConcurrentHashMap<>();
    AtomicInteger attempts = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    String prefix = "crash-" + System.currentTimeMillis() + "-";
    AtomicInteger next = new AtomicInteger();
    Thread[] clients = new Thread[8];
    for (int i = 0; i < clients.length; i++) {
      clients[i] = Thread.ofVirtual().start(() -> retryingClient(prefix, next, acknowledged, attempts, stop, BASE));
    }
    Thread.sleep(4000);
    int before = acknowledged.size();
    service.destroyForcibly().waitFor();
    long killedAt = System.nanoTime();
    double restart = startService(jar);
    Thread.sleep(4000);
    stop.set(true);
    for (Thread t : clients) {
      t.join();
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("ordersAcknowledged", acknowledged.size());
    r.put("acknowledgedBeforeKill", before);
    r.put("requestsSent", attempts.get());
    r.put("restartSeconds", round(restart));
    r.put("secondsWithoutService", round((System.nanoTime() - killedAt) / 1e9 - 4));
    r.putAll(checkDrillOrders(prefix, acknowledged, "crash"));
    checkReconciliation("crash drill");
    System.err.println("crash " + r);
    return r;
  }

  /** Sends new orders, each retried with the same Idempotency-Key until some answer is 200/201. */
  static void retryingClient(
      String prefix, AtomicInteger next, Map<String, String> acknowledged, AtomicInteger attempts, AtomicBoolean stop, String... bases) {
    int k = 0;
    while (!stop.get()) {
      String external = prefix + next.incrementAndGet();
      String key = UUID.randomUUID().toString();
      String body = orderBody(1 + ThreadLocalRandom.current().nextInt(3)).replace("\"channel\":\"API\"", "\"channel\":\"API\",\"externalId\":\"" + external + "\"");
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (System.nanoTime() < deadline) {
        String base = bases[k++ % bases.length];
        attempts.incrementAndGet();
        try {
          HttpResponse<String> r = sendTo(base, "POST", "/api/v1/orders", body, key);
          if (r.statusCode() == 201 || r.statusCode() == 200) {
            Matcher m = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(r.body());
            acknowledged.put(external, m.find() ? m.group(1) : "?");
            break;
          }
          if (r.statusCode() < 500 && r.statusCode() != 409 && r.statusCode() != 429) {
            failures.add("drill order " + external + " refused: " + r.statusCode() + " " + r.body());
            break;
          }
        } catch (Exception down) {
          // the service is down or restarting: retry with the same key
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** Every acknowledged drill order exists once, with lines, its whole history and an outbox row per entry. */
  static Map<String, Object> checkDrillOrders(String prefix, Map<String, String> acknowledged, String drill) throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    String like = "'" + prefix + "%'";
    long stored = Long.parseLong(psql(DB, "SELECT count(*) FROM orders WHERE external_id LIKE " + like).strip());
    long missing = 0;
    if (!acknowledged.isEmpty()) {
      StringBuilder values = new StringBuilder();
      for (String external : acknowledged.keySet()) {
        values.append(values.isEmpty() ? "" : ",").append("('").append(external).append("')");
      }
      missing =
          Long.parseLong(
              psql(
                      DB,
                      "SELECT count(*) FROM (VALUES " + values + ") a(external_id) WHERE NOT EXISTS "
                          + "(SELECT 1 FROM orders o WHERE o.channel = 'API' AND o.external_id = a.external_id)")
                  .strip());
    }
    long partial =
        Long.parseLong(
            psql(
                    DB,
                    """
                    SELECT count(*) FROM orders o WHERE o.external_id LIKE %s AND (
                        NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)
                        OR o.last_event_seq <> (SELECT count(*) FROM order_events e WHERE e.order_id = o.id)
                        OR o.last_event_seq <> (SELECT count(*) FROM outbox x WHERE x.order_id = o.id))"""
                        .formatted(like))
                .strip());
    r.put("ordersStored", stored);
    r.put("acknowledgedMissing", missing);
    r.put("partialOrders", partial);
    if (missing > 0) {
      failures.add(drill + ": " + missing + " acknowledged orders are missing");
    }
    if (partial > 0) {
      failures.add(drill + ": " + partial + " orders without lines, history or events");
    }
    if (stored < acknowledged.size()) {
      failures.add(drill + ": fewer orders stored than acknowledged");
    }
    return r;
  }

  /**
   * Two service processes on one database, the driver alternating between them: intake, cancels and
   * receipts on 10 SKUs with little stock; then no oversell, reconciliation clean, and every event
   * delivered to one webhook subscription at least once and in order per order.
   */
  static Map<String, Object> twoInstances() throws Exception {
    int port2 = PORT + 1;
    Process second = launch(jar, port2, "target/bench-service-2.log");
    try {
      waitHealthy(port2, second);
      String base2 = "http://127.0.0.1:" + port2;
      for (int i = 0; i < 10; i++) {
        put("/api/v1/skus/TWO-" + i, "{\"name\":\"two\"}");
        post("/api/v1/inventory/receipts", "{\"sku\":\"TWO-" + i + "\",\"location\":\"MAIN\",\"quantity\":30}");
      }
      String subscription = subscribe();
      receiver.reset();
      long before = Long.parseLong(psql(DB, "SELECT coalesce(max(seq), 0) FROM outbox").strip());
      List<String> created = java.util.Collections.synchronizedList(new ArrayList<>());
      Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
      long until = System.nanoTime() + Duration.ofSeconds(Math.max(10, SECONDS)).toNanos();
      try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int c = 0; c < 16; c++) {
          int client = c;
          pool.submit(
              () -> {
                for (int k = 0; System.nanoTime() < until; k++) {
                  String base = (client + k) % 2 == 0 ? BASE : base2;
                  int dice = ThreadLocalRandom.current().nextInt(100);
                  String kind;
                  HttpResponse<String> r;
                  if (dice < 70 || created.isEmpty()) {
                    kind = "order";
                    String sku = "TWO-" + ThreadLocalRandom.current().nextInt(10);
                    r = sendTo(base, "POST", "/api/v1/orders", order(List.of(sku)).replace("\"quantity\":1", "\"quantity\":" + (1 + ThreadLocalRandom.current().nextInt(2))), null);
                    Matcher m = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(r.body());
                    if (r.statusCode() == 201 && m.find()) {
                      created.add(m.group(1));
                    }
                  } else if (dice < 85) {
                    kind = "cancel";
                    String id = created.get(ThreadLocalRandom.current().nextInt(created.size()));
                    r = sendTo(base, "POST", "/api/v1/orders/" + id + "/cancel", "{\"reason\":\"bench\"}", null);
                  } else {
                    kind = "receipt";
                    r = sendTo(base, "POST", "/api/v1/inventory/receipts", "{\"sku\":\"TWO-" + ThreadLocalRandom.current().nextInt(10) + "\",\"location\":\"MAIN\",\"quantity\":3}", null);
                  }
                  counts.computeIfAbsent(kind + " " + r.statusCode(), x -> new AtomicInteger()).incrementAndGet();
                  if (r.statusCode() >= 500 || (r.statusCode() >= 400 && r.statusCode() != 409)) {
                    failures.add("two instances: " + kind + " answered " + r.statusCode() + " " + r.body());
                  }
                }
                return null;
              });
        }
      }
      long expected = Long.parseLong(psql(DB, "SELECT count(*) FROM outbox WHERE seq > " + before).strip());
      boolean all = receiver.awaitDistinct(expected, Duration.ofSeconds(90));
      String oversold = psql(DB, "SELECT count(*) FROM stock WHERE sku LIKE 'TWO-%' AND reserved > on_hand").strip();
      Map<String, Object> r = new LinkedHashMap<>();
      Map<String, Integer> answers = new java.util.TreeMap<>();
      counts.forEach((k, v) -> answers.put(k, v.get()));
      r.put("answers", answers);
      r.put("eventsExpected", expected);
      r.put("eventsReceived", receiver.distinct());
      r.put("duplicateDeliveries", receiver.duplicates());
      r.put("outOfOrder", receiver.outOfOrder.get());
      r.put("oversoldRows", Integer.parseInt(oversold));
      if (!all) {
        failures.add("two instances: " + receiver.distinct() + " of " + expected + " events delivered");
      }
      if (receiver.outOfOrder.get() > 0) {
        failures.add("two instances: events out of order per order: " + receiver.outOfOrder.get());
      }
      if (!oversold.equals("0")) {
        failures.add("two instances: oversold stock rows " + oversold);
      }
      unsubscribe(subscription);
      checkReconciliation("two instances");
      System.err.println("two instances " + r);
      return r;
    } finally {
      second.destroy();
      second.waitFor();
    }
  }

  /**
   * Database restart under load: 8 retrying clients while PostgreSQL restarts. Answers during the
   * outage must be prompt 503s, never hangs; the service must recover alone; no partial order.
   */
  static Map<String, Object> databaseRestart() throws Exception {
    String command = env("BENCH_PG_RESTART", defaultRestartCommand());
    Map<String, Object> r = new LinkedHashMap<>();
    if (command.isBlank()) {
      r.put("skipped", "no restart command (set BENCH_PG_RESTART)");
      return r;
    }
    Map<String, String> acknowledged = new ConcurrentHashMap<>();
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    AtomicLong slowest = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    String prefix = "dbrestart-" + System.currentTimeMillis() + "-";
    AtomicInteger next = new AtomicInteger();
    AtomicLong lastFailure = new AtomicLong();
    Thread[] clients = new Thread[8];
    for (int i = 0; i < clients.length; i++) {
      clients[i] =
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (!stop.get()) {
                      String external = prefix + next.incrementAndGet();
                      String key = UUID.randomUUID().toString();
                      String body = orderBody(2).replace("\"channel\":\"API\"", "\"channel\":\"API\",\"externalId\":\"" + external + "\"");
                      for (int attempt = 0; attempt < 600 && !stop.get(); attempt++) {
                        long t0 = System.nanoTime();
                        int status;
                        String answer = "";
                        try {
                          HttpResponse<String> resp = sendTo(BASE, "POST", "/api/v1/orders", body, key);
                          status = resp.statusCode();
                          answer = resp.body();
                        } catch (Exception e) {
                          status = -1;
                        }
                        slowest.accumulateAndGet(System.nanoTime() - t0, Math::max);
                        statuses.computeIfAbsent(status, x -> new AtomicInteger()).incrementAndGet();
                        if (status == 201 || status == 200) {
                          acknowledged.put(external, "ok");
                          break;
                        }
                        lastFailure.set(System.nanoTime());
                        if (status >= 400 && status < 500) {
                          failures.add("database restart: order refused " + status + " " + answer);
                          break;
                        }
                        try {
                          Thread.sleep(100);
                        } catch (InterruptedException e) {
                          return;
                        }
                      }
                    }
                  });
    }
    Thread.sleep(3000);
    long t0 = System.nanoTime();
    run(List.of("sh", "-c", command));
    double restartSeconds = (System.nanoTime() - t0) / 1e9;
    Thread.sleep(8000);
    stop.set(true);
    for (Thread t : clients) {
      t.join();
    }
    Map<String, Integer> seen = new java.util.TreeMap<>();
    statuses.forEach((k, v) -> seen.put(String.valueOf(k), v.get()));
    r.put("restartCommandSeconds", round(restartSeconds));
    r.put("answers", seen);
    r.put("slowestAnswerMs", round(slowest.get() / 1e6));
    r.put("lastRefusalSecondsAfterRestartBegan", round((lastFailure.get() - t0) / 1e9));
    r.put("ordersAcknowledged", acknowledged.size());
    r.putAll(checkDrillOrders(prefix, acknowledged, "database restart"));
    long others = statuses.entrySet().stream().filter(e -> e.getKey() != 201 && e.getKey() != 200 && e.getKey() != 503).mapToLong(e -> e.getValue().get()).sum();
    if (others > 0) {
      failures.add("database restart: answers other than 201 and 503: " + seen);
    }
    if (slowest.get() > Duration.ofSeconds(20).toNanos()) {
      failures.add("database restart: an answer took " + round(slowest.get() / 1e9) + " s (a hang)");
    }
    checkReconciliation("database restart");
    System.err.println("database restart " + r);
    return r;
  }

  static String defaultRestartCommand() {
    try (var versions = Files.list(Path.of("/etc/postgresql"))) {
      String version = versions.map(p -> p.getFileName().toString()).sorted().reduce((a, b) -> b).orElse("");
      return version.isEmpty() ? "" : "pg_ctlcluster --skip-systemctl-redirect " + version + " main restart";
    } catch (IOException e) {
      return "";
    }
  }

  /** The bench's webhook receiver: counts, order per subject, and latency from the event's time. */
  static final class Receiver {
    private HttpServer server;
    final Map<String, Integer> seen = new ConcurrentHashMap<>();
    final Map<String, Integer> lastSequence = new ConcurrentHashMap<>();
    final AtomicInteger outOfOrder = new AtomicInteger();
    final AtomicInteger deliveries = new AtomicInteger();
    Histogram latencies = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final Pattern TIME = Pattern.compile("\"time\":\"([^\"]+)\"");
    private static final Pattern SUBJECT = Pattern.compile("\"subject\":\"([^\"]+)\"");
    private static final Pattern SEQUENCE = Pattern.compile("\"sequence\":(\\d+)");

    void start() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.createContext(
          "/hook",
          exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes());
            Instant arrived = Instant.now();
            long now = arrived.getEpochSecond() * 1_000_000_000L + arrived.getNano();
            record(body, now);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
          });
      server.start();
    }

    synchronized void record(String body, long nowNanos) {
      deliveries.incrementAndGet();
      Matcher id = ID.matcher(body);
      if (!id.find()) {
        return;
      }
      boolean first = seen.merge(id.group(1), 1, Integer::sum) == 1;
      Matcher subject = SUBJECT.matcher(body);
      Matcher sequence = SEQUENCE.matcher(body);
      if (first && subject.find() && sequence.find()) {
        int seq = Integer.parseInt(sequence.group(1));
        Integer last = lastSequence.put(subject.group(1), seq);
        if (last != null && seq < last) {
          outOfOrder.incrementAndGet();
        }
      }
      Matcher time = TIME.matcher(body);
      if (first && time.find()) {
        Instant t = Instant.parse(time.group(1));
        long latency = nowNanos - (t.getEpochSecond() * 1_000_000_000L + t.getNano());
        latencies.recordValue(Math.max(0, Math.min(latency, latencies.getHighestTrackableValue())));
      }
    }

    synchronized void reset() {
      seen.clear();
      lastSequence.clear();
      outOfOrder.set(0);
      deliveries.set(0);
      latencies = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
    }

    long distinct() {
      return seen.size();
    }

    long duplicates() {
      return deliveries.get() - seen.size();
    }

    boolean awaitDistinct(long expected, Duration timeout) throws InterruptedException {
      long until = System.nanoTime() + timeout.toNanos();
      while (distinct() < expected && System.nanoTime() < until) {
        Thread.sleep(100);
      }
      return distinct() >= expected;
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    void stop() {
      if (server != null) {
        server.stop(0);
      }
    }
  }

  // ------------------------------------------------------------------ the database's own limit

  static void setUpDatabaseLimit() throws Exception {
    psql(
        DB,
        """
        DROP SCHEMA IF EXISTS dblimit CASCADE; CREATE SCHEMA dblimit;
        CREATE TABLE dblimit.orders (id bigserial PRIMARY KEY, number text, state text, created_at timestamptz);
        CREATE TABLE dblimit.lines (order_id bigint, line_no int, sku int, quantity int);
        CREATE TABLE dblimit.stock (sku int PRIMARY KEY, on_hand int, reserved int, CHECK (reserved <= on_hand));
        CREATE TABLE dblimit.history (order_id bigint, seq int, type text, at timestamptz);
        CREATE TABLE dblimit.outbox (id bigserial PRIMARY KEY, order_id bigint, type text, data jsonb);
        INSERT INTO dblimit.stock SELECT g, 1000000000, 0 FROM generate_series(1, 100000) g;
        """);
    Files.writeString(
        Path.of("target/dblimit.sql"),
        """
        \\set a random(1, 100000)
        \\set b random(1, 100000)
        BEGIN;
        INSERT INTO dblimit.orders (number, state, created_at) VALUES ('X', 'ALLOCATED', now()) RETURNING id \\gset
        INSERT INTO dblimit.lines VALUES (:id, 1, :a, 1), (:id, 2, :b, 1);
        UPDATE dblimit.stock SET reserved = reserved + 1 WHERE sku = :a AND on_hand - reserved >= 1;
        UPDATE dblimit.stock SET reserved = reserved + 1 WHERE sku = :b AND on_hand - reserved >= 1;
        INSERT INTO dblimit.history VALUES (:id, 1, 'order.received', now());
        INSERT INTO dblimit.outbox (order_id, type, data) VALUES (:id, 'order.received', '{}');
        COMMIT;
        """);
  }

  /** True when pg_stat_statements is loaded on the server; then its counters start from zero. */
  static boolean resetStatementStats() {
    try {
      psql(DB, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()");
      return true;
    } catch (Exception notLoaded) {
      System.err.println("pg_stat_statements is not loaded; the report will not list statements");
      return false;
    }
  }

  /** The statements that took most of the database's time during the intake steps (pgbench's excluded). */
  static List<Object> statementStats() throws Exception {
    String rows =
        psql(
            DB,
            """
            SELECT calls, round(total_exec_time::numeric, 1), round((total_exec_time / calls)::numeric, 3),
                   regexp_replace(left(query, 110), '\s+', ' ', 'g')
            FROM pg_stat_statements
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND query NOT LIKE '%dblimit%'
            ORDER BY total_exec_time DESC LIMIT 12""");
    List<Object> out = new ArrayList<>();
    for (String line : rows.strip().split("\n")) {
      String[] f = line.split("\\|", 4);
      if (f.length == 4) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("calls", Long.parseLong(f[0]));
        m.put("totalMs", Double.parseDouble(f[1]));
        m.put("meanMs", Double.parseDouble(f[2]));
        m.put("query", f[3]);
        out.add(m);
      }
    }
    return out;
  }

  static Map<String, Object> databaseLimit(int clients) throws Exception {
    String out =
        run(
            List.of(
                "pgbench", "-h", "127.0.0.1", "-U", "postgres", "-n", "-f", "target/dblimit.sql",
                "-c", String.valueOf(clients), "-j", String.valueOf(Math.min(clients, 2)),
                "-T", String.valueOf(Math.max(5, SECONDS / 2)), DB));
    Matcher tps = Pattern.compile("tps = ([0-9.]+)").matcher(out);
    Matcher lat = Pattern.compile("latency average = ([0-9.]+) ms").matcher(out);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("clients", clients);
    r.put("ordersPerSecond", tps.find() ? round(Double.parseDouble(tps.group(1))) : null);
    r.put("latencyAvgMs", lat.find() ? round(Double.parseDouble(lat.group(1))) : null);
    System.err.println("database limit c=" + clients + " " + r);
    return r;
  }

  // ------------------------------------------------------------------ service and seeding

  static double startService(String jar) throws Exception {
    long t0 = System.nanoTime();
    service = launch(jar, PORT, "target/bench-service.log");
    waitHealthy(PORT, service);
    return (System.nanoTime() - t0) / 1e9;
  }

  /**
   * Start-up with the JDK's ahead-of-time cache (JEP 483/514/515): the jar extracted, one training
   * start that stops once the context is refreshed, then a measured start from the cache.
   */
  static double aotStartup() throws Exception {
    stopService();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path dir = Path.of("target/bench-aot").toAbsolutePath();
    run(List.of(java, "-Djarmode=tools", "-jar", jar, "extract", "--force", "--destination", dir.toString()));
    String app = dir.resolve(Path.of(jar).getFileName()).toString();
    String cache = dir.resolve("app.aot").toString();
    Files.deleteIfExists(Path.of(cache));
    Process training =
        launch(app, PORT, "target/bench-service-aot.log", "-XX:AOTCacheOutput=" + cache, "-Dspring.context.exit=onRefresh");
    if (!training.waitFor(180, TimeUnit.SECONDS) || !Files.exists(Path.of(cache))) {
      training.destroyForcibly();
      failures.add("AOT cache training did not finish; see target/bench-service-aot.log");
      return Double.NaN;
    }
    long t0 = System.nanoTime();
    service = launch(app, PORT, "target/bench-service-aot.log", "-XX:AOTCache=" + cache);
    waitHealthy(PORT, service);
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.err.println("start-up with the AOT cache: " + seconds + " s");
    return round(seconds);
  }

  /** Starts a service process on {@code port}, appending its output to {@code log}. */
  static Process launch(String jar, int port, String log, String... jvmOptions) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(command(java, jar, port));
    command.addAll(1, List.of(jvmOptions));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of(log).toFile()));
    pb.environment().put("SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:5432/" + DB);
    pb.environment().put("SPRING_DATASOURCE_USERNAME", "postgres");
    pb.environment().put("ORDERLOOP_BOOTSTRAP_API_KEY", KEY);
    return pb.start();
  }

  static void waitHealthy(int port, Process process) throws Exception {
    while (true) {
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("the service died on start; see target/bench-service*.log");
      }
      Thread.sleep(50);
    }
  }

  /**
   * With BENCH_PROFILER naming async-profiler's libasyncProfiler.so, profiles the service's CPU over
   * the intake steps and writes a flame graph to target/bench-intake-profile.html.
   */
  static void profiler(String command) throws Exception {
    String lib = env("BENCH_PROFILER", "");
    if (lib.isBlank()) {
      return;
    }
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    System.err.println(run(List.of(jcmd, String.valueOf(service.pid()), "JVMTI.agent_load", lib, '"' + command + '"')).strip());
  }

  static List<String> command(String java, String jar, int port) {
    List<String> c = new ArrayList<>(List.of(java));
    if (!SERVICE_OPTS.isBlank()) {
      c.addAll(Arrays.asList(SERVICE_OPTS.strip().split("\\s+")));
    }
    c.addAll(List.of("-jar", jar, "--server.port=" + port));
    return c;
  }

  static void stopService() throws InterruptedException {
    if (service != null && service.isAlive()) {
      service.destroy();
      service.waitFor();
    }
  }

  static void seed() throws Exception {
    long t0 = System.nanoTime();
    put("/api/v1/locations/MAIN", "{\"name\":\"Main\",\"priority\":1}");
    psql(
        DB,
        """
        INSERT INTO skus (code, name, created_at, updated_at)
          SELECT 'BENCH-' || lpad(g::text, 7, '0'), 'Bench SKU ' || g, now(), now() FROM generate_series(1, %d) g;
        INSERT INTO stock (sku, location, on_hand, reserved, received_at)
          SELECT code, 'MAIN', 1000000, 0, now() FROM skus WHERE code LIKE 'BENCH-%%';
        INSERT INTO stock_movements (stock_id, kind, on_hand_delta, reserved_delta, reason, actor, at)
          SELECT id, 'RECEIPT', on_hand, 0, 'bench seed', 'bench', now() FROM stock WHERE sku LIKE 'BENCH-%%';
        ANALYZE;
        """
            .formatted(SKUS));
    results.put("seed", Map.of("skus", SKUS, "seconds", round((System.nanoTime() - t0) / 1e9)));
  }

  static String orderBody(int lines) {
    List<String> skus = new ArrayList<>();
    for (int i = 0; i < lines; i++) {
      skus.add(String.format("BENCH-%07d", 1 + ThreadLocalRandom.current().nextInt(SKUS)));
    }
    return order(skus);
  }

  static String order(List<String> skus) {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < skus.size(); i++) {
      if (i > 0) {
        lines.append(',');
      }
      lines.append("{\"sku\":\"").append(skus.get(i)).append("\",\"quantity\":1,\"unitPrice\":\"9.99\"}");
    }
    return "{\"channel\":\"API\",\"type\":\"DTC\",\"customer\":{\"name\":\"Bench Buyer\",\"email\":\"b@example.com\"},"
        + "\"shipTo\":{\"line1\":\"1 Loop Rd\",\"city\":\"Springfield\",\"country\":\"US\"},\"currency\":\"USD\","
        + "\"lines\":[" + lines + "]}";
  }

  static void checkReconciliation(String when) throws Exception {
    String body = get("/api/v1/inventory/reconciliation");
    if (!body.contains("\"clean\":true")) {
      failures.add("reconciliation not clean after " + when + ": " + body.substring(0, Math.min(300, body.length())));
    }
  }

  // ------------------------------------------------------------------ HTTP, processes, measurements

  static int post(String path, String body) throws Exception {
    return send("POST", path, body).statusCode();
  }

  static int put(String path, String body) throws Exception {
    return send("PUT", path, body).statusCode();
  }

  static String get(String path) throws Exception {
    HttpResponse<String> r = send("GET", path, null);
    if (r.statusCode() != 200) {
      failures.add("GET " + path + " answered " + r.statusCode());
    }
    return r.body();
  }

  static HttpResponse<String> sendTo(String base, String method, String path, String body, String idempotencyKey) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + KEY)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (idempotencyKey != null) {
      b.header("Idempotency-Key", idempotencyKey);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> send(String method, String path, String body) throws Exception {
    return sendTo(BASE, method, path, body, null);
  }

  static String psql(String db, String sql) throws Exception {
    return run(List.of("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-qtA", "-c", sql));
  }

  static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command).substring(0, 60) + " failed: " + out);
    }
    return out;
  }

  static long serviceCpuMs() throws IOException {
    return cpuMs(service.pid());
  }

  static long postgresCpuMs() throws IOException {
    long total = 0;
    try (var dirs = Files.list(Path.of("/proc"))) {
      for (Path dir : dirs.toList()) {
        String name = dir.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          if (Files.readString(dir.resolve("comm")).strip().startsWith("postgres")) {
            total += cpuMs(Long.parseLong(name));
          }
        } catch (IOException gone) {
          // process ended
        }
      }
    }
    return total;
  }

  static long cpuMs(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
    return ticks * 10; // 100 ticks per second
  }

  static long maxRss;

  /** Shares of the service's CPU samples by part, from async-profiler's collapsed stacks. */
  static Map<String, Object> profileSummary(Path collapsed) throws IOException {
    String[][] parts = {
      {"JIT compiler threads", "CompileBroker"},
      {"garbage collector", "G1"},
      {"socket reads and writes (system calls)", "__GI_write", "__GI_read", "__libc_write", "__libc_read", "send", "recv"},
      {"PostgreSQL JDBC driver", "org/postgresql"},
      {"connection pool", "com/zaxxer"},
      {"JSON (Jackson)", "tools/jackson"},
      {"Bean Validation", "org/hibernate/validator"},
      {"Orderloop code", "io/orderloop"},
      {"Spring JDBC and transactions", "org/springframework/jdbc", "org/springframework/transaction"},
      {"Spring Security", "org/springframework/security"},
      {"Spring MVC and the rest of Spring", "org/springframework"},
      {"Tomcat", "org/apache"},
      {"virtual thread scheduling", "ForkJoin", "Continuation", "VirtualThread"},
    };
    Map<String, Long> counts = new LinkedHashMap<>();
    long total = 0;
    for (String line : Files.readAllLines(collapsed)) {
      int space = line.lastIndexOf(' ');
      if (space < 0) {
        continue;
      }
      long n = Long.parseLong(line.substring(space + 1).strip());
      String stack = line.substring(0, space);
      String[] frames = stack.split(";");
      String leaf = frames[frames.length - 1];
      total += n;
      String part = "other";
      outer:
      for (String[] p : parts) {
        for (int k = 1; k < p.length; k++) {
          // System calls are judged by the leaf frame, the rest by any frame (the innermost part wins
          // for ours: listed before the frameworks that call into it).
          boolean hit = p[0].startsWith("socket") ? leaf.contains(p[k]) : stack.contains(p[k]);
          if (hit) {
            part = p[0];
            break outer;
          }
        }
      }
      counts.merge(part, n, Long::sum);
    }
    Map<String, Object> shares = new LinkedHashMap<>();
    long all = total;
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> shares.put(e.getKey(), round(100.0 * e.getValue() / all)));
    return shares;
  }

  static Long rssMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + service.pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          long mib = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
          maxRss = Math.max(maxRss, mib);
          return mib;
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  static Map<String, Object> machine() throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    String cpu =
        Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
            .filter(l -> l.startsWith("model name"))
            .findFirst()
            .map(l -> l.substring(l.indexOf(':') + 1).strip())
            .orElse("?");
    m.put("cpu", cpu);
    m.put(
        "memoryGiB",
        Files.readAllLines(Path.of("/proc/meminfo")).stream()
            .filter(l -> l.startsWith("MemTotal"))
            .findFirst()
            .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024 / 1024)
            .orElse(0L));
    m.put("java", System.getProperty("java.version"));
    m.put("postgres", psql("postgres", "SHOW server_version").strip());
    m.put("commit", run(List.of("git", "rev-parse", "--short", "HEAD")).strip());
    m.put("autovacuum", psql("postgres", "SHOW autovacuum").strip());
    m.put("loadAverage", Files.readString(Path.of("/proc/loadavg")).strip());
    return m;
  }

  /** Latencies of one scenario; exact percentiles from every sample (closed loop). */
  static final class Stats {
    private final ConcurrentLinkedQueue<Long> samples = new ConcurrentLinkedQueue<>();

    void add(long nanos) {
      samples.add(nanos);
    }

    long count() {
      return samples.size();
    }

    Map<String, Object> summary(double seconds) {
      long[] s = samples.stream().mapToLong(Long::longValue).sorted().toArray();
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("requests", s.length);
      r.put("ordersPerSecond", seconds > 0 ? round(s.length / seconds) : null);
      r.put("p50Ms", ms(s, 0.50));
      r.put("p95Ms", ms(s, 0.95));
      r.put("p99Ms", ms(s, 0.99));
      r.put("maxMs", s.length == 0 ? null : round(s[s.length - 1] / 1e6));
      return r;
    }

    static Double ms(long[] s, double q) {
      if (s.length == 0) {
        return null;
      }
      return round(s[Math.min(s.length - 1, (int) Math.ceil(q * s.length) - 1)] / 1e6);
    }
  }

  static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  // ------------------------------------------------------------------ report

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  static double num(Object o) {
    return o instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  static String fmt(double v) {
    return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v);
  }

  static void row(StringBuilder md, Object... cells) {
    md.append('|');
    for (Object c : cells) {
      md.append(' ').append(c instanceof Double d ? fmt(d) : String.valueOf(c)).append(" |");
    }
    md.append('\n');
  }

  static void target(StringBuilder md, String what, String goal, double measured, String unit, boolean met) {
    String value = measured < 1 ? String.format(Locale.ROOT, "%.2f", measured) : fmt(measured);
    row(md, what, goal, Double.isNaN(measured) ? "not measured" : value + unit, Double.isNaN(measured) ? "—" : met ? "met" : "**missed**");
  }

  static void write() throws IOException {
    Files.writeString(Path.of("bench/results.json"), json(results) + "\n");
    Map<String, Object> m = map(results.get("machine"));
    Map<String, Object> intake = map(results.get("intake"));
    Map<String, Object> limit = map(results.get("databaseLimit"));
    Map<String, Object> queries = map(results.get("queries"));
    Map<String, Object> hot = map(results.get("hotSku"));
    StringBuilder md = new StringBuilder();
    md.append("# Benchmarks\n\n")
        .append("Produced by `bench/run.sh`, one command: it builds the service, starts it on a fresh database on the ")
        .append("local PostgreSQL server, seeds 100,000 SKUs, drives load over HTTP from a separate JVM, checks ")
        .append("correctness after every scenario, runs pgbench for the database's own limit in the same run, runs ")
        .append("the reliability drills, and writes this file and `bench/results.json`. It exits 1 when a correctness ")
        .append("check fails. How to read it and what each scenario does: [bench/README.md](../bench/README.md).\n\n")
        .append("- Date: ").append(results.get("date")).append(", commit `").append(m.get("commit")).append("`\n")
        .append("- Machine: ").append(m.get("cores")).append(" cores (").append(m.get("cpu")).append("), ")
        .append(m.get("memoryGiB")).append(" GiB; the service, PostgreSQL and the load driver share the cores\n")
        .append("- PostgreSQL ").append(m.get("postgres")).append(" (autovacuum ").append(m.get("autovacuum"))
        .append(", so the run analyzes after warm-up), Java ").append(m.get("java"))
        .append(", load average at start ").append(m.get("loadAverage")).append('\n')
        .append("- Warm-up ").append(results.get("warmUpSeconds")).append(" s of intake at 8 clients, until two 10 s windows in a row agreed within 5 % (orders/s per window: ")
        .append(results.get("warmUpRates")).append("); each measured step ")
        .append(SECONDS).append(" s; orders of 1–5 lines over ").append(SKUS).append(" SKUs\n\n");

    md.append("## Targets\n\n| target | goal | measured | |\n|---|---|---|---|\n");
    Map<String, Object> c32 = map(intake.get("c32"));
    Map<String, Object> c1 = map(intake.get("c1"));
    double ratio32 = num(c32.get("ordersPerSecond")) / num(map(limit.get("c32")).get("ordersPerSecond"));
    target(md, "Intake at 32 clients against the database limit", "≥ 0.75", ratio32, "", ratio32 >= 0.75);
    target(md, "Intake p99 at 32 clients", "≤ 100 ms", num(c32.get("p99Ms")), " ms", num(c32.get("p99Ms")) <= 100);
    target(md, "Intake p99 at 1 client", "≤ 10 ms", num(c1.get("p99Ms")), " ms", num(c1.get("p99Ms")) <= 10);
    target(md, "Hot SKU throughput (zero oversell is checked)", "≥ 300 orders/s", num(hot.get("ordersPerSecond")), " orders/s", num(hot.get("ordersPerSecond")) >= 300);
    double firstPage = num(map(queries.get("firstPage")).get("p99Ms"));
    target(md, "First page at 1,000,000 orders, p99", "≤ 50 ms", firstPage, " ms", firstPage <= 50);
    double counts = num(map(queries.get("stateCounts")).get("p99Ms"));
    target(md, "State counts at 1,000,000 orders, p99", "≤ 50 ms", counts, " ms", counts <= 50);
    double rss = num(results.get("rssMiBMax"));
    target(md, "Service RSS under load", "≤ 512 MiB", rss, " MiB", rss <= 512);
    double startup = num(results.get("startupSecondsExistingDatabase"));
    target(md, "Start-up to healthy on an existing database (`java -jar`)", "≤ 5 s", startup, " s", startup <= 5);
    double aot = num(results.get("startupSecondsAotCache"));
    target(md, "… extracted jar with the JDK's AOT cache", "≤ 5 s", aot, " s", aot <= 5);
    Map<String, Object> storm = map(map(results.get("drills")).get("badInputStorm"));
    target(md, "Good intake p99 during a bad input storm, against a clean run", "≤ 2×", num(storm.get("p99Ratio")), "×", num(storm.get("p99Ratio")) <= 2);
    md.append('\n');

    md.append("## Intake against the database limit (closed loop)\n\n")
        .append("| clients | orders/s | p50 ms | p95 ms | p99 ms | service CPU ms/order | PostgreSQL CPU ms/order | RSS MiB | database limit orders/s (pgbench) | ratio |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (String k : intake.keySet()) {
      Map<String, Object> i = map(intake.get(k));
      double db = num(map(limit.get(k)).get("ordersPerSecond"));
      row(md, i.get("clients"), num(i.get("ordersPerSecond")), num(i.get("p50Ms")), num(i.get("p95Ms")), num(i.get("p99Ms")),
          num(i.get("serviceCpuMsPerOrder")), num(i.get("postgresCpuMsPerOrder")), i.get("rssMiB"), db,
          String.format(Locale.ROOT, "%.2f", num(i.get("ordersPerSecond")) / db));
    }
    md.append("\nThe database limit is the minimum SQL one order needs (1 order row, 2 lines, 2 conditional stock ")
        .append("updates, 1 history row, 1 outbox row, one durable transaction) through pgbench at the same client ")
        .append("count, on the same server, in the same run. The ratio (intake ÷ limit) is the headline figure. ")
        .append("CPU per order is read from /proc for the service process and for every PostgreSQL process.\n\n");

    Map<String, Object> open = map(results.get("intakeOpenModel"));
    if (!open.isEmpty()) {
      md.append("## Intake at a fixed arrival rate (open model)\n\n")
          .append("Orders are sent on a fixed schedule whatever the service does; each latency runs from the moment ")
          .append("the order was due, so a stall counts against every order it delayed (no coordinated omission; ")
          .append("HdrHistogram). Rates are shares of the 32-client closed-loop rate above.\n\n")
          .append("| share | offered/s | completed/s | p50 ms | p95 ms | p99 ms | max ms | errors |\n|---|---|---|---|---|---|---|---|\n");
      for (String k : open.keySet()) {
        Map<String, Object> o = map(open.get(k));
        row(md, k, num(o.get("offeredPerSecond")), num(o.get("completedPerSecond")), num(o.get("p50Ms")), num(o.get("p95Ms")), num(o.get("p99Ms")), num(o.get("maxMs")), o.get("errors"));
      }
      md.append('\n');
    }

    if (!hot.isEmpty()) {
      md.append("## Hot SKU\n\n1,000 buyers at once, one unit each, on 10 SKUs with 20 units each (200 units for 1,000 buyers).\n\n")
          .append("| orders/s | p50 ms | p99 ms | max ms | errors | units allocated / in stock |\n|---|---|---|---|---|---|\n");
      row(md, num(hot.get("ordersPerSecond")), num(hot.get("p50Ms")), num(hot.get("p99Ms")), num(hot.get("maxMs")), hot.get("errors"), hot.get("unitsAllocated") + " / " + hot.get("unitsInStock"));
      md.append('\n');
    }

    Map<String, Object> events = map(results.get("events"));
    if (!events.isEmpty()) {
      md.append("## Events: commit to webhook receiver\n\n")
          .append("One webhook subscription to a receiver in the bench process; orders at a steady rate; latency from ")
          .append("each event's `time` (its history entry, written inside the committing transaction) to its arrival.\n\n")
          .append("| orders/s | events expected | received | duplicates | out of order | p50 ms | p95 ms | p99 ms | max ms |\n|---|---|---|---|---|---|---|---|---|\n");
      row(md, events.get("ordersPerSecond"), events.get("eventsExpected"), events.get("eventsReceived"), events.get("duplicates"), events.get("outOfOrder"),
          num(events.get("p50Ms")), num(events.get("p95Ms")), num(events.get("p99Ms")), num(events.get("maxMs")));
      md.append('\n');
    }

    if (!queries.isEmpty()) {
      md.append("## Queries at ").append(queries.get("orders")).append(" orders\n\n| query | requests | p50 ms | p95 ms | p99 ms | max ms |\n|---|---|---|---|---|---|\n");
      for (String k : List.of("firstPage", "firstPageByState", "deepPageAfter10000", "stateCounts", "stateCountsOneChannel", "textSearch")) {
        Map<String, Object> q = map(queries.get(k));
        if (!q.isEmpty()) {
          row(md, k, q.get("requests"), num(q.get("p50Ms")), num(q.get("p95Ms")), num(q.get("p99Ms")), num(q.get("maxMs")));
        }
      }
      md.append('\n');
    }

    Map<String, Object> drills = map(results.get("drills"));
    if (!drills.isEmpty()) {
      md.append("## Reliability drills\n\n");
      if (!storm.isEmpty()) {
        Map<String, Object> clean = map(storm.get("goodClean"));
        Map<String, Object> during = map(storm.get("goodDuringStorm"));
        md.append("**Bad input storm** — 8 clients sending good orders, alone and then beside 8 clients cycling through ")
            .append(storm.get("hostileKinds")).append(" kinds of malformed, oversized and hostile requests: ")
            .append(storm.get("hostileRequests")).append(" hostile requests answered ").append(json(storm.get("hostileStatuses")))
            .append("; 5xx answers: ").append(storm.get("serverErrors")).append(". Good orders: ")
            .append(fmt(num(clean.get("ordersPerSecond")))).append("/s, p99 ").append(fmt(num(clean.get("p99Ms")))).append(" ms alone; ")
            .append(fmt(num(during.get("ordersPerSecond")))).append("/s, p99 ").append(fmt(num(during.get("p99Ms")))).append(" ms during the storm (")
            .append(fmt(num(storm.get("p99Ratio")))).append("×).\n\n");
      }
      Map<String, Object> crash = map(drills.get("crash"));
      if (!crash.isEmpty()) {
        md.append("**Crash** — 8 clients, each order with its own `Idempotency-Key`, retried until answered; the service ")
            .append("killed with SIGKILL after ").append(crash.get("acknowledgedBeforeKill")).append(" acknowledged orders, restarted (")
            .append(crash.get("restartSeconds")).append(" s to healthy). Acknowledged ").append(crash.get("ordersAcknowledged"))
            .append(", stored ").append(crash.get("ordersStored")).append(", acknowledged but missing ").append(crash.get("acknowledgedMissing"))
            .append(", stored without lines, history or events ").append(crash.get("partialOrders")).append(".\n\n");
      }
      Map<String, Object> two = map(drills.get("twoInstances"));
      if (!two.isEmpty()) {
        md.append("**Two instances** — two service processes on one database, 16 clients alternating between them: orders, ")
            .append("cancellations and receipts on 10 SKUs with little stock. Answers ").append(json(two.get("answers")))
            .append("; oversold rows ").append(two.get("oversoldRows")).append("; webhook events expected ").append(two.get("eventsExpected"))
            .append(", received ").append(two.get("eventsReceived")).append(", duplicate deliveries ").append(two.get("duplicateDeliveries"))
            .append(", out of order ").append(two.get("outOfOrder")).append(".\n\n");
      }
      Map<String, Object> restart = map(drills.get("databaseRestart"));
      if (!restart.isEmpty()) {
        if (restart.containsKey("skipped")) {
          md.append("**Database restart** — skipped: ").append(restart.get("skipped")).append(".\n\n");
        } else {
          md.append("**Database restart** — 8 retrying clients while PostgreSQL restarts (").append(restart.get("restartCommandSeconds"))
              .append(" s): answers ").append(json(restart.get("answers"))).append(", slowest answer ").append(restart.get("slowestAnswerMs"))
              .append(" ms (no hangs), acknowledged ").append(restart.get("ordersAcknowledged")).append(", missing ")
              .append(restart.get("acknowledgedMissing")).append(", partial orders ").append(restart.get("partialOrders"))
              .append(". The service recovered by itself.\n\n");
        }
      }
    }

    List<Object> statements = results.get("intakeStatements") instanceof List<?> l ? (List<Object>) l : List.of();
    if (!statements.isEmpty()) {
      md.append("## Where the database's time goes during intake (pg_stat_statements)\n\n| calls | total ms | mean ms | statement |\n|---|---|---|---|\n");
      for (Object o : statements) {
        Map<String, Object> st = map(o);
        row(md, st.get("calls"), num(st.get("totalMs")), String.format(Locale.ROOT, "%.3f", num(st.get("meanMs"))), "`" + String.valueOf(st.get("query")).replace("|", "\\|") + "`");
      }
      md.append('\n');
    }
    Map<String, Object> profile = map(results.get("intakeProfile"));
    if (!profile.isEmpty()) {
      md.append("## Where the service's CPU goes during intake (async-profiler)\n\nShare of CPU samples over the intake steps; ")
          .append("the flame graph is written to `target/bench-intake-profile.html`.\n\n| part | share |\n|---|---|\n");
      profile.forEach((k, v) -> row(md, k, fmt(num(v)) + " %"));
      md.append('\n');
    }

    if (!previous.isBlank()) {
      md.append("## Against the previous run\n\nThe same figures from the run before this one (its `bench/results.json`, ")
          .append(find(previous, "\"date\":\"([^\"]+)\"")).append(", commit `").append(find(previous, "\"commit\":\"([^\"]+)\""))
          .append("`), to show how far a run reproduces the last.\n\n| figure | previous | this run |\n|---|---|---|\n");
      String[][] figures = {
        {"intake orders/s, 1 client", "\"c1\":\\{\"requests\":\\d+,\"ordersPerSecond\":([0-9.]+)"},
        {"intake orders/s, 8 clients", "\"c8\":\\{\"requests\":\\d+,\"ordersPerSecond\":([0-9.]+)"},
        {"intake orders/s, 32 clients", "\"c32\":\\{\"requests\":\\d+,\"ordersPerSecond\":([0-9.]+)"},
        {"intake orders/s, 64 clients", "\"c64\":\\{\"requests\":\\d+,\"ordersPerSecond\":([0-9.]+)"},
        {"database limit orders/s, 32 clients", "\"c32\":\\{\"clients\":32,\"ordersPerSecond\":([0-9.]+)"},
        {"hot SKU orders/s", "\"hotSku\":\\{\"requests\":\\d+,\"ordersPerSecond\":([0-9.]+)"},
        {"first page p99 ms", "\"firstPage\":\\{[^}]*\"p99Ms\":([0-9.]+)"},
        {"state counts p99 ms", "\"stateCounts\":\\{[^}]*\"p99Ms\":([0-9.]+)"},
        {"start-up s (java -jar)", "\"startupSecondsExistingDatabase\":([0-9.]+)"},
        {"start-up s (AOT cache)", "\"startupSecondsAotCache\":([0-9.]+)"},
      };
      String now = json(results);
      for (String[] f : figures) {
        row(md, f[0], find(previous, f[1]), find(now, f[1]));
      }
      md.append('\n');
    }
    md.append("## Correctness\n\n")
        .append(failures.isEmpty()
            ? "All checks passed: no error answers, no oversell, reconciliation clean after every scenario, every acknowledged order whole, every event delivered in order.\n"
            : "FAILED: " + failures + "\n");
    Files.writeString(Path.of("docs/BENCHMARKS.md"), md.toString());
  }

  static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    return m.find() ? m.group(1) : "—";
  }

  static String json(Object o) {
    if (o == null) {
      return "null";
    }
    if (o instanceof Map<?, ?> map) {
      StringBuilder sb = new StringBuilder("{");
      for (var e : map.entrySet()) {
        if (sb.length() > 1) {
          sb.append(',');
        }
        sb.append('"').append(e.getKey()).append("\":").append(json(e.getValue()));
      }
      return sb.append('}').toString();
    }
    if (o instanceof List<?> list) {
      StringBuilder sb = new StringBuilder("[");
      for (Object v : list) {
        if (sb.length() > 1) {
          sb.append(',');
        }
        sb.append(json(v));
      }
      return sb.append(']').toString();
    }
    if (o instanceof Number || o instanceof Boolean) {
      return o.toString();
    }
    return '"' + o.toString().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ") + '"';
  }

  static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
