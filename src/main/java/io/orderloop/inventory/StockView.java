package io.orderloop.inventory;

import java.time.LocalDate;
import java.util.List;

/**
 * Stock of one SKU: totals and one row per lot × location. {@code available = onHand - reserved},
 * never negative.
 */
public record StockView(String sku, int onHand, int reserved, int available, List<LotStock> lots) {

  /** One stock row; {@code lot} is {@code null} for stock kept without lots. */
  public record LotStock(
      String lot, String location, LocalDate expiresOn, int onHand, int reserved, int available) {}
}
