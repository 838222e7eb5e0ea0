package io.orderloop.security;

import java.security.Principal;
import java.util.Set;
import java.util.UUID;

/**
 * The authenticated caller: an API key's id, name (recorded as the actor in history) and scopes;
 * for an agent key bound to one customer, that customer's e-mail.
 */
public record ApiKeyPrincipal(UUID id, String name, Set<Scope> scopes, String customerEmail)
    implements Principal {

  public ApiKeyPrincipal(UUID id, String name, Set<Scope> scopes) {
    this(id, name, scopes, null);
  }

  @Override
  public String getName() {
    return name;
  }
}
