package io.orderloop.console;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Sign-in for the console: Spring Security's form login at {@code /login} ({@code username} is the
 * e-mail), a session cookie (HttpOnly, SameSite=Lax, Secure when the request came over TLS), CSRF
 * on every form, logout, and accounts that lock after repeated failures. This chain serves only the
 * console's paths; the API keeps its own stateless, key-based chain.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleSecurity {

  private static final Logger log = LoggerFactory.getLogger(ConsoleSecurity.class);

  /** Paths the console serves. */
  static final String[] PATHS = {
    "/", "/login", "/logout", "/console/**", "/assets/**", "/webjars/**"
  };

  @Bean
  PasswordEncoder passwordEncoder() {
    return PasswordEncoderFactories.createDelegatingPasswordEncoder();
  }

  @Bean
  @Order(1)
  SecurityFilterChain consoleFilterChain(
      HttpSecurity http, UserDetailsService consoleUserDetails, SignInThrottle throttle)
      throws Exception {
    http.securityMatcher(PATHS)
        .addFilterBefore(
            throttle,
            org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter
                .class)
        .authorizeHttpRequests(
            a ->
                a.requestMatchers("/login", "/assets/**", "/webjars/**")
                    .permitAll()
                    .anyRequest()
                    .authenticated())
        .formLogin(f -> f.loginPage("/login").defaultSuccessUrl("/", false).permitAll())
        .logout(l -> l.logoutUrl("/logout").logoutSuccessUrl("/login?logout"))
        // An htmx request (the live board's refresh, a boosted link) whose session has ended is
        // told
        // to load the login page, rather than have the login form swapped into the page.
        .exceptionHandling(
            e -> {
              var login =
                  new org.springframework.security.web.authentication
                      .LoginUrlAuthenticationEntryPoint("/login");
              e.authenticationEntryPoint(
                  (request, response, denied) -> {
                    if (request.getHeader("HX-Request") != null) {
                      response.setHeader("HX-Redirect", request.getContextPath() + "/login");
                      response.sendError(401);
                    } else {
                      login.commence(request, response, denied);
                    }
                  });
            })
        .userDetailsService(consoleUserDetails);
    return http.build();
  }

  /** Not a servlet filter of its own: it runs inside the console's chain only. */
  @Bean
  SignInThrottle signInThrottle(ConsoleUsers users, ConsoleProperties properties) {
    return new SignInThrottle(users, properties);
  }

  @Bean
  org.springframework.boot.web.servlet.FilterRegistrationBean<SignInThrottle>
      signInThrottleRegistration(SignInThrottle throttle) {
    var registration = new org.springframework.boot.web.servlet.FilterRegistrationBean<>(throttle);
    registration.setEnabled(false);
    return registration;
  }

  @Bean
  UserDetailsService consoleUserDetails(ConsoleUsers users) {
    return users(users);
  }

  private static UserDetailsService users(ConsoleUsers users) {
    return email -> {
      ConsoleUsers.Credentials c =
          users
              .credentials(email)
              .orElseThrow(() -> new UsernameNotFoundException("no console user"));
      boolean locked =
          c.user().lockedUntil() != null && c.user().lockedUntil().isAfter(users.now());
      List<GrantedAuthority> authorities =
          c.user().role().authorities().stream()
              .<GrantedAuthority>map(SimpleGrantedAuthority::new)
              .toList();
      UserDetails details =
          User.withUsername(c.user().email())
              .password(c.passwordHash())
              .authorities(authorities)
              .disabled(!c.user().enabled())
              .accountLocked(locked)
              .build();
      return details;
    };
  }

  /**
   * Creates the bootstrap admin at start-up when both variables are set and no such user exists.
   */
  @Bean
  ApplicationRunner bootstrapAdmin(ConsoleUsers users, ConsoleProperties properties) {
    return (ApplicationArguments args) -> {
      String email = properties.bootstrapAdminEmail();
      String password = properties.bootstrapAdminPassword();
      if (email == null || email.isBlank() || password == null || password.isBlank()) {
        return;
      }
      if (users.find(email).isEmpty()) {
        users.put(
            email, new ConsoleUsers.Settings("Administrator", ConsoleRole.ADMIN, password, true));
        log.info("a console admin was created from ORDERLOOP_BOOTSTRAP_ADMIN_EMAIL");
      }
    };
  }
}
