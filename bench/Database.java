import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local PostgreSQL server: psql, the seed, the database's own limit measured with pgbench, and
 * pg_stat_statements.
 */
final class Database {

  private final Config config;

  Database(Config config) {
    this.config = config;
  }

  /**
   * Runs SQL through psql on {@code db}; its unaligned, tuples-only output. The SQL goes on standard
   * input: a drill's check can list thousands of order ids, more than one argument may hold.
   */
  String psql(String db, String sql) throws Exception {
    return Processes.run(
        List.of("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-qtA", "-f", "-"), sql);
  }

  String psql(String sql) throws Exception {
    return psql(Config.DB, sql);
  }

  long count(String sql) throws Exception {
    return Long.parseLong(psql(sql).strip());
  }

  void recreate() throws Exception {
    psql("postgres", "DROP DATABASE IF EXISTS " + Config.DB + " WITH (FORCE)");
    psql("postgres", "CREATE DATABASE " + Config.DB);
  }

  /** The catalogue and its stock by SQL: {@code skus} SKUs with a million units each at MAIN. */
  void seed() throws Exception {
    psql(
        """
        INSERT INTO skus (code, name, created_at, updated_at)
          SELECT 'BENCH-' || lpad(g::text, 7, '0'), 'Bench SKU ' || g, now(), now() FROM generate_series(1, %d) g;
        INSERT INTO stock (sku, location, on_hand, reserved, received_at)
          SELECT code, 'MAIN', 1000000, 0, now() FROM skus WHERE code LIKE 'BENCH-%%';
        INSERT INTO stock_movements (stock_id, kind, on_hand_delta, reserved_delta, reason, actor, at)
          SELECT id, 'RECEIPT', on_hand, 0, 'bench seed', 'bench', now() FROM stock WHERE sku LIKE 'BENCH-%%';
        ANALYZE;
        """
            .formatted(config.skus()));
  }

  /** The minimum SQL of one order, as its own schema and a pgbench script. */
  void setUpLimit() throws Exception {
    psql(
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

  /** pgbench running the minimum SQL of one order at {@code clients}. */
  Map<String, Object> limit(int clients) throws Exception {
    java.util.Set<Long> backendsBefore = Measurements.postgresPids();
    long cpuBefore = Measurements.postgresCpuMs();
    String out =
        Processes.run(
            List.of(
                "pgbench", "-h", "127.0.0.1", "-U", "postgres", "-n", "-f", "target/dblimit.sql",
                "-c", String.valueOf(clients), "-j", String.valueOf(Math.min(clients, 2)),
                "-T", String.valueOf(Math.max(5, config.seconds() / 2)), Config.DB));
    // pgbench's backends are still exiting when it returns; one reaped after the postmaster's entry was
    // read but before its own would be counted nowhere: wait until the new ones are gone (at most 5 s).
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline && !backendsBefore.containsAll(Measurements.postgresPids())) {
      Thread.sleep(20);
    }
    long cpu = Measurements.postgresCpuMs() - cpuBefore;
    Matcher tps = Pattern.compile("tps = ([0-9.]+)").matcher(out);
    Matcher done = Pattern.compile("number of transactions actually processed: ([0-9]+)").matcher(out);
    Matcher lat = Pattern.compile("latency average = ([0-9.]+) ms").matcher(out);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("clients", clients);
    r.put("ordersPerSecond", tps.find() ? Measurements.round(Double.parseDouble(tps.group(1))) : null);
    r.put("latencyAvgMs", lat.find() ? Measurements.round(Double.parseDouble(lat.group(1))) : null);
    // PostgreSQL's CPU per transaction (its backends; pgbench itself runs apart), the yardstick of
    // the service's PostgreSQL CPU per order.
    long transactions = done.find() ? Long.parseLong(done.group(1)) : 0;
    r.put("postgresCpuMsPerTransaction", transactions == 0 ? null : Measurements.round2(cpu / (double) transactions));
    System.err.println("database limit c=" + clients + " " + r);
    return r;
  }

  /** True when pg_stat_statements is loaded on the server; then its counters start from zero. */
  boolean resetStatementStats() {
    try {
      psql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()");
      return true;
    } catch (Exception notLoaded) {
      System.err.println("pg_stat_statements is not loaded; the report will not list statements");
      return false;
    }
  }

  /** The statements that took most of the database's time since the reset (pgbench's excluded). */
  List<Object> statementStats() throws Exception {
    String rows =
        psql(
            """
            SELECT calls, round(total_exec_time::numeric, 1), round((total_exec_time / calls)::numeric, 3),
                   regexp_replace(left(query, 110), '\\s+', ' ', 'g')
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

  /** The machine and server the run measured. */
  Map<String, Object> machine() throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put(
        "cpu",
        Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
            .filter(l -> l.startsWith("model name"))
            .findFirst()
            .map(l -> l.substring(l.indexOf(':') + 1).strip())
            .orElse("?"));
    m.put(
        "memoryGiB",
        Files.readAllLines(Path.of("/proc/meminfo")).stream()
            .filter(l -> l.startsWith("MemTotal"))
            .findFirst()
            .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024 / 1024)
            .orElse(0L));
    m.put("java", System.getProperty("java.version"));
    m.put("postgres", psql("postgres", "SHOW server_version").strip());
    m.put("commit", Processes.run(List.of("git", "rev-parse", "--short", "HEAD")).strip());
    m.put("autovacuum", psql("postgres", "SHOW autovacuum").strip());
    m.put("loadAverage", Files.readString(Path.of("/proc/loadavg")).strip());
    return m;
  }
}
