package io.orderloop.common;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Who is acting: the authenticated API key's name, or {@code system} for work the service does by
 * itself.
 */
public final class Actors {

  public static final String SYSTEM = "system";

  private Actors() {}

  /** True when the caller holds the authority (e.g. {@code SCOPE_inventory:write}). */
  public static boolean has(String authority) {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    return auth != null
        && auth.getAuthorities().stream().anyMatch(a -> authority.equals(a.getAuthority()));
  }

  public static String current() {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth == null || !auth.isAuthenticated() || auth.getName() == null) {
      return SYSTEM;
    }
    return auth.getName();
  }
}
