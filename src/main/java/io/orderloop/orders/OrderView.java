package io.orderloop.orders;

import io.orderloop.common.Money;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * An order as the API shows it. Line quantities always add up: {@code quantity = allocated +
 * backordered + shipped + cancelled} (in units).
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
    boolean atRisk,
    Hold hold,
    Set<OrderState> allowedTransitions,
    Instant createdAt,
    Instant updatedAt,
    Instant deliveredAt) {

  /** Why an order is held, by whom and since when; a held order is not released to fulfillment. */
  public record Hold(String reason, String by, Instant at) {}

  /**
   * A line; {@code casePack} and {@code palletQuantity} are the SKU's when the order was taken,
   * {@code cases} the quantity in whole cases for B2B lines, {@code delivered} the shipped units
   * confirmed delivered, {@code amount} the line's price × quantity as ordered.
   */
  public record Line(
      int lineNo,
      String sku,
      int quantity,
      UnitOfMeasure unitOfMeasure,
      int casePack,
      Integer cases,
      BigDecimal unitPrice,
      BigDecimal amount,
      int allocated,
      int backordered,
      int shipped,
      int cancelled,
      int delivered,
      Integer palletQuantity,
      String lot,
      boolean lotPinned) {}
}
