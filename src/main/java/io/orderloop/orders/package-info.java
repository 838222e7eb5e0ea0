/**
 * Orders and the loop: the {@code Order} aggregate with every rule of the loop, intake (idempotent
 * per channel order and per Idempotency-Key), commands, edits, allocation management, shipping and
 * delivery on the order, invoices, history and queries. Reserves stock through the inventory
 * module's {@code reservations} interface, under the order's row lock; publishes {@code
 * OrderEventRecorded} for every history entry.
 */
@org.springframework.modulith.ApplicationModule(
    allowedDependencies = {"common", "inventory", "inventory::reservations"})
package io.orderloop.orders;
