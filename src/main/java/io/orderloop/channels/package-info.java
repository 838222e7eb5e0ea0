/**
 * Sales channels (Shopify, Square, B2B EDI): their connections with encrypted credentials, SKU
 * aliases, and — as the channel adapters land — verified deliveries turned into intake commands and
 * shipments reported back. Calls the orders and inventory APIs; nothing calls into it.
 */
@org.springframework.modulith.ApplicationModule(
    allowedDependencies = {"common", "orders", "inventory"})
package io.orderloop.channels;
