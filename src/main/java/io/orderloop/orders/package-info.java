/**
 * Orders and the loop: intake (idempotent per channel order and per Idempotency-Key), the state
 * table, history, reservation at receipt through the inventory module, cancellation, and the order
 * queries.
 */
package io.orderloop.orders;
