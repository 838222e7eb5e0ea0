package io.orderloop.security;

import java.security.Principal;
import java.util.Set;
import java.util.UUID;

/**
 * The authenticated caller: an API key's id, name (recorded as the actor in history) and scopes;
 * for an agent key bound to one customer, that customer's e-mail; for an agent key with spending
 * limits, those limits.
 */
public record ApiKeyPrincipal(
    UUID id, String name, Set<Scope> scopes, String customerEmail, AgentLimits limits)
    implements Principal {

  public ApiKeyPrincipal(UUID id, String name, Set<Scope> scopes) {
    this(id, name, scopes, null, null);
  }

  public ApiKeyPrincipal(UUID id, String name, Set<Scope> scopes, String customerEmail) {
    this(id, name, scopes, customerEmail, null);
  }

  @Override
  public String getName() {
    return name;
  }
}
