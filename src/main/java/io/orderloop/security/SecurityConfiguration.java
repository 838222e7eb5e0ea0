package io.orderloop.security;

import io.orderloop.common.ProblemTypes;
import io.orderloop.common.RequestChecks;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every API call carries {@code Authorization: Bearer <api key>}; scopes decide what it may do.
 * Health, the OpenAPI document and Swagger UI are public. Failures are problem documents: 401
 * without or with a bad key, 403 without the scope.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

  private static final String READ_ORDERS = Scope.ORDERS_READ.authority();
  private static final String WRITE_ORDERS = Scope.ORDERS_WRITE.authority();
  private static final String READ_INVENTORY = Scope.INVENTORY_READ.authority();
  private static final String WRITE_INVENTORY = Scope.INVENTORY_WRITE.authority();
  private static final String ADMIN = Scope.ADMIN.authority();

  @Bean
  SecurityFilterChain apiSecurity(HttpSecurity http, ApiKeys apiKeys, JsonMapper json)
      throws Exception {
    ProblemResponder problems = new ProblemResponder(json);
    http.csrf(AbstractHttpConfigurer::disable)
        .httpBasic(AbstractHttpConfigurer::disable)
        .formLogin(AbstractHttpConfigurer::disable)
        .logout(AbstractHttpConfigurer::disable)
        .requestCache(AbstractHttpConfigurer::disable)
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .addFilterBefore(new ApiKeyFilter(apiKeys, problems), AnonymousAuthenticationFilter.class)
        .exceptionHandling(
            e ->
                e.authenticationEntryPoint(
                        (req, res, ex) ->
                            problems.write(
                                res,
                                HttpStatus.UNAUTHORIZED,
                                "unauthorized",
                                "Unauthorized",
                                "send an API key as 'Authorization: Bearer <key>'"))
                    .accessDeniedHandler(
                        (req, res, ex) ->
                            problems.write(
                                res,
                                HttpStatus.FORBIDDEN,
                                "forbidden",
                                "Forbidden",
                                "this API key lacks the scope needed for "
                                    + req.getMethod()
                                    + " "
                                    + req.getRequestURI()
                                    + " (needs "
                                    + neededScope(req)
                                    + ")")))
        .authorizeHttpRequests(
            a ->
                a.requestMatchers("/actuator/health", "/actuator/health/**")
                    .permitAll()
                    .requestMatchers(
                        "/v3/api-docs",
                        "/v3/api-docs/**",
                        "/v3/api-docs.yaml",
                        "/swagger-ui.html",
                        "/swagger-ui/**",
                        "/error")
                    .permitAll()
                    .requestMatchers("/mcp", "/mcp/**")
                    .hasAnyAuthority(Scope.AGENT_READ.authority())
                    .requestMatchers(
                        "/api/v1/api-keys",
                        "/api/v1/api-keys/**",
                        "/api/v1/console-users",
                        "/api/v1/console-users/**")
                    .hasAuthority(ADMIN)
                    .requestMatchers(
                        "/api/v1/webhook-subscriptions", "/api/v1/webhook-subscriptions/**")
                    .hasAuthority(ADMIN)
                    .requestMatchers("/api/v1/customers", "/api/v1/customers/**")
                    .hasAuthority(ADMIN)
                    .requestMatchers("/api/v1/channels", "/api/v1/channels/**")
                    .hasAuthority(ADMIN)
                    .requestMatchers(HttpMethod.GET, "/api/v1/events")
                    .hasAuthority(READ_ORDERS)
                    .requestMatchers("/carriers/tracking-events")
                    .permitAll()
                    .requestMatchers(HttpMethod.POST, "/channels/edi/x12")
                    .hasAuthority(Scope.EDI_WRITE.authority())
                    // Authenticated by the channel's own signature, not an API key.
                    .requestMatchers(
                        HttpMethod.POST, "/channels/shopify/webhooks", "/channels/square/webhooks")
                    .permitAll()
                    .requestMatchers(
                        HttpMethod.GET,
                        "/api/v1/shipments/**",
                        "/api/v1/fulfillment-queue",
                        "/api/v1/returns/**")
                    .hasAuthority(READ_ORDERS)
                    .requestMatchers("/api/v1/shipments/**", "/api/v1/returns/**")
                    .hasAuthority(WRITE_ORDERS)
                    .requestMatchers("/api/v1/portal-links")
                    .hasAuthority(WRITE_ORDERS)
                    .requestMatchers(HttpMethod.GET, "/api/v1/approvals", "/api/v1/approvals/**")
                    .hasAuthority(READ_ORDERS)
                    .requestMatchers("/api/v1/approvals", "/api/v1/approvals/**")
                    .hasAuthority(WRITE_ORDERS)
                    .requestMatchers(HttpMethod.POST, "/api/v1/orders/*/allocation/**")
                    .hasAuthority(WRITE_INVENTORY)
                    .requestMatchers(HttpMethod.GET, "/api/v1/orders", "/api/v1/orders/**")
                    .hasAuthority(READ_ORDERS)
                    .requestMatchers("/api/v1/orders", "/api/v1/orders/**")
                    .hasAuthority(WRITE_ORDERS)
                    .requestMatchers(
                        HttpMethod.GET,
                        "/api/v1/inventory",
                        "/api/v1/inventory/**",
                        "/api/v1/skus",
                        "/api/v1/skus/**",
                        "/api/v1/locations",
                        "/api/v1/locations/**")
                    .hasAuthority(READ_INVENTORY)
                    .requestMatchers(
                        "/api/v1/inventory",
                        "/api/v1/inventory/**",
                        "/api/v1/skus",
                        "/api/v1/skus/**",
                        "/api/v1/locations",
                        "/api/v1/locations/**")
                    .hasAuthority(WRITE_INVENTORY)
                    .requestMatchers("/actuator/prometheus")
                    .hasAuthority(Scope.METRICS_READ.authority())
                    .requestMatchers("/actuator/**")
                    .hasAuthority(ADMIN)
                    .anyRequest()
                    .authenticated());
    return http.build();
  }

  /**
   * The firewall's refusals (an encoded '/' or '%', ';', '..', '//', control characters) are 400
   * problems like any other bad request; its message quotes the refused value, so it is not logged.
   */
  @Bean
  RequestRejectedHandler requestRejectedHandler(JsonMapper json) {
    return (request, response, rejected) ->
        ProblemTypes.write(response, RequestChecks.rejected(), json);
  }

  private static String neededScope(HttpServletRequest req) {
    String path = req.getRequestURI();
    boolean read = "GET".equals(req.getMethod()) || "HEAD".equals(req.getMethod());
    if (path.equals("/channels/edi/x12")) {
      return "edi:write";
    }
    if (path.startsWith("/api/v1/orders") && path.contains("/allocation/")) {
      return "inventory:write";
    }
    if (path.startsWith("/api/v1/orders")
        || path.startsWith("/api/v1/shipments")
        || path.startsWith("/api/v1/returns")
        || path.startsWith("/api/v1/fulfillment-queue")) {
      return read ? "orders:read" : "orders:write";
    }
    if (path.startsWith("/api/v1/inventory")
        || path.startsWith("/api/v1/skus")
        || path.startsWith("/api/v1/locations")) {
      return read ? "inventory:read" : "inventory:write";
    }
    if (path.equals("/actuator/prometheus")) {
      return "metrics:read";
    }
    return "admin";
  }

  /**
   * Writes problem documents from inside the security filter chain, where the MVC advice does not
   * reach.
   */
  static final class ProblemResponder {
    private final JsonMapper json;

    ProblemResponder(JsonMapper json) {
      this.json = json;
    }

    void write(
        HttpServletResponse response, HttpStatus status, String slug, String title, String detail)
        throws IOException {
      if (status == HttpStatus.UNAUTHORIZED) {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
      }
      ProblemTypes.write(response, ProblemTypes.problem(status.value(), slug, title, detail), json);
    }
  }

  /** Reads the bearer key; a key that is present but unknown or revoked is answered 401 at once. */
  static final class ApiKeyFilter extends OncePerRequestFilter {
    private final ApiKeys apiKeys;
    private final ProblemResponder problems;

    ApiKeyFilter(ApiKeys apiKeys, ProblemResponder problems) {
      this.apiKeys = apiKeys;
      this.problems = problems;
    }

    @Override
    protected void doFilterInternal(
        HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
      String header = request.getHeader(HttpHeaders.AUTHORIZATION);
      if (header == null || header.isBlank()) {
        chain.doFilter(request, response);
        return;
      }
      String key = ApiKeys.bearerKey(header);
      if (key == null) {
        problems.write(
            response,
            HttpStatus.UNAUTHORIZED,
            "unauthorized",
            "Unauthorized",
            "the Authorization header must be 'Bearer <api key>'");
        return;
      }
      Optional<ApiKeyPrincipal> principal = apiKeys.authenticate(key);
      if (principal.isEmpty()) {
        problems.write(
            response,
            HttpStatus.UNAUTHORIZED,
            "unauthorized",
            "Unauthorized",
            "the API key is unknown or revoked");
        return;
      }
      SecurityContextHolder.getContext()
          .setAuthentication(new ApiKeyAuthentication(principal.get()));
      try {
        chain.doFilter(request, response);
      } finally {
        SecurityContextHolder.clearContext();
      }
    }
  }

  /** An authenticated API key; {@code admin} grants every scope's authority. */
  static final class ApiKeyAuthentication extends AbstractAuthenticationToken {
    private final ApiKeyPrincipal principal;

    ApiKeyAuthentication(ApiKeyPrincipal principal) {
      super(authorities(principal));
      this.principal = principal;
      setAuthenticated(true);
    }

    private static Collection<? extends GrantedAuthority> authorities(ApiKeyPrincipal principal) {
      List<Scope> scopes =
          principal.scopes().contains(Scope.ADMIN)
              ? Arrays.asList(Scope.values())
              : List.copyOf(principal.scopes());
      return scopes.stream().map(s -> new SimpleGrantedAuthority(s.authority())).toList();
    }

    @Override
    public Object getCredentials() {
      return "";
    }

    @Override
    public Object getPrincipal() {
      return principal;
    }

    @Override
    public String getName() {
      return principal.name();
    }
  }
}
