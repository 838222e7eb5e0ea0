package io.orderloop.returns;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** A return (RMA) as the API shows it. */
public record ReturnView(
    UUID id,
    String number,
    UUID orderId,
    String orderNumber,
    ReturnState state,
    String reason,
    String currency,
    BigDecimal refundAmount,
    List<Line> lines,
    Set<ReturnState> allowedTransitions,
    Instant createdAt,
    Instant updatedAt) {

  /**
   * Units of one SKU coming back; disposition, location and lot are set when the return is
   * RECEIVED.
   */
  public record Line(
      int lineNo,
      String sku,
      int quantity,
      BigDecimal unitPrice,
      String disposition,
      String location,
      String lot) {}
}
