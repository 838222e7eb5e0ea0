package io.orderloop.console;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Sign-in throttling per client address, on top of the per-account lock: an address with too many
 * failed sign-ins within the window (whatever e-mails it tried, known or not) is sent back to the
 * login form without its attempt being checked, until the oldest failure leaves the window. Kept in
 * memory per instance: it slows password spraying from one address; the account lock (in the
 * database) holds across instances.
 */
final class SignInThrottle extends OncePerRequestFilter {

  /** At most this many addresses are tracked; the oldest are forgotten first beyond it. */
  static final int MAX_ADDRESSES = 100_000;

  private final ConsoleUsers users;
  private final ConsoleProperties properties;
  private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

  SignInThrottle(ConsoleUsers users, ConsoleProperties properties) {
    this.users = users;
    this.properties = properties;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !("POST".equals(request.getMethod()) && "/login".equals(request.getServletPath()));
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (throttled(request.getRemoteAddr())) {
      response.sendRedirect(request.getContextPath() + "/login?throttled");
      return;
    }
    chain.doFilter(request, response);
  }

  boolean throttled(String address) {
    Deque<Instant> seen = failures.get(address);
    if (seen == null) {
      return false;
    }
    synchronized (seen) {
      prune(seen, users.now());
      return seen.size() >= properties.signInFailuresPerAddress();
    }
  }

  void failed(String address) {
    if (address == null) {
      return;
    }
    Instant now = users.now();
    if (failures.size() >= MAX_ADDRESSES) {
      failures.entrySet().removeIf(e -> expired(e.getValue(), now));
      if (failures.size() >= MAX_ADDRESSES) {
        failures.clear();
      }
    }
    Deque<Instant> seen = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
    synchronized (seen) {
      prune(seen, now);
      seen.addLast(now);
    }
  }

  private boolean expired(Deque<Instant> seen, Instant now) {
    synchronized (seen) {
      prune(seen, now);
      return seen.isEmpty();
    }
  }

  private void prune(Deque<Instant> seen, Instant now) {
    Instant horizon = now.minus(properties.signInThrottleWindow());
    while (!seen.isEmpty() && !seen.peekFirst().isAfter(horizon)) {
      seen.removeFirst();
    }
  }
}
