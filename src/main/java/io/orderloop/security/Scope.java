package io.orderloop.security;

import java.util.Arrays;
import java.util.Optional;

/** What an API key may do. {@code admin} implies every other scope. */
public enum Scope {
  ORDERS_READ("orders:read"),
  ORDERS_WRITE("orders:write"),
  INVENTORY_READ("inventory:read"),
  INVENTORY_WRITE("inventory:write"),
  /** Send X12 interchanges ({@code POST /channels/edi/x12}): for a partner's gateway. */
  EDI_WRITE("edi:write"),
  /** An AI agent's key at the MCP gateway: look up orders, availability, inventory; quote. */
  AGENT_READ("agent:read"),
  /** An agent may also place and cancel orders and request returns (with {@code agent:read}). */
  AGENT_WRITE("agent:write"),
  /** Reads {@code /actuator/prometheus}: the key a Prometheus server scrapes with. */
  METRICS_READ("metrics:read"),
  ADMIN("admin");

  private final String value;

  Scope(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }

  /** The Spring Security authority granted for this scope. */
  public String authority() {
    return "SCOPE_" + value;
  }

  /** The agent scopes: a key with them is an agent key and holds no others. */
  public boolean agent() {
    return this == AGENT_READ || this == AGENT_WRITE;
  }

  public static Optional<Scope> parse(String value) {
    return Arrays.stream(values()).filter(s -> s.value.equals(value)).findFirst();
  }
}
