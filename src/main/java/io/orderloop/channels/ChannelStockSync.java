package io.orderloop.channels;

import io.orderloop.common.ApiProblem;
import io.orderloop.common.Transactions;
import io.orderloop.inventory.Catalogue;
import io.orderloop.inventory.StockLedger;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stock back to the stores: what a store may sell follows what allocation can still take. For each
 * configured SKU and location of a connection, the allocatable units there (on hand less reserved,
 * unexpired lots) are pushed to the channel's item at the channel's location — Shopify inventory
 * levels ({@code inventory_levels/set}), Square inventory counts (a {@code PHYSICAL_COUNT} change)
 * — whenever they differ from the last value pushed. A worker compares every {@code
 * orderloop.channels.stock-sync-interval}: changes in between are coalesced and the last value
 * wins. Rows are leased, so several instances never push the same row at once.
 */
@Component
public class ChannelStockSync {

  private static final Logger log = LoggerFactory.getLogger(ChannelStockSync.class);

  /** One synced SKU at one location, as configured and as last pushed. */
  public record Item(
      String sku,
      String location,
      String channelLocationId,
      String channelItemId,
      Integer lastPushed,
      Instant lastPushedAt,
      String lastError) {}

  /** The configuration of one connection: which SKUs at which locations are which items there. */
  public record Settings(List<LocationMap> locations, List<ItemMap> items) {}

  public record LocationMap(String location, String channelLocationId) {}

  public record ItemMap(String sku, String channelItemId) {}

  private record Row(
      String channel,
      String account,
      String sku,
      String location,
      String channelLocationId,
      String channelItemId,
      Integer lastPushed,
      Instant lastPushedAt,
      Timestamp lease) {}

  /** A value is pushed again after this long even when unchanged: the store may have changed it. */
  static final java.time.Duration REFRESH = java.time.Duration.ofHours(1);

  private final JdbcClient jdbc;
  private final org.springframework.jdbc.core.JdbcTemplate batch;
  private final Transactions transactions;
  private final Catalogue catalogue;
  private final StockLedger stock;
  private final ChannelConnections connections;
  private final SquareOrders square;
  private final StoreApi api;
  private final JsonMapper json;
  private final Clock clock;

  ChannelStockSync(
      JdbcClient jdbc,
      org.springframework.jdbc.core.JdbcTemplate batch,
      Transactions transactions,
      Catalogue catalogue,
      StockLedger stock,
      ChannelConnections connections,
      SquareOrders square,
      StoreApi api,
      JsonMapper json,
      Clock clock) {
    this.jdbc = jdbc;
    this.batch = batch;
    this.transactions = transactions;
    this.catalogue = catalogue;
    this.stock = stock;
    this.connections = connections;
    this.square = square;
    this.api = api;
    this.json = json;
    this.clock = clock;
  }

  // ------------------------------------------------------------------ configuration

  /**
   * Replaces the stock sync of a connection (every SKU at every mapped location); empty stops it.
   */
  public List<Item> configure(String channel, String account, Settings settings) {
    if (settings == null || settings.locations() == null || settings.items() == null) {
      throw ApiProblem.unprocessable(null, "give locations and items (empty lists stop the sync)");
    }
    if (settings.locations().size() * settings.items().size() > 10_000) {
      throw ApiProblem.unprocessable("items", "at most 10,000 SKU × location pairs per connection");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < settings.locations().size(); i++) {
      LocationMap l = settings.locations().get(i);
      String field = "locations[" + i + "]";
      if (l == null || l.location() == null) {
        throw ApiProblem.unprocessable(field + ".location", "give one of our location codes");
      }
      catalogue.requireLocation(l.location(), field + ".location");
      requireId(l.channelLocationId(), field + ".channelLocationId");
      if (!seen.add("L" + l.location())) {
        throw ApiProblem.unprocessable(field + ".location", l.location() + " is mapped twice");
      }
    }
    for (int i = 0; i < settings.items().size(); i++) {
      ItemMap m = settings.items().get(i);
      String field = "items[" + i + "]";
      if (m == null || m.sku() == null) {
        throw ApiProblem.unprocessable(field + ".sku", "give one of our SKUs");
      }
      catalogue.requireSku(m.sku(), field + ".sku");
      requireId(m.channelItemId(), field + ".channelItemId");
      if (!seen.add("S" + m.sku())) {
        throw ApiProblem.unprocessable(field + ".sku", m.sku() + " is listed twice");
      }
    }
    transactions.run(
        () -> {
          jdbc.sql("DELETE FROM channel_stock_sync WHERE channel = ? AND account = ?")
              .params(channel, account)
              .update();
          List<Object[]> rows = new ArrayList<>();
          for (LocationMap l : settings.locations()) {
            for (ItemMap m : settings.items()) {
              rows.add(
                  new Object[] {
                    channel,
                    account,
                    m.sku(),
                    l.location(),
                    l.channelLocationId().strip(),
                    m.channelItemId().strip()
                  });
            }
          }
          batch.batchUpdate(
              """
              INSERT INTO channel_stock_sync (channel, account, sku, location, channel_location_id,
                  channel_item_id)
              VALUES (?, ?, ?, ?, ?, ?)""",
              rows);
        });
    return items(channel, account);
  }

  private static void requireId(String id, String field) {
    if (id == null || !id.strip().matches("[A-Za-z0-9_:/.-]{1,200}")) {
      throw ApiProblem.unprocessable(field, "give the channel's id (letters, digits, _ : / . -)");
    }
  }

  public List<Item> items(String channel, String account) {
    return jdbc.sql(
            """
            SELECT sku, location, channel_location_id, channel_item_id, last_pushed, last_pushed_at, last_error
            FROM channel_stock_sync WHERE channel = ? AND account = ? ORDER BY sku, location""")
        .params(channel, account)
        .query(
            (rs, n) ->
                new Item(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    (Integer) rs.getObject(5),
                    rs.getTimestamp(6) == null ? null : rs.getTimestamp(6).toInstant(),
                    rs.getString(7)))
        .list();
  }

  // ------------------------------------------------------------------ the worker

  @Scheduled(
      fixedDelayString = "${orderloop.channels.stock-sync-interval:PT5S}",
      initialDelayString = "${orderloop.channels.stock-sync-interval:PT5S}")
  void sync() {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    // lease_until is the lease while a round holds the row, and when it was last checked after: the
    // rows checked longest ago come first, so every row has its turn however many there are.
    Timestamp lease = Timestamp.from(now.plusSeconds(300));
    List<Row> rows =
        jdbc.sql(
                """
                UPDATE channel_stock_sync SET lease_until = ?
                WHERE (channel, account, sku, location) IN (
                    SELECT channel, account, sku, location FROM channel_stock_sync
                    WHERE lease_until IS NULL OR lease_until <= ?
                    ORDER BY lease_until NULLS FIRST LIMIT 2000 FOR UPDATE SKIP LOCKED)
                RETURNING channel, account, sku, location, channel_location_id, channel_item_id, last_pushed,
                          last_pushed_at""")
            .params(lease, Timestamp.from(now))
            .query(
                (rs, n) ->
                    new Row(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        (Integer) rs.getObject(7),
                        rs.getTimestamp(8) == null ? null : rs.getTimestamp(8).toInstant(),
                        lease))
            .list();
    Map<String, List<Row>> byAccount = new LinkedHashMap<>();
    rows.forEach(
        r ->
            byAccount
                .computeIfAbsent(r.channel() + "\n" + r.account(), k -> new ArrayList<>())
                .add(r));
    for (List<Row> account : byAccount.values()) {
      try {
        push(account);
      } catch (RuntimeException e) {
        log.warn(
            "stock sync to {} {} failed: {}",
            account.getFirst().channel(),
            account.getFirst().account(),
            e.toString());
        account.forEach(r -> done(r, r.lastPushed(), e.getClass().getSimpleName(), false));
      }
    }
  }

  private void push(List<Row> rows) {
    Map<String, List<Row>> byLocation = new LinkedHashMap<>();
    rows.forEach(r -> byLocation.computeIfAbsent(r.location(), k -> new ArrayList<>()).add(r));
    List<Map.Entry<Row, Integer>> changed = new ArrayList<>();
    for (Map.Entry<String, List<Row>> e : byLocation.entrySet()) {
      Map<String, Integer> available =
          stock.allocatableAt(e.getKey(), e.getValue().stream().map(Row::sku).toList());
      for (Row r : e.getValue()) {
        int value = available.getOrDefault(r.sku(), 0);
        boolean stale =
            r.lastPushedAt() == null || r.lastPushedAt().isBefore(clock.instant().minus(REFRESH));
        if (r.lastPushed() == null || r.lastPushed() != value || stale) {
          changed.add(Map.entry(r, value));
        } else {
          done(r, r.lastPushed(), null, false);
        }
      }
    }
    if (changed.isEmpty()) {
      return;
    }
    Row first = rows.getFirst();
    if (first.channel().equals("square")) {
      pushSquare(first.account(), changed);
    } else {
      pushShopify(first.account(), changed);
    }
  }

  private void pushShopify(String domain, List<Map.Entry<Row, Integer>> changed) {
    ChannelConnections.ShopifyShop shop = connections.shopifyShop(domain).orElse(null);
    String token = connections.shopifyAccessToken(domain).orElse(null);
    if (shop == null || token == null) {
      changed.forEach(
          c -> done(c.getKey(), c.getKey().lastPushed(), "the shop is not connected", false));
      return;
    }
    StoreApi.Shop store = new StoreApi.Shop(domain, shop.apiBaseUrl(), shop.apiVersion(), token);
    for (int i = 0; i < changed.size(); i++) {
      Row r = changed.get(i).getKey();
      int value = changed.get(i).getValue();
      ObjectNode body = json.createObjectNode();
      putId(body, "location_id", r.channelLocationId());
      putId(body, "inventory_item_id", r.channelItemId());
      body.put("available", value);
      String error = call(store, "/inventory_levels/set.json", body);
      if (error != null && (!error.startsWith("4") || error.equals("429"))) {
        // Throttled, down or unreachable: the rest of this shop waits for the next round.
        String why = error.equals("429") ? "429 (throttled)" : error;
        changed
            .subList(i, changed.size())
            .forEach(c -> done(c.getKey(), c.getKey().lastPushed(), why, false));
        return;
      }
      done(r, error == null ? value : r.lastPushed(), error, error == null);
    }
  }

  private void pushSquare(String merchantId, List<Map.Entry<Row, Integer>> changed) {
    StoreApi.Merchant merchant;
    try {
      merchant = square.merchant(merchantId);
    } catch (ShopifyOrders.Unreadable gone) {
      changed.forEach(c -> done(c.getKey(), c.getKey().lastPushed(), gone.getMessage(), false));
      return;
    }
    for (int from = 0; from < changed.size(); from += 100) {
      List<Map.Entry<Row, Integer>> batch =
          changed.subList(from, Math.min(from + 100, changed.size()));
      ObjectNode body = json.createObjectNode();
      body.put("idempotency_key", UUID.randomUUID().toString());
      ArrayNode changes = body.putArray("changes");
      String at = clock.instant().truncatedTo(ChronoUnit.MILLIS).toString();
      for (Map.Entry<Row, Integer> c : batch) {
        ObjectNode change = changes.addObject();
        change.put("type", "PHYSICAL_COUNT");
        ObjectNode count = change.putObject("physical_count");
        count.put("catalog_object_id", c.getKey().channelItemId());
        count.put("location_id", c.getKey().channelLocationId());
        count.put("quantity", String.valueOf(c.getValue()));
        count.put("state", "IN_STOCK");
        count.put("occurred_at", at);
      }
      String error = call(merchant, "/v2/inventory/changes/batch-create", body);
      if (error != null && error.startsWith("4") && !error.equals("429") && batch.size() > 1) {
        // Refused as a whole: one bad item must not hold back the others; each goes on its own.
        for (Map.Entry<Row, Integer> one : batch) {
          pushSquare(merchantId, List.of(one));
        }
        continue;
      }
      batch.forEach(
          c ->
              done(
                  c.getKey(),
                  error == null ? c.getValue() : c.getKey().lastPushed(),
                  error,
                  error == null));
    }
  }

  /** One call: null when it succeeded, else why not ({@code "429"} when throttled). */
  private String call(StoreApi.Store store, String path, ObjectNode body) {
    try {
      StoreApi.Answer answer = api.send(store, "POST", path, json.writeValueAsString(body));
      if (answer.status() == 429) {
        return "429";
      }
      if (answer.status() < 200 || answer.status() > 299) {
        String text = answer.body();
        return answer.status() + ": " + (text.length() > 300 ? text.substring(0, 300) : text);
      }
      return null;
    } catch (IOException e) {
      return "could not reach the store: " + e.getClass().getSimpleName();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** Shopify's ids are numbers: digits go as a JSON number, exactly. */
  private static void putId(ObjectNode body, String field, String id) {
    if (id.matches("[0-9]{1,40}")) {
      body.put(field, new java.math.BigInteger(id));
    } else {
      body.put(field, id);
    }
  }

  /**
   * Settles a row of this round: the value now in the store ({@code sentNow}: this round sent it),
   * and when the row was checked. A round whose lease ran out settles nothing: a newer round holds
   * the row, and its value stands.
   */
  private void done(Row r, Integer pushed, String error, boolean sentNow) {
    Timestamp now = Timestamp.from(clock.instant().truncatedTo(ChronoUnit.MICROS));
    jdbc.sql(
            """
            UPDATE channel_stock_sync SET lease_until = ?, last_pushed = ?, last_error = ?,
                last_pushed_at = CASE WHEN ? THEN ? ELSE last_pushed_at END
            WHERE channel = ? AND account = ? AND sku = ? AND location = ? AND lease_until = ?""")
        .params(
            now,
            pushed,
            error,
            sentNow,
            now,
            r.channel(),
            r.account(),
            r.sku(),
            r.location(),
            r.lease())
        .update();
  }
}
