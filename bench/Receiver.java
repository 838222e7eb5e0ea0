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

  /** Each first-seen event's subject and arrival (epoch nanoseconds), in arrival order. */
  private final java.util.List<Map.Entry<String, Long>> arrivals = new java.util.ArrayList<>();

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
    if (event.path("subject").isString()) {
      arrivals.add(Map.entry(event.get("subject").asString(), nowNanos));
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
    arrivals.clear();
    deliveries.set(0);
    latencies = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
  }

  synchronized Histogram latencies() {
    return latencies;
  }

  /**
   * From the answer to the request that created each order (after its commit) to the arrival of
   * each of its events: a lower bound of commit-to-receiver latency, as the event's own time is an
   * upper bound. Arrivals before the answer count as 0; events of orders not in {@code answered}
   * are left out.
   */
  synchronized Histogram sinceAnswered(Map<String, Long> answered) {
    Histogram h = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
    for (Map.Entry<String, Long> a : arrivals) {
      Long at = answered.get(a.getKey());
      if (at != null) {
        h.recordValue(Math.max(0, Math.min(a.getValue() - at, h.getHighestTrackableValue())));
      }
    }
    return h;
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
