package io.orderloop.orders;

import io.orderloop.common.ApiProblem;
import io.orderloop.common.IfMatch;
import io.orderloop.inventory.Catalogue;
import io.orderloop.inventory.SkuInfo;
import io.orderloop.inventory.StockLedger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * Allocation management of an order: its panel, re-running allocation, releasing, pinning and
 * moving reservations, and filling backorders when stock arrives. Every change runs as an order
 * command under the order's row lock.
 *
 * <p>Rejects: 404 unknown order; 409 an order no longer open, or a change that would leave an order
 * past RECEIVED without its fulfillment policy met; 422 a line, lot or quantity the order does not
 * have. Records {@code order.allocation_rerun}, {@code inventory.reserved}, {@code
 * inventory.released}, {@code inventory.lot_pinned}, {@code inventory.lot_unpinned}, {@code
 * inventory.reservation_moved}, {@code order.backordered} and {@code order.allocated}.
 */
@Service
public class OrderAllocation {

  private final OrderCommands commands;
  private final OrderRepository repository;
  private final Stock stock;
  private final Catalogue catalogue;
  private final StockLedger inventory;

  OrderAllocation(
      OrderCommands commands,
      OrderRepository repository,
      Stock stock,
      Catalogue catalogue,
      StockLedger inventory) {
    this.commands = commands;
    this.repository = repository;
    this.stock = stock;
    this.catalogue = catalogue;
    this.inventory = inventory;
  }

  /**
   * The allocation panel of an order, per line: units of the SKU available before this order's
   * reservations, reserved for this line, available after (now), and where the reservations are.
   */
  public record AllocationView(
      UUID orderId,
      String number,
      OrderState state,
      FulfillmentPolicy fulfillmentPolicy,
      List<LineAllocation> lines) {

    /** One line of the panel. */
    public record LineAllocation(
        int lineNo,
        String sku,
        int quantity,
        int allocated,
        int backordered,
        int shipped,
        int cancelled,
        String lot,
        boolean pinned,
        int availableBefore,
        int reserved,
        int availableAfter,
        List<Reservation> reservations) {}

    /** Units of one lot at one location held for the line. */
    public record Reservation(String lot, String location, int quantity, boolean pinned) {}
  }

  public AllocationView allocation(String idOrNumber) {
    UUID id = repository.resolve(idOrNumber).orElseThrow(() -> OrderCommands.notFound(idOrNumber));
    Order order = repository.load(id, false).orElseThrow(() -> OrderCommands.notFound(idOrNumber));
    List<StockLedger.ReservationView> reservations = inventory.reservations(id);
    Map<String, Integer> heldBySku = new LinkedHashMap<>();
    reservations.forEach(r -> heldBySku.merge(r.sku(), r.quantity(), Integer::sum));
    Map<String, Integer> availableNow = new LinkedHashMap<>();
    order.lines.forEach(l -> availableNow.computeIfAbsent(l.sku, inventory::allocatable));
    List<AllocationView.LineAllocation> lines = new ArrayList<>();
    for (OrderLine l : order.lines) {
      List<AllocationView.Reservation> held =
          reservations.stream()
              .filter(r -> r.lineNo() == l.lineNo)
              .map(
                  r ->
                      new AllocationView.Reservation(
                          r.lot(), r.location(), r.quantity(), r.pinned()))
              .toList();
      int reserved = held.stream().mapToInt(AllocationView.Reservation::quantity).sum();
      int after = availableNow.get(l.sku);
      lines.add(
          new AllocationView.LineAllocation(
              l.lineNo,
              l.sku,
              l.quantity,
              l.allocated,
              l.backordered,
              l.shipped,
              l.cancelled,
              l.lot,
              l.lotPinned,
              after + heldBySku.getOrDefault(l.sku, 0),
              reserved,
              after,
              held));
    }
    return new AllocationView(order.id, order.number, order.state, order.policy, lines);
  }

  /**
   * Re-runs allocation for the order's backordered units; an order in RECEIVED whose policy is now
   * met moves to ALLOCATED.
   */
  public OrderView rerun(String idOrNumber, IfMatch expectedVersion) {
    return commands.run(
        idOrNumber, expectedVersion, order -> order.reservations().rerunAllocation(stock));
  }

  /**
   * Releases reserved units of one line back to stock; they become backordered (and waiting
   * backorders, this order's included, may take the stock again by priority).
   */
  public OrderView releaseLine(
      String idOrNumber, int lineNo, Integer quantity, String reason, IfMatch expectedVersion) {
    return commands.run(
        idOrNumber,
        expectedVersion,
        order -> order.reservations().releaseLine(stock, lineNo, quantity, reason));
  }

  /**
   * Pins a line to a lot: reservations on other lots are released and the line is re-allocated from
   * that lot only (what it lacks is backordered against it). Refused (422) for a SKU that is not
   * lot-controlled or an unknown lot.
   */
  public OrderView pinLine(String idOrNumber, int lineNo, String lot, IfMatch expectedVersion) {
    return commands.run(
        idOrNumber,
        expectedVersion,
        order -> {
          OrderLine line = order.requireLine(lineNo);
          SkuInfo sku = catalogue.sku(line.sku).orElseThrow();
          if (!sku.lotControlled()) {
            throw ApiProblem.unprocessable(
                "lot", "SKU '" + line.sku + "' is not lot-controlled: there is no lot to pin");
          }
          if (!catalogue.lotExists(line.sku, lot)) {
            throw ApiProblem.unprocessable(
                "lot", "SKU '" + line.sku + "' has no lot '" + lot + "'");
          }
          order.reservations().pinLine(stock, lineNo, lot);
        });
  }

  /**
   * Unpins a line; its reservations stay where they are. Refused (422) when the SKU requires a
   * pinned lot.
   */
  public OrderView unpinLine(String idOrNumber, int lineNo, IfMatch expectedVersion) {
    return commands.run(
        idOrNumber,
        expectedVersion,
        order -> {
          boolean required =
              catalogue
                  .sku(order.requireLine(lineNo).sku)
                  .map(SkuInfo::requiresPinnedLot)
                  .orElse(false);
          order.reservations().unpinLine(stock, lineNo, required);
        });
  }

  /**
   * Moves reserved units of a line to another location and/or lot: releases them where they are and
   * reserves the same quantity at the target in one transaction, or changes nothing (409 when the
   * target lacks stock, 422 when the line is pinned to another lot or holds fewer units elsewhere).
   */
  public OrderView moveReservation(
      String idOrNumber,
      int lineNo,
      int quantity,
      String toLocation,
      String toLot,
      IfMatch expectedVersion) {
    return commands.run(
        idOrNumber,
        expectedVersion,
        order -> order.reservations().moveReservation(stock, lineNo, quantity, toLocation, toLot));
  }

  /**
   * Fills an order's backorders from stock that arrived, as the system actor. Skips an order
   * another transaction holds (the next fill or sweep comes back to it); returns the units
   * reserved.
   */
  int fillBackorders(UUID id) {
    return commands.ifUnlocked(id, order -> order.reservations().fillBackorders(stock)).orElse(0);
  }
}
