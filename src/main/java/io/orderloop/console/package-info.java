/**
 * The operator console: people who sign in (console users with roles, a login page, sessions with
 * CSRF protection, throttled sign-in) and the pages served at {@code /}. Reads and acts through the
 * orders and inventory APIs.
 */
@org.springframework.modulith.ApplicationModule(
    allowedDependencies = {"common", "orders", "inventory"})
package io.orderloop.console;
