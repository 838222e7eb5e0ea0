/**
 * The operator console: people who sign in (console users with roles, a login page, sessions with
 * CSRF protection, throttled sign-in) and the pages served at {@code /}. Reads and acts through the
 * orders, inventory and fulfillment APIs, and follows the event feed to keep the board live.
 */
@org.springframework.modulith.ApplicationModule(
    allowedDependencies = {
      "common",
      "orders",
      "inventory",
      "fulfillment",
      "returns",
      "events",
      "channels",
      "gateway",
      "portal"
    })
package io.orderloop.console;
