/**
 * The commerce gateway: an MCP server at {@code /mcp} for AI agents (agent keys, optionally bound
 * to one customer), with tools over the orders and inventory APIs. Being built (issue 15): so far
 * the read tools.
 */
@org.springframework.modulith.ApplicationModule(
    allowedDependencies = {"common", "orders", "inventory", "fulfillment", "returns", "security"})
package io.orderloop.gateway;
