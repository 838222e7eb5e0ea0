import java.util.Arrays;
import java.util.List;

/**
 * The bench's knobs, read once from the environment (bench/README.md lists them).
 *
 * @param port the service's port; a second instance takes the next one
 * @param seconds length of each measured step
 * @param warmUpSeconds the least intake before anything is measured
 * @param skus catalogue size
 * @param ordersForQueries orders inserted for the query scenario
 * @param scenarios the scenarios to run, in the harness's order
 * @param clients client counts of the intake steps
 * @param eventRate orders per second in the events scenario
 * @param serviceOptions extra JVM options for the service
 * @param restartCommand the command that restarts PostgreSQL ("" skips the drill)
 * @param profiler async-profiler's libasyncProfiler.so ("" turns profiling off)
 * @param aot whether to measure start-up as shipped, through bin/orderloop (the JDK's start-up cache)
 * @param shipped whether the run's service is started through bin/orderloop rather than java -jar
 */
record Config(
    int port,
    int seconds,
    int warmUpSeconds,
    int skus,
    int ordersForQueries,
    List<String> scenarios,
    int[] clients,
    int eventRate,
    String serviceOptions,
    String restartCommand,
    String profiler,
    boolean aot,
    boolean shipped) {

  /** The bootstrap admin key the service is started with. */
  static final String KEY = "bench-admin-key-0123456789";

  /** The database the run creates afresh on the local server. */
  static final String DB = "orderloop_bench";

  static Config fromEnvironment() {
    return new Config(
        Integer.parseInt(env("BENCH_PORT", "18080")),
        Integer.parseInt(env("BENCH_SECONDS", "15")),
        Integer.parseInt(env("BENCH_WARMUP_SECONDS", "60")),
        Integer.parseInt(env("BENCH_SKUS", "100000")),
        Integer.parseInt(env("BENCH_QUERY_ORDERS", "1000000")),
        List.of(env("BENCH_SCENARIOS", "intake,open,hot,events,queries,storm,slow,channels,edi,crash,two,dbrestart").split(",")),
        Arrays.stream(env("BENCH_CLIENTS", "1,8,32,64").split(",")).mapToInt(Integer::parseInt).toArray(),
        Integer.parseInt(env("BENCH_EVENT_RATE", "20")),
        env("BENCH_SERVICE_OPTS", ""),
        System.getenv("BENCH_PG_RESTART") != null ? System.getenv("BENCH_PG_RESTART") : Drills.defaultRestartCommand(),
        env("BENCH_PROFILER", ""),
        !env("BENCH_AOT", "true").equals("false"),
        !env("BENCH_LAUNCH", "shipped").equalsIgnoreCase("jar"));
  }

  boolean runs(String scenario) {
    return scenarios.contains(scenario);
  }

  /** The first service instance's base URL. */
  String base() {
    return "http://127.0.0.1:" + port;
  }

  static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
