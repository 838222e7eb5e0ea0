/**
 * The commerce gateway: an MCP server at {@code /mcp} for AI agents (agent keys, optionally bound
 * to one customer), with tools to find, read, quote, place, cancel and return orders, check stock,
 * and send a customer a portal sign-in link; actions beyond a key's limits wait for a person
 * ({@link io.orderloop.gateway.Approvals}).
 */
@org.springframework.modulith.ApplicationModule(
    allowedDependencies = {
      "common",
      "orders",
      "inventory",
      "fulfillment",
      "returns",
      "security",
      "portal"
    })
package io.orderloop.gateway;
