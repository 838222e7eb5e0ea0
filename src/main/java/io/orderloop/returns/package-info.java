/**
 * Returns (RMA): a delivered or closed order spawns a return with its own loop, REQUESTED →
 * AUTHORIZED → RECEIVED → REFUNDED → CLOSED (or REJECTED), each line restocked to a location and
 * lot or scrapped, with history on the return and milestones on the order.
 */
package io.orderloop.returns;
