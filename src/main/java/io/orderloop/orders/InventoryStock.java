package io.orderloop.orders;

import io.orderloop.inventory.reservations.Demand;
import io.orderloop.inventory.reservations.LineReservation;
import io.orderloop.inventory.reservations.Reservations;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** {@link Stock} carried out by the inventory module's {@link Reservations}. */
@Component
class InventoryStock implements Stock {

  private final Reservations inventory;

  InventoryStock(Reservations inventory) {
    this.inventory = inventory;
  }

  @Override
  public List<LineReservation> reserve(UUID orderId, List<Demand> demands) {
    return inventory.reserve(orderId, demands);
  }

  @Override
  public int release(UUID orderId, int lineNo, int quantity, String reason) {
    return inventory.release(orderId, lineNo, quantity, reason);
  }

  @Override
  public Map<Integer, Integer> releaseAll(UUID orderId, String reason) {
    return inventory.releaseAll(orderId, reason);
  }

  @Override
  public int releaseElsewhere(
      UUID orderId, int lineNo, int quantity, String keepLot, String keepLocation, String reason) {
    return inventory.releaseElsewhere(orderId, lineNo, quantity, keepLot, keepLocation, reason);
  }

  @Override
  public void reserveAt(
      UUID orderId,
      int lineNo,
      String sku,
      String location,
      String lot,
      int quantity,
      boolean pinned) {
    inventory.reserveAt(orderId, lineNo, sku, location, lot, quantity, pinned);
  }

  @Override
  public void markPinned(UUID orderId, int lineNo, boolean pinned) {
    inventory.markPinned(orderId, lineNo, pinned);
  }

  @Override
  public List<LineReservation.Slice> consume(
      UUID orderId, int lineNo, int quantity, String lot, String reason) {
    return inventory.consume(orderId, lineNo, quantity, lot, reason);
  }
}
