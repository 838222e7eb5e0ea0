import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reliability drills, bounded in time and on loopback only: a bad input storm, a crash, two
 * instances on one database, and a database restart. Each checks that no acknowledged order is lost
 * or partial, nothing oversells and no event is lost or reordered.
 */
final class Drills {

  private final Run run;
  private final Config config;
  private final Http http;
  private final Scenarios scenarios;

  Drills(Run run, Scenarios scenarios) {
    this.run = run;
    this.config = run.config;
    this.http = run.http;
    this.scenarios = scenarios;
  }

  /** Bad input storm: hostile requests from 8 clients interleaved with good intake from 8 others. */
  Map<String, Object> storm() throws Exception {
    int seconds = Math.max(10, config.seconds());
    Map<String, Object> clean = scenarios.closedLoop(8, seconds);
    AtomicInteger bad = new AtomicInteger();
    Map<Integer, AtomicInteger> badStatuses = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    // The hostile traffic comes from its own integration (its own key), as a misbehaving client would.
    HttpResponse<String> keyAnswer =
        http.send(
            "POST",
            "/api/v1/api-keys",
            Map.of(
                "name", "storm-" + System.currentTimeMillis(),
                "scopes", List.of("orders:read", "orders:write", "inventory:write")));
    var key = Http.parse(keyAnswer.body()).path("key");
    if (!key.isString()) {
      throw new IllegalStateException("cannot create the storm's key: " + keyAnswer.body());
    }
    List<java.util.concurrent.Callable<Integer>> hostile = new ArrayList<>();
    for (HttpRequest req : hostileRequests(key.asString())) {
      hostile.add(() -> http.client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode());
    }
    for (byte[] raw : rawHostileRequests(key.asString())) {
      hostile.add(() -> rawStatus(config.port(), "127.0.0.1", raw));
    }
    Thread[] attackers = new Thread[8];
    for (int i = 0; i < attackers.length; i++) {
      int offset = i;
      attackers[i] =
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (int k = offset; !stop.get(); k++) {
                      int status;
                      try {
                        status = hostile.get(k % hostile.size()).call();
                      } catch (Exception e) {
                        status = -1; // the server closed the connection: allowed for abuse
                      }
                      bad.incrementAndGet();
                      badStatuses.computeIfAbsent(status, x -> new AtomicInteger()).incrementAndGet();
                    }
                  });
    }
    Map<String, Object> during = scenarios.closedLoop(8, seconds);
    stop.set(true);
    for (Thread t : attackers) {
      t.join();
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("goodClean", clean);
    r.put("goodDuringStorm", during);
    r.put("hostileRequests", bad.get());
    r.put("hostileKinds", hostile.size());
    Map<String, Integer> statuses = new TreeMap<>();
    badStatuses.forEach((k, v) -> statuses.put(String.valueOf(k), v.get()));
    r.put("hostileStatuses", statuses);
    double ratio = ((Number) during.get("p99Ms")).doubleValue() / ((Number) clean.get("p99Ms")).doubleValue();
    r.put("p99Ratio", Measurements.round(ratio * 100) / 100.0);
    long fiveXx = badStatuses.entrySet().stream().filter(e -> e.getKey() >= 500).mapToLong(e -> e.getValue().get()).sum();
    long serverErrors =
        fiveXx + ((Number) clean.get("serverErrors")).longValue() + ((Number) during.get("serverErrors")).longValue();
    r.put("serverErrors", serverErrors);
    if (serverErrors > 0) {
      run.fail("bad input storm: " + serverErrors + " answers of 5xx");
    }
    if (((Number) during.get("errors")).intValue() > 0) {
      run.fail("bad input storm: good orders refused: " + during.get("errors"));
    }
    run.checkReconciliation("bad input storm");
    System.err.println("storm " + r);
    return r;
  }

  /** 24 kinds of malformed, oversized and hostile requests, sent with {@code key}. */
  List<HttpRequest> hostileRequests(String key) {
    String good = Http.json(http.randomOrder(2));
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
            new String[] {"DELETE", "/api/v1/orders", null},
            new String[] {"POST", "/api/v1/orders", good.replace("\"quantity\":1", "\"quantity\":1,\"quantity\":50000")},
            new String[] {"POST", "/api/v1/orders", good.replace("\"quantity\":1", "\"quantity\":1.5")},
            new String[] {"POST", "/api/v1/orders", good.replace("\"quantity\":1", "\"quantity\":\"3\"")},
            new String[] {"POST", "/api/v1/orders", good.replace("Bench Buyer", "Bench\\u001b[31m\\u202eBuyer")},
            new String[] {"GET", "/api/v1/orders?createdFrom=%2B999999999-12-31T23:59:59Z", null},
            new String[] {"GET", "/api/v1/orders?q=a%00b&limit=1001", null},
            new String[] {"GET", "/error", null});
    List<HttpRequest> out = new ArrayList<>();
    for (String[] b : bodies) {
      HttpRequest.Builder req =
          HttpRequest.newBuilder(URI.create(config.base() + b[1]))
              .timeout(Duration.ofSeconds(30))
              .header("Authorization", "Bearer " + key)
              .method(b[0], b[2] == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(b[2]));
      if (b[2] != null) {
        req.header("Content-Type", "application/json");
      }
      out.add(req.build());
    }
    // No key, a wrong key, a wrong content type.
    URI orders = URI.create(config.base() + "/api/v1/orders");
    out.add(HttpRequest.newBuilder(orders).POST(HttpRequest.BodyPublishers.ofString(good)).header("Content-Type", "application/json").build());
    out.add(
        HttpRequest.newBuilder(orders)
            .POST(HttpRequest.BodyPublishers.ofString(good))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer ol_" + "x".repeat(40))
            .build());
    out.add(
        HttpRequest.newBuilder(orders)
            .POST(HttpRequest.BodyPublishers.ofString(good))
            .header("Content-Type", "text/plain")
            .header("Authorization", "Bearer " + key)
            .build());
    return out;
  }

  /** Hostile requests no HTTP client library sends: control bytes, bad request lines, huge headers. */
  static List<byte[]> rawHostileRequests(String key) {
    String auth = "Authorization: Bearer " + key + "\r\n";
    List<String> requests =
        List.of(
            "POST /carriers/tracking-events HTTP/1.1\r\nContent-Type: application/json\r\nX-Carrier-Secret: s\u0085x\r\nContent-Length: 2\r\n\r\n{}",
            "POST /api/v1/orders HTTP/1.1\r\n" + auth + "Content-Type: application/json\r\nIdempotency-Key: k\u009bx\r\nContent-Length: 2\r\n\r\n{}",
            "PATCH /api/v1/orders/x HTTP/1.1\r\n" + auth + "Content-Type: application/json\r\nIf-Match: \"\u001b\"\r\nContent-Length: 2\r\n\r\n{}",
            "GET /api/v1/orders;jsessionid=x HTTP/1.1\r\n" + auth + "\r\n",
            "GET /api/v1/orders%00 HTTP/1.1\r\n" + auth + "\r\n",
            "GET /api/v1/orders HTTP/1.1\r\n" + auth + "X-Big: " + "a".repeat(10_240) + "\r\n\r\n",
            "GET /api/v1/orders x y HTTP/1.1\r\n\r\n");
    List<byte[]> out = new ArrayList<>();
    for (String r : requests) {
      int firstLineEnd = r.indexOf("\r\n");
      String withHost = r.substring(0, firstLineEnd + 2) + "Host: localhost\r\nConnection: close\r\n" + r.substring(firstLineEnd + 2);
      out.add(withHost.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }
    return out;
  }

  /** Sends raw bytes from a local address and returns the answer's status (0 when closed without one). */
  static int rawStatus(int port, String from, byte[] request) throws IOException {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName(from), 0));
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request);
      byte[] head = socket.getInputStream().readNBytes(12);
      return head.length == 12 ? Integer.parseInt(new String(head, 9, 3, java.nio.charset.StandardCharsets.US_ASCII)) : 0;
    }
  }

  /**
   * Slow connections: 10,000 connections from 127.0.0.1 that send a request line and then one header
   * line every 5 s (slowloris), while another address (127.0.0.2) asks for health twice a second.
   * The other address must be answered within 1 s every time; the service must shed the slow ones
   * (the per-address cap at accept, the header deadline after).
   */
  Map<String, Object> slowConnections() throws Exception {
    int wanted = 10_000;
    List<java.net.Socket> slow = Collections.synchronizedList(new ArrayList<>());
    int failedToConnect = 0;
    long openStart = System.nanoTime();
    for (int i = 0; i < wanted; i++) {
      try {
        java.net.Socket s = new java.net.Socket();
        s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName("127.0.0.1"), 0));
        s.connect(new java.net.InetSocketAddress("127.0.0.1", config.port()), 2000);
        s.getOutputStream().write("GET /api/v1/orders HTTP/1.1\r\nHost: localhost\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        slow.add(s);
      } catch (IOException e) {
        failedToConnect++;
      }
    }
    double openSeconds = (System.nanoTime() - openStart) / 1e9;
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger linesSent = new AtomicInteger();
    Thread trickle =
        Thread.ofVirtual()
            .start(
                () -> {
                  for (int round = 0; !stop.get(); round++) {
                    for (java.net.Socket s : List.copyOf(slow)) {
                      try {
                        s.getOutputStream().write(("X-Slow-" + round + ": 1\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        linesSent.incrementAndGet();
                      } catch (IOException closedByServer) {
                        // shed: expected
                      }
                    }
                    try {
                      Thread.sleep(5000);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
    List<Double> healthMs = new ArrayList<>();
    int healthFailures = 0;
    byte[] health = "GET /actuator/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < until) {
      long t0 = System.nanoTime();
      int status;
      try {
        status = rawStatus(config.port(), "127.0.0.2", health);
      } catch (IOException e) {
        status = -1;
      }
      double ms = (System.nanoTime() - t0) / 1e6;
      healthMs.add(ms);
      if (status != 200) {
        healthFailures++;
      }
      Thread.sleep(500);
    }
    stop.set(true);
    trickle.interrupt();
    trickle.join();
    int closedByServer = 0;
    for (java.net.Socket s : slow) {
      try {
        s.setSoTimeout(50);
        if (s.getInputStream().read() < 0) {
          closedByServer++;
        }
      } catch (java.net.SocketTimeoutException stillOpen) {
        // the server still holds it
      } catch (IOException reset) {
        closedByServer++;
      } finally {
        s.close();
      }
    }
    Collections.sort(healthMs);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("slowConnectionsOpened", slow.size());
    r.put("failedToConnect", failedToConnect);
    r.put("openSeconds", Measurements.round(openSeconds));
    r.put("closedByServerAfter20s", closedByServer);
    r.put("healthChecks", healthMs.size());
    r.put("healthFailures", healthFailures);
    r.put("healthP50Ms", Measurements.round(healthMs.get(healthMs.size() / 2)));
    r.put("healthMaxMs", Measurements.round(healthMs.getLast()));
    if (healthFailures > 0 || healthMs.getLast() > 1000) {
      run.fail("slow connections: another address waited " + healthMs.getLast() + " ms, " + healthFailures + " failures");
    }
    System.err.println("slow connections " + r);
    return r;
  }

  /**
   * Crash: 8 clients send orders, each with its own Idempotency-Key and retrying until answered;
   * the service is killed with SIGKILL mid-stream and started again. Every acknowledged order must
   * exist, whole, with its events; no order may exist twice.
   */
  Map<String, Object> crash() throws Exception {
    Map<String, String> acknowledged = new ConcurrentHashMap<>();
    AtomicInteger attempts = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    String prefix = "crash-" + System.currentTimeMillis() + "-";
    AtomicInteger next = new AtomicInteger();
    Thread[] clients = new Thread[8];
    for (int i = 0; i < clients.length; i++) {
      clients[i] = Thread.ofVirtual().start(() -> retryingClient(prefix, next, acknowledged, attempts, stop, config.base()));
    }
    Thread.sleep(4000);
    int before = acknowledged.size();
    run.service.kill();
    long killedAt = System.nanoTime();
    double restart = run.service.start();
    Thread.sleep(4000);
    stop.set(true);
    for (Thread t : clients) {
      t.join();
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("ordersAcknowledged", acknowledged.size());
    r.put("acknowledgedBeforeKill", before);
    r.put("requestsSent", attempts.get());
    r.put("restartSeconds", Measurements.round(restart));
    r.put("secondsWithoutService", Measurements.round((System.nanoTime() - killedAt) / 1e9 - 4));
    r.putAll(checkDrillOrders(prefix, acknowledged, "crash"));
    run.checkReconciliation("crash drill");
    System.err.println("crash " + r);
    return r;
  }

  /** Sends new orders, each retried with the same Idempotency-Key until some answer is 200/201. */
  private void retryingClient(
      String prefix,
      AtomicInteger next,
      Map<String, String> acknowledged,
      AtomicInteger attempts,
      AtomicBoolean stop,
      String... bases) {
    int k = 0;
    while (!stop.get()) {
      String external = prefix + next.incrementAndGet();
      String key = UUID.randomUUID().toString();
      Map<String, Object> body =
          Http.withExternalId(http.randomOrder(1 + ThreadLocalRandom.current().nextInt(3)), external);
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (System.nanoTime() < deadline) {
        String base = bases[k++ % bases.length];
        attempts.incrementAndGet();
        try {
          HttpResponse<String> r = http.sendTo(base, "POST", "/api/v1/orders", body, key);
          if (r.statusCode() == 201 || r.statusCode() == 200) {
            String id = Http.id(r);
            acknowledged.put(external, id == null ? "?" : id);
            break;
          }
          if (r.statusCode() < 500 && r.statusCode() != 409 && r.statusCode() != 429) {
            run.fail("drill order " + external + " refused: " + r.statusCode() + " " + r.body());
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
  private Map<String, Object> checkDrillOrders(String prefix, Map<String, String> acknowledged, String drill)
      throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    String like = "'" + prefix + "%'";
    long stored = run.db.count("SELECT count(*) FROM orders WHERE external_id LIKE " + like);
    long missing = 0;
    if (!acknowledged.isEmpty()) {
      StringBuilder values = new StringBuilder();
      for (String external : acknowledged.keySet()) {
        values.append(values.isEmpty() ? "" : ",").append("('").append(external).append("')");
      }
      missing =
          run.db.count(
              "SELECT count(*) FROM (VALUES " + values + ") a(external_id) WHERE NOT EXISTS "
                  + "(SELECT 1 FROM orders o WHERE o.channel = 'API' AND o.external_id = a.external_id)");
    }
    long partial =
        run.db.count(
            """
            WITH drill AS (SELECT id, last_event_seq FROM orders WHERE external_id LIKE %s),
                 history AS (SELECT order_id, count(*) AS n FROM order_events
                             WHERE order_id IN (SELECT id FROM drill) GROUP BY order_id),
                 events AS (SELECT order_id, count(*) AS n FROM outbox
                            WHERE order_id IN (SELECT id FROM drill) GROUP BY order_id)
            SELECT count(*) FROM drill d
            LEFT JOIN history h ON h.order_id = d.id LEFT JOIN events e ON e.order_id = d.id
            WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = d.id)
               OR d.last_event_seq <> coalesce(h.n, 0) OR d.last_event_seq <> coalesce(e.n, 0)"""
                    .formatted(like));
    r.put("ordersStored", stored);
    r.put("acknowledgedMissing", missing);
    r.put("partialOrders", partial);
    if (missing > 0) {
      run.fail(drill + ": " + missing + " acknowledged orders are missing");
    }
    if (partial > 0) {
      run.fail(drill + ": " + partial + " orders without lines, history or events");
    }
    if (stored < acknowledged.size()) {
      run.fail(drill + ": fewer orders stored than acknowledged");
    }
    return r;
  }

  /**
   * Two service processes on one database, the driver alternating between them: intake, cancels
   * and receipts on 10 SKUs with little stock; then no oversell, reconciliation clean, and every
   * event delivered to one webhook subscription at least once and in order per order.
   */
  Map<String, Object> twoInstances() throws Exception {
    int port2 = config.port() + 1;
    Process second = run.service.second(port2);
    try {
      String base2 = "http://127.0.0.1:" + port2;
      for (int i = 0; i < 10; i++) {
        http.put("/api/v1/skus/TWO-" + i, Map.of("name", "two"));
        http.post("/api/v1/inventory/receipts", Map.of("sku", "TWO-" + i, "location", "MAIN", "quantity", 30));
      }
      String subscription = scenarios.subscribe();
      run.receiver.reset();
      long before = run.db.count("SELECT coalesce(max(seq), 0) FROM outbox");
      List<String> created = Collections.synchronizedList(new ArrayList<>());
      Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
      long until = System.nanoTime() + Duration.ofSeconds(Math.max(10, config.seconds())).toNanos();
      try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int c = 0; c < 16; c++) {
          int client = c;
          pool.submit(
              () -> {
                for (int k = 0; System.nanoTime() < until; k++) {
                  String base = (client + k) % 2 == 0 ? config.base() : base2;
                  int dice = ThreadLocalRandom.current().nextInt(100);
                  String kind;
                  HttpResponse<String> r;
                  if (dice < 70 || created.isEmpty()) {
                    kind = "order";
                    String sku = "TWO-" + ThreadLocalRandom.current().nextInt(10);
                    r = http.sendTo(base, "POST", "/api/v1/orders", Http.order(List.of(sku), 1 + ThreadLocalRandom.current().nextInt(2)), null);
                    String id = Http.id(r);
                    if (r.statusCode() == 201 && id != null) {
                      created.add(id);
                    }
                  } else if (dice < 85) {
                    kind = "cancel";
                    String id = created.get(ThreadLocalRandom.current().nextInt(created.size()));
                    r = http.sendTo(base, "POST", "/api/v1/orders/" + id + "/cancel", Map.of("reason", "bench"), null);
                  } else {
                    kind = "receipt";
                    r =
                        http.sendTo(
                            base,
                            "POST",
                            "/api/v1/inventory/receipts",
                            Map.of("sku", "TWO-" + ThreadLocalRandom.current().nextInt(10), "location", "MAIN", "quantity", 3),
                            null);
                  }
                  counts.computeIfAbsent(kind + " " + r.statusCode(), x -> new AtomicInteger()).incrementAndGet();
                  if (r.statusCode() >= 500 || (r.statusCode() >= 400 && r.statusCode() != 409)) {
                    run.fail("two instances: " + kind + " answered " + r.statusCode() + " " + r.body());
                  }
                }
                return null;
              });
        }
      }
      long expected = run.db.count("SELECT count(*) FROM outbox WHERE seq > " + before);
      boolean all = run.receiver.awaitDistinct(expected, Duration.ofSeconds(90));
      long oversold = run.db.count("SELECT count(*) FROM stock WHERE sku LIKE 'TWO-%' AND reserved > on_hand");
      Map<String, Object> r = new LinkedHashMap<>();
      Map<String, Integer> answers = new TreeMap<>();
      counts.forEach((k, v) -> answers.put(k, v.get()));
      r.put("answers", answers);
      r.put("eventsExpected", expected);
      r.put("eventsReceived", run.receiver.distinct());
      r.put("duplicateDeliveries", run.receiver.duplicates());
      r.put("outOfOrder", run.receiver.outOfOrder.get());
      r.put("oversoldRows", oversold);
      if (!all) {
        run.fail("two instances: " + run.receiver.distinct() + " of " + expected + " events delivered");
      }
      if (run.receiver.outOfOrder.get() > 0) {
        run.fail("two instances: events out of order per order: " + run.receiver.outOfOrder.get());
      }
      if (oversold != 0) {
        run.fail("two instances: oversold stock rows " + oversold);
      }
      scenarios.unsubscribe(subscription);
      run.checkReconciliation("two instances");
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
  Map<String, Object> databaseRestart() throws Exception {
    String command = config.restartCommand();
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
                      Map<String, Object> body = Http.withExternalId(http.randomOrder(2), external);
                      for (int attempt = 0; attempt < 600 && !stop.get(); attempt++) {
                        long t0 = System.nanoTime();
                        int status;
                        String answer = "";
                        try {
                          HttpResponse<String> resp = http.sendTo(config.base(), "POST", "/api/v1/orders", body, key);
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
                          run.fail("database restart: order refused " + status + " " + answer);
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
    Processes.run(List.of("sh", "-c", command));
    double restartSeconds = (System.nanoTime() - t0) / 1e9;
    Thread.sleep(8000);
    stop.set(true);
    for (Thread t : clients) {
      t.join();
    }
    Map<String, Integer> seen = new TreeMap<>();
    statuses.forEach((k, v) -> seen.put(String.valueOf(k), v.get()));
    r.put("restartCommandSeconds", Measurements.round(restartSeconds));
    r.put("answers", seen);
    r.put("slowestAnswerMs", Measurements.round(slowest.get() / 1e6));
    r.put("lastRefusalSecondsAfterRestartBegan", Measurements.round((lastFailure.get() - t0) / 1e9));
    r.put("ordersAcknowledged", acknowledged.size());
    r.putAll(checkDrillOrders(prefix, acknowledged, "database restart"));
    long others =
        statuses.entrySet().stream()
            .filter(e -> e.getKey() != 201 && e.getKey() != 200 && e.getKey() != 503)
            .mapToLong(e -> e.getValue().get())
            .sum();
    if (others > 0) {
      run.fail("database restart: answers other than 201 and 503: " + seen);
    }
    if (slowest.get() > Duration.ofSeconds(20).toNanos()) {
      run.fail("database restart: an answer took " + Measurements.round(slowest.get() / 1e9) + " s (a hang)");
    }
    run.checkReconciliation("database restart");
    System.err.println("database restart " + r);
    return r;
  }

  /** Debian's cluster tools, where they are: restart the newest cluster. */
  static String defaultRestartCommand() {
    try (var versions = Files.list(Path.of("/etc/postgresql"))) {
      String version = versions.map(p -> p.getFileName().toString()).sorted().reduce((a, b) -> b).orElse("");
      return version.isEmpty() ? "" : "pg_ctlcluster --skip-systemctl-redirect " + version + " main restart";
    } catch (IOException e) {
      return "";
    }
  }
}
