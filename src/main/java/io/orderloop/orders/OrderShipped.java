package io.orderloop.orders;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Units of an order left: published inside the shipment's transaction (by the shipments API and by
 * a manual SHIPPED transition alike), so the fulfillment module records the shipment in the same
 * commit.
 */
public record OrderShipped(
    UUID orderId,
    UUID shipmentId,
    String carrier,
    String trackingNumber,
    Instant shippedAt,
    List<OrderExecution.ShippedUnits> units) {}
