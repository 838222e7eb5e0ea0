package io.orderloop.orders;

import io.orderloop.inventory.reservations.Demand;
import io.orderloop.inventory.reservations.LineReservation;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The stock operations an order's rules call while its command runs. Every one is correct only
 * under the order's row lock, which the command runner ({@link OrderCommands}) holds: nothing
 * outside the orders module reaches them. {@link InventoryStock} carries them out in the inventory
 * module; the aggregate's unit tests use an in-memory one.
 */
interface Stock {

  /** Reserves what is available for each demand; see the inventory module's planner. */
  List<LineReservation> reserve(UUID orderId, List<Demand> demands);

  /** Releases up to {@code quantity} reserved units of one line; returns the units released. */
  int release(UUID orderId, int lineNo, int quantity, String reason);

  /** Releases every reservation of the order; returns the units released per line. */
  Map<Integer, Integer> releaseAll(UUID orderId, String reason);

  /**
   * Releases up to {@code quantity} units of a line reserved anywhere but the given lot (and
   * location, when not null); returns the units released.
   */
  int releaseElsewhere(
      UUID orderId, int lineNo, int quantity, String keepLot, String keepLocation, String reason);

  /** Reserves exactly {@code quantity} units at one place, or refuses (409). */
  void reserveAt(
      UUID orderId,
      int lineNo,
      String sku,
      String location,
      String lot,
      int quantity,
      boolean pinned);

  /** Marks a line's reservations pinned or not. */
  void markPinned(UUID orderId, int lineNo, boolean pinned);

  /** Consumes reserved units of a line that ship (of one lot when given), oldest first. */
  List<LineReservation.Slice> consume(
      UUID orderId, int lineNo, int quantity, String lot, String reason);
}
