package io.orderloop.security;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket of failed requests per client. Each refused request (a 4xx that says the request
 * itself was wrong) takes a token; tokens come back at a steady rate. A client with none left is
 * slowed down before anything else is done for it, so a misbehaving integration cannot take the
 * service's CPU from the others: on two cores a few hundred cheap refusals a second are as costly
 * as the orders they crowd out.
 */
final class ErrorBudget {

  /** Buckets kept at most; when full, the idle ones (full again) are dropped. */
  private static final int MAX_CLIENTS = 100_000;

  private final double burst;
  private final double perNano;
  private final LongSupplier nanos;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  ErrorBudget(int burst, double perSecond, LongSupplier nanos) {
    this.burst = burst;
    this.perNano = perSecond / Duration.ofSeconds(1).toNanos();
    this.nanos = nanos;
  }

  boolean enabled() {
    return burst > 0;
  }

  /** True when {@code client} has no failed requests left to spend. */
  boolean exhausted(String client) {
    Bucket b = buckets.get(client);
    if (b == null) {
      return false;
    }
    synchronized (b) {
      refill(b);
      return b.tokens < 1;
    }
  }

  /** Spends one failed request of {@code client}. */
  void charge(String client) {
    if (buckets.size() >= MAX_CLIENTS) {
      buckets.values().removeIf(this::full);
    }
    Bucket b = buckets.computeIfAbsent(client, c -> new Bucket(burst, nanos.getAsLong()));
    synchronized (b) {
      refill(b);
      b.tokens = Math.max(0, b.tokens - 1);
    }
  }

  private boolean full(Bucket b) {
    synchronized (b) {
      refill(b);
      return b.tokens >= burst;
    }
  }

  private void refill(Bucket b) {
    long now = nanos.getAsLong();
    b.tokens = Math.min(burst, b.tokens + (now - b.at) * perNano);
    b.at = now;
  }
}
