package io.orderloop.inventory;

import io.orderloop.common.ApiProblem;
import io.orderloop.common.Rows;
import io.orderloop.common.Transactions;
import io.orderloop.inventory.internal.StockRows;
import io.orderloop.inventory.reservations.Reservations;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The catalogue: SKUs (case pack, pallet size, lot rules), locations (warehouses with an allocation
 * priority) and the lots received of each SKU. Rejects (422) an unknown SKU or location with what
 * to do about it.
 */
@Service
public class Catalogue {

  private final JdbcClient jdbc;
  private final Transactions transactions;
  private final StockRows rows;
  private final Reservations reservations;

  Catalogue(JdbcClient jdbc, Transactions transactions, StockRows rows, Reservations reservations) {
    this.reservations = reservations;
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.rows = rows;
  }

  /** Creates or replaces a SKU; returns true when it was created. */
  public boolean putSku(SkuInfo sku) {
    return transactions.inTransaction(
        () -> {
          Timestamp now = rows.now();
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

  /**
   * The known SKUs among {@code codes}, by code, read together with their available stock for the
   * reservation that follows in this transaction (an order's intake: one read for its checks and
   * its allocation plan).
   */
  public Map<String, SkuInfo> skusForOrder(Collection<String> codes) {
    return reservations.skusForReservation(codes);
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
                .param("now", rows.now())
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

  /** The SKU, or 422 naming {@code field} and how to create it. */
  public SkuInfo requireSku(String code, String field) {
    return sku(code)
        .orElseThrow(
            () ->
                ApiProblem.unprocessable(
                    field, "unknown SKU '" + code + "'; create it with PUT /api/v1/skus/{sku}"));
  }

  /** The location, or 422 naming {@code field} and how to create it. */
  public LocationInfo requireLocation(String code, String field) {
    return location(code)
        .orElseThrow(
            () ->
                ApiProblem.unprocessable(
                    field,
                    "unknown location '"
                        + code
                        + "'; create it with PUT /api/v1/locations/{code}"));
  }

  /**
   * Units coming into stock name a lot exactly when the SKU is lot-controlled: 422 otherwise.
   *
   * @param what how the lot is named in the message, e.g. "received" or "the units go back to"
   */
  public static void requireLotRule(SkuInfo sku, String lot, LocalDate expiresOn, String what) {
    if (sku.lotControlled() && lot == null) {
      throw ApiProblem.unprocessable(
          "lot", "SKU '" + sku.code() + "' is lot-controlled: name the lot " + what);
    }
    if (!sku.lotControlled() && (lot != null || expiresOn != null)) {
      throw ApiProblem.unprocessable(
          "lot",
          "SKU '"
              + sku.code()
              + "' is not lot-controlled: give no lot or expiry, or make it lot-controlled first");
    }
  }
}
