package io.orderloop.inventory.reservations;

import io.orderloop.common.Actors;
import io.orderloop.common.ApiProblem;
import io.orderloop.common.DeferredWrites;
import io.orderloop.common.Rows;
import io.orderloop.inventory.SkuInfo;
import io.orderloop.inventory.StockArrived;
import io.orderloop.inventory.internal.StockRows;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Reservation commands for order lines: reserve what is available (FEFO/FIFO by the {@link
 * AllocationPlanner}), release, move, pin and consume at shipment. Each joins the caller's
 * transaction and is correct only under the order's row lock, so this named interface is open to
 * the orders module alone (its commands hold that lock); the module test fails on any other user.
 *
 * <p>No stock row is locked to plan: the rows with available units are read as they are, and each
 * take is a conditional update ({@code … WHERE on_hand - reserved >= :q}) that either succeeds or
 * changes nothing (an order's intake sends its takes as one such update that must change every row
 * it names), so available never goes below zero under any interleaving. Every change writes a
 * movement to the ledger.
 */
@Service
public class Reservations {

  private final JdbcClient jdbc;
  private final JdbcTemplate batch;
  private final DeferredWrites deferred;
  private final ApplicationEventPublisher events;
  private final StockRows stockRows;

  Reservations(
      JdbcClient jdbc,
      JdbcTemplate batch,
      DeferredWrites deferred,
      ApplicationEventPublisher events,
      StockRows rows) {
    this.jdbc = jdbc;
    this.deferred = deferred;
    this.batch = batch;
    this.events = events;
    this.stockRows = rows;
  }

  /**
   * Reserves what is available for each demand, inside the caller's transaction, never more than is
   * available: reads the SKUs' rows that have available units (no lock), plans with {@link
   * AllocationPlanner}, and applies the takes, locking stock rows in id order, as conditional
   * updates ({@code … WHERE on_hand - reserved >= :q}). A take that loses a race to another
   * transaction (its update finds too little left) is planned again from fresh rows (in an order's
   * intake: the whole order, from a fresh read), so only the rows actually reserved are ever locked
   * — one unit of a SKU with a thousand lots locks one row. Records a reservation and a RESERVATION
   * movement per take.
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
    Timestamp now = stockRows.now();
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
      Available available = round == 0 ? prefetched(skus) : null;
      if (available == null) {
        available = availableRows(skus);
      }
      List<AllocationPlanner.StockRow> rows = available.rows();
      AllocationPlanner.Plan plan =
          AllocationPlanner.plan(open, rows, stockRows.today(), available.requiringPin());
      if (plan.takes().isEmpty()) {
        break;
      }
      Map<Long, AllocationPlanner.StockRow> byId = new HashMap<>();
      rows.forEach(r -> byId.put(r.id(), r));
      List<AllocationPlanner.Take> takes = new ArrayList<>(plan.takes());
      // In stock id order, so two orders taking the same rows lock them in the same order.
      takes.sort(java.util.Comparator.comparingLong(AllocationPlanner.Take::stockId));
      // Held back where the transaction is retried whole (the order's intake): one update of all
      // the rows with its check goes with the commit, and a row with too little left fails the
      // transaction, which runs again from a fresh read — so a stock row stays locked only from
      // the commit's round trip to its end. Elsewhere the batch runs now (one pipeline, in this
      // order) and a take that lost a race is planned again below.
      int[] updated = new int[takes.size()];
      if (deferred.guardsRetry()) {
        takeAllOrRetry(takes);
        java.util.Arrays.fill(updated, 1);
      } else {
        updated =
            batch.batchUpdate(
                TAKE,
                takes.stream()
                    .map(t -> new Object[] {t.quantity(), t.stockId(), t.quantity()})
                    .toList());
      }
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
      reservationRows.forEach(row -> deferred.add(INSERT_RESERVATION, row));
      stockRows.movements(movementRows);
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

  private static final String TAKE =
      """
      UPDATE stock SET reserved = reserved + ?, version = version + 1
      WHERE id = ? AND on_hand - reserved >= ?""";

  /**
   * The plan's takes as one held-back statement (one per stock row, quantities of lines that share
   * a row added up) that must change every row it names: a row that no longer has its units fails
   * the transaction at the commit, and the order is planned again from a fresh read. Rows are
   * locked in stock id order, whatever plan the join gets (a materialized {@code ORDER BY id FOR NO
   * KEY UPDATE} that the update joins), so two orders taking the same rows cannot deadlock.
   */
  private void takeAllOrRetry(List<AllocationPlanner.Take> takes) {
    Map<Long, Integer> byRow = new TreeMap<>();
    takes.forEach(t -> byRow.merge(t.stockId(), t.quantity(), Integer::sum));
    String what = "stock rows " + byRow.keySet() + " no longer all have the units planned";
    if (byRow.size() == 1) {
      var only = byRow.entrySet().iterator().next();
      deferred.addExpecting(1, what, TAKE, only.getValue(), only.getKey(), only.getValue());
      return;
    }
    List<Object> params = new ArrayList<>(byRow.size() * 3);
    String ids = String.join(", ", Collections.nCopies(byRow.size(), "?"));
    params.addAll(byRow.keySet());
    String rows = String.join(", ", Collections.nCopies(byRow.size(), "(?::bigint, ?::integer)"));
    byRow.forEach(
        (id, quantity) -> {
          params.add(id);
          params.add(quantity);
        });
    deferred.addExpecting(
        byRow.size(),
        what,
        "WITH locked AS MATERIALIZED (SELECT id FROM stock WHERE id IN ("
            + ids
            + ") ORDER BY id FOR NO KEY UPDATE)"
            + " UPDATE stock s SET reserved = s.reserved + v.q, version = s.version + 1"
            + " FROM (VALUES "
            + rows
            + ") v (id, q)"
            + " WHERE s.id = v.id AND s.id IN (SELECT id FROM locked) AND s.on_hand - s.reserved >= v.q",
        params.toArray());
  }

  private static final String INSERT_RESERVATION =
      """
      INSERT INTO reservations (order_id, line_no, stock_id, quantity, pinned, status, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, 'ACTIVE', ?, ?)""";

  /**
   * The known SKUs among {@code codes} and, read in the same query, their stock rows with units
   * available, which this transaction's next {@link #reserve} of those SKUs plans from instead of
   * reading them again: an order's intake reads what its checks and its plan need in one round
   * trip.
   */
  public Map<String, SkuInfo> skusForReservation(java.util.Collection<String> codes) {
    if (codes.isEmpty()) {
      return Map.of();
    }
    Map<String, SkuInfo> skus = new HashMap<>();
    Set<String> requiringPin = new HashSet<>();
    List<AllocationPlanner.StockRow> rows = new ArrayList<>();
    jdbc.sql(
            """
            SELECT k.code, k.name, k.case_pack, k.pallet_quantity, k.lot_controlled, k.requires_pinned_lot,
                   k.allows_loose_units,\s"""
                + STOCK_ROW_COLUMNS
                + """
            FROM skus k
            LEFT JOIN (stock s JOIN locations loc ON loc.code = s.location)
                ON s.sku = k.code AND s.on_hand > s.reserved
            LEFT JOIN lots l ON l.id = s.lot_id
            WHERE k.code IN (:codes)""")
        .param("codes", Set.copyOf(codes))
        .query(
            (rs, n) -> {
              String code = rs.getString(1);
              SkuInfo sku =
                  skus.computeIfAbsent(
                      code,
                      c -> {
                        try {
                          return new SkuInfo(
                              c,
                              rs.getString(2),
                              rs.getInt(3),
                              (Integer) rs.getObject(4),
                              rs.getBoolean(5),
                              rs.getBoolean(6),
                              rs.getBoolean(7));
                        } catch (java.sql.SQLException e) {
                          throw new IllegalStateException(e);
                        }
                      });
              if (sku.requiresPinnedLot()) {
                requiringPin.add(code);
              }
              if (rs.getObject("id") != null) {
                rows.add(stockRow(rs));
              }
              return code;
            })
        .list();
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.unbindResourceIfPossible(PREFETCHED);
      TransactionSynchronizationManager.bindResource(
          PREFETCHED, new Prefetched(Set.copyOf(skus.keySet()), new Available(rows, requiringPin)));
      TransactionSynchronizationManager.registerSynchronization(
          new org.springframework.transaction.support.TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
              TransactionSynchronizationManager.unbindResourceIfPossible(PREFETCHED);
            }
          });
    }
    return skus;
  }

  /**
   * A stock row as the planner sees it, from {@code stock s}, {@code locations loc}, {@code lots
   * l}.
   */
  private static final String STOCK_ROW_COLUMNS =
      """
      s.id, s.sku, s.location, loc.priority, l.code AS lot, l.expires_on,
      coalesce(l.received_on, (s.received_at AT TIME ZONE 'UTC')::date) AS received_on,
      s.on_hand - s.reserved AS available, k.lot_controlled
      """;

  private static AllocationPlanner.StockRow stockRow(java.sql.ResultSet rs)
      throws java.sql.SQLException {
    return new AllocationPlanner.StockRow(
        rs.getLong("id"),
        rs.getString("sku"),
        rs.getString("location"),
        rs.getInt("priority"),
        rs.getString("lot"),
        rs.getObject("expires_on", LocalDate.class),
        rs.getObject("received_on", LocalDate.class),
        rs.getInt("available"),
        rs.getBoolean("lot_controlled"));
  }

  /** The transaction's key for rows {@link #skusForReservation} read for the next reservation. */
  private static final Object PREFETCHED = new Object();

  private record Prefetched(Set<String> skus, Available available) {}

  /** The rows read with the SKUs for this reservation, once; null when they were not. */
  private Available prefetched(Set<String> skus) {
    if (!TransactionSynchronizationManager.isSynchronizationActive()
        || !(TransactionSynchronizationManager.unbindResourceIfPossible(PREFETCHED)
            instanceof Prefetched p)
        || !p.skus().containsAll(skus)) {
      return null;
    }
    return p.available();
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
                SELECT k.requires_pinned_lot,\s"""
                    + STOCK_ROW_COLUMNS
                    + """
                FROM stock s
                JOIN locations loc ON loc.code = s.location
                JOIN skus k ON k.code = s.sku
                LEFT JOIN lots l ON l.id = s.lot_id
                WHERE s.sku IN (:skus) AND s.on_hand > s.reserved""")
            .param("skus", skus)
            .query(
                (rs, n) -> {
                  if (rs.getBoolean("requires_pinned_lot")) {
                    requiringPin.add(rs.getString("sku"));
                  }
                  return stockRow(rs);
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
            .params(sku, location, lot, stockRows.today())
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
    Timestamp now = stockRows.now();
    jdbc.sql(
            """
            INSERT INTO reservations (order_id, line_no, stock_id, quantity, pinned, status, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, 'ACTIVE', ?, ?)""")
        .params(orderId, lineNo, stockId.get(), quantity, pinned, now, now)
        .update();
    stockRows.movement(stockId.get(), "RESERVATION", 0, quantity, "moved by operator", orderId);
  }

  /** Marks a line's active reservations pinned or not (the line's lot is the order's business). */
  public void markPinned(UUID orderId, int lineNo, boolean pinned) {
    jdbc.sql(
            """
            UPDATE reservations SET pinned = ?, updated_at = ?
            WHERE order_id = ? AND line_no = ? AND status = 'ACTIVE'""")
        .params(pinned, stockRows.now(), orderId, lineNo)
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
    Timestamp now = stockRows.now();
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
      stockRows.movement(r.stockId(), "SHIPMENT", -q, -q, reason, orderId);
      shipped.add(new LineReservation.Slice(r.lot(), r.location(), q));
      left -= q;
    }
    return shipped;
  }

  record ReservedSlice(long id, long stockId, int quantity, String lot, String location) {}

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
        .params(quantity, quantity, stockRows.now(), r.id())
        .update();
    stockRows.movement(r.stockId(), "RELEASE", 0, -quantity, reason, orderId);
    events.publishEvent(new StockArrived(sku, null, null, quantity, "release"));
  }
}
