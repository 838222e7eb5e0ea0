import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the run's results: {@code bench/results.json} (with Jackson) and {@code
 * docs/BENCHMARKS.md}, the targets, every table, the drills, where the time goes, and the figures
 * of the previous run beside this one's.
 */
final class Report {

  private static final JsonMapper PRETTY =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private final Config config;
  private final Map<String, Object> results;
  private final List<String> failures;
  private final JsonNode previous;

  /**
   * @param previous the previous run's results.json, or null
   */
  Report(Config config, Map<String, Object> results, List<String> failures, JsonNode previous) {
    this.config = config;
    this.results = results;
    this.failures = failures;
    this.previous = previous;
  }

  /** The previous run's results, read before this run overwrites them; null when there are none. */
  static JsonNode previous() throws IOException {
    Path file = Path.of("bench/results.json");
    return Files.exists(file) ? Http.parse(Files.readString(file)) : null;
  }

  static String json(Object o) {
    return PRETTY.writeValueAsString(o);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static double num(Object o) {
    return o instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v);
  }

  private static String figure(JsonNode results, String pointer) {
    JsonNode n = results.at(pointer);
    return n.isNumber() ? n.asString() : "—";
  }

  private static void row(StringBuilder md, Object... cells) {
    md.append('|');
    for (Object c : cells) {
      md.append(' ').append(c instanceof Double d ? fmt(d) : String.valueOf(c)).append(" |");
    }
    md.append('\n');
  }

  private static void target(StringBuilder md, String what, String goal, double measured, String unit, boolean met) {
    String value = measured < 1 ? String.format(Locale.ROOT, "%.2f", measured) : fmt(measured);
    row(md, what, goal, Double.isNaN(measured) ? "not measured" : value + unit, Double.isNaN(measured) ? "—" : met ? "met" : "**missed**");
  }

  void write() throws IOException {
    Files.writeString(Path.of("bench/results.json"), PRETTY.writeValueAsString(results) + "\n");
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
        .append(config.seconds()).append(" s; orders of 1–5 lines over ").append(config.skus()).append(" SKUs\n\n");

    md.append("## Targets\n\n| target | goal | measured | |\n|---|---|---|---|\n");
    Map<String, Object> c32 = map(intake.get("c32"));
    Map<String, Object> c1 = map(intake.get("c1"));
    double ratio32 = num(c32.get("ordersPerSecond")) / num(map(limit.get("c32")).get("ordersPerSecond"));
    target(md, "Intake at 32 clients against the database limit", "≥ 0.6 (stretch 0.75)", ratio32, "", ratio32 >= 0.6);
    double serviceCpu = num(c32.get("serviceCpuMsPerOrderWithoutJit"));
    target(md, "Service CPU per order at 32 clients, warm (the JIT compiler threads' CPU left out)", "≤ 0.5 ms", serviceCpu, " ms", serviceCpu <= 0.5);
    double pgRatio = num(c32.get("postgresCpuMsPerOrder")) / num(map(limit.get("c32")).get("postgresCpuMsPerTransaction"));
    target(md, "PostgreSQL CPU per order at 32 clients ÷ pgbench's per minimal transaction", "≤ 1.25×", pgRatio, "×", pgRatio <= 1.25);
    target(md, "Intake p99 at 32 clients", "≤ 100 ms", num(c32.get("p99Ms")), " ms", num(c32.get("p99Ms")) <= 100);
    target(md, "Intake p99 at 1 client", "≤ 10 ms", num(c1.get("p99Ms")), " ms", num(c1.get("p99Ms")) <= 10);
    target(md, "Hot SKU throughput (zero oversell is checked)", "≥ 300 orders/s", num(hot.get("ordersPerSecond")), " orders/s", num(hot.get("ordersPerSecond")) >= 300);
    double firstPage = num(map(queries.get("firstPage")).get("p99Ms"));
    target(md, "First page at 1,000,000 orders, p99", "≤ 50 ms", firstPage, " ms", firstPage <= 50);
    double byState = num(map(queries.get("firstPageByState")).get("p99Ms"));
    target(md, "First page by state at 1,000,000 orders, p99", "≤ 50 ms", byState, " ms", byState <= 50);
    double oldState = num(map(queries.get("firstPageOfOldState")).get("p99Ms"));
    target(md, "First page of a state none of the newest 300,000 orders is in, p99", "≤ 50 ms", oldState, " ms", oldState <= 50);
    double counts = num(map(queries.get("stateCounts")).get("p99Ms"));
    target(md, "State counts at 1,000,000 orders, p99", "≤ 50 ms", counts, " ms", counts <= 50);
    double search = num(map(queries.get("textSearch")).get("p99Ms"));
    target(md, "Text search at 1,000,000 orders, p99", "≤ 50 ms", search, " ms", search <= 50);
    double hooks = num(map(results.get("events")).get("p99Ms"));
    target(md, "Commit to webhook receiver at the configured rate, p99", "≤ 250 ms", hooks, " ms", hooks <= 250);
    double hooksHalf = num(map(results.get("eventsHalfCapacity")).get("p99Ms"));
    target(md, "Commit to webhook receiver at half of intake capacity (warm step), p99", "≤ 250 ms", hooksHalf, " ms", hooksHalf <= 250);
    double board = num(map(queries.get("consoleBoard")).get("p99Ms"));
    target(md, "Console board at 1,000,000 orders, p99 (signed in, over loopback)", "≤ 150 ms", board, " ms", board <= 150);
    double orderPage = num(map(queries.get("consoleOrder")).get("p99Ms"));
    target(md, "Console order page at 1,000,000 orders, p99", "≤ 150 ms", orderPage, " ms", orderPage <= 150);
    double mcpOrder = num(map(queries.get("mcpGetOrder")).get("p99Ms"));
    target(md, "MCP get_order at 1,000,000 orders, p99", "≤ 50 ms", mcpOrder, " ms", mcpOrder <= 50);
    double mcpStock = num(map(queries.get("mcpCheckAvailability")).get("p99Ms"));
    target(md, "MCP check_availability at 1,000,000 orders, p99", "≤ 50 ms", mcpStock, " ms", mcpStock <= 50);
    double rss = num(results.get("rssMiBMax"));
    target(md, "Service RSS under load", "≤ 512 MiB", rss, " MiB", rss <= 512);
    double startup = num(results.get("startupSecondsExistingDatabase"));
    String launch = config.shipped() ? "`bin/orderloop`" : "`java -jar`";
    target(md, "Start-up to healthy on an existing database (" + launch + ")", "≤ 5 s", startup, " s", startup <= 5);
    double aot = num(results.get("startupSecondsAotCache"));
    target(md, "… as shipped for production, `bin/orderloop` (extracted jar, the JDK's start-up cache made by its first start)", "≤ 5 s", aot, " s", aot <= 5);
    Map<String, Object> storm = map(map(results.get("drills")).get("badInputStorm"));
    target(md, "Good intake p99 during a bad input storm, against a clean run", "≤ 2×", num(storm.get("p99Ratio")), "×", num(storm.get("p99Ratio")) <= 2);
    Map<String, Object> slow = map(map(results.get("drills")).get("slowConnections"));
    if (!slow.isEmpty()) {
      double healthMax = num(slow.get("healthMaxMs"));
      target(md, "Health from another address beside 10,000 slow connections from one, worst of " + slow.get("healthChecks"), "≤ 1000 ms", healthMax, " ms", healthMax <= 1000 && num(slow.get("healthFailures")) == 0);
    }
    md.append('\n');

    md.append("## Intake against the database limit (closed loop)\n\n")
        .append("| clients | orders/s | p50 ms | p95 ms | p99 ms | service CPU ms/order | … without the JIT compiler | PostgreSQL CPU ms/order | RSS MiB | database limit orders/s (pgbench) | its PostgreSQL CPU ms/transaction | ratio |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (String k : intake.keySet()) {
      Map<String, Object> i = map(intake.get(k));
      double db = num(map(limit.get(k)).get("ordersPerSecond"));
      row(md, i.get("clients"), num(i.get("ordersPerSecond")), num(i.get("p50Ms")), num(i.get("p95Ms")), num(i.get("p99Ms")),
          num(i.get("serviceCpuMsPerOrder")), num(i.get("serviceCpuMsPerOrderWithoutJit")), num(i.get("postgresCpuMsPerOrder")),
          i.get("rssMiB"), db, num(map(limit.get(k)).get("postgresCpuMsPerTransaction")),
          String.format(Locale.ROOT, "%.2f", num(i.get("ordersPerSecond")) / db));
    }
    md.append("\nThe database limit is the minimum SQL one order needs (1 order row, 2 lines, 2 conditional stock ")
        .append("updates, 1 history row, 1 outbox row, one durable transaction) through pgbench at the same client ")
        .append("count, on the same server, in the same run. The ratio (intake ÷ limit) is the headline figure. ")
        .append("CPU per order is read from /proc for the service process and for every PostgreSQL process; the ")
        .append("service's warm figure leaves out its JIT compiler threads (/proc/PID/task), which on 2 cores are ")
        .append("still compiling minutes into a run and which a service up for days has long since finished.\n\n");

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
          .append("| orders/s | p50 ms | p99 ms | max ms | errors | no answer (connection refused) | units allocated / in stock |\n|---|---|---|---|---|---|---|\n");
      row(md, num(hot.get("ordersPerSecond")), num(hot.get("p50Ms")), num(hot.get("p99Ms")), num(hot.get("maxMs")), hot.get("errors"), hot.get("transportErrors"), hot.get("unitsAllocated") + " / " + hot.get("unitsInStock"));
      md.append('\n');
    }

    Map<String, Object> events = map(results.get("events"));
    if (!events.isEmpty()) {
      md.append("## Events: commit to webhook receiver\n\n")
          .append("One webhook subscription to a receiver in the bench process; orders at a steady rate (the configured rate, ")
          .append("then steps at half of the intake rate measured at the most clients: the first reported as cold, more until the JIT compiler threads take under 10 % of the service's CPU in one (at most 4), the last reported as warm); latency from each event's `time` (its history ")
          .append("entry, written inside the committing transaction) to its arrival. CPU per event is the whole loop's ")
          .append("(intake included) over the step and its drain. The event's `time` is before its commit, so its latency is an ")
          .append("upper bound of commit to receiver; the time from the answer to the order's creating request (after the commit) ")
          .append("to each of its events' arrival is a lower bound, shown beside it.\n\n")
          .append("| orders/s | events expected | received | duplicates | out of order | p50 ms | p95 ms | p99 ms | max ms | intake p99 ms | from the order's answer: p50 / p99 ms | service CPU ms/event | PostgreSQL CPU ms/event |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
      for (String key : List.of("events", "eventsHalfCapacityCold", "eventsHalfCapacity")) {
        Map<String, Object> step = map(results.get(key));
        if (step.isEmpty()) {
          continue;
        }
        String label = key.endsWith("Cold")
            ? " (first step at this rate: the delivery path still compiling)"
            : step.get("stepsAtThisRate") != null
                ? " (step " + step.get("stepsAtThisRate") + " at this rate, the JIT compiler " + fmt(num(step.get("jitSharePercent"))) + " % of the service's CPU)"
                : "";
        row(md, step.get("ordersPerSecond") + label, step.get("eventsExpected"), step.get("eventsReceived"), step.get("duplicates"), step.get("outOfOrder"),
            num(step.get("p50Ms")), num(step.get("p95Ms")), num(step.get("p99Ms")), num(step.get("maxMs")), num(step.get("intakeP99Ms")),
            fmt(num(step.get("sinceAnsweredP50Ms"))) + " / " + fmt(num(step.get("sinceAnsweredP99Ms"))), num(step.get("serviceCpuMsPerEvent")), num(step.get("postgresCpuMsPerEvent")));
      }
      md.append('\n');
      Map<String, Object> drain = map(results.get("eventsDrain"));
      if (!drain.isEmpty()) {
        md.append("Delivery capacity with nothing else running: a new subscription replayed over the steps' events, drained to ")
            .append("the receiver: ").append(drain.get("eventsReceived")).append(" of ").append(drain.get("eventsExpected"))
            .append(" events in ").append(fmt(num(drain.get("seconds")))).append(" s, **").append(fmt(num(drain.get("eventsPerSecond"))))
            .append(" events/s**, service CPU ").append(fmt(num(drain.get("serviceCpuMsPerEvent")))).append(" ms and PostgreSQL CPU ")
            .append(fmt(num(drain.get("postgresCpuMsPerEvent")))).append(" ms per event, out of order ").append(drain.get("outOfOrder")).append(".\n\n");
      }
      Map<String, Object> profile = map(results.get("eventsProfile"));
      if (!profile.isEmpty()) {
        md.append("Where the service's CPU went in the half-capacity step (async-profiler; flame graph in `target/bench-events-profile.html`):\n\n| part | share |\n|---|---|\n");
        profile.forEach((k, v) -> row(md, k, fmt(num(v)) + " %"));
        md.append('\n');
      }
    }

    if (!queries.isEmpty()) {
      md.append("## Queries at ").append(queries.get("orders")).append(" orders\n\nEach query measured after 50 unmeasured calls; the API queries' very first call (cold) in the last column.\n\n| query | requests | p50 ms | p95 ms | p99 ms | max ms | first call ms |\n|---|---|---|---|---|---|---|\n");
      for (String k : List.of("firstPage", "firstPageByState", "firstPageOfOldState", "deepPageAfter10000", "stateCounts", "stateCountsOneChannel", "textSearch",
          "consoleBoard", "consoleBoardLive", "consoleBoardOneChannel", "consoleOrderList", "consoleOrder",
          "mcpGetOrder", "mcpCheckAvailability")) {
        Map<String, Object> q = map(queries.get(k));
        if (!q.isEmpty()) {
          row(md, k, q.get("requests"), num(q.get("p50Ms")), num(q.get("p95Ms")), num(q.get("p99Ms")), num(q.get("maxMs")),
              q.containsKey("firstCallMs") ? num(q.get("firstCallMs")) : "");
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
            .append(storm.get("hostileRequests")).append(" hostile requests answered ").append(Http.json(storm.get("hostileStatuses")))
            .append("; 5xx answers: ").append(storm.get("serverErrors")).append(". Good orders: ")
            .append(fmt(num(clean.get("ordersPerSecond")))).append("/s, p99 ").append(fmt(num(clean.get("p99Ms")))).append(" ms alone; ")
            .append(fmt(num(during.get("ordersPerSecond")))).append("/s, p99 ").append(fmt(num(during.get("p99Ms")))).append(" ms during the storm (")
            .append(fmt(num(storm.get("p99Ratio")))).append("×).\n\n");
      }
      Map<String, Object> slowDrill = map(drills.get("slowConnections"));
      if (!slowDrill.isEmpty()) {
        md.append("**Slow connections** — ").append(slowDrill.get("slowConnectionsOpened"))
            .append(" connections from 127.0.0.1 (opened in ").append(slowDrill.get("openSeconds"))
            .append(" s), each sending a request line and then one header line every 5 s; beside them, ")
            .append(slowDrill.get("healthChecks")).append(" health checks from 127.0.0.2 over 20 s: p50 ")
            .append(fmt(num(slowDrill.get("healthP50Ms")))).append(" ms, worst ").append(fmt(num(slowDrill.get("healthMaxMs"))))
            .append(" ms, ").append(slowDrill.get("healthFailures")).append(" failed. After 20 s the service had closed ")
            .append(slowDrill.get("closedByServerAfter20s")).append(" of the slow connections (the per-address cap at accept,")
            .append(" then the header deadline).\n\n");
      }
      Map<String, Object> shopify = map(drills.get("shopify"));
      if (!shopify.isEmpty()) {
        Map<String, Object> answerMs = map(shopify.get("answerMs"));
        md.append("**Shopify deliveries** — ").append(shopify.get("deliveries")).append(" signed webhook deliveries from ")
            .append(shopify.get("senders")).append(" concurrent senders: ").append(shopify.get("repeats"))
            .append(" repeats of a delivery already sent, ").append(shopify.get("ordersUpdatedBeforeCreated"))
            .append(" orders whose `orders/updated` came before their `orders/create`. ")
            .append(fmt(num(shopify.get("deliveriesPerSecond")))).append(" deliveries/s (")
            .append(fmt(num(shopify.get("ordersPerSecond")))).append(" new orders/s); the webhook's answer p50 ")
            .append(fmt(num(answerMs.get("p50Ms")))).append(" ms, p99 ").append(fmt(num(answerMs.get("p99Ms"))))
            .append(" ms (each answer waits for its processing, up to the inline budget). Answers ")
            .append(Http.json(shopify.get("answers"))).append(", outcomes ").append(Http.json(shopify.get("outcomes")))
            .append(". Orders expected ").append(shopify.get("ordersExpected")).append(", stored ")
            .append(shopify.get("ordersStored")).append(", late-created ones not at their newest quantity ")
            .append(shopify.get("outOfOrderWrong")).append(". Then every order shipped: ")
            .append(shopify.get("fulfillmentsPushed")).append(" fulfillments pushed, ")
            .append(shopify.get("fulfillmentsCreatedInStub")).append(" created in the stub Admin API (which lost the answer to every 10th, ")
            .append(shopify.get("fulfillmentAnswersLost")).append(" in all, after making it), orders fulfilled twice ")
            .append(shopify.get("ordersFulfilledTwice")).append(", pushes given up ").append(shopify.get("pushesGivenUp"))
            .append(" (shipping and pushing took ").append(fmt(num(shopify.get("shipAndPushSeconds")))).append(" s).\n\n");
      }
      Map<String, Object> edi = map(drills.get("edi"));
      if (!edi.isEmpty()) {
        Map<String, Object> byHttp = map(edi.get("http"));
        Map<String, Object> byFolder = map(edi.get("folder"));
        Map<String, Object> ackMs = map(byHttp.get("ackMs"));
        Map<String, Object> dropMs = map(byFolder.get("dropToAckMs"));
        md.append("**EDI** — X12 850s of ").append(edi.get("linesPerPo")).append(" lines, one per interchange. By HTTP, ")
            .append(byHttp.get("pos")).append(" from ").append(byHttp.get("senders")).append(" concurrent senders: ")
            .append(fmt(num(byHttp.get("posPerSecond")))).append(" POs/s, the 997 (the answer) p50 ")
            .append(fmt(num(ackMs.get("p50Ms")))).append(" ms, p99 ").append(fmt(num(ackMs.get("p99Ms"))))
            .append(" ms; accepted ").append(byHttp.get("accepted")).append(". By the inbound folder, ")
            .append(byFolder.get("pos")).append(" files dropped at once: ").append(fmt(num(byFolder.get("posPerSecond"))))
            .append(" POs/s, from the drop to the 997 file p50 ").append(dropMs.get("p50")).append(" ms, p99 ")
            .append(dropMs.get("p99")).append(" ms (one instance reads the folder, a file at a time, every 2 s); accepted ")
            .append(byFolder.get("accepted")).append(", failed files ").append(byFolder.get("filesFailed"))
            .append(". Orders stored ").append(edi.get("ordersStored")).append(" of 1000; 855s written ")
            .append(edi.get("poAcknowledgmentsWritten")).append(" (all within ")
            .append(fmt(num(edi.get("poAcknowledgmentsSecondsAfterLastPo")))).append(" s of the last PO).\n\n");
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
            .append("cancellations and receipts on 10 SKUs with little stock. Answers ").append(Http.json(two.get("answers")))
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
              .append(" s): answers ").append(Http.json(restart.get("answers"))).append(", slowest answer ").append(restart.get("slowestAnswerMs"))
              .append(" ms (no hangs), acknowledged ").append(restart.get("ordersAcknowledged")).append(", missing ")
              .append(restart.get("acknowledgedMissing")).append(", partial orders ").append(restart.get("partialOrders"))
              .append(". The service recovered by itself.\n\n");
        }
      }
    }

    List<?> statements = results.get("intakeStatements") instanceof List<?> l ? l : List.of();
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

    if (previous != null) {
      md.append("## Against the previous run\n\nThe same figures from the run before this one (its `bench/results.json`, ")
          .append(previous.path("date").asString("—")).append(", commit `").append(previous.at("/machine/commit").asString("—"))
          .append("`), to show how far a run reproduces the last.\n\n| figure | previous | this run |\n|---|---|---|\n");
      String[][] figures = {
        {"intake orders/s, 1 client", "/intake/c1/ordersPerSecond"},
        {"intake orders/s, 8 clients", "/intake/c8/ordersPerSecond"},
        {"intake orders/s, 32 clients", "/intake/c32/ordersPerSecond"},
        {"intake orders/s, 64 clients", "/intake/c64/ordersPerSecond"},
        {"database limit orders/s, 32 clients", "/databaseLimit/c32/ordersPerSecond"},
        {"hot SKU orders/s", "/hotSku/ordersPerSecond"},
        {"first page p99 ms", "/queries/firstPage/p99Ms"},
        {"state counts p99 ms", "/queries/stateCounts/p99Ms"},
        {"console board p99 ms", "/queries/consoleBoard/p99Ms"},
        {"start-up s (the run's launch: " + (config.shipped() ? "bin/orderloop" : "java -jar") + ")", "/startupSecondsExistingDatabase"},
        {"start-up s (bin/orderloop, cache made)", "/startupSecondsAotCache"},
      };
      JsonNode now = Http.JSON.valueToTree(results);
      for (String[] f : figures) {
        row(md, f[0], figure(previous, f[1]), figure(now, f[1]));
      }
      md.append('\n');
    }
    md.append("## Correctness\n\n")
        .append(failures.isEmpty()
            ? "All checks passed: no error answers, no oversell, reconciliation clean after every scenario, every acknowledged order whole, every event delivered in order.\n"
            : "FAILED: " + failures + "\n");
    Files.writeString(Path.of("docs/BENCHMARKS.md"), md.toString());
  }

}
