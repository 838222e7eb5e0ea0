import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The measured scenarios: warm-up, closed-loop intake, open-model intake, the hot SKU, webhook
 * latency and the queries at a million orders. Each checks its correctness as it goes.
 */
final class Scenarios {

  private final Run run;
  private final Config config;
  private final Http http;

  Scenarios(Run run) {
    this.run = run;
    this.config = run.config;
    this.http = run.http;
  }

  /**
   * The JIT compiles the hot paths before anything is measured; its orders count nowhere. Runs at
   * 8 clients in 10 s windows for at least the warm-up seconds, then until two windows in a row
   * agree within 5 % (steady state), at most 300 s in all.
   */
  void warmUp() throws Exception {
    long start = System.nanoTime();
    List<Double> rates = new ArrayList<>();
    // A first window fills the tables; then statistics, as autovacuum's analyze would have them on a
    // default server (this machine's runs with autovacuum off): plans cached while the tables were
    // empty (the foreign-key checks' among them) are made again.
    closedLoop(8, 10);
    run.db.psql("ANALYZE");
    while (true) {
      Map<String, Object> window = closedLoop(8, 10);
      if (((Number) window.get("errors")).intValue() > 0) {
        run.fail("warm-up: " + window.get("errors") + " non-201 answers");
      }
      rates.add(((Number) window.get("ordersPerSecond")).doubleValue());
      double elapsed = (System.nanoTime() - start) / 1e9;
      int n = rates.size();
      boolean steady =
          n >= 3
              && Math.abs(rates.get(n - 1) - rates.get(n - 2)) <= 0.05 * rates.get(n - 1)
              && Math.abs(rates.get(n - 2) - rates.get(n - 3)) <= 0.05 * rates.get(n - 1);
      if (elapsed >= 300 || (elapsed >= config.warmUpSeconds() && steady)) {
        run.results.put("warmUpSeconds", Math.round(elapsed));
        run.results.put("warmUpRates", rates);
        break;
      }
    }
    run.db.psql("ANALYZE");
    System.err.println("warmed up: " + run.results.get("warmUpSeconds") + " s, orders/s per 10 s: " + rates);
  }

  /** One closed-loop intake step with the CPU it cost the service and PostgreSQL per order. */
  Map<String, Object> intake(int clients) throws Exception {
    long[] cpuBefore = {run.service.cpuMs(), Measurements.postgresCpuMs(), run.service.compilerCpuMs()};
    Map<String, Object> r = closedLoop(clients, config.seconds());
    long[] cpuAfter = {run.service.cpuMs(), Measurements.postgresCpuMs(), run.service.compilerCpuMs()};
    r.put("clients", clients);
    long n = ((Number) r.get("requests")).longValue();
    r.put("serviceCpuMsPerOrder", n == 0 ? null : Measurements.round2((cpuAfter[0] - cpuBefore[0]) / (double) n));
    // Warm: without what the JIT compiler threads spent meanwhile (still compiling minutes into a run
    // on 2 cores; a long-running service has done it).
    long withoutJit = (cpuAfter[0] - cpuBefore[0]) - (cpuAfter[2] - cpuBefore[2]);
    r.put("serviceCpuMsPerOrderWithoutJit", n == 0 ? null : Measurements.round2(withoutJit / (double) n));
    r.put("postgresCpuMsPerOrder", n == 0 ? null : Measurements.round2((cpuAfter[1] - cpuBefore[1]) / (double) n));
    r.put("rssMiB", run.service.rssMiB());
    if (((Number) r.get("errors")).intValue() > 0) {
      run.fail("intake c" + clients + ": " + r.get("errors") + " non-201 answers");
    }
    System.err.println("intake c=" + clients + " " + r);
    run.checkReconciliation("intake c" + clients);
    return r;
  }

  /** Closed-loop intake from {@code clients} for {@code seconds}; counts 5xx apart. */
  Map<String, Object> closedLoop(int clients, int seconds) throws Exception {
    Measurements.Stats stats = new Measurements.Stats();
    AtomicInteger errors = new AtomicInteger();
    AtomicInteger serverErrors = new AtomicInteger();
    AtomicInteger transportErrors = new AtomicInteger();
    long until = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < clients; i++) {
        pool.submit(
            () -> {
              while (System.nanoTime() < until) {
                long t0 = System.nanoTime();
                int status;
                try {
                  status = http.post("/api/v1/orders", http.randomOrder(1 + ThreadLocalRandom.current().nextInt(5)));
                } catch (java.io.IOException e) {
                  transportErrors.incrementAndGet(); // no answer: the order was not acknowledged
                  continue;
                }
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
    r.put("transportErrors", transportErrors.get());
    return r;
  }

  /**
   * Open model: orders arrive at a fixed rate whatever the service does, and each latency runs from
   * the moment the order was due to be sent, so a stall counts against every order it delayed (no
   * coordinated omission). Recorded in an HdrHistogram.
   */
  Map<String, Object> openModel(double rate, int seconds) throws Exception {
    return openModel(rate, seconds, null);
  }

  /**
   * As above; with {@code answered}, each created order's id is put there with the time its answer
   * arrived (epoch nanoseconds).
   */
  Map<String, Object> openModel(double rate, int seconds, Map<String, Long> answered) throws Exception {
    Histogram h = new Histogram(TimeUnit.MINUTES.toNanos(2), 3);
    AtomicInteger errors = new AtomicInteger();
    AtomicInteger transportErrors = new AtomicInteger();
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
              int status;
              try {
                var response = http.send("POST", "/api/v1/orders", http.randomOrder(1 + ThreadLocalRandom.current().nextInt(5)));
                status = response.statusCode();
                if (answered != null && status == 201) {
                  Instant now = Instant.now();
                  answered.put(Http.id(response), now.getEpochSecond() * 1_000_000_000L + now.getNano());
                }
              } catch (java.io.IOException e) {
                transportErrors.incrementAndGet();
                return null;
              }
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
    r.put("offeredPerSecond", Measurements.round(rate));
    r.put("completedPerSecond", Measurements.round(n / elapsed));
    r.put("requests", n);
    r.put("errors", errors.get());
    r.put("transportErrors", transportErrors.get());
    r.putAll(Measurements.percentiles(h));
    if (errors.get() > 0) {
      run.fail("open model at " + rate + "/s: " + errors.get() + " non-201 answers");
    }
    System.err.println("open model " + r);
    run.checkReconciliation("open model " + rate);
    return r;
  }

  /** 1,000 buyers at once, one unit each, on 10 SKUs with 20 units each: exactly 200 allocate. */
  Map<String, Object> hotSku() throws Exception {
    List<String> hot = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String sku = "HOT-" + i;
      http.put("/api/v1/skus/" + sku, Map.of("name", "hot"));
      http.post("/api/v1/inventory/receipts", Map.of("sku", sku, "location", "MAIN", "quantity", 20));
      hot.add(sku);
    }
    Measurements.Stats stats = new Measurements.Stats();
    AtomicInteger errors = new AtomicInteger();
    AtomicInteger transportErrors = new AtomicInteger();
    long start = System.nanoTime();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 1000; i++) {
        Map<String, Object> body = Http.order(List.of(hot.get(i % 10)), 1);
        pool.submit(
            () -> {
              long t0 = System.nanoTime();
              int status;
              try {
                status = http.post("/api/v1/orders", body);
              } catch (java.io.IOException e) {
                transportErrors.incrementAndGet(); // e.g. refused: more connections than the backlog
                return null;
              }
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
    r.put("transportErrors", transportErrors.get());
    long allocated = run.db.count("SELECT coalesce(sum(allocated),0) FROM order_lines WHERE sku LIKE 'HOT-%'");
    long oversold = run.db.count("SELECT count(*) FROM stock WHERE sku LIKE 'HOT-%' AND on_hand < reserved");
    r.put("unitsAllocated", allocated);
    r.put("unitsInStock", 200);
    if (allocated != 200) {
      run.fail("hot SKU: " + allocated + " units allocated of 200");
    }
    if (oversold != 0 || errors.get() > 0) {
      run.fail("hot SKU: oversold rows " + oversold + ", errors " + errors.get());
    }
    run.checkReconciliation("hot SKU");
    System.err.println("hot SKU " + r);
    return r;
  }

  /**
   * Webhook delivery: a subscription to the bench's own receiver, orders at a steady rate, and the
   * time from each event's time (its history entry, inside the committing transaction) to its
   * arrival, with the CPU the service and PostgreSQL spent per event delivered (intake's share
   * included: the step measures the whole loop). Every event of the run must arrive.
   */
  Map<String, Object> events(int ordersPerSecond) throws Exception {
    String subscription = subscribe();
    run.receiver.reset();
    long before = run.db.count("SELECT coalesce(max(seq), 0) FROM outbox");
    long[] cpuBefore = {run.service.cpuMs(), Measurements.postgresCpuMs(), run.service.compilerCpuMs()};
    Map<String, Long> answered = new java.util.concurrent.ConcurrentHashMap<>();
    Map<String, Object> load = openModel(ordersPerSecond, config.seconds(), answered);
    long expected = run.db.count("SELECT count(*) FROM outbox WHERE seq > " + before);
    boolean all = run.receiver.awaitDistinct(expected, Duration.ofSeconds(60));
    long[] cpuAfter = {run.service.cpuMs(), Measurements.postgresCpuMs(), run.service.compilerCpuMs()};
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("ordersPerSecond", ordersPerSecond);
    r.put("seconds", config.seconds());
    r.put("intakeP99Ms", load.get("p99Ms"));
    r.put("eventsExpected", expected);
    r.put("eventsReceived", run.receiver.distinct());
    r.put("duplicates", run.receiver.duplicates());
    r.put("outOfOrder", run.receiver.outOfOrder.get());
    r.putAll(Measurements.percentiles(run.receiver.latencies()));
    Map<String, Object> lower = Measurements.percentiles(run.receiver.sinceAnswered(answered));
    r.put("sinceAnsweredP50Ms", lower.get("p50Ms"));
    r.put("sinceAnsweredP99Ms", lower.get("p99Ms"));
    if (expected > 0) {
      r.put("serviceCpuMsPerEvent", Measurements.round((cpuAfter[0] - cpuBefore[0]) / (double) expected));
      r.put("postgresCpuMsPerEvent", Measurements.round((cpuAfter[1] - cpuBefore[1]) / (double) expected));
    }
    long serviceCpu = cpuAfter[0] - cpuBefore[0];
    r.put("jitSharePercent", serviceCpu <= 0 ? null : Measurements.round(100.0 * (cpuAfter[2] - cpuBefore[2]) / serviceCpu));
    if (!all) {
      run.fail("events at " + ordersPerSecond + " orders/s: " + run.receiver.distinct() + " of " + expected
          + " events arrived within 60 s");
    }
    if (run.receiver.outOfOrder.get() > 0) {
      run.fail("events at " + ordersPerSecond + " orders/s: " + run.receiver.outOfOrder.get()
          + " events arrived before an earlier one of their order");
    }
    unsubscribe(subscription);
    System.err.println("events " + r);
    return r;
  }

  /**
   * Delivery capacity with nothing else running: a new subscription replayed from {@code from} (the
   * events steps' start), its backlog drained to the receiver; events per second, and the service's
   * and PostgreSQL's CPU per event delivered.
   */
  Map<String, Object> drain(Instant from) throws Exception {
    String subscription = subscribe();
    run.receiver.reset();
    long expected = run.db.count(
        "SELECT count(*) FROM outbox WHERE position > (SELECT coalesce(max(position), 0) FROM outbox WHERE time < '"
            + from + "')");
    long[] cpuBefore = {run.service.cpuMs(), Measurements.postgresCpuMs(), run.service.compilerCpuMs()};
    long t0 = System.nanoTime();
    var replayed = http.send("POST", "/api/v1/webhook-subscriptions/" + subscription + "/replay", Map.of("from", from.toString()));
    if (replayed.statusCode() != 200) {
      throw new IllegalStateException("cannot replay: " + replayed.statusCode() + " " + replayed.body());
    }
    boolean all = run.receiver.awaitDistinct(expected, Duration.ofSeconds(300));
    double seconds = (System.nanoTime() - t0) / 1e9;
    long[] cpuAfter = {run.service.cpuMs(), Measurements.postgresCpuMs(), run.service.compilerCpuMs()};
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("eventsExpected", expected);
    r.put("eventsReceived", run.receiver.distinct());
    r.put("outOfOrder", run.receiver.outOfOrder.get());
    r.put("seconds", Measurements.round(seconds));
    r.put("eventsPerSecond", Measurements.round(run.receiver.distinct() / seconds));
    if (expected > 0) {
      r.put("serviceCpuMsPerEvent", Measurements.round((cpuAfter[0] - cpuBefore[0]) / (double) expected));
      r.put("postgresCpuMsPerEvent", Measurements.round((cpuAfter[1] - cpuBefore[1]) / (double) expected));
    }
    long serviceCpu = cpuAfter[0] - cpuBefore[0];
    r.put("jitSharePercent", serviceCpu <= 0 ? null : Measurements.round(100.0 * (cpuAfter[2] - cpuBefore[2]) / serviceCpu));
    if (!all) {
      run.fail("events drain: " + run.receiver.distinct() + " of " + expected + " events arrived within 300 s");
    }
    if (run.receiver.outOfOrder.get() > 0) {
      run.fail("events drain: " + run.receiver.outOfOrder.get() + " events arrived before an earlier one of their order");
    }
    unsubscribe(subscription);
    System.err.println("events drain " + r);
    return r;
  }

  /** Subscribes the bench's receiver to every event; the subscription's id. */
  String subscribe() throws Exception {
    HttpResponse<String> r = http.send("POST", "/api/v1/webhook-subscriptions", Map.of("url", run.receiver.url()));
    String id = Http.id(r);
    if (r.statusCode() != 201 || id == null) {
      throw new IllegalStateException("cannot subscribe: " + r.statusCode() + " " + r.body());
    }
    return id;
  }

  void unsubscribe(String id) throws Exception {
    http.send("DELETE", "/api/v1/webhook-subscriptions/" + id, null);
  }

  /** A million orders inserted by SQL, then the first pages, a deep page, counts and text search. */
  Map<String, Object> queries() throws Exception {
    long t0 = System.nanoTime();
    run.db.psql(
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
        -- What autovacuum does within a minute or so: the million delta rows just folded are dead, and the board's
        -- counts read that small table (left alone, its dead rows cost every count a scan of them); the million
        -- orders just inserted are past its insert threshold, and its vacuum moves the trigram index's pending
        -- entries into the index proper (left alone, every text search reads the pending list through).
        VACUUM (ANALYZE) order_state_count_deltas;
        VACUUM (ANALYZE) orders;
        """
            .formatted(config.ordersForQueries()));
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("orders", config.ordersForQueries());
    r.put("seedSeconds", Measurements.round((System.nanoTime() - t0) / 1e9));
    r.put("firstPage", measureGet("/api/v1/orders?limit=50", 200));
    r.put("firstPageByState", measureGet("/api/v1/orders?state=SHIPPED&limit=50", 200));
    String cursor = null;
    for (int i = 0; i < 200; i++) {
      var page = http.getJson("/api/v1/orders?limit=50" + (cursor == null ? "" : "&cursor=" + cursor));
      cursor = page.path("nextCursor").isString() ? page.get("nextCursor").asString() : null;
    }
    r.put("deepPageAfter10000", measureGet("/api/v1/orders?limit=50&cursor=" + cursor, 200));
    r.put("stateCounts", measureGet("/api/v1/orders/counts", 200));
    r.put("stateCountsOneChannel", measureGet("/api/v1/orders/counts?channel=SHOPIFY", 200));
    r.put("textSearch", measureGet("/api/v1/orders?q=customer%20999&limit=50", 200));
    console(r);
    mcp(r);
    // As a shop's data is: the newest orders in early states, CLOSED ones old. The seeded CLOSED orders among
    // the newest 300,000 move to ALLOCATED (then vacuumed, as autovacuum would), so the first page of CLOSED
    // starts 300,000 orders deep in creation order.
    run.db.psql(
        """
        UPDATE orders SET state = 'ALLOCATED' WHERE number LIKE 'BENCH-ORD-%%' AND state = 'CLOSED'
           AND created_at > now() - interval '%d seconds';
        VACUUM (ANALYZE) orders;
        """
            .formatted(Math.min(300_000, config.ordersForQueries() / 3)));
    r.put("firstPageOfOldState", measureGet("/api/v1/orders?state=CLOSED&limit=50", 200));
    System.err.println("queries " + r);
    return r;
  }

  /**
   * The agent gateway at a million orders: get_order (an order in the middle, by number) and
   * check_availability over MCP (Streamable HTTP, JSON-RPC tools/call with an agent key), each after
   * 50 unmeasured calls. Each answer must be a result that is not a tool error and names what was
   * asked.
   */
  private void mcp(Map<String, Object> r) throws Exception {
    var created =
        http.send("POST", "/api/v1/api-keys", Map.of("name", "bench-agent-" + System.nanoTime(), "scopes", List.of("agent:read")));
    if (created.statusCode() != 201) {
      run.fail("agent key not created: " + created.statusCode() + " " + created.body());
      return;
    }
    String key = Http.parse(created.body()).get("key").asString();
    String middle = "BENCH-ORD-" + config.ordersForQueries() / 2;
    r.put("mcpGetOrder", measureTool(key, "get_order", Map.of("order", middle), middle));
    r.put(
        "mcpCheckAvailability",
        measureTool(key, "check_availability", Map.of("sku", "BENCH-0000001", "quantity", 5), "BENCH-0000001"));
  }

  private Map<String, Object> measureTool(String key, String tool, Map<String, Object> args, String expected)
      throws Exception {
    String body =
        Http.json(Map.of("jsonrpc", "2.0", "id", 1, "method", "tools/call", "params", Map.of("name", tool, "arguments", args)));
    java.net.http.HttpRequest request =
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(config.base() + "/mcp"))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
            .build();
    Measurements.Stats stats = new Measurements.Stats();
    for (int i = 0; i < 250; i++) {
      long t0 = System.nanoTime();
      var answer = http.client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
      if (i >= 50) {
        stats.add(System.nanoTime() - t0);
      }
      if (answer.statusCode() != 200 || !answer.body().contains(expected) || answer.body().contains("\"isError\":true")) {
        run.fail("MCP " + tool + " answered " + answer.statusCode() + ": " + answer.body());
        break;
      }
    }
    Map<String, Object> s = stats.summary(0);
    s.remove("ordersPerSecond");
    return s;
  }

  static final String CONSOLE_EMAIL = "bench-admin@example.com";
  static final String CONSOLE_PASSWORD = "bench-console-password";

  /**
   * The console at a million orders, signed in: the board (kept counts, 25 cards per state, the held
   * and at-risk lanes), its live refresh, the board filtered by channel, the orders list and an
   * order's page, each after 50 unmeasured requests. Each answer must be 200 and the page it should
   * be.
   */
  private void console(Map<String, Object> r) throws Exception {
    java.net.http.HttpClient browser =
        java.net.http.HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).build();
    String base = "http://127.0.0.1:" + config.port();
    String login =
        browser.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/login")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    var token = java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(login);
    if (!token.find()) {
      throw new IllegalStateException("no CSRF token on the login page");
    }
    String form =
        "username=" + java.net.URLEncoder.encode(CONSOLE_EMAIL, java.nio.charset.StandardCharsets.UTF_8)
            + "&password=" + CONSOLE_PASSWORD + "&_csrf=" + token.group(1);
    var signedIn =
        browser.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.discarding());
    if (signedIn.statusCode() != 302
        || signedIn.headers().firstValue("Location").orElse("").contains("error")) {
      throw new IllegalStateException("console sign-in failed: " + signedIn.statusCode());
    }
    String middle = "BENCH-ORD-" + config.ordersForQueries() / 2;
    r.put("consoleBoard", measurePage(browser, base + "/", 200, "data-state=\"SHIPPED\"", false));
    r.put("consoleBoardLive", measurePage(browser, base + "/", 200, "data-state=\"SHIPPED\"", true));
    r.put("consoleBoardOneChannel", measurePage(browser, base + "/?channel=SHOPIFY", 200, "data-state=\"SHIPPED\"", false));
    r.put("consoleOrderList", measurePage(browser, base + "/console/orders", 200, "data-order=", false));
    r.put("consoleOrder", measurePage(browser, base + "/console/orders/" + middle, 200, middle, false));
  }

  private Map<String, Object> measurePage(
      java.net.http.HttpClient browser, String url, int times, String expected, boolean live)
      throws Exception {
    Measurements.Stats stats = new Measurements.Stats();
    // Unmeasured first: the first renders of a page load and compile its template and code paths.
    for (int i = 0; i < 50; i++) {
      browser.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
          java.net.http.HttpResponse.BodyHandlers.discarding());
    }
    for (int i = 0; i < times; i++) {
      var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url));
      if (live) {
        request.header("HX-Request", "true").header("HX-Target", "live");
      }
      long t0 = System.nanoTime();
      var page = browser.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      stats.add(System.nanoTime() - t0);
      if (page.statusCode() != 200 || !page.body().contains(expected)) {
        run.fail("console page " + url + " answered " + page.statusCode() + " without " + expected);
        break;
      }
    }
    Map<String, Object> s = stats.summary(0);
    s.remove("ordersPerSecond");
    return s;
  }

  /**
   * {@code times} measured GETs after 50 unmeasured ones (as the console's pages and the MCP calls
   * are measured: the first calls of a query compile its code paths); the first call's time is kept
   * as {@code firstCallMs}.
   */
  private Map<String, Object> measureGet(String path, int times) throws Exception {
    long cold = System.nanoTime();
    http.get(path);
    double firstCallMs = (System.nanoTime() - cold) / 1e6;
    for (int i = 1; i < 50; i++) {
      http.get(path);
    }
    Measurements.Stats stats = new Measurements.Stats();
    for (int i = 0; i < times; i++) {
      long t0 = System.nanoTime();
      http.get(path);
      stats.add(System.nanoTime() - t0);
    }
    Map<String, Object> s = stats.summary(0);
    s.remove("ordersPerSecond");
    s.put("firstCallMs", Measurements.round(firstCallMs));
    return s;
  }
}
