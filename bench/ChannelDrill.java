import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Shopify drill: signed {@code orders/create} and {@code orders/updated} deliveries from 20
 * concurrent senders, 10 % of them repeated (Shopify's retries) and 5 % of the orders updated before
 * they are created; then every order shipped, with Shopify's Admin API played by a stub server in
 * this process. Checks: exactly the expected orders, none twice, the out-of-order ones at their
 * newest quantity, and every fulfillment created in the stub exactly once.
 */
final class ChannelDrill {

  static final String SHOP = "bench-shop.myshopify.com";
  static final String SECRET = "bench-webhook-secret";
  static final String VERSION = "2026-01";

  private final Run run;
  private final Http http;

  /** The stub's view: Shopify order id → line item id → quantity; fulfillments created per order. */
  private final Map<String, Map<String, Integer>> lineItems = new ConcurrentHashMap<>();
  private final Map<String, List<String>> fulfillments = new ConcurrentHashMap<>();
  private final AtomicInteger stubCalls = new AtomicInteger();

  ChannelDrill(Run run) {
    this.run = run;
    this.http = run.http;
  }

  record Delivery(String topic, String webhookId, String body) {}

  Map<String, Object> shopify() throws Exception {
    HttpServer stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    stub.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    stub.createContext("/", this::answer);
    stub.start();
    try {
      return drill(stub.getAddress().getPort());
    } finally {
      stub.stop(0);
    }
  }

  private Map<String, Object> drill(int stubPort) throws Exception {
    int status =
        http.put(
            "/api/v1/channels/shopify/shops/" + SHOP,
            Map.of(
                "webhookSecret", SECRET,
                "accessToken", "shpat_bench",
                "apiBaseUrl", "http://127.0.0.1:" + stubPort,
                "location", "MAIN"));
    if (status != 200 && status != 201) {
      run.fail("shopify drill: connecting the shop answered " + status);
      return Map.of();
    }
    // 1,000 deliveries: 850 orders, of which 50 arrive updated before created; 100 repeats.
    long base = 9_007_199_254_740_993L + System.currentTimeMillis() % 100_000 * 100_000;
    List<Delivery> deliveries = new ArrayList<>();
    List<String> outOfOrder = new ArrayList<>();
    for (int i = 0; i < 850; i++) {
      String id = String.valueOf(base + i * 10L);
      String sku = String.format("BENCH-%07d", 1 + (i * 37) % Math.max(1, run.config.skus()));
      String line = String.valueOf(base + i * 10L + 1);
      lineItems.put(id, new ConcurrentHashMap<>());
      if (i % 17 == 0 && outOfOrder.size() < 50) {
        outOfOrder.add(id);
        deliveries.add(delivery("orders/updated", id, line, sku, 2, "2026-03-01T10:05:00Z"));
        deliveries.add(delivery("orders/create", id, line, sku, 1, "2026-03-01T10:00:00Z"));
        lineItems.get(id).put(line, 2);
      } else {
        deliveries.add(delivery("orders/create", id, line, sku, 1, "2026-03-01T10:00:00Z"));
        lineItems.get(id).put(line, 1);
      }
    }
    List<Delivery> sends = new ArrayList<>(deliveries);
    for (int i = 0; i < 100; i++) {
      // A repeat goes after its original, as Shopify's retries do.
      int original = (i * 97) % deliveries.size();
      int at = Math.min(sends.size(), sends.indexOf(deliveries.get(original)) + 1 + (i % 40));
      sends.add(at, deliveries.get(original));
    }
    // The 50 updates go first, in a phase of their own, so their creates surely arrive after them.
    List<Delivery> early = sends.stream().filter(d -> d.topic().equals("orders/updated")).toList();
    List<Delivery> late = sends.stream().filter(d -> !d.topic().equals("orders/updated")).toList();
    Histogram answers = new Histogram(60_000_000_000L, 3);
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    long t0 = System.nanoTime();
    Thread[] senders = new Thread[20];
    for (List<Delivery> phase : List.of(early, late)) {
    ConcurrentLinkedQueue<Delivery> queue = new ConcurrentLinkedQueue<>(phase);
    for (int s = 0; s < senders.length; s++) {
      senders[s] =
          Thread.ofVirtual()
              .start(
                  () -> {
                    Delivery d;
                    while ((d = queue.poll()) != null) {
                      long start = System.nanoTime();
                      int code;
                      String outcome;
                      try {
                        HttpResponse<String> r = post(d);
                        code = r.statusCode();
                        outcome = Http.parse(r.body()).path("status").asString("?");
                      } catch (Exception e) {
                        code = -1;
                        outcome = e.getClass().getSimpleName();
                      }
                      synchronized (answers) {
                        answers.recordValue(Math.min(System.nanoTime() - start, 59_000_000_000L));
                      }
                      statuses.computeIfAbsent(code, k -> new AtomicInteger()).incrementAndGet();
                      outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
                    }
                  });
    }
    for (Thread t : senders) {
      t.join();
    }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("deliveries", sends.size());
    r.put("senders", senders.length);
    r.put("repeats", sends.size() - deliveries.size());
    r.put("ordersUpdatedBeforeCreated", outOfOrder.size());
    r.put("seconds", Measurements.round(seconds));
    r.put("deliveriesPerSecond", Measurements.round(sends.size() / seconds));
    r.put("answerMs", Measurements.percentiles(answers));
    Map<String, Integer> byStatus = new java.util.TreeMap<>();
    statuses.forEach((k, v) -> byStatus.put(String.valueOf(k), v.get()));
    r.put("answers", byStatus);
    Map<String, Integer> byOutcome = new java.util.TreeMap<>();
    outcomes.forEach((k, v) -> byOutcome.put(k, v.get()));
    r.put("outcomes", byOutcome);
    if (byStatus.size() != 1 || !byStatus.containsKey("200")) {
      run.fail("shopify drill: deliveries answered " + byStatus);
    }
    // Every repeat a duplicate, every create that came after its update stale, nothing held or failed.
    if (!awaitQuiet("SELECT count(*) FROM channel_deliveries WHERE status IN ('RECEIVED', 'FAILED')", 60)) {
      run.fail("shopify drill: deliveries still unprocessed after 60 s");
    }
    long stale = run.db.count("SELECT count(*) FROM channel_deliveries WHERE account = '" + SHOP + "' AND status = 'STALE'");
    long held = run.db.count("SELECT count(*) FROM channel_deliveries WHERE account = '" + SHOP + "' AND status NOT IN ('PROCESSED', 'STALE')");
    long stored = run.db.count("SELECT count(*) FROM channel_deliveries WHERE account = '" + SHOP + "'");
    r.put("deliveriesStored", stored);
    r.put("stale", stale);
    int duplicates = byOutcome.getOrDefault("DUPLICATE", 0);
    if (duplicates != sends.size() - deliveries.size() || stored != deliveries.size() || stale != outOfOrder.size() || held > 0) {
      run.fail(
          "shopify drill: " + duplicates + " duplicates answered (" + (sends.size() - deliveries.size()) + " sent), "
              + stored + " deliveries stored (" + deliveries.size() + " distinct), " + stale + " stale ("
              + outOfOrder.size() + " creates after their update), " + held + " held or failed");
    }
    long orders = run.db.count("SELECT count(*) FROM orders WHERE channel = 'SHOPIFY' AND channel_order->>'account' = '" + SHOP + "'");
    long oneLine =
        run.db.count(
            "SELECT count(*) FROM orders o WHERE o.channel = 'SHOPIFY' AND o.channel_order->>'account' = '" + SHOP
                + "' AND (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) = 1");
    r.put("ordersExpected", lineItems.size());
    r.put("ordersStored", orders);
    r.put("ordersPerSecond", Measurements.round(orders / seconds));
    if (orders != lineItems.size() || oneLine != orders) {
      run.fail("shopify drill: " + orders + " orders (" + oneLine + " with their one line) for " + lineItems.size() + " channel orders");
    }
    long wrong =
        run.db.count(
            "SELECT count(*) FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.channel = 'SHOPIFY' AND o.external_id IN ("
                + String.join(",", outOfOrder.stream().map(s -> "'" + s + "'").toList())
                + ") AND l.quantity <> 2");
    r.put("outOfOrderWrong", wrong);
    if (wrong > 0) {
      run.fail("shopify drill: " + wrong + " orders updated before created are not at their newest quantity");
    }
    // Ship every order; each shipment must become exactly one fulfillment in the stub.
    long t1 = System.nanoTime();
    List<String> ids =
        List.of(run.db.psql("SELECT id || ' ' || external_id FROM orders WHERE channel = 'SHOPIFY' AND channel_order->>'account' = '" + SHOP + "' ORDER BY external_id").split("\n"));
    ConcurrentLinkedQueue<String> toShip = new ConcurrentLinkedQueue<>(ids);
    AtomicInteger shipErrors = new AtomicInteger();
    Thread[] shippers = new Thread[20];
    for (int s = 0; s < shippers.length; s++) {
      shippers[s] =
          Thread.ofVirtual()
              .start(
                  () -> {
                    String row;
                    while ((row = toShip.poll()) != null) {
                      String[] parts = row.strip().split(" ");
                      if (parts.length < 2) {
                        continue;
                      }
                      try {
                        http.post("/api/v1/orders/" + parts[0] + "/transitions", Map.of("to", "FULFILLMENT_QUEUED"));
                        var order = http.getJson("/api/v1/orders/" + parts[0]);
                        List<Map<String, Object>> lines = new ArrayList<>();
                        for (JsonNode l : order.path("lines")) {
                          lines.add(Map.of("sku", l.path("sku").asString(), "quantity", l.path("allocated").asInt()));
                        }
                        int code =
                            http.post(
                                "/api/v1/orders/" + parts[0] + "/shipments",
                                Map.of("carrier", "UPS", "trackingNumber", "1ZBENCH" + parts[1], "lines", lines));
                        if (code != 201) {
                          shipErrors.incrementAndGet();
                        }
                      } catch (Exception e) {
                        shipErrors.incrementAndGet();
                      }
                    }
                  });
    }
    for (Thread t : shippers) {
      t.join();
    }
    boolean drained =
        awaitQuiet(
            "SELECT count(*) FROM channel_pushes WHERE account = '" + SHOP + "' AND status IN ('PENDING', 'FAILED')", 180);
    double pushSeconds = (System.nanoTime() - t1) / 1e9;
    long sent = run.db.count("SELECT count(*) FROM channel_pushes WHERE account = '" + SHOP + "' AND kind = 'FULFILLMENT' AND status = 'SENT'");
    long gaveUp = run.db.count("SELECT count(*) FROM channel_pushes WHERE account = '" + SHOP + "' AND status = 'GAVE_UP'");
    long created = fulfillments.values().stream().mapToLong(List::size).sum();
    long twice = fulfillments.values().stream().filter(l -> l.size() > 1).count();
    r.put("shipmentErrors", shipErrors.get());
    r.put("fulfillmentsPushed", sent);
    r.put("fulfillmentsCreatedInStub", created);
    r.put("ordersFulfilledTwice", twice);
    r.put("pushesGivenUp", gaveUp);
    r.put("shipAndPushSeconds", Measurements.round(pushSeconds));
    r.put("stubCalls", stubCalls.get());
    r.put("fulfillmentAnswersLost", lostAnswers.get());
    if (!drained || shipErrors.get() > 0 || created != orders || twice > 0 || gaveUp > 0 || sent != orders) {
      run.fail(
          "shopify drill: "
              + orders
              + " orders, "
              + shipErrors.get()
              + " shipments refused, "
              + sent
              + " fulfillment pushes sent, "
              + created
              + " fulfillments in the stub, "
              + twice
              + " orders fulfilled twice, "
              + gaveUp
              + " pushes given up"
              + (drained ? "" : ", pushes still pending after 180 s"));
    }
    run.checkReconciliation("shopify drill");
    System.err.println("shopify drill " + r);
    return r;
  }

  private boolean awaitQuiet(String countSql, int seconds) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (run.db.count(countSql) == 0) {
        return true;
      }
      Thread.sleep(200);
    }
    return false;
  }

  private Delivery delivery(String topic, String id, String line, String sku, int quantity, String updatedAt) {
    ObjectNode o = Http.JSON.createObjectNode();
    o.put("id", new java.math.BigInteger(id));
    o.put("name", "#B" + id.substring(id.length() - 6));
    o.put("email", "buyer" + id.substring(id.length() - 4) + "@example.com");
    o.put("currency", "USD");
    o.put("financial_status", "paid");
    o.put("created_at", "2026-03-01T10:00:00Z");
    o.put("updated_at", updatedAt);
    o.putObject("customer").put("first_name", "Bench").put("last_name", "Buyer");
    o.putObject("shipping_address").put("name", "Bench Buyer").put("address1", "1 Loop Rd").put("city", "Springfield")
        .put("zip", "12345").put("country_code", "US");
    ArrayNode items = o.putArray("line_items");
    items.addObject()
        .put("id", new java.math.BigInteger(line))
        .put("sku", sku)
        .put("title", "Bench item")
        .put("quantity", quantity)
        .put("price", "9.99")
        .put("requires_shipping", true);
    ArrayNode shipping = o.putArray("shipping_lines");
    shipping.addObject().put("title", "Standard").put("price", "5.00");
    return new Delivery(topic, java.util.UUID.randomUUID().toString(), o.toString());
  }

  private HttpResponse<String> post(Delivery d) throws Exception {
    byte[] body = d.body().getBytes(StandardCharsets.UTF_8);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(run.config.base() + "/channels/shopify/webhooks"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("X-Shopify-Topic", d.topic())
            .header("X-Shopify-Shop-Domain", SHOP)
            .header("X-Shopify-Webhook-Id", d.webhookId())
            .header("X-Shopify-Hmac-Sha256", Base64.getEncoder().encodeToString(mac.doFinal(body)))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return http.client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  // ------------------------------------------------------------------ the stub Admin API

  private final AtomicLong fulfillmentIds = new AtomicLong(5_000_000);
  private final AtomicInteger posts = new AtomicInteger();
  private final AtomicInteger lostAnswers = new AtomicInteger();

  private void answer(HttpExchange ex) throws java.io.IOException {
    stubCalls.incrementAndGet();
    String path = ex.getRequestURI().getPath();
    String prefix = "/admin/api/" + VERSION;
    String body;
    int status = 200;
    try (ex) {
      if (path.startsWith(prefix + "/orders/") && path.endsWith("/fulfillment_orders.json")) {
        String orderId = path.substring((prefix + "/orders/").length(), path.length() - "/fulfillment_orders.json".length());
        ObjectNode root = Http.JSON.createObjectNode();
        ArrayNode fos = root.putArray("fulfillment_orders");
        Map<String, Integer> items = lineItems.getOrDefault(orderId, Map.of());
        ObjectNode fo = fos.addObject();
        fo.put("id", new java.math.BigInteger(orderId).add(java.math.BigInteger.valueOf(7)));
        fo.put("status", fulfillments.containsKey(orderId) ? "closed" : "open");
        ArrayNode li = fo.putArray("line_items");
        items.forEach(
            (line, q) ->
                li.addObject()
                    .put("id", new java.math.BigInteger(line).add(java.math.BigInteger.valueOf(3)))
                    .put("line_item_id", new java.math.BigInteger(line))
                    .put("fulfillable_quantity", fulfillments.containsKey(orderId) ? 0 : q));
        body = root.toString();
      } else if (path.startsWith(prefix + "/orders/") && path.endsWith("/fulfillments.json")) {
        String orderId = path.substring((prefix + "/orders/").length(), path.length() - "/fulfillments.json".length());
        ObjectNode root = Http.JSON.createObjectNode();
        ArrayNode list = root.putArray("fulfillments");
        for (String tracking : fulfillments.getOrDefault(orderId, List.of())) {
          list.addObject().put("id", fulfillmentIds.incrementAndGet()).put("status", "success").put("tracking_number", tracking);
        }
        body = root.toString();
      } else if (path.equals(prefix + "/fulfillments.json") && ex.getRequestMethod().equals("POST")) {
        JsonNode request = Http.parse(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        JsonNode fo = request.path("fulfillment").path("line_items_by_fulfillment_order").path(0);
        String orderId =
            new java.math.BigInteger(fo.path("fulfillment_order_id").asString("0")).subtract(java.math.BigInteger.valueOf(7)).toString();
        fulfillments
            .computeIfAbsent(orderId, k -> Collections.synchronizedList(new ArrayList<>()))
            .add(request.path("fulfillment").path("tracking_info").path("number").asString(""));
        if (posts.incrementAndGet() % 10 == 0) {
          // Made, but the answer is lost: the relay must find it rather than make it again.
          lostAnswers.incrementAndGet();
          status = 502;
          body = "{\"errors\":\"bad gateway\"}";
        } else {
          status = 201;
          body = "{\"fulfillment\":{\"id\":" + fulfillmentIds.incrementAndGet() + ",\"status\":\"success\"}}";
        }
      } else {
        status = 404;
        body = "{\"errors\":\"Not Found\"}";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(status, bytes.length);
      ex.getResponseBody().write(bytes);
    }
  }
}
