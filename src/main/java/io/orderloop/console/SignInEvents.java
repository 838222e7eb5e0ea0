package io.orderloop.console;

import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.stereotype.Component;

/**
 * Counts failed console sign-ins: per account (it locks after five in a row; a success resets it)
 * and per client address ({@link SignInThrottle}).
 */
@Component
class SignInEvents {

  private final ConsoleUsers users;
  private final SignInThrottle throttle;

  SignInEvents(ConsoleUsers users, SignInThrottle throttle) {
    this.users = users;
    this.throttle = throttle;
  }

  @EventListener
  void failed(AuthenticationFailureBadCredentialsEvent e) {
    users.failed(String.valueOf(e.getAuthentication().getName()));
    if (e.getAuthentication().getDetails()
        instanceof org.springframework.security.web.authentication.WebAuthenticationDetails web) {
      throttle.failed(web.getRemoteAddress());
    }
  }

  @EventListener
  void succeeded(AuthenticationSuccessEvent e) {
    if (e.getAuthentication().getPrincipal()
        instanceof org.springframework.security.core.userdetails.UserDetails details) {
      users.signedIn(details.getUsername());
    }
  }
}
