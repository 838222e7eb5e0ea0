/**
 * Reservation commands for order lines, correct only under the order's row lock: a named interface
 * that only the orders module may use (its {@code allowedDependencies} say so; the module test
 * fails on any other caller).
 */
@org.springframework.modulith.NamedInterface("reservations")
package io.orderloop.inventory.reservations;
