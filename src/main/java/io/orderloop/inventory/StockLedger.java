package io.orderloop.inventory;

import io.orderloop.common.ApiProblem;
import io.orderloop.common.Rows;
import io.orderloop.common.Transactions;
import io.orderloop.inventory.internal.StockRows;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Stock and its ledger: receipts, adjustments and restocked returns (each a movement in the same
 * transaction, and a {@link StockArrived} event that lets waiting backorders take the units), the
 * stock view per SKU and per lot, the movements, the stock list, what allocation may still take,
 * and the reservations orders hold (read only: reserving is {@code reservations.Reservations}').
 *
 * <p>Rejects (422): an unknown SKU or location, a lot where the SKU keeps none or none where it
 * does, an expiry that contradicts the lot's, a negative adjustment below what is reserved.
 */
@Service
public class StockLedger {

  private final JdbcClient jdbc;
  private final Transactions transactions;
  private final ApplicationEventPublisher events;
  private final Catalogue catalogue;
  private final StockRows rows;

  private final InventoryMetrics metrics;

  StockLedger(
      JdbcClient jdbc,
      Transactions transactions,
      ApplicationEventPublisher events,
      Catalogue catalogue,
      StockRows rows,
      InventoryMetrics metrics) {
    this.metrics = metrics;
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.events = events;
    this.catalogue = catalogue;
    this.rows = rows;
  }

  // ---------------------------------------------------------------- stock

  /** Units arriving at a location, optionally into a lot (required for lot-controlled SKUs). */
  public record Receipt(
      String sku, String location, String lot, LocalDate expiresOn, int quantity, String reason) {}

  /**
   * Adds received units to stock with a RECEIPT movement. Rejects (422) an unknown SKU or location,
   * a missing lot for a lot-controlled SKU, a lot on a SKU that is not lot-controlled, and an
   * expiry that contradicts the lot's.
   */
  public StockView receive(Receipt receipt) {
    return transactions.inTransaction(
        () -> {
          SkuInfo sku = catalogue.requireSku(receipt.sku(), "sku");
          catalogue.requireLocation(receipt.location(), "location");
          Catalogue.requireLotRule(sku, receipt.lot(), receipt.expiresOn(), "received");
          Long lotId = null;
          if (receipt.lot() != null) {
            lotId = rows.upsertLot(sku.code(), receipt.lot(), receipt.expiresOn());
          }
          long stockId = rows.addOnHand(sku.code(), receipt.location(), lotId, receipt.quantity());
          rows.movement(stockId, "RECEIPT", receipt.quantity(), 0, receipt.reason(), null);
          events.publishEvent(
              new StockArrived(
                  sku.code(), receipt.location(), receipt.lot(), receipt.quantity(), "receipt"));
          return stock(sku.code()).orElseThrow();
        });
  }

  /** The stock view of one SKU, or empty when the SKU does not exist. */
  public Optional<StockView> stock(String skuCode) {
    if (catalogue.sku(skuCode).isEmpty()) {
      return Optional.empty();
    }
    List<StockView.LotStock> rows =
        jdbc.sql(
                """
            SELECT l.code AS lot, s.location, l.expires_on, s.on_hand, s.reserved, s.on_hand - s.reserved AS available
            FROM stock s LEFT JOIN lots l ON l.id = s.lot_id
            WHERE s.sku = ? AND (s.on_hand > 0 OR s.reserved > 0)
            ORDER BY l.expires_on NULLS LAST, l.code NULLS FIRST, s.location""")
            .param(skuCode)
            .query(Rows.of(StockView.LotStock.class))
            .list();
    int onHand = rows.stream().mapToInt(StockView.LotStock::onHand).sum();
    int reserved = rows.stream().mapToInt(StockView.LotStock::reserved).sum();
    return Optional.of(new StockView(skuCode, onHand, reserved, onHand - reserved, rows));
  }

  /** Reason codes of stock adjustments. */
  public enum AdjustmentReason {
    CYCLE_COUNT,
    FOUND,
    DAMAGED,
    LOST,
    EXPIRED,
    CORRECTION,
    OTHER
  }

  /**
   * A correction of on hand at one stock row: {@code quantity} is signed (never zero); {@code
   * expiresOn} dates a lot that a positive adjustment finds (it must agree with a known lot's).
   */
  public record Adjustment(
      String sku,
      String location,
      String lot,
      int quantity,
      AdjustmentReason reason,
      String note,
      LocalDate expiresOn) {

    public Adjustment(
        String sku,
        String location,
        String lot,
        int quantity,
        AdjustmentReason reason,
        String note) {
      this(sku, location, lot, quantity, reason, note, null);
    }
  }

  /**
   * Corrects on hand with an ADJUSTMENT movement. A positive adjustment can fill backorders like a
   * receipt; a negative one may not take on hand below what is reserved (422: release or cancel
   * first) nor below zero.
   */
  public StockView adjust(Adjustment adjustment) {
    return transactions.inTransaction(
        () -> {
          SkuInfo sku = catalogue.requireSku(adjustment.sku(), "sku");
          catalogue.requireLocation(adjustment.location(), "location");
          String reason =
              adjustment.reason().name()
                  + (adjustment.note() == null || adjustment.note().isBlank()
                      ? ""
                      : ": " + adjustment.note().strip());
          if (adjustment.quantity() > 0) {
            Catalogue.requireLotRule(sku, adjustment.lot(), adjustment.expiresOn(), "adjusted");
            Long lotId =
                adjustment.lot() == null
                    ? null
                    : rows.upsertLot(sku.code(), adjustment.lot(), adjustment.expiresOn());
            long stockId =
                rows.addOnHand(sku.code(), adjustment.location(), lotId, adjustment.quantity());
            rows.movement(stockId, "ADJUSTMENT", adjustment.quantity(), 0, reason, null);
            events.publishEvent(
                new StockArrived(
                    sku.code(),
                    adjustment.location(),
                    adjustment.lot(),
                    adjustment.quantity(),
                    "adjustment"));
          } else {
            Optional<Long> stockId =
                jdbc.sql(
                        """
                        SELECT s.id FROM stock s LEFT JOIN lots l ON l.id = s.lot_id
                        WHERE s.sku = ? AND s.location = ? AND l.code IS NOT DISTINCT FROM ?
                        FOR UPDATE OF s""")
                    .params(sku.code(), adjustment.location(), adjustment.lot())
                    .query(Long.class)
                    .optional();
            if (stockId.isEmpty()) {
              throw ApiProblem.unprocessable(
                  "location",
                  "no stock of SKU '"
                      + sku.code()
                      + "' at "
                      + adjustment.location()
                      + (adjustment.lot() == null ? "" : " in lot " + adjustment.lot())
                      + " to adjust down");
            }
            int updated =
                jdbc.sql(
                        """
                        UPDATE stock SET on_hand = on_hand + :q, version = version + 1
                        WHERE id = :id AND on_hand + :q >= reserved""")
                    .param("q", adjustment.quantity())
                    .param("id", stockId.get())
                    .update();
            if (updated != 1) {
              StockRowCounts counts =
                  jdbc.sql("SELECT on_hand, reserved FROM stock WHERE id = ?")
                      .param(stockId.get())
                      .query(Rows.of(StockRowCounts.class))
                      .single();
              metrics.refusedBelowReserved();
              throw ApiProblem.unprocessable(
                  "quantity",
                  "cannot remove "
                      + -adjustment.quantity()
                      + " units: the row holds "
                      + counts.onHand()
                      + " on hand of which "
                      + counts.reserved()
                      + " are reserved for orders; release or cancel those first");
            }
            rows.movement(stockId.get(), "ADJUSTMENT", adjustment.quantity(), 0, reason, null);
          }
          return stock(sku.code()).orElseThrow();
        });
  }

  record StockRowCounts(int onHand, int reserved) {}

  /**
   * Puts returned units back on hand at a location (and lot), with a RETURN movement; they can fill
   * backorders. Rejects (422) an unknown location and a lot-controlled SKU without a lot.
   */
  public void restock(String skuCode, String location, String lot, int quantity, String reason) {
    SkuInfo sku = catalogue.requireSku(skuCode, "sku");
    catalogue.requireLocation(location, "location");
    if (!sku.lotControlled()) {
      lot = null; // a return may name the lot of a SKU that keeps none
    }
    Catalogue.requireLotRule(sku, lot, null, "the units go back to");
    Long lotId = lot == null ? null : rows.upsertLot(skuCode, lot, null);
    long stockId = rows.addOnHand(skuCode, location, lotId, quantity);
    rows.movement(stockId, "RETURN", quantity, 0, reason, null);
    events.publishEvent(new StockArrived(skuCode, location, lot, quantity, "return"));
  }

  /**
   * One ledger row: what changed on hand or reserved of one stock row, why, and for which order.
   */
  public record Movement(
      long id,
      String kind,
      String location,
      String lot,
      int onHandDelta,
      int reservedDelta,
      String reason,
      UUID orderId,
      String actor,
      java.time.Instant at) {}

  /** The ledger of one SKU, newest first, starting below {@code beforeId} when given. */
  public List<Movement> movements(String sku, Long beforeId, int limit) {
    return jdbc.sql(
            """
            SELECT m.id, m.kind, s.location, l.code AS lot, m.on_hand_delta, m.reserved_delta, m.reason,
                   m.order_id, m.actor, m.at
            FROM stock_movements m JOIN stock s ON s.id = m.stock_id LEFT JOIN lots l ON l.id = s.lot_id
            WHERE s.sku = :sku AND m.id < :before
            ORDER BY m.id DESC LIMIT :limit""")
        .param("sku", sku)
        .param("before", beforeId == null ? Long.MAX_VALUE : beforeId)
        .param("limit", limit)
        .query(Rows.of(Movement.class))
        .list();
  }

  /**
   * Stock of one SKU summed over its rows (of one location, when the list is filtered by location).
   */
  public record StockSummary(String sku, String name, int onHand, int reserved, int available) {}

  /**
   * Stock per SKU ordered by code, optionally at one location and only where available is below a
   * threshold.
   */
  public List<StockSummary> stockList(
      String location, Integer belowAvailable, String afterSku, int limit) {
    return jdbc.sql(
            """
            SELECT k.code AS sku, k.name, coalesce(sum(s.on_hand), 0) AS on_hand,
                   coalesce(sum(s.reserved), 0) AS reserved,
                   coalesce(sum(s.on_hand - s.reserved), 0) AS available
            FROM skus k
            LEFT JOIN stock s ON s.sku = k.code AND (CAST(:location AS text) IS NULL OR s.location = :location)
            WHERE k.code > :after
            GROUP BY k.code, k.name
            HAVING (CAST(:below AS integer) IS NULL OR coalesce(sum(s.on_hand - s.reserved), 0) < :below)
               AND (CAST(:location AS text) IS NULL OR count(s.id) > 0)
            ORDER BY k.code LIMIT :limit""")
        .param("location", location)
        .param("below", belowAvailable)
        .param("after", afterSku == null ? "" : afterSku)
        .param("limit", limit)
        .query(Rows.of(StockSummary.class))
        .list();
  }

  /** Units of a SKU that allocation may still take: available on rows whose lot has not expired. */
  public int allocatable(String sku) {
    return jdbc.sql(
            """
            SELECT coalesce(sum(s.on_hand - s.reserved), 0) FROM stock s LEFT JOIN lots l ON l.id = s.lot_id
            WHERE s.sku = ? AND (l.expires_on IS NULL OR l.expires_on >= ?)""")
        .params(sku, rows.today())
        .query(Integer.class)
        .single();
  }

  /**
   * Units of each of {@code skus} that allocation may still take at one location (unexpired lots);
   * SKUs without stock there are 0.
   */
  public Map<String, Integer> allocatableAt(String location, Collection<String> skus) {
    Map<String, Integer> result = new java.util.HashMap<>();
    skus.forEach(s -> result.put(s, 0));
    if (skus.isEmpty()) {
      return result;
    }
    jdbc.sql(
            """
            SELECT s.sku, sum(s.on_hand - s.reserved)::int FROM stock s LEFT JOIN lots l ON l.id = s.lot_id
            WHERE s.location = :location AND s.sku IN (:skus)
              AND (l.expires_on IS NULL OR l.expires_on >= :today)
            GROUP BY s.sku""")
        .param("location", location)
        .param("skus", Set.copyOf(skus))
        .param("today", rows.today())
        .query((rs, n) -> result.put(rs.getString(1), Math.max(rs.getInt(2), 0)))
        .list();
    return result;
  }

  /** The SKUs among {@code skus} that have allocatable units. */
  public Set<String> skusWithAllocatableStock(Collection<String> skus) {
    if (skus.isEmpty()) {
      return Set.of();
    }
    return new HashSet<>(
        jdbc.sql(
                """
                SELECT DISTINCT s.sku FROM stock s LEFT JOIN lots l ON l.id = s.lot_id
                WHERE s.sku IN (:skus) AND s.on_hand > s.reserved
                  AND (l.expires_on IS NULL OR l.expires_on >= :today)""")
            .param("skus", Set.copyOf(skus))
            .param("today", rows.today())
            .query(String.class)
            .list());
  }

  /** Active reservations of several orders at once, by order. */
  public Map<UUID, List<ReservationView>> reservations(Collection<UUID> orderIds) {
    Map<UUID, List<ReservationView>> result = new HashMap<>();
    if (orderIds.isEmpty()) {
      return result;
    }
    jdbc.sql(
            """
            SELECT r.order_id, r.line_no, s.sku, l.code AS lot, s.location, r.quantity, r.pinned
            FROM reservations r JOIN stock s ON s.id = r.stock_id LEFT JOIN lots l ON l.id = s.lot_id
            WHERE r.order_id IN (:ids) AND r.status = 'ACTIVE' ORDER BY r.order_id, r.line_no, r.id""")
        .param("ids", orderIds)
        .query(
            (rs, n) -> {
              ReservationView v =
                  new ReservationView(
                      rs.getInt("line_no"),
                      rs.getString("sku"),
                      rs.getString("lot"),
                      rs.getString("location"),
                      rs.getInt("quantity"),
                      rs.getBoolean("pinned"));
              result
                  .computeIfAbsent(rs.getObject("order_id", UUID.class), k -> new ArrayList<>())
                  .add(v);
              return v;
            })
        .list();
    return result;
  }

  /** The active reservations of an order: line, lot, location, quantity, pinned. */
  public record ReservationView(
      int lineNo, String sku, String lot, String location, int quantity, boolean pinned) {}

  public List<ReservationView> reservations(UUID orderId) {
    return jdbc.sql(
            """
            SELECT r.line_no, s.sku, l.code AS lot, s.location, r.quantity, r.pinned
            FROM reservations r JOIN stock s ON s.id = r.stock_id LEFT JOIN lots l ON l.id = s.lot_id
            WHERE r.order_id = ? AND r.status = 'ACTIVE' ORDER BY r.line_no, r.id""")
        .param(orderId)
        .query(Rows.of(ReservationView.class))
        .list();
  }
}
