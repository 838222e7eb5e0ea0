package io.orderloop.inventory.reservations;

import java.util.List;

/**
 * What was reserved for one order line in one allocation run.
 *
 * @param reserved units reserved now (0 when nothing was available)
 * @param pinnedLot the lot the line is pinned to after this run ({@code null} when not pinned)
 * @param slices where the units are: lot, location and quantity
 */
public record LineReservation(
    int lineNo, String sku, int reserved, String pinnedLot, List<Slice> slices) {

  /** Units of one lot at one location. */
  public record Slice(String lot, String location, int quantity) {}
}
