/**
 * Execution: the fulfillment queue per location, shipments with carrier, tracking and lots, and
 * delivery confirmation by API or carrier callback. Calls the orders module's {@code Shipping} for
 * what a shipment or a delivery does to its order, and keeps its shipment records from the order's
 * {@code order.shipment_recorded} and {@code order.delivered} events.
 */
@org.springframework.modulith.ApplicationModule(
    allowedDependencies = {"common", "orders", "inventory"})
package io.orderloop.fulfillment;
