/**
 * Stock: SKUs, locations, lots, stock per SKU × location × lot, reservations for order lines and
 * the movement ledger. Reservation is one row lock per stock row and a conditional update:
 * available never goes below zero.
 */
package io.orderloop.inventory;
