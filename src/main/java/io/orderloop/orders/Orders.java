package io.orderloop.orders;

import io.orderloop.common.IfMatch;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * The orders module's commands on the loop: moves by hand, cancellation, holds, edits, and the
 * return milestones other modules record on an order.
 *
 * <p>Each command runs in one transaction holding the order's row lock ({@link OrderCommands}): the
 * state change, the line quantities, the reservations and every history event commit together or
 * not at all, and the version moves once. Rejections: 404 for an unknown order, 409 for a move the
 * state table does not allow (with {@code currentState} and {@code allowedTransitions}), 412 for a
 * stale {@code If-Match} version, 422 for a request that breaks a rule.
 */
@Service
public class Orders {

  private final OrderCommands commands;
  private final Stock stock;
  private final Shipping shipping;

  Orders(OrderCommands commands, Stock stock, Shipping shipping) {
    this.commands = commands;
    this.stock = stock;
    this.shipping = shipping;
  }

  /**
   * Moves an order to {@code to}. Allowed moves come from {@link OrderState}; ALLOCATED first tries
   * to reserve backordered units and needs the fulfillment policy met; SHIPPED and
   * PARTIALLY_SHIPPED ship every reserved unit as one shipment with carrier {@code MANUAL} (the
   * requested state must be the one that leaves); DELIVERED confirms every shipped unit; CANCELLED
   * cancels the whole order.
   *
   * @param expectedVersion the client's {@code If-Match} version, or {@code null}
   */
  public OrderView transition(
      String idOrNumber, OrderState to, String reason, IfMatch expectedVersion) {
    return commands.run(
        idOrNumber,
        expectedVersion,
        order -> {
          if (to == OrderState.SHIPPED || to == OrderState.PARTIALLY_SHIPPED) {
            order.requireMove(to);
            shipping.ship(order, UUID.randomUUID(), "MANUAL", "none", order.everythingReserved(to));
          } else {
            order.requestTransition(stock, to, reason);
          }
        });
  }

  /**
   * One line change of an edit: {@code lineNo} and the new {@code quantity} (in the line's unit of
   * measure; {@code 0} cancels what is still open of it), or a {@code sku}: the order's one open
   * line of that SKU, or a new line when there is none or a {@code unitPrice} is given.
   */
  public record LineChange(
      Integer lineNo,
      String sku,
      Integer quantity,
      java.math.BigDecimal unitPrice,
      UnitOfMeasure unitOfMeasure,
      String lot) {}

  /** A quantity of one SKU to cancel. */
  public record CancelLine(String sku, int quantity) {}

  /**
   * Cancels the whole order ({@code lines} empty) or some unshipped units. Whole: from RECEIVED,
   * ALLOCATED or FULFILLMENT_QUEUED → CANCELLED; from PARTIALLY_SHIPPED the unshipped rest is
   * cancelled → SHIPPED. Lines: backordered units go first, then reserved ones, whose reservations
   * are released; an order left with nothing open is CANCELLED (or SHIPPED when part of it
   * shipped).
   */
  public OrderView cancel(
      String idOrNumber, String reason, List<CancelLine> lines, IfMatch expectedVersion) {
    List<Order.CancelLine> requested =
        lines == null
            ? List.of()
            : lines.stream().map(l -> new Order.CancelLine(l.sku(), l.quantity())).toList();
    return commands.run(
        idOrNumber, expectedVersion, order -> order.cancel(stock, reason, requested));
  }

  /**
   * Puts an open order on hold: it is not released to fulfillment and cannot ship until released.
   */
  public OrderView hold(String idOrNumber, HoldKind kind, String reason, IfMatch expectedVersion) {
    return commands.run(
        idOrNumber,
        expectedVersion,
        order -> order.hold(kind == null ? HoldKind.MANUAL : kind, reason));
  }

  /** Releases a hold: of {@code kind}, or with none the only hold, or the manual one of several. */
  public OrderView releaseHold(
      String idOrNumber, HoldKind kind, String reason, IfMatch expectedVersion) {
    return commands.run(idOrNumber, expectedVersion, order -> order.releaseHold(kind, reason));
  }

  /**
   * Records a return's stage on its order's history (joins the caller's transaction). The order's
   * version does not move: a return changes the return, not the order.
   */
  public void recordReturn(UUID orderId, OrderEvent.ReturnProgressed milestone, String reason) {
    record(orderId, milestone, reason);
  }

  /**
   * Records what another module did about the order on its history (joins the caller's
   * transaction), the order itself unchanged: a return's stage, an agent's held action.
   */
  public void record(UUID orderId, OrderEvent.HistoryOnly event, String reason) {
    commands.call(
        orderId.toString(),
        null,
        order -> {
          order.record(event, reason);
          return null;
        },
        nothing -> null);
  }
}
