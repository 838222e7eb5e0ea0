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

  /**
   * How the current actor acts, when its authentication says so (e.g. {@code via MCP place_order}
   * for an agent's tool): recorded as the reason of history entries that have none of their own.
   */
  public static String via() {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    return auth != null && auth.getDetails() instanceof Via v ? v.how() : null;
  }

  /** Authentication details naming the way an actor acts, e.g. {@code via MCP cancel_order}. */
  public record Via(String how) {}

  public static String current() {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth == null || !auth.isAuthenticated() || auth.getName() == null) {
      return SYSTEM;
    }
    return auth.getName();
  }
}
