package io.orderloop.console;

import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.stereotype.Component;

/** Counts failed console sign-ins (an account locks after five in a row); a success resets it. */
@Component
class SignInEvents {

  private final ConsoleUsers users;

  SignInEvents(ConsoleUsers users) {
    this.users = users;
  }

  @EventListener
  void failed(AuthenticationFailureBadCredentialsEvent e) {
    users.failed(String.valueOf(e.getAuthentication().getName()));
  }

  @EventListener
  void succeeded(AuthenticationSuccessEvent e) {
    if (e.getAuthentication().getPrincipal()
        instanceof org.springframework.security.core.userdetails.UserDetails details) {
      users.signedIn(details.getUsername());
    }
  }
}
