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

  public static String current() {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth == null || !auth.isAuthenticated() || auth.getName() == null) {
      return SYSTEM;
    }
    return auth.getName();
  }
}
