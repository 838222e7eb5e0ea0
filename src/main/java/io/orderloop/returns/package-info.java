/**
 * Returns (RMA): a delivered or closed order spawns a return with its own loop, REQUESTED →
 * AUTHORIZED → RECEIVED → REFUNDED → CLOSED (or REJECTED), each line restocked to a location and
 * lot or scrapped, with history on the return and typed milestones on the order.
 */
@org.springframework.modulith.ApplicationModule(
    allowedDependencies = {"common", "orders", "inventory", "fulfillment"})
package io.orderloop.returns;
