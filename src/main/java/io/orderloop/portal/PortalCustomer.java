package io.orderloop.portal;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A signed-in customer: their e-mail, the authority {@code ROLE_CUSTOMER} and nothing else. Named
 * {@code customer:<email>}, the actor history records for what they do.
 */
final class PortalCustomer extends AbstractAuthenticationToken {

  private final String email;

  PortalCustomer(String email, String linkIssuedBy) {
    super(List.of(new SimpleGrantedAuthority("ROLE_CUSTOMER")));
    this.email = email;
    setDetails(
        new io.orderloop.common.Actors.Via(
            "via the portal, link issued by " + (linkIssuedBy == null ? "unknown" : linkIssuedBy)));
    setAuthenticated(true);
  }

  @Override
  public Object getCredentials() {
    return "";
  }

  @Override
  public Object getPrincipal() {
    return email;
  }

  @Override
  public String getName() {
    return "customer:" + email;
  }

  /** The signed-in customer's e-mail. */
  static String email(Authentication auth) {
    if (auth instanceof PortalCustomer c) {
      return c.email;
    }
    throw new org.springframework.security.access.AccessDeniedException("not a customer");
  }
}
