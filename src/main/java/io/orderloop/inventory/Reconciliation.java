package io.orderloop.inventory;

import java.time.Instant;
import java.util.List;

/**
 * The stock invariants, checked in one consistent read: per stock row, reserved equals the sum of
 * its active reservations; on hand ≥ reserved ≥ 0; the ledger's movements add up to on hand and
 * reserved.
 *
 * @param clean true when no row breaks an invariant
 * @param rowsChecked stock rows examined
 * @param problems every row that breaks one, with what was found
 */
public record Reconciliation(
    boolean clean, int rowsChecked, Instant checkedAt, List<Problem> problems) {

  /** One stock row that breaks an invariant. */
  public record Problem(
      long stockId,
      String sku,
      String location,
      String lot,
      int onHand,
      int reserved,
      int activeReservations,
      int ledgerOnHand,
      int ledgerReserved,
      List<String> issues) {}
}
