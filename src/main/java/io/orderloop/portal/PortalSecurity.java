package io.orderloop.portal;

import io.orderloop.common.ProblemTypes;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who reaches the portal. The customer API ({@code /api/v1/portal/**}) takes a portal session's
 * bearer token ({@code POST /api/v1/portal/sessions} trades a link for one); the pages ({@code
 * /portal/**}) keep the customer in the browser's session under their own key, so a console sign-in
 * in the same browser is neither replaced nor reused, with CSRF protection on every form. A
 * customer holds {@code ROLE_CUSTOMER} only: no API key scope, no console page.
 */
@Configuration(proxyBeanMethods = false)
class PortalSecurity {

  static final String CONTEXT_KEY = "ORDERLOOP_PORTAL_CUSTOMER";

  @Bean
  HttpSessionSecurityContextRepository portalContexts() {
    HttpSessionSecurityContextRepository repository = new HttpSessionSecurityContextRepository();
    repository.setSpringSecurityContextKey(CONTEXT_KEY);
    return repository;
  }

  @Bean
  @Order(0)
  SecurityFilterChain portalApiChain(HttpSecurity http, PortalLinks links, JsonMapper json)
      throws Exception {
    http.securityMatcher("/api/v1/portal", "/api/v1/portal/**")
        .csrf(AbstractHttpConfigurer::disable)
        .httpBasic(AbstractHttpConfigurer::disable)
        .formLogin(AbstractHttpConfigurer::disable)
        .logout(AbstractHttpConfigurer::disable)
        .requestCache(AbstractHttpConfigurer::disable)
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .addFilterBefore(new SessionTokenFilter(links), AnonymousAuthenticationFilter.class)
        .exceptionHandling(
            e ->
                e.authenticationEntryPoint(
                        (req, res, ex) -> {
                          res.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
                          ProblemTypes.write(
                              res,
                              ProblemTypes.problem(
                                  401,
                                  "unauthorized",
                                  "Unauthorized",
                                  "sign in with a portal link: POST /api/v1/portal/sessions"
                                      + " {token}, then send 'Authorization: Bearer"
                                      + " <sessionToken>'"),
                              json);
                        })
                    .accessDeniedHandler(
                        (req, res, ex) ->
                            ProblemTypes.write(
                                res,
                                ProblemTypes.problem(
                                    403,
                                    "forbidden",
                                    "Forbidden",
                                    "the customer API takes a customer's portal session"),
                                json)))
        .authorizeHttpRequests(
            a ->
                a.requestMatchers(HttpMethod.POST, "/api/v1/portal/sessions")
                    .permitAll()
                    .anyRequest()
                    .hasRole("CUSTOMER"));
    return http.build();
  }

  @Bean
  @Order(2)
  SecurityFilterChain portalPagesChain(
      HttpSecurity http, HttpSessionSecurityContextRepository contexts) throws Exception {
    http.securityMatcher("/portal", "/portal/**")
        .securityContext(c -> c.securityContextRepository(contexts))
        .httpBasic(AbstractHttpConfigurer::disable)
        .formLogin(AbstractHttpConfigurer::disable)
        .logout(AbstractHttpConfigurer::disable)
        .requestCache(AbstractHttpConfigurer::disable)
        .exceptionHandling(
            e ->
                e.authenticationEntryPoint(
                    new LoginUrlAuthenticationEntryPoint("/portal/signed-out")))
        .authorizeHttpRequests(
            a ->
                a.requestMatchers("/portal/sign-in", "/portal/signed-out")
                    .permitAll()
                    .anyRequest()
                    .hasRole("CUSTOMER"));
    return http.build();
  }

  /** Reads a portal session's bearer token; one present but unknown or ended is answered 401. */
  static final class SessionTokenFilter extends OncePerRequestFilter {
    private final PortalLinks links;

    SessionTokenFilter(PortalLinks links) {
      this.links = links;
    }

    @Override
    protected void doFilterInternal(
        HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
      String header = request.getHeader(HttpHeaders.AUTHORIZATION);
      if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        links
            .authenticate(header.substring(7).strip())
            .ifPresent(
                used ->
                    SecurityContextHolder.getContext()
                        .setAuthentication(new PortalCustomer(used.email(), used.issuedBy())));
      }
      try {
        chain.doFilter(request, response);
      } finally {
        SecurityContextHolder.clearContext();
      }
    }
  }
}
