package io.orderloop.orders;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * An invoice issued at a shipment of a B2B order: finance's source. {@code dueOn} is the ship date
 * plus the payment terms' days ({@code NET_30} → 30 days; other terms are due on issue).
 */
public record Invoice(
    UUID id,
    String number,
    UUID orderId,
    UUID shipmentId,
    String currency,
    BigDecimal total,
    String paymentTerms,
    LocalDate issuedOn,
    LocalDate dueOn,
    List<Line> lines) {

  /** Units of one order line shipped and billed. */
  public record Line(
      int lineNo, String sku, int quantity, BigDecimal unitPrice, BigDecimal amount) {}
}
