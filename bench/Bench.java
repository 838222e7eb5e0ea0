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
  static final List<String> SCENARIOS = List.of(env("BENCH_SCENARIOS", "intake,hot,queries").split(","));
  static final int[] CLIENTS =
      Arrays.stream(env("BENCH_CLIENTS", "1,8,32,64").split(",")).mapToInt(Integer::parseInt).toArray();
  static final String SERVICE_OPTS = env("BENCH_SERVICE_OPTS", "");
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
  static final Map<String, Object> results = new LinkedHashMap<>();
  static final List<String> failures = new ArrayList<>();
  static Process service;

  public static void main(String[] args) throws Exception {
    String jar = args.length > 0 ? args[0] : "target/orderloop-0.1.0-SNAPSHOT.jar";
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
        if (statements) {
          results.put("intakeStatements", statementStats());
        }
        results.put("intake", intake);
        results.put("databaseLimit", limit);
      }
      if (SCENARIOS.contains("hot")) {
        results.put("hotSku", hotSku());
      }
      if (SCENARIOS.contains("queries")) {
        results.put("queries", queries());
      }
      results.put("rssMiBAfterLoad", rssMiB());
      checkReconciliation("end of run");
    } finally {
      stopService();
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

  /** The JIT compiles the hot paths before anything is measured; its orders count nowhere. */
  static void warmUp() throws Exception {
    int seconds = Integer.parseInt(env("BENCH_WARMUP_SECONDS", "20"));
    long until = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    AtomicInteger errors = new AtomicInteger();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 8; i++) {
        pool.submit(
            () -> {
              while (System.nanoTime() < until) {
                if (post("/api/v1/orders", orderBody(1 + ThreadLocalRandom.current().nextInt(5))) != 201) {
                  errors.incrementAndGet();
                }
              }
              return null;
            });
      }
    }
    if (errors.get() > 0) {
      failures.add("warm-up: " + errors.get() + " non-201 answers");
    }
    // What autovacuum's analyze would have done by now on a default server (this machine's runs with
    // autovacuum off): statistics for the tables the warm-up filled. Plans cached while they were
    // empty (the foreign-key checks' among them) are re-planned.
    psql(DB, "ANALYZE");
    System.err.println("warmed up for " + seconds + " s");
  }

  static Map<String, Object> intake(int clients) throws Exception {
    Stats stats = new Stats();
    AtomicInteger errors = new AtomicInteger();
    long[] cpuBefore = {serviceCpuMs(), postgresCpuMs()};
    long until = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < clients; i++) {
        pool.submit(
            () -> {
              while (System.nanoTime() < until) {
                String body = orderBody(1 + ThreadLocalRandom.current().nextInt(5));
                long t0 = System.nanoTime();
                int status = post("/api/v1/orders", body);
                stats.add(System.nanoTime() - t0);
                if (status != 201) {
                  errors.incrementAndGet();
                }
              }
              return null;
            });
      }
    }
    long[] cpuAfter = {serviceCpuMs(), postgresCpuMs()};
    Map<String, Object> r = stats.summary(SECONDS);
    r.put("clients", clients);
    r.put("errors", errors.get());
    long n = stats.count();
    r.put("serviceCpuMsPerOrder", n == 0 ? null : round((cpuAfter[0] - cpuBefore[0]) / (double) n));
    r.put("postgresCpuMsPerOrder", n == 0 ? null : round((cpuAfter[1] - cpuBefore[1]) / (double) n));
    r.put("rssMiB", rssMiB());
    if (errors.get() > 0) {
      failures.add("intake c" + clients + ": " + errors.get() + " non-201 answers");
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
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(command(java, jar))
            .redirectErrorStream(true)
            .redirectOutput(Path.of("target/bench-service.log").toFile());
    pb.environment().put("SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:5432/" + DB);
    pb.environment().put("SPRING_DATASOURCE_USERNAME", "postgres");
    pb.environment().put("ORDERLOOP_BOOTSTRAP_API_KEY", KEY);
    long t0 = System.nanoTime();
    service = pb.start();
    while (true) {
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(BASE + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return (System.nanoTime() - t0) / 1e9;
        }
      } catch (IOException notYet) {
        // starting
      }
      if (!service.isAlive()) {
        throw new IllegalStateException("the service died on start; see target/bench-service.log");
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

  static List<String> command(String java, String jar) {
    List<String> c = new ArrayList<>(List.of(java));
    if (!SERVICE_OPTS.isBlank()) {
      c.addAll(Arrays.asList(SERVICE_OPTS.strip().split("\\s+")));
    }
    c.addAll(List.of("-jar", jar, "--server.port=" + PORT));
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

  static HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(BASE + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + KEY)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
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

  static Long rssMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + service.pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
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
  static void write() throws IOException {
    Files.writeString(Path.of("bench/results.json"), json(results) + "\n");
    Map<String, Object> m = (Map<String, Object>) results.get("machine");
    Map<String, Object> intake = (Map<String, Object>) results.getOrDefault("intake", Map.of());
    Map<String, Object> limit = (Map<String, Object>) results.getOrDefault("databaseLimit", Map.of());
    StringBuilder md = new StringBuilder();
    md.append("# Benchmarks\n\n")
        .append("Produced by `bench/run.sh` (one command: builds the service, starts it on a fresh database on the ")
        .append("local PostgreSQL server, seeds it, drives load over HTTP from a separate JVM, checks correctness, ")
        .append("runs pgbench for the database's own limit in the same run). Raw figures: `bench/results.json`.\n\n")
        .append("- Date: ").append(results.get("date")).append('\n')
        .append("- Machine: ").append(m.get("cores")).append(" cores (").append(m.get("cpu")).append("), ")
        .append(m.get("memoryGiB")).append(" GiB; service, PostgreSQL and the load driver share it\n")
        .append("- PostgreSQL ").append(m.get("postgres")).append(", Java ").append(m.get("java"))
        .append(", commit `").append(m.get("commit")).append("`, load average at start ")
        .append(m.get("loadAverage")).append('\n')
        .append("- Each intake step runs ").append(SECONDS).append(" s closed loop; orders of 1–5 lines over ")
        .append(SKUS).append(" SKUs\n\n")
        .append("## Intake against the database limit\n\n")
        .append("| clients | orders/s | p50 ms | p95 ms | p99 ms | service CPU ms/order | PostgreSQL CPU ms/order | ")
        .append("DB limit orders/s (pgbench) | ratio |\n|---|---|---|---|---|---|---|---|---|\n");
    for (String k : intake.keySet()) {
      Map<String, Object> i = (Map<String, Object>) intake.get(k);
      Map<String, Object> l = (Map<String, Object>) limit.get(k);
      Object dbTps = l == null ? null : l.get("ordersPerSecond");
      String ratio =
          dbTps == null ? "" : String.format(Locale.ROOT, "%.2f", ((Number) i.get("ordersPerSecond")).doubleValue() / ((Number) dbTps).doubleValue());
      md.append("| ").append(i.get("clients")).append(" | ").append(i.get("ordersPerSecond")).append(" | ")
          .append(i.get("p50Ms")).append(" | ").append(i.get("p95Ms")).append(" | ").append(i.get("p99Ms"))
          .append(" | ").append(i.get("serviceCpuMsPerOrder")).append(" | ").append(i.get("postgresCpuMsPerOrder"))
          .append(" | ").append(dbTps).append(" | ").append(ratio).append(" |\n");
    }
    md.append("\nThe database limit is the minimum SQL one order needs (1 order row, 2 lines, 2 conditional stock ")
        .append("updates, 1 history row, 1 outbox row, one durable transaction) through pgbench at the same client ")
        .append("count. The ratio (intake ÷ limit) is the headline figure.\n\n");
    md.append("## Hot SKU\n\n`").append(json(results.get("hotSku"))).append("`\n\n");
    md.append("## Queries\n\n`").append(json(results.get("queries"))).append("`\n\n");
    md.append("## Service\n\n- Start-up to healthy on an existing database: ")
        .append(results.get("startupSecondsExistingDatabase")).append(" s\n- RSS after load: ")
        .append(results.get("rssMiBAfterLoad")).append(" MiB\n\n");
    md.append("## Correctness\n\n").append(failures.isEmpty() ? "All checks passed: no error answers, no oversell, reconciliation clean after every scenario.\n" : "FAILED: " + failures + "\n");
    Files.writeString(Path.of("docs/BENCHMARKS.md"), md.toString());
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
