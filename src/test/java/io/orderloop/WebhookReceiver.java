package io.orderloop;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A local HTTP receiver that fails its first {@code failFirst} requests (or all, while {@code
 * failing}).
 */
public final class WebhookReceiver implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final HttpServer server;
  public final List<JsonNode> received = new CopyOnWriteArrayList<>();
  public final List<String> badSignatures = new CopyOnWriteArrayList<>();
  public final AtomicInteger requests = new AtomicInteger();

  /** The W3C traceparent header of each request (absent ones not listed). */
  public final List<String> traceparents = new CopyOnWriteArrayList<>();

  public volatile int failFirst;
  public volatile boolean failing;
  public volatile String secret;

  /** How long each answer takes (a slow receiver). */
  public volatile long delayMillis;

  /** Run as each request arrives, before it is answered. */
  public volatile Runnable onRequest = () -> {};

  public WebhookReceiver(int failFirst) throws IOException {
    this.failFirst = failFirst;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hook",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          String traceparent = exchange.getRequestHeaders().getFirst("traceparent");
          if (traceparent != null) {
            traceparents.add(traceparent);
          }
          onRequest.run();
          int n = requests.incrementAndGet();
          int status = failing || n <= this.failFirst ? 500 : 204;
          if (status == 204) {
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            String ts = exchange.getRequestHeaders().getFirst("webhook-timestamp");
            String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
            String text = new String(body, StandardCharsets.UTF_8);
            if (!verifies(secret, id, ts, text, signature)) {
              badSignatures.add(id);
            }
            received.add(JSON.readTree(text));
          }
          if (delayMillis > 0) {
            try {
              Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    // One thread per request, as a real receiver answers the dispatcher's lanes side by side.
    server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /**
   * A receiver's check of a Standard Webhooks signature header (space-separated {@code v1,…}
   * entries); anchored to the specification's test vector by {@code WebhookSignatureTest}.
   */
  public static boolean verifies(
      String secret, String id, String ts, String body, String signatureHeader) {
    String expected = "v1," + sign(secret, id, ts, body);
    return signatureHeader != null
        && java.util.Arrays.asList(signatureHeader.split(" ")).contains(expected);
  }

  static String sign(String secret, String id, String ts, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring(6)), "HmacSHA256"));
      return Base64.getEncoder()
          .encodeToString(
              mac.doFinal((id + "." + ts + "." + body).getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
