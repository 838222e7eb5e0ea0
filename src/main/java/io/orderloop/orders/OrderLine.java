package io.orderloop.orders;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A line of an {@link Order}: what was ordered and where its units are. The quantities always add
 * up: {@code quantity = allocated + backordered + shipped + cancelled} (in units); {@code
 * delivered} counts shipped units confirmed delivered. Changed only by its order, which marks it
 * for saving.
 */
final class OrderLine {

  final int lineNo;
  final String sku;
  int quantity;
  final UnitOfMeasure unitOfMeasure;
  final int casePack;
  final Integer palletQuantity;

  /** Per unit, derived from the price as given (per case for CASE lines), up to 4 decimals. */
  BigDecimal unitPrice;

  /**
   * Price × quantity as ordered (e.g. per case): invoices and refunds divide this, never a rounded
   * unit price.
   */
  BigDecimal lineAmount;

  String lot;
  boolean lotPinned;
  int allocated;
  int backordered;
  int shipped;
  int cancelled;
  int delivered;

  /** Not stored yet: the repository inserts it. */
  boolean isNew;

  /** Changed by the running command: the repository writes it. */
  boolean dirty;

  OrderLine(
      int lineNo,
      String sku,
      int quantity,
      UnitOfMeasure unitOfMeasure,
      int casePack,
      Integer palletQuantity,
      BigDecimal unitPrice,
      BigDecimal lineAmount) {
    this.lineNo = lineNo;
    this.sku = sku;
    this.quantity = quantity;
    this.unitOfMeasure = unitOfMeasure;
    this.casePack = casePack;
    this.palletQuantity = palletQuantity;
    this.unitPrice = unitPrice;
    this.lineAmount = lineAmount;
  }

  /**
   * A new line as ordered: {@code quantity} in the unit of measure, {@code price} per that unit.
   * All its units start backordered; allocation takes them from there.
   */
  static OrderLine ordered(
      int lineNo,
      String sku,
      int quantityInUom,
      UnitOfMeasure uom,
      int casePack,
      Integer palletQuantity,
      BigDecimal price,
      String pinnedLot) {
    int units = uom == UnitOfMeasure.CASE ? quantityInUom * casePack : quantityInUom;
    BigDecimal perUnit =
        uom == UnitOfMeasure.CASE
            ? price.divide(BigDecimal.valueOf(casePack), 4, RoundingMode.HALF_EVEN)
            : price;
    OrderLine line =
        new OrderLine(
            lineNo,
            sku,
            units,
            uom,
            casePack,
            palletQuantity,
            perUnit,
            price.multiply(BigDecimal.valueOf(quantityInUom)));
    line.lot = pinnedLot;
    line.lotPinned = pinnedLot != null;
    line.backordered = units;
    line.isNew = true;
    line.dirty = true;
    return line;
  }

  /** Units neither shipped nor cancelled. */
  int open() {
    return quantity - shipped - cancelled;
  }

  /** Units not shipped yet: reserved or waiting for stock. */
  int unshipped() {
    return allocated + backordered;
  }

  boolean isCancelled() {
    return cancelled == quantity;
  }

  /** The quantity in the line's unit of measure (cases for CASE lines). */
  int quantityInUom() {
    return unitOfMeasure == UnitOfMeasure.CASE ? quantity / casePack : quantity;
  }

  /** The price as given, per unit of measure (per case for CASE lines). */
  BigDecimal priceAsGiven() {
    int q = quantityInUom();
    return q == 0 ? unitPrice : lineAmount.divide(BigDecimal.valueOf(q), 4, RoundingMode.HALF_EVEN);
  }

  void changed() {
    dirty = true;
  }
}
