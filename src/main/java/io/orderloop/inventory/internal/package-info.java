/** Internals of the inventory module: writes its services share. No other module may use them. */
package io.orderloop.inventory.internal;
