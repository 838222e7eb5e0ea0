import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The bench's one HTTP sender (JDK client on virtual threads) and its JSON, with Jackson. */
final class Http {

  static final JsonMapper JSON = JsonMapper.builder().build();

  final HttpClient client =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .executor(Executors.newVirtualThreadPerTaskExecutor())
          .build();
  private final Config config;
  private final Run run;

  Http(Config config, Run run) {
    this.config = config;
    this.run = run;
  }

  HttpResponse<String> sendTo(String base, String method, String path, Object body, String idempotencyKey)
      throws Exception {
    String text = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + Config.KEY)
            .method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
    if (text != null) {
      b.header("Content-Type", "application/json");
    }
    if (idempotencyKey != null) {
      b.header("Idempotency-Key", idempotencyKey);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(String method, String path, Object body) throws Exception {
    return sendTo(config.base(), method, path, body, null);
  }

  int post(String path, Object body) throws Exception {
    return send("POST", path, body).statusCode();
  }

  int put(String path, Object body) throws Exception {
    return send("PUT", path, body).statusCode();
  }

  /** A GET that must answer 200 (anything else is a correctness failure); its body. */
  String get(String path) throws Exception {
    HttpResponse<String> r = send("GET", path, null);
    if (r.statusCode() != 200) {
      run.fail("GET " + path + " answered " + r.statusCode());
    }
    return r.body();
  }

  JsonNode getJson(String path) throws Exception {
    return parse(get(path));
  }

  static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (RuntimeException notJson) {
      return JSON.createObjectNode();
    }
  }

  /** The {@code id} of a JSON answer, or null. */
  static String id(HttpResponse<String> r) {
    JsonNode id = parse(r.body()).path("id");
    return id.isString() ? id.asString() : null;
  }

  static String json(Object o) {
    return JSON.writeValueAsString(o);
  }

  // ------------------------------------------------------------------ order bodies

  /** A DTC order of 1 unit on each of {@code lines} random bench SKUs. */
  Map<String, Object> randomOrder(int lines) {
    List<String> skus = new ArrayList<>();
    for (int i = 0; i < lines; i++) {
      skus.add(String.format("BENCH-%07d", 1 + ThreadLocalRandom.current().nextInt(config.skus())));
    }
    return order(skus, 1);
  }

  /** A DTC order of {@code quantity} units on each SKU, 9.99 a unit. */
  static Map<String, Object> order(List<String> skus, int quantity) {
    List<Map<String, Object>> lines = new ArrayList<>();
    for (String sku : skus) {
      lines.add(Map.of("sku", sku, "quantity", quantity, "unitPrice", "9.99"));
    }
    Map<String, Object> order = new LinkedHashMap<>();
    order.put("channel", "API");
    order.put("type", "DTC");
    order.put("customer", Map.of("name", "Bench Buyer", "email", "b@example.com"));
    order.put("shipTo", Map.of("line1", "1 Loop Rd", "city", "Springfield", "country", "US"));
    order.put("currency", "USD");
    order.put("lines", lines);
    return order;
  }

  /** The same order as the channel's own order {@code externalId}. */
  static Map<String, Object> withExternalId(Map<String, Object> order, String externalId) {
    Map<String, Object> copy = new LinkedHashMap<>(order);
    copy.put("externalId", externalId);
    return copy;
  }
}
