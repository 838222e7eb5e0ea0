package io.orderloop.inventory;

import io.orderloop.common.Actors;
import io.orderloop.common.ApiProblem;
import io.orderloop.common.Rows;
import io.orderloop.common.Transactions;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The inventory module's API: catalogue (SKUs, locations), stock receipts, the stock view, and
 * reservations for order lines. Every change to on hand or reserved writes a movement to the ledger
 * in the same transaction.
 *
 * <p>Reservation, release and consumption join the caller's transaction (the order's own), so an
 * order and its reservations commit together or not at all. Stock rows are locked ({@code FOR
 * UPDATE}) before they are read for planning and every update is conditional, so no interleaving
 * can take available stock below zero.
 */
@Service
public class Inventory {

  private final JdbcClient jdbc;
  private final JdbcTemplate batch;
  private final Transactions transactions;
  private final Clock clock;
  private final ApplicationEventPublisher events;

  Inventory(
      JdbcClient jdbc,
      JdbcTemplate batch,
      Transactions transactions,
      Clock clock,
      ApplicationEventPublisher events) {
    this.jdbc = jdbc;
    this.batch = batch;
    this.transactions = transactions;
    this.clock = clock;
    this.events = events;
  }

  // ---------------------------------------------------------------- catalogue

  /** Creates or replaces a SKU; returns true when it was created. */
  public boolean putSku(SkuInfo sku) {
    return transactions.inTransaction(
        () -> {
          Timestamp now = now();
          Boolean created =
              jdbc.sql(
                      """
              INSERT INTO skus (code, name, case_pack, pallet_quantity, lot_controlled, requires_pinned_lot,
                                allows_loose_units, created_at, updated_at)
              VALUES (:code, :name, :casePack, :pallet, :lotControlled, :pin, :loose, :now, :now)
              ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, case_pack = EXCLUDED.case_pack,
                  pallet_quantity = EXCLUDED.pallet_quantity, lot_controlled = EXCLUDED.lot_controlled,
                  requires_pinned_lot = EXCLUDED.requires_pinned_lot, allows_loose_units = EXCLUDED.allows_loose_units,
                  updated_at = EXCLUDED.updated_at, version = skus.version + 1
              RETURNING (xmax = 0)""")
                  .param("code", sku.code())
                  .param("name", sku.name())
                  .param("casePack", sku.casePack())
                  .param("pallet", sku.palletQuantity())
                  .param("lotControlled", sku.lotControlled())
                  .param("pin", sku.requiresPinnedLot())
                  .param("loose", sku.allowsLooseUnits())
                  .param("now", now)
                  .query(Boolean.class)
                  .single();
          return created;
        });
  }

  public Optional<SkuInfo> sku(String code) {
    return jdbc.sql(
            """
            SELECT code, name, case_pack, pallet_quantity, lot_controlled, requires_pinned_lot, allows_loose_units
            FROM skus WHERE code = ?""")
        .param(code)
        .query(Rows.of(SkuInfo.class))
        .optional();
  }

  /** The known SKUs among {@code codes}, by code. */
  public Map<String, SkuInfo> skus(Collection<String> codes) {
    if (codes.isEmpty()) {
      return Map.of();
    }
    Map<String, SkuInfo> found = new HashMap<>();
    jdbc.sql(
            """
            SELECT code, name, case_pack, pallet_quantity, lot_controlled, requires_pinned_lot, allows_loose_units
            FROM skus WHERE code IN (:codes)""")
        .param("codes", Set.copyOf(codes))
        .query(Rows.of(SkuInfo.class))
        .list()
        .forEach(s -> found.put(s.code(), s));
    return found;
  }

  /** A page of SKUs ordered by code, starting after {@code after}. */
  public List<SkuInfo> listSkus(String after, int limit) {
    return jdbc.sql(
            """
            SELECT code, name, case_pack, pallet_quantity, lot_controlled, requires_pinned_lot, allows_loose_units
            FROM skus WHERE code > :after ORDER BY code LIMIT :limit""")
        .param("after", after == null ? "" : after)
        .param("limit", limit)
        .query(Rows.of(SkuInfo.class))
        .list();
  }

  /** True when {@code lot} has been received for {@code sku}. */
  public boolean lotExists(String sku, String lot) {
    return jdbc.sql("SELECT count(*) FROM lots WHERE sku = ? AND code = ?")
            .params(sku, lot)
            .query(Integer.class)
            .single()
        > 0;
  }

  /** A warehouse; lower priority numbers are allocated from first. */
  public record LocationInfo(String code, String name, int priority) {}

  /** Creates or replaces a location; returns true when it was created. */
  public boolean putLocation(LocationInfo location) {
    return transactions.inTransaction(
        () ->
            jdbc.sql(
                    """
            INSERT INTO locations (code, name, priority, created_at, updated_at) VALUES (:code, :name, :priority, :now, :now)
            ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, priority = EXCLUDED.priority,
                updated_at = EXCLUDED.updated_at, version = locations.version + 1
            RETURNING (xmax = 0)""")
                .param("code", location.code())
                .param("name", location.name())
                .param("priority", location.priority())
                .param("now", now())
                .query(Boolean.class)
                .single());
  }

  public Optional<LocationInfo> location(String code) {
    return jdbc.sql("SELECT code, name, priority FROM locations WHERE code = ?")
        .param(code)
        .query(LocationInfo.class)
        .optional();
  }

  public List<LocationInfo> locations() {
    return jdbc.sql("SELECT code, name, priority FROM locations ORDER BY priority, code")
        .query(LocationInfo.class)
        .list();
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
          SkuInfo sku =
              sku(receipt.sku())
                  .orElseThrow(
                      () ->
                          ApiProblem.unprocessable(
                              "sku",
                              "unknown SKU '"
                                  + receipt.sku()
                                  + "'; create it with PUT /api/v1/skus/{sku}"));
          location(receipt.location())
              .orElseThrow(
                  () ->
                      ApiProblem.unprocessable(
                          "location",
                          "unknown location '"
                              + receipt.location()
                              + "'; create it with PUT /api/v1/locations/{code}"));
          if (sku.lotControlled() && receipt.lot() == null) {
            throw ApiProblem.unprocessable(
                "lot", "SKU '" + sku.code() + "' is lot-controlled: name the lot received");
          }
          if (!sku.lotControlled() && (receipt.lot() != null || receipt.expiresOn() != null)) {
            throw ApiProblem.unprocessable(
                "lot",
                "SKU '"
                    + sku.code()
                    + "' is not lot-controlled: receive it without lot or expiry, or make it"
                    + " lot-controlled first");
          }
          Long lotId = null;
          if (receipt.lot() != null) {
            lotId = upsertLot(sku.code(), receipt.lot(), receipt.expiresOn());
          }
          long stockId = addOnHand(sku.code(), receipt.location(), lotId, receipt.quantity());
          movement(stockId, "RECEIPT", receipt.quantity(), 0, receipt.reason(), null);
          events.publishEvent(
              new StockArrived(
                  sku.code(), receipt.location(), receipt.lot(), receipt.quantity(), "receipt"));
          return stock(sku.code()).orElseThrow();
        });
  }

  /** Adds units on hand to a stock row, creating it if needed; returns its id. */
  private long addOnHand(String sku, String location, Long lotId, int quantity) {
    return jdbc.sql(
            """
            INSERT INTO stock (sku, location, lot_id, on_hand, reserved, received_at)
            VALUES (:sku, :location, :lot, :qty, 0, :now)
            ON CONFLICT (sku, location, lot_id) DO UPDATE
                SET on_hand = stock.on_hand + EXCLUDED.on_hand, version = stock.version + 1
            RETURNING id""")
        .param("sku", sku)
        .param("location", location)
        .param("lot", lotId)
        .param("qty", quantity)
        .param("now", now())
        .query(Long.class)
        .single();
  }

  private long upsertLot(String sku, String lot, LocalDate expiresOn) {
    Optional<LotRow> existing =
        jdbc.sql("SELECT id, expires_on FROM lots WHERE sku = ? AND code = ? FOR UPDATE")
            .params(sku, lot)
            .query(Rows.of(LotRow.class))
            .optional();
    if (existing.isPresent()) {
      LotRow row = existing.get();
      if (expiresOn != null && row.expiresOn() != null && !expiresOn.equals(row.expiresOn())) {
        throw ApiProblem.unprocessable(
            "expiresOn",
            "lot '"
                + lot
                + "' of SKU '"
                + sku
                + "' expires on "
                + row.expiresOn()
                + ", not "
                + expiresOn
                + "; a lot has one expiry date");
      }
      if (expiresOn != null && row.expiresOn() == null) {
        jdbc.sql("UPDATE lots SET expires_on = ? WHERE id = ?")
            .params(expiresOn, row.id())
            .update();
      }
      return row.id();
    }
    LotRow inserted =
        jdbc.sql(
                """
                INSERT INTO lots (sku, code, expires_on, received_on) VALUES (?, ?, ?, ?)
                ON CONFLICT (sku, code) DO UPDATE SET expires_on = coalesce(lots.expires_on, EXCLUDED.expires_on)
                RETURNING id, expires_on""")
            .params(sku, lot, expiresOn, today())
            .query(Rows.of(LotRow.class))
            .single();
    if (expiresOn != null
        && inserted.expiresOn() != null
        && !expiresOn.equals(inserted.expiresOn())) {
      // A concurrent first receipt of the same lot won with another expiry date.
      throw ApiProblem.unprocessable(
          "expiresOn",
          "lot '"
              + lot
              + "' of SKU '"
              + sku
              + "' expires on "
              + inserted.expiresOn()
              + ", not "
              + expiresOn);
    }
    return inserted.id();
  }

  record LotRow(long id, LocalDate expiresOn) {}

  /** The stock view of one SKU, or empty when the SKU does not exist. */
  public Optional<StockView> stock(String skuCode) {
    if (sku(skuCode).isEmpty()) {
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

  /** A correction of on hand at one stock row: {@code quantity} is signed (never zero). */
  public record Adjustment(
      String sku,
      String location,
      String lot,
      int quantity,
      AdjustmentReason reason,
      String note) {}

  /**
   * Corrects on hand with an ADJUSTMENT movement. A positive adjustment can fill backorders like a
   * receipt; a negative one may not take on hand below what is reserved (422: release or cancel
   * first) nor below zero.
   */
  public StockView adjust(Adjustment adjustment) {
    return transactions.inTransaction(
        () -> {
          SkuInfo sku =
              sku(adjustment.sku())
                  .orElseThrow(
                      () ->
                          ApiProblem.unprocessable(
                              "sku", "unknown SKU '" + adjustment.sku() + "'"));
          location(adjustment.location())
              .orElseThrow(
                  () ->
                      ApiProblem.unprocessable(
                          "location", "unknown location '" + adjustment.location() + "'"));
          String reason =
              adjustment.reason().name()
                  + (adjustment.note() == null || adjustment.note().isBlank()
                      ? ""
                      : ": " + adjustment.note().strip());
          if (adjustment.quantity() > 0) {
            if (sku.lotControlled() && adjustment.lot() == null) {
              throw ApiProblem.unprocessable(
                  "lot", "SKU '" + sku.code() + "' is lot-controlled: name the lot adjusted");
            }
            if (!sku.lotControlled() && adjustment.lot() != null) {
              throw ApiProblem.unprocessable(
                  "lot", "SKU '" + sku.code() + "' is not lot-controlled: adjust it without a lot");
            }
            Long lotId =
                adjustment.lot() == null ? null : upsertLot(sku.code(), adjustment.lot(), null);
            long stockId =
                jdbc.sql(
                        """
                        INSERT INTO stock (sku, location, lot_id, on_hand, reserved, received_at)
                        VALUES (:sku, :location, :lot, :qty, 0, :now)
                        ON CONFLICT (sku, location, lot_id) DO UPDATE
                            SET on_hand = stock.on_hand + EXCLUDED.on_hand, version = stock.version + 1
                        RETURNING id""")
                    .param("sku", sku.code())
                    .param("location", adjustment.location())
                    .param("lot", lotId)
                    .param("qty", adjustment.quantity())
                    .param("now", now())
                    .query(Long.class)
                    .single();
            movement(stockId, "ADJUSTMENT", adjustment.quantity(), 0, reason, null);
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
            movement(stockId.get(), "ADJUSTMENT", adjustment.quantity(), 0, reason, null);
          }
          return stock(sku.code()).orElseThrow();
        });
  }

  record StockRowCounts(int onHand, int reserved) {}

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

  /** Checks every stock row against its reservations and its ledger, in one consistent read. */
  public Reconciliation reconcile() {
    return transactions.inTransaction(
        () -> {
          int rows = jdbc.sql("SELECT count(*) FROM stock").query(Integer.class).single();
          List<Reconciliation.Problem> problems =
              jdbc.sql(
                      """
                      SELECT s.id, s.sku, s.location, l.code AS lot, s.on_hand, s.reserved,
                             coalesce(r.active, 0) AS active, coalesce(m.on_hand, 0) AS ledger_on_hand,
                             coalesce(m.reserved, 0) AS ledger_reserved
                      FROM stock s
                      LEFT JOIN lots l ON l.id = s.lot_id
                      LEFT JOIN (SELECT stock_id, sum(quantity) AS active FROM reservations
                                 WHERE status = 'ACTIVE' GROUP BY stock_id) r ON r.stock_id = s.id
                      LEFT JOIN (SELECT stock_id, sum(on_hand_delta) AS on_hand, sum(reserved_delta) AS reserved
                                 FROM stock_movements GROUP BY stock_id) m ON m.stock_id = s.id
                      WHERE s.reserved <> coalesce(r.active, 0) OR s.on_hand < s.reserved OR s.reserved < 0
                         OR s.on_hand <> coalesce(m.on_hand, 0) OR s.reserved <> coalesce(m.reserved, 0)
                      ORDER BY s.id""")
                  .query(
                      (rs, n) -> {
                        int onHand = rs.getInt("on_hand");
                        int reserved = rs.getInt("reserved");
                        int active = rs.getInt("active");
                        int ledgerOnHand = rs.getInt("ledger_on_hand");
                        int ledgerReserved = rs.getInt("ledger_reserved");
                        List<String> issues = new ArrayList<>();
                        if (reserved != active) {
                          issues.add("reserved differs from the sum of active reservations");
                        }
                        if (onHand < reserved) {
                          issues.add("on hand below reserved");
                        }
                        if (reserved < 0) {
                          issues.add("reserved below zero");
                        }
                        if (onHand != ledgerOnHand || reserved != ledgerReserved) {
                          issues.add("ledger does not add up to the row");
                        }
                        return new Reconciliation.Problem(
                            rs.getLong("id"),
                            rs.getString("sku"),
                            rs.getString("location"),
                            rs.getString("lot"),
                            onHand,
                            reserved,
                            active,
                            ledgerOnHand,
                            ledgerReserved,
                            issues);
                      })
                  .list();
          return new Reconciliation(problems.isEmpty(), rows, clock.instant(), problems);
        });
  }

  /** Units of a SKU that allocation may still take: available on rows whose lot has not expired. */
  public int allocatable(String sku) {
    return jdbc.sql(
            """
            SELECT coalesce(sum(s.on_hand - s.reserved), 0) FROM stock s LEFT JOIN lots l ON l.id = s.lot_id
            WHERE s.sku = ? AND (l.expires_on IS NULL OR l.expires_on >= ?)""")
        .params(sku, today())
        .query(Integer.class)
        .single();
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
            .param("today", today())
            .query(String.class)
            .list());
  }

  // ---------------------------------------------------------------- reservations

  /**
   * Reserves what is available for each demand, inside the caller's transaction, never more than is
   * available: reads the SKUs' rows that have available units (no lock), plans with {@link
   * AllocationPlanner}, and applies each take, in stock-row order, as one conditional update
   * ({@code … WHERE on_hand - reserved >= :q}). A take that loses a race to another transaction
   * (its update finds too little left) is planned again from fresh rows, so only the rows actually
   * reserved are ever locked — one unit of a SKU with a thousand lots locks one row. Records a
   * reservation and a RESERVATION movement per take.
   */
  public List<LineReservation> reserve(UUID orderId, List<Demand> demands) {
    Set<String> skus = new HashSet<>();
    demands.forEach(d -> skus.add(d.sku()));
    if (skus.isEmpty()) {
      return List.of();
    }
    Map<Integer, Integer> remaining = new LinkedHashMap<>();
    demands.forEach(d -> remaining.put(d.lineNo(), d.quantity()));
    Map<Integer, String> pinnedLots = new HashMap<>();
    Map<Integer, List<LineReservation.Slice>> slices = new LinkedHashMap<>();
    Timestamp now = now();
    String actor = Actors.current();
    for (int round = 0; round < MAX_PLANNING_ROUNDS; round++) {
      List<Demand> open = new ArrayList<>();
      for (Demand d : demands) {
        int left = remaining.get(d.lineNo());
        if (left > 0) {
          open.add(
              new Demand(
                  d.lineNo(),
                  d.sku(),
                  left,
                  d.lot() != null ? d.lot() : pinnedLots.get(d.lineNo())));
        }
      }
      if (open.isEmpty()) {
        break;
      }
      Available available = availableRows(skus);
      List<AllocationPlanner.StockRow> rows = available.rows();
      AllocationPlanner.Plan plan =
          AllocationPlanner.plan(open, rows, today(), available.requiringPin());
      if (plan.takes().isEmpty()) {
        break;
      }
      Map<Long, AllocationPlanner.StockRow> byId = new HashMap<>();
      rows.forEach(r -> byId.put(r.id(), r));
      List<AllocationPlanner.Take> takes = new ArrayList<>(plan.takes());
      // In stock id order, so two orders taking the same rows lock them in the same order.
      takes.sort(java.util.Comparator.comparingLong(AllocationPlanner.Take::stockId));
      // Each conditional update succeeds or changes nothing on its own; the batch only saves round
      // trips (the driver sends the statements as one pipeline and they run in this order).
      int[] updated =
          batch.batchUpdate(
              """
              UPDATE stock SET reserved = reserved + ?, version = version + 1
              WHERE id = ? AND on_hand - reserved >= ?""",
              takes.stream()
                  .map(t -> new Object[] {t.quantity(), t.stockId(), t.quantity()})
                  .toList());
      boolean lostARace = false;
      List<Object[]> reservationRows = new ArrayList<>();
      List<Object[]> movementRows = new ArrayList<>();
      for (int i = 0; i < takes.size(); i++) {
        AllocationPlanner.Take take = takes.get(i);
        if (updated[i] != 1) {
          lostARace = true;
          continue;
        }
        // A lot the planner chose to pin counts only once a take from it succeeded.
        String plannedPin = plan.pinnedLots().get(take.lineNo());
        if (plannedPin != null) {
          pinnedLots.putIfAbsent(take.lineNo(), plannedPin);
        }
        reservationRows.add(
            new Object[] {
              orderId, take.lineNo(), take.stockId(), take.quantity(), plannedPin != null, now, now
            });
        movementRows.add(
            new Object[] {
              take.stockId(), "RESERVATION", 0, take.quantity(), null, orderId, actor, now
            });
        remaining.merge(take.lineNo(), -take.quantity(), Integer::sum);
        AllocationPlanner.StockRow row = byId.get(take.stockId());
        slices
            .computeIfAbsent(take.lineNo(), k -> new ArrayList<>())
            .add(new LineReservation.Slice(row.lot(), row.location(), take.quantity()));
      }
      if (!reservationRows.isEmpty()) {
        batch.batchUpdate(
            """
            INSERT INTO reservations (order_id, line_no, stock_id, quantity, pinned, status, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, 'ACTIVE', ?, ?)""",
            reservationRows);
        batch.batchUpdate(MOVEMENT, movementRows);
      }
      if (!lostARace) {
        break;
      }
    }
    List<LineReservation> result = new ArrayList<>();
    for (Demand d : demands) {
      List<LineReservation.Slice> lineSlices = slices.getOrDefault(d.lineNo(), List.of());
      int reserved = lineSlices.stream().mapToInt(LineReservation.Slice::quantity).sum();
      String pinnedLot = d.lot() != null ? d.lot() : pinnedLots.get(d.lineNo());
      result.add(new LineReservation(d.lineNo(), d.sku(), reserved, pinnedLot, lineSlices));
    }
    return result;
  }

  /** Planning rounds before a reservation gives up on rows other transactions keep taking first. */
  private static final int MAX_PLANNING_ROUNDS = 20;

  /** Stock rows with units available, and which of their SKUs require a pinned lot. */
  private record Available(List<AllocationPlanner.StockRow> rows, Set<String> requiringPin) {}

  private Available availableRows(Set<String> skus) {
    Set<String> requiringPin = new HashSet<>();
    List<AllocationPlanner.StockRow> rows =
        jdbc.sql(
                """
                SELECT s.id, s.sku, s.location, loc.priority, l.code, l.expires_on,
                       coalesce(l.received_on, (s.received_at AT TIME ZONE 'UTC')::date),
                       s.on_hand - s.reserved, k.lot_controlled, k.requires_pinned_lot
                FROM stock s
                JOIN locations loc ON loc.code = s.location
                JOIN skus k ON k.code = s.sku
                LEFT JOIN lots l ON l.id = s.lot_id
                WHERE s.sku IN (:skus) AND s.on_hand > s.reserved""")
            .param("skus", skus)
            .query(
                (rs, n) -> {
                  if (rs.getBoolean(10)) {
                    requiringPin.add(rs.getString(2));
                  }
                  return new AllocationPlanner.StockRow(
                      rs.getLong(1),
                      rs.getString(2),
                      rs.getString(3),
                      rs.getInt(4),
                      rs.getString(5),
                      rs.getObject(6, LocalDate.class),
                      rs.getObject(7, LocalDate.class),
                      rs.getInt(8),
                      rs.getBoolean(9));
                })
            .list();
    return new Available(rows, requiringPin);
  }

  /**
   * Releases up to {@code quantity} reserved units of one order line (newest reservations first)
   * inside the caller's transaction, with RELEASE movements; returns the units released.
   */
  public int release(UUID orderId, int lineNo, int quantity, String reason) {
    List<ActiveReservation> active =
        jdbc.sql(
                """
            SELECT id, stock_id, quantity FROM reservations
            WHERE order_id = ? AND line_no = ? AND status = 'ACTIVE' ORDER BY id DESC FOR UPDATE""")
            .params(orderId, lineNo)
            .query(Rows.of(ActiveReservation.class))
            .list();
    return releaseUpTo(active, quantity, reason, orderId);
  }

  /**
   * Releases up to {@code quantity} units of one line's reservations that are not at the given
   * place (lot and, when not null, location), newest first; returns the units released. Used to
   * move or re-pin a line.
   */
  public int releaseElsewhere(
      UUID orderId, int lineNo, int quantity, String keepLot, String keepLocation, String reason) {
    List<ActiveReservation> active =
        jdbc.sql(
                """
                SELECT r.id, r.stock_id, r.quantity FROM reservations r
                JOIN stock s ON s.id = r.stock_id LEFT JOIN lots l ON l.id = s.lot_id
                WHERE r.order_id = :order AND r.line_no = :line AND r.status = 'ACTIVE'
                  AND NOT (l.code IS NOT DISTINCT FROM CAST(:lot AS text)
                           AND (CAST(:location AS text) IS NULL OR s.location = :location))
                ORDER BY r.id DESC FOR UPDATE OF r""")
            .param("order", orderId)
            .param("line", lineNo)
            .param("lot", keepLot)
            .param("location", keepLocation)
            .query(Rows.of(ActiveReservation.class))
            .list();
    return releaseUpTo(active, quantity, reason, orderId);
  }

  /**
   * Reserves exactly {@code quantity} units of one stock row (SKU at a location, in a lot or
   * without) for an order line; 409 when that row has fewer available or its lot has expired.
   */
  public void reserveAt(
      UUID orderId,
      int lineNo,
      String sku,
      String location,
      String lot,
      int quantity,
      boolean pinned) {
    Optional<Long> stockId =
        jdbc.sql(
                """
                SELECT s.id FROM stock s LEFT JOIN lots l ON l.id = s.lot_id
                WHERE s.sku = ? AND s.location = ? AND l.code IS NOT DISTINCT FROM ?
                  AND (l.expires_on IS NULL OR l.expires_on >= ?)
                FOR UPDATE OF s""")
            .params(sku, location, lot, today())
            .query(Long.class)
            .optional();
    int updated =
        stockId
            .map(
                id ->
                    jdbc.sql(
                            """
                            UPDATE stock SET reserved = reserved + :q, version = version + 1
                            WHERE id = :id AND on_hand - reserved >= :q""")
                        .param("q", quantity)
                        .param("id", id)
                        .update())
            .orElse(0);
    if (updated != 1) {
      throw ApiProblem.conflict(
          "insufficient-stock",
          "Not enough stock there",
          "fewer than "
              + quantity
              + " unexpired units of SKU '"
              + sku
              + "' are available at "
              + location
              + (lot == null ? " (without lot)" : " in lot " + lot));
    }
    Timestamp now = now();
    jdbc.sql(
            """
            INSERT INTO reservations (order_id, line_no, stock_id, quantity, pinned, status, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, 'ACTIVE', ?, ?)""")
        .params(orderId, lineNo, stockId.get(), quantity, pinned, now, now)
        .update();
    movement(stockId.get(), "RESERVATION", 0, quantity, "moved by operator", orderId);
  }

  /** Marks a line's active reservations pinned or not (the line's lot is the order's business). */
  public void markPinned(UUID orderId, int lineNo, boolean pinned) {
    jdbc.sql(
            """
            UPDATE reservations SET pinned = ?, updated_at = ?
            WHERE order_id = ? AND line_no = ? AND status = 'ACTIVE'""")
        .params(pinned, now(), orderId, lineNo)
        .update();
  }

  /** Releases every active reservation of an order; returns units released per line. */
  public Map<Integer, Integer> releaseAll(UUID orderId, String reason) {
    List<ActiveReservationOfLine> active =
        jdbc.sql(
                """
            SELECT id, line_no, stock_id, quantity FROM reservations
            WHERE order_id = ? AND status = 'ACTIVE' ORDER BY stock_id FOR UPDATE""")
            .param(orderId)
            .query(Rows.of(ActiveReservationOfLine.class))
            .list();
    Map<Integer, Integer> released = new HashMap<>();
    for (ActiveReservationOfLine r : active) {
      releaseRow(
          new ActiveReservation(r.id(), r.stockId(), r.quantity()), r.quantity(), reason, orderId);
      released.merge(r.lineNo(), r.quantity(), Integer::sum);
    }
    return released;
  }

  /**
   * Ships {@code quantity} reserved units of one order line (of {@code lot} only, when given),
   * oldest reservations first: on hand and reserved both go down, with SHIPMENT movements. Returns
   * where the units came from; fewer than asked when the line holds fewer reserved units (of that
   * lot).
   */
  public List<LineReservation.Slice> consume(
      UUID orderId, int lineNo, int quantity, String lot, String reason) {
    List<ReservedSlice> active =
        jdbc.sql(
                """
                SELECT r.id, r.stock_id, r.quantity, l.code AS lot, s.location FROM reservations r
                JOIN stock s ON s.id = r.stock_id LEFT JOIN lots l ON l.id = s.lot_id
                WHERE r.order_id = :order AND r.line_no = :line AND r.status = 'ACTIVE'
                  AND (CAST(:lot AS text) IS NULL OR l.code = :lot)
                ORDER BY r.id FOR UPDATE OF r""")
            .param("order", orderId)
            .param("line", lineNo)
            .param("lot", lot)
            .query(Rows.of(ReservedSlice.class))
            .list();
    List<LineReservation.Slice> shipped = new ArrayList<>();
    int left = quantity;
    Timestamp now = now();
    for (ReservedSlice r : active) {
      if (left == 0) {
        break;
      }
      int q = Math.min(left, r.quantity());
      int updated =
          jdbc.sql(
                  """
                  UPDATE stock SET on_hand = on_hand - :q, reserved = reserved - :q, version = version + 1
                  WHERE id = :id AND reserved >= :q""")
              .param("q", q)
              .param("id", r.stockId())
              .update();
      if (updated != 1) {
        throw new IllegalStateException(
            "stock row " + r.stockId() + " holds less than its reservations");
      }
      jdbc.sql(
              """
              UPDATE reservations SET quantity = quantity - ?,
                  status = CASE WHEN quantity - ? = 0 THEN 'CONSUMED' ELSE 'ACTIVE' END, updated_at = ?
              WHERE id = ?""")
          .params(q, q, now, r.id())
          .update();
      movement(r.stockId(), "SHIPMENT", -q, -q, reason, orderId);
      shipped.add(new LineReservation.Slice(r.lot(), r.location(), q));
      left -= q;
    }
    return shipped;
  }

  record ReservedSlice(long id, long stockId, int quantity, String lot, String location) {}

  /**
   * Puts returned units back on hand at a location (and lot), with a RETURN movement; they can fill
   * backorders. Rejects (422) an unknown location and a lot-controlled SKU without a lot.
   */
  public void restock(String skuCode, String location, String lot, int quantity, String reason) {
    SkuInfo sku =
        sku(skuCode)
            .orElseThrow(() -> ApiProblem.unprocessable("sku", "unknown SKU '" + skuCode + "'"));
    location(location)
        .orElseThrow(
            () -> ApiProblem.unprocessable("location", "unknown location '" + location + "'"));
    if (sku.lotControlled() && lot == null) {
      throw ApiProblem.unprocessable(
          "lot", "SKU '" + skuCode + "' is lot-controlled: name the lot the units go back to");
    }
    if (!sku.lotControlled()) {
      lot = null;
    }
    Long lotId = lot == null ? null : upsertLot(skuCode, lot, null);
    long stockId = addOnHand(skuCode, location, lotId, quantity);
    movement(stockId, "RETURN", quantity, 0, reason, null);
    events.publishEvent(new StockArrived(skuCode, location, lot, quantity, "return"));
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

  record ActiveReservation(long id, long stockId, int quantity) {}

  record ActiveReservationOfLine(long id, int lineNo, long stockId, int quantity) {}

  /** Releases up to {@code quantity} units from these reservations, in the order given. */
  private int releaseUpTo(
      List<ActiveReservation> reservations, int quantity, String reason, UUID orderId) {
    int left = quantity;
    for (ActiveReservation r : reservations) {
      if (left == 0) {
        break;
      }
      int q = Math.min(left, r.quantity());
      releaseRow(r, q, reason, orderId);
      left -= q;
    }
    return quantity - left;
  }

  private void releaseRow(ActiveReservation r, int quantity, String reason, UUID orderId) {
    String sku =
        jdbc.sql(
                """
                UPDATE stock SET reserved = reserved - :q, version = version + 1
                WHERE id = :id AND reserved >= :q RETURNING sku""")
            .param("q", quantity)
            .param("id", r.stockId())
            .query(String.class)
            .optional()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "stock row " + r.stockId() + " holds less than its reservations"));
    jdbc.sql(
            """
            UPDATE reservations SET quantity = quantity - ?,
                status = CASE WHEN quantity - ? = 0 THEN 'RELEASED' ELSE 'ACTIVE' END, updated_at = ?
            WHERE id = ?""")
        .params(quantity, quantity, now(), r.id())
        .update();
    movement(r.stockId(), "RELEASE", 0, -quantity, reason, orderId);
    events.publishEvent(new StockArrived(sku, null, null, quantity, "release"));
  }

  private static final String MOVEMENT =
      """
      INSERT INTO stock_movements (stock_id, kind, on_hand_delta, reserved_delta, reason, order_id, actor, at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)""";

  private void movement(
      long stockId, String kind, int onHandDelta, int reservedDelta, String reason, UUID orderId) {
    jdbc.sql(MOVEMENT)
        .params(stockId, kind, onHandDelta, reservedDelta, reason, orderId, Actors.current(), now())
        .update();
  }

  private Timestamp now() {
    return Timestamp.from(clock.instant());
  }

  private LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
  }
}
