package io.orderloop.inventory.internal;

import io.orderloop.common.Actors;
import io.orderloop.common.ApiProblem;
import io.orderloop.common.DeferredWrites;
import io.orderloop.common.Rows;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Writes shared by the inventory module's services, inside their transactions: the one stock-row
 * upsert that adds units on hand, the lot upsert with its expiry rule, the ledger's movement rows,
 * and the module's clock. Internal to the inventory module.
 */
@Component
public class StockRows {

  private final JdbcClient jdbc;
  private final DeferredWrites deferred;
  private final Clock clock;

  StockRows(JdbcClient jdbc, DeferredWrites deferred, Clock clock) {
    this.jdbc = jdbc;
    this.deferred = deferred;
    this.clock = clock;
  }

  /** Adds units on hand to a stock row, creating it if needed; returns its id. */
  public long addOnHand(String sku, String location, Long lotId, int quantity) {
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
        .param("now", Timestamp.from(clock.instant()))
        .query(Long.class)
        .single();
  }

  public long upsertLot(String sku, String lot, LocalDate expiresOn) {
    Optional<LotRow> existing =
        jdbc.sql("SELECT id, expires_on FROM lots WHERE sku = ? AND code = ? FOR UPDATE")
            .params(sku, lot)
            .query(Rows.of(LotRow.class))
            .optional();
    if (existing.isPresent()) {
      LotRow row = existing.get();
      requireSameExpiry(sku, lot, row.expiresOn(), expiresOn);
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
    // A concurrent first receipt of the same lot may have won with another expiry date.
    requireSameExpiry(sku, lot, inserted.expiresOn(), expiresOn);
    return inserted.id();
  }

  /** A lot has one expiry date: 422 when a receipt names another. */
  private static void requireSameExpiry(String sku, String lot, LocalDate known, LocalDate given) {
    if (given != null && known != null && !given.equals(known)) {
      throw ApiProblem.unprocessable(
          "expiresOn",
          "lot '"
              + lot
              + "' of SKU '"
              + sku
              + "' expires on "
              + known
              + ", not "
              + given
              + "; a lot has one expiry date");
    }
  }

  record LotRow(long id, LocalDate expiresOn) {}

  public static final String MOVEMENT =
      """
      INSERT INTO stock_movements (stock_id, kind, on_hand_delta, reserved_delta, reason, order_id, actor, at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)""";

  /**
   * A ledger row, held back to travel with the transaction's other writes ({@link DeferredWrites}).
   */
  public void movement(
      long stockId, String kind, int onHandDelta, int reservedDelta, String reason, UUID orderId) {
    deferred.add(
        MOVEMENT,
        stockId,
        kind,
        onHandDelta,
        reservedDelta,
        reason,
        orderId,
        Actors.current(),
        now());
  }

  public Timestamp now() {
    return Timestamp.from(clock.instant());
  }

  public LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  /** Several movement rows ({@link #MOVEMENT}'s parameters), held back like {@link #movement}. */
  public void movements(List<Object[]> rows) {
    rows.forEach(row -> deferred.add(MOVEMENT, row));
  }
}
