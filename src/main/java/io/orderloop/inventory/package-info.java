/**
 * Stock: the catalogue (SKUs, locations, lots), stock per SKU × location × lot with its movement
 * ledger, reconciliation, and — in the {@code reservations} named interface, open to the orders
 * module only — reservation commands for order lines. Every reservation is a conditional update:
 * available never goes below zero.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"common"})
package io.orderloop.inventory;
