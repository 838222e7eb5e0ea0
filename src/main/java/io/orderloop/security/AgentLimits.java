package io.orderloop.security;

import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;

/**
 * What an agent key may spend before a person must approve: {@code perOrder}, the most one order
 * may total, and {@code perDay}, the most its orders may total over the last 24 hours, both in
 * {@code currency}. Orders in another currency always wait for approval. A null amount sets no
 * limit.
 */
public record AgentLimits(
    @Schema(description = "ISO 4217 code the amounts are in", example = "USD") String currency,
    @Schema(description = "the most one order may total", example = "500.00") BigDecimal perOrder,
    @Schema(description = "the most this key's orders may total over 24 hours", example = "2000.00")
        BigDecimal perDay) {

  /** True when neither amount is set. */
  public boolean none() {
    return perOrder == null && perDay == null;
  }
}
