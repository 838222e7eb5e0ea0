package io.orderloop.inventory.reservations;

/**
 * What one order line asks the allocator to reserve.
 *
 * @param lineNo the order line
 * @param quantity units still to reserve
 * @param lot the lot this line is pinned to, or {@code null}; a pinned line is never served from
 *     another lot
 */
public record Demand(int lineNo, String sku, int quantity, String lot) {}
