package io.orderloop.orders;

import java.time.Instant;
import java.util.UUID;

/**
 * An operator confirmed a whole order delivered (a manual DELIVERED transition): published inside
 * that transaction, so the fulfillment module marks the order's shipments delivered in the same
 * commit.
 */
public record OrderDeliveryConfirmed(UUID orderId, Instant deliveredAt) {}
