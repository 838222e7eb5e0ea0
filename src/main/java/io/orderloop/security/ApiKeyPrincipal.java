package io.orderloop.security;

import java.security.Principal;
import java.util.Set;
import java.util.UUID;

/**
 * The authenticated caller: an API key's id, name (recorded as the actor in history) and scopes.
 */
public record ApiKeyPrincipal(UUID id, String name, Set<Scope> scopes) implements Principal {

  @Override
  public String getName() {
    return name;
  }
}
