package io.orderloop.security;

import io.orderloop.common.Digests;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Slows down clients that keep sending bad requests ({@code orderloop.security.error-budget}). A
 * client is its API key, or its address when it sends none or a key that fails. Once a client has
 * spent its budget, its requests wait {@code penalty} (a parked virtual thread costs nothing) and
 * get 429 with {@code Retry-After}, without being read. A client with a valid key is judged by that
 * key alone: others' bad requests from the same address (a team behind one NAT) never refuse it.
 * The address is the connection's own unless forwarded headers are explicitly trusted ({@code
 * server.forward-headers-strategy=native} with {@code server.tomcat.remoteip.internal-proxies}
 * naming the proxies; see docs/security.md).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
class ErrorBudgetFilter extends OncePerRequestFilter {

  /**
   * Answers that say the request itself was wrong (409, 412 and 5xx are not the client's fault).
   */
  private static final Set<Integer> CHARGED =
      Set.of(400, 403, 404, 405, 408, 413, 414, 415, 422, 431);

  private final ErrorBudget budget;
  private final Duration penalty;
  private final ApiKeys apiKeys;
  private final SecurityConfiguration.ProblemResponder problems;

  ErrorBudgetFilter(SecurityProperties properties, ApiKeys apiKeys, JsonMapper json) {
    SecurityProperties.ErrorBudget settings = properties.errorBudget();
    this.budget = new ErrorBudget(settings.burst(), settings.perSecond(), System::nanoTime);
    this.penalty = settings.penalty();
    this.apiKeys = apiKeys;
    this.problems = new SecurityConfiguration.ProblemResponder(json);
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (!budget.enabled()) {
      chain.doFilter(request, response);
      return;
    }
    String key = ApiKeys.bearerKey(request.getHeader(HttpHeaders.AUTHORIZATION));
    if (key != null && (key.isEmpty() || key.length() > 512)) {
      key = null; // refused by authentication without a look-up; counted against the address
    }
    String keyClient = key == null ? null : "key:" + Digests.sha256Hex(key);
    String addressClient = "address:" + request.getRemoteAddr();
    boolean overBudget;
    if (keyClient == null) {
      overBudget = budget.exhausted(addressClient);
    } else if (budget.exhausted(keyClient)) {
      overBudget = true;
    } else {
      // A valid key is judged by its own record alone, whoever else shares its address; only a
      // key that is not one (decided in memory, no query per made-up key) falls back to the
      // address's budget.
      overBudget = budget.exhausted(addressClient) && !apiKeys.mayBeValid(key);
    }
    if (overBudget) {
      slowDown(response);
      return;
    }
    chain.doFilter(request, response);
    int status = response.getStatus();
    if (status == 401) {
      budget.charge(addressClient); // a wrong key: keys are free to make up, addresses are not
    } else if (CHARGED.contains(status)) {
      budget.charge(keyClient != null ? keyClient : addressClient);
    }
  }

  private void slowDown(HttpServletResponse response) throws IOException {
    try {
      Thread.sleep(penalty);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, penalty.toSeconds())));
    response.setHeader(HttpHeaders.CONNECTION, "close");
    problems.write(
        response,
        HttpStatus.TOO_MANY_REQUESTS,
        "too-many-bad-requests",
        "Too many bad requests",
        "this client sent too many requests that were refused; fix them (see the earlier problem"
            + " details), then retry after Retry-After seconds");
  }
}
