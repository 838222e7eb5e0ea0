package io.orderloop.inventory;

/**
 * Units became available for a SKU: a receipt, a positive adjustment or a released reservation.
 * Published inside the transaction that made them available; listeners that allocate waiting
 * backorders run after it commits.
 */
public record StockArrived(String sku, String location, String lot, int quantity, String cause) {}
