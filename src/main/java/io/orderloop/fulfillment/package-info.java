/**
 * Execution: the fulfillment queue per location, shipments with carrier, tracking and lots, and
 * delivery confirmation by API or carrier callback. Calls the orders module's {@code
 * OrderExecution} for what a shipment or a delivery does to its order.
 */
package io.orderloop.fulfillment;
