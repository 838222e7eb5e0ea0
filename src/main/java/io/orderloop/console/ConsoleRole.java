package io.orderloop.console;

import java.util.Set;

/**
 * What a console user may do. Each role maps onto the API's scopes, so a page or action checks the
 * same rule a key would meet: operations run orders, allocation, holds, shipments and inventory;
 * finance reads orders and handles invoices and refunds; customer service reads orders, cancels,
 * holds, and handles returns and notes; admin does everything, plus users, API keys, channels and
 * webhooks.
 */
public enum ConsoleRole {
  ADMIN(
      "Admin",
      Set.of(
          "admin",
          "orders:read",
          "orders:write",
          "inventory:read",
          "inventory:write",
          "edi:write")),
  OPERATIONS(
      "Operations", Set.of("orders:read", "orders:write", "inventory:read", "inventory:write")),
  FINANCE("Finance", Set.of("orders:read", "inventory:read")),
  CUSTOMER_SERVICE("Customer service", Set.of("orders:read", "orders:write", "inventory:read"));

  private final String label;
  private final Set<String> scopes;

  ConsoleRole(String label, Set<String> scopes) {
    this.label = label;
    this.scopes = scopes;
  }

  public String label() {
    return label;
  }

  /** The API scopes the role holds; {@code admin} implies every scope. */
  public Set<String> scopes() {
    return scopes;
  }

  /** Moves an order through the loop (release to fulfillment, confirm delivery, close). */
  public boolean canMove() {
    return this == ADMIN || this == OPERATIONS;
  }

  /** Cancels an order. */
  public boolean canCancel() {
    return this == ADMIN || this == OPERATIONS || this == CUSTOMER_SERVICE;
  }

  /** Holds an order and releases its holds. */
  public boolean canHold() {
    return canCancel();
  }

  /** Takes orders by hand (the new-order form). */
  public boolean canCreate() {
    return canCancel();
  }

  /** Decides agent actions held for a person (approve, refuse). */
  public boolean canApprove() {
    return canCancel();
  }

  /** Webhook subscriptions: create, pause, resume, replay. */
  public boolean canWebhooks() {
    return this == ADMIN;
  }

  /** Channel deliveries and lines waiting outside the loop: see them, replay a delivery. */
  public boolean canChannels() {
    return this == ADMIN || this == OPERATIONS;
  }

  /** Re-runs allocation and pins or unpins lots. */
  public boolean canAllocate() {
    return canMove();
  }

  /** Ships units and confirms deliveries. */
  public boolean canShip() {
    return canMove();
  }

  /** Opens returns, authorizes or rejects them (receiving them back is stock work). */
  public boolean canReturn() {
    return this == ADMIN || this == CUSTOMER_SERVICE;
  }

  /**
   * Refunds a received return and closes it. A console permission of finance beyond its read
   * scopes: the API gives return moves to {@code orders:write} keys.
   */
  public boolean canRefund() {
    return this == ADMIN || this == FINANCE;
  }

  /** Reads and changes stock: receipts and adjustments. */
  public boolean canStock() {
    return canMove();
  }

  /** The Spring Security authority of the role. */
  String authority() {
    return "ROLE_" + name();
  }

  /**
   * The role's authority and its scopes' ({@code SCOPE_orders:write}…), so a rule that checks a
   * scope in the modules (receiving a return restocks, which needs {@code inventory:write}) holds
   * for console users as it does for keys.
   */
  java.util.List<String> authorities() {
    java.util.List<String> all = new java.util.ArrayList<>();
    all.add(authority());
    scopes.stream().sorted().map(s -> "SCOPE_" + s).forEach(all::add);
    return all;
  }
}
