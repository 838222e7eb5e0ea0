package io.orderloop.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.Api;
import io.orderloop.ApiTest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** HTTP: the pull feed carries every history entry, in commit order, without gaps or repeats. */
class FeedApiTest extends ApiTest {

  @org.springframework.beans.factory.annotation.Autowired EventPump pump;

  /**
   * A commit wakes the sequencer at once (the polls stay as the fallback): the pump runs after an
   * order commits, and the order's events are in the feed.
   */
  @Test
  void an_order_commit_wakes_the_event_pump_and_its_events_reach_the_feed() {
    String sku = sku("PUMP");
    receive(sku, location(1), 3);
    String cursor = tail();
    long before = pump.runs();
    String id = createOrder(order(sku, 1)).get("id").asString();
    await("the pump to run after the commit", () -> pump.runs() > before);
    await(
        "the order's events in the feed",
        () -> {
          JsonNode page = api.get("/api/v1/events?limit=100&after=" + cursor).json();
          int mine = 0;
          for (JsonNode e : page.get("items")) {
            if (e.get("subject").asString().equals(id)) {
              mine++;
            }
          }
          return mine == 3;
        });
  }

  private String tail() {
    String cursor = null;
    while (true) {
      JsonNode page =
          api.get("/api/v1/events?limit=1000" + (cursor == null ? "" : "&after=" + cursor)).json();
      cursor = page.get("nextCursor").asString();
      if (page.get("items").size() < 1000) {
        return cursor;
      }
    }
  }

  @Test
  void a_reader_paging_while_orders_commit_sees_every_event_once_and_each_order_in_sequence()
      throws Exception {
    String sku = sku("FEED");
    receive(sku, location(1), 30);
    String start = tail();
    AtomicBoolean writing = new AtomicBoolean(true);
    List<JsonNode> seen = new ArrayList<>();
    Set<String> orderIds = java.util.concurrent.ConcurrentHashMap.newKeySet();

    try (ExecutorService pool = Executors.newFixedThreadPool(9)) {
      Future<?> reader =
          pool.submit(
              () -> {
                String cursor = start;
                long deadline = Long.MAX_VALUE; // set once the writers are done
                while (true) {
                  boolean last = !writing.get();
                  if (last && deadline == Long.MAX_VALUE) {
                    deadline =
                        System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
                  }
                  if (System.nanoTime() > deadline) {
                    throw new AssertionError("the reader did not reach the feed's end within 60 s");
                  }
                  JsonNode page = api.get("/api/v1/events?limit=7&after=" + cursor).json();
                  page.get("items").forEach(seen::add);
                  cursor = page.get("nextCursor").asString();
                  if (last && page.get("items").size() == 0) {
                    return null;
                  }
                }
              });
      List<Callable<Api.Response>> writers = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        writers.add(
            () -> {
              Api.Response r = api.post("/api/v1/orders", order(sku, 1));
              String id = r.json().get("id").asString();
              orderIds.add(id);
              api.post("/api/v1/orders/" + id + "/cancel", Map.of("reason", "feed test"));
              return r;
            });
      }
      try {
        for (Future<Api.Response> f : pool.invokeAll(writers)) {
          assertThat(f.get().status()).isEqualTo(201);
        }
        int expected = 0;
        for (String id : orderIds) {
          expected += history(id).size();
        }
        int want = expected;
        await(
            "the feed has positioned every event",
            () ->
                api.get("/api/v1/events?limit=1000&after=" + start).json().get("items").size()
                    >= want);
      } finally {
        // A failed writer must not leave the reader paging forever (the pool's close waits for it).
        writing.set(false);
      }
      reader.get();
    }

    List<JsonNode> mine =
        seen.stream().filter(e -> orderIds.contains(e.get("subject").asString())).toList();
    Set<String> ids = new HashSet<>();
    mine.forEach(e -> assertThat(ids.add(e.get("id").asString())).as("no repeats").isTrue());
    int histories = 0;
    Map<String, Integer> lastSequence = new HashMap<>();
    for (String id : orderIds) {
      histories += history(id).size();
    }
    assertThat(mine).as("no gaps: every history entry of these orders").hasSize(histories);
    for (JsonNode e : mine) {
      int sequence = e.get("data").get("sequence").asInt();
      Integer previous = lastSequence.put(e.get("subject").asString(), sequence);
      assertThat(sequence).as("per-order order").isEqualTo(previous == null ? 1 : previous + 1);
    }
  }

  @Test
  void events_are_cloud_events_filterable_by_type_and_a_refused_request_writes_none() {
    String sku = sku("CE");
    receive(sku, location(1), 5);
    String start = tail();
    int outboxBefore = count("SELECT count(*) FROM outbox");
    assertThat(api.post("/api/v1/orders", order("NO-SUCH-SKU", 1)).status()).isEqualTo(422);
    assertThat(count("SELECT count(*) FROM outbox")).isEqualTo(outboxBefore);

    String id = createOrder(order(sku, 2)).get("id").asString();
    await(
        "the order's events are in the feed",
        () -> api.get("/api/v1/events?after=" + start).json().get("items").size() >= 3);
    JsonNode allocated =
        api.get("/api/v1/events?type=order.allocated&after=" + start).json().get("items").get(0);
    assertThat(allocated.get("specversion").asString()).isEqualTo("1.0");
    assertThat(allocated.get("type").asString()).isEqualTo("order.allocated");
    assertThat(allocated.get("subject").asString()).isEqualTo(id);
    assertThat(allocated.get("source").asString()).isEqualTo("/orderloop");
    assertThat(allocated.get("data").get("toState").asString()).isEqualTo("ALLOCATED");
    assertThat(allocated.get("data").get("orderNumber").asString()).startsWith("LMB-ORD-");
    assertThat(api.get("/api/v1/events?after=garbage").status()).isEqualTo(400);
    receive(sku, location(1), 1);
    await(
        "receipts are events too",
        () ->
            api.get("/api/v1/events?type=inventory.received&after=" + start)
                    .json()
                    .get("items")
                    .size()
                >= 1);
  }
}
