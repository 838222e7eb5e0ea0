package io.orderloop.orders;

import io.orderloop.common.Currencies;
import io.orderloop.common.Money;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * An order as the API shows it. Line quantities always add up: {@code quantity = allocated +
 * backordered + shipped + cancelled} (in units). Amounts are decimal strings at the currency's
 * scale.
 */
public record OrderView(
    UUID id,
    String number,
    Channel channel,
    String externalId,
    OrderType type,
    OrderState state,
    int version,
    FulfillmentPolicy fulfillmentPolicy,
    CreateOrder.Customer customer,
    Address shipTo,
    Address billTo,
    String currency,
    Money total,
    List<Line> lines,
    CreateOrder.B2b b2b,
    String notes,
    boolean atRisk,
    Hold hold,
    List<Hold> holds,
    Set<OrderState> allowedTransitions,
    Instant createdAt,
    Instant updatedAt,
    Instant deliveredAt,
    ChannelOrder channelOrder) {

  /**
   * A hold: its kind, why, by whom and since when. A held order is not released to fulfillment;
   * {@code hold} is the first of {@code holds}.
   */
  public record Hold(HoldKind kind, String reason, String by, Instant at) {}

  /**
   * A line; {@code casePack} and {@code palletQuantity} are the SKU's when the order was taken,
   * {@code cases} the quantity in whole cases for B2B lines, {@code delivered} the shipped units
   * confirmed delivered. {@code unitPrice} is the price as given, per {@code unitOfMeasure} (per
   * case for CASE lines); {@code unitPricePerUnit} the derived price of one unit, for CASE lines,
   * with the decimals it needs; {@code amount} the line's price × quantity as ordered.
   */
  public record Line(
      int lineNo,
      String sku,
      int quantity,
      UnitOfMeasure unitOfMeasure,
      int casePack,
      Integer cases,
      BigDecimal unitPrice,
      BigDecimal unitPricePerUnit,
      BigDecimal amount,
      int allocated,
      int backordered,
      int shipped,
      int cancelled,
      int delivered,
      Integer palletQuantity,
      String lot,
      boolean lotPinned) {}

  private static Hold hold(Order.Hold h) {
    return new Hold(h.kind(), h.reason(), h.by(), h.at());
  }

  static OrderView of(Order o) {
    List<Line> lines =
        o.lines.stream()
            .map(
                l ->
                    new Line(
                        l.lineNo,
                        l.sku,
                        l.quantity,
                        l.unitOfMeasure,
                        l.casePack,
                        o.type == OrderType.B2B && l.casePack > 1 && l.quantity % l.casePack == 0
                            ? l.quantity / l.casePack
                            : null,
                        Currencies.atScale(l.priceAsGiven(), o.currency),
                        l.unitOfMeasure == UnitOfMeasure.CASE
                            ? Currencies.atLeastScale(l.unitPrice, o.currency)
                            : null,
                        Currencies.atScale(l.lineAmount, o.currency),
                        l.allocated,
                        l.backordered,
                        l.shipped,
                        l.cancelled,
                        l.delivered,
                        l.palletQuantity,
                        l.lot,
                        l.lotPinned))
            .toList();
    return new OrderView(
        o.id,
        o.number,
        o.channel,
        o.externalId,
        o.type,
        o.state,
        o.version,
        o.policy,
        o.customer,
        o.shipTo,
        o.billTo,
        o.currency,
        new Money(o.total, o.currency),
        lines,
        o.b2b,
        o.notes,
        o.atRisk,
        o.holds.isEmpty() ? null : hold(o.holds.getFirst()),
        o.holds.stream().map(OrderView::hold).toList(),
        o.allowedTransitions(),
        o.createdAt,
        o.updatedAt,
        o.deliveredAt,
        o.channelOrder);
  }
}
