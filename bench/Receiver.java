import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;

/**
 * The bench's webhook receiver: counts deliveries and distinct events, checks order per subject
 * (the order id) by the history sequence, and records latency from each event's time to its
 * arrival.
 */
final class Receiver {

  private HttpServer server;
  private final Map<String, Integer> seen = new ConcurrentHashMap<>();
  private final Map<String, Integer> lastSequence = new ConcurrentHashMap<>();
  final AtomicInteger outOfOrder = new AtomicInteger();
  private final AtomicInteger deliveries = new AtomicInteger();
  private Histogram latencies = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);

  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/hook",
        exchange -> {
          String body = new String(exchange.getRequestBody().readAllBytes());
          Instant arrived = Instant.now();
          record(Http.parse(body), arrived.getEpochSecond() * 1_000_000_000L + arrived.getNano());
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    server.start();
  }

  synchronized void record(JsonNode event, long nowNanos) {
    deliveries.incrementAndGet();
    if (!event.path("id").isString()) {
      return;
    }
    boolean first = seen.merge(event.get("id").asString(), 1, Integer::sum) == 1;
    if (!first) {
      return;
    }
    JsonNode sequence = event.path("data").path("sequence");
    if (event.path("subject").isString() && sequence.isNumber()) {
      Integer last = lastSequence.put(event.get("subject").asString(), sequence.asInt());
      if (last != null && sequence.asInt() < last) {
        outOfOrder.incrementAndGet();
      }
    }
    if (event.path("time").isString()) {
      Instant t = Instant.parse(event.get("time").asString());
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

  synchronized Histogram latencies() {
    return latencies;
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
