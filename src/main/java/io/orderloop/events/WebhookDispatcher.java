package io.orderloop.events;

import jakarta.annotation.PreDestroy;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Delivers the feed to webhook subscriptions in order per order: an event of an order is not sent
 * before every earlier event of that order was delivered; events of different orders go in up to
 * {@code orderloop.webhooks.concurrency} lanes at once (1: strictly in feed order). A subscription
 * is leased by one instance at a time (a lease token in its row, renewed while a batch is sent);
 * progress and the delivery log are saved once per batch of up to 100 events, so a crash repeats at
 * most that batch — at least once. Failures retry with jittered exponential backoff; after {@code
 * max-attempts} the subscription is DEAD and keeps its backlog until replayed.
 */
@Component
class WebhookDispatcher {

  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

  private final JdbcClient jdbc;
  private final io.orderloop.common.DeferredWrites deferred;
  private final Feed feed;
  private final WebhookProperties properties;
  private final JsonMapper json;
  private final Clock clock;
  private final WebhookClient http;
  private final Duration lease;
  private final io.orderloop.common.Transactions transactions;

  WebhookDispatcher(
      JdbcClient jdbc,
      Feed feed,
      WebhookProperties properties,
      JsonMapper json,
      Clock clock,
      io.orderloop.common.Transactions transactions,
      WebhookTargets targets,
      EventMetrics metrics,
      io.orderloop.common.DeferredWrites deferred) {
    this.metrics = metrics;
    this.deferred = deferred;
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.feed = feed;
    this.properties = properties;
    this.json = json;
    this.clock = clock;
    // Long enough for a few deliveries, short enough that a crashed instance's lease lapses
    // quickly.
    this.lease = properties.timeout().multipliedBy(3);
    this.http = new WebhookClient(targets, properties.timeout(), WebhookTargets.Resolver.SYSTEM);
  }

  private final EventMetrics metrics;

  record Claim(
      UUID id, String url, String[] eventTypes, String secret, long cursor, int attempts) {}

  @Scheduled(fixedDelayString = "${orderloop.webhooks.poll-interval:PT0.1S}")
  void dispatch() {
    try {
      for (int i = 0; i < 10; i++) {
        UUID token = UUID.randomUUID();
        Optional<Claim> claim = claim(token);
        if (claim.isEmpty()) {
          return;
        }
        boolean released = false;
        try {
          released = deliver(claim.get(), token);
        } finally {
          if (!released) {
            release(token);
          }
        }
      }
    } catch (RuntimeException e) {
      log.warn("webhook dispatch failed, will retry: {}", e.getMessage());
    }
  }

  private void release(UUID token) {
    jdbc.sql(
            "UPDATE webhook_subscriptions SET leased_until = NULL, lease_token = NULL WHERE lease_token = ?")
        .param(token)
        .update();
  }

  private Optional<Claim> claim(UUID token) {
    Timestamp now = Timestamp.from(clock.instant());
    return jdbc.sql(
            """
            UPDATE webhook_subscriptions s SET leased_until = :until, lease_token = :token
            WHERE s.id = (SELECT id FROM webhook_subscriptions
                          WHERE state = 'ACTIVE' AND (next_attempt_at IS NULL OR next_attempt_at <= :now)
                            AND (leased_until IS NULL OR leased_until < :now)
                            AND cursor < (SELECT coalesce(max(position), 0) FROM outbox)
                          ORDER BY coalesce(next_attempt_at, updated_at) LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id, url, event_types, secret, cursor, attempts""")
        .param("until", Timestamp.from(clock.instant().plus(lease)))
        .param("token", token)
        .param("now", now)
        .query(
            (rs, n) -> {
              java.sql.Array types = rs.getArray("event_types");
              return new Claim(
                  rs.getObject("id", UUID.class),
                  rs.getString("url"),
                  types == null ? null : (String[]) types.getArray(),
                  rs.getString("secret"),
                  rs.getLong("cursor"),
                  rs.getInt("attempts"));
            })
        .optional();
  }

  /** A delivery attempt waiting to be written with the next progress save. */
  record Attempt(
      UUID eventId,
      long position,
      String type,
      int attempt,
      WebhookClient.Outcome outcome,
      Instant at) {}

  /**
   * Sends the events after the cursor: the events of one subject (an order) one after another, in
   * order; different subjects in up to {@code orderloop.webhooks.concurrency} lanes at once. Each
   * lane stops at its first failure; the cursor then moves to just before the earliest failed event
   * (everything before it was delivered), so the failed event and what follows it are sent again
   * later — events of other orders past that point may reach the receiver twice (delivery is at
   * least once; {@code webhook-id} tells a repeat), never an order's event before an earlier one of
   * the same order. Progress, the delivery log, a failure's backoff and the lease's release are
   * saved together in one transaction per batch. Returns whether that save released the lease.
   */
  private boolean deliver(Claim claim, UUID token) {
    List<Feed.Positioned> events = feed.after(claim.cursor(), 100);
    if (events.isEmpty()) {
      return false;
    }
    List<String> wantedTypes = claim.eventTypes() == null ? null : List.of(claim.eventTypes());
    Map<Integer, List<Feed.Positioned>> lanes = new java.util.TreeMap<>();
    int laneCount = Math.max(1, properties.concurrency());
    long head = -1;
    for (Feed.Positioned p : events) {
      if (wantedTypes != null && !wantedTypes.contains(p.event().type())) {
        continue;
      }
      if (head < 0) {
        head = p.position();
      }
      String subject = p.event().subject() == null ? "" : p.event().subject();
      lanes
          .computeIfAbsent(Math.floorMod(subject.hashCode(), laneCount), k -> new ArrayList<>())
          .add(p);
    }
    List<Attempt> log = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.ConcurrentSkipListMap<Long, WebhookClient.Outcome> failures =
        new java.util.concurrent.ConcurrentSkipListMap<>();
    // Set when the lease is lost or a lane dies: the lanes stop and nothing of the batch is saved.
    java.util.concurrent.atomic.AtomicBoolean abandon =
        new java.util.concurrent.atomic.AtomicBoolean();
    long first = head;
    // Each lane carries the dispatch's trace (traceparent on its requests).
    io.micrometer.context.ContextSnapshot trace =
        io.micrometer.context.ContextSnapshotFactory.builder().build().captureAll();
    // A lane that dies of anything thrown past its own handling abandons the batch (as a lost lease
    // does): nothing of it is saved, so the cursor never passes events it did not send or record.
    List<Thread> senders =
        lanes.values().stream()
            .map(
                lane ->
                    Thread.ofVirtual()
                        .start(
                            trace.wrap(
                                () -> {
                                  try {
                                    sendLane(claim, lane, first, log, failures, abandon);
                                  } catch (Throwable t) {
                                    abandon.set(true);
                                    throw t;
                                  }
                                })))
            .toList();
    // While the lanes send, the lease is renewed (another dispatcher must not take the subscription
    // over mid-batch); a lease found lost, or one that could not be renewed, stops the lanes after
    // their request in flight, and nothing of the batch is saved. Every lane has ended before the
    // lease is released, so a next holder never sends beside them — except when this thread is
    // interrupted (shutdown): the lanes are interrupted too and the lease released at once.
    Duration renewEvery = lease.dividedBy(3);
    for (Thread sender : senders) {
      try {
        while (!sender.join(renewEvery)) {
          if (!abandon.get() && !renew(token)) {
            abandon.set(true);
          }
        }
      } catch (InterruptedException e) {
        abandon.set(true);
        senders.forEach(Thread::interrupt);
        Thread.currentThread().interrupt();
        return false;
      }
    }
    if (abandon.get()) {
      WebhookDispatcher.log.warn(
          "webhook subscription {}: batch abandoned (lease lost, or a lane failed unexpectedly);"
              + " it is sent again",
          claim.id());
      return false;
    }
    log.sort(java.util.Comparator.comparingLong(Attempt::position));
    if (failures.isEmpty()) {
      save(claim, token, log, events.getLast().position(), 0, null);
      return true;
    }
    Map.Entry<Long, WebhookClient.Outcome> failed = failures.firstEntry();
    int attempts = failed.getKey() == head ? claim.attempts() + 1 : 1;
    save(claim, token, log, failed.getKey() - 1, attempts, failed.getValue().error());
    if (attempts >= properties.maxAttempts()) {
      WebhookDispatcher.log.warn(
          "webhook subscription {} is DEAD after {} attempts", claim.id(), attempts);
    }
    return true;
  }

  /** Whether the lease was extended; false when it was lost or the database did not answer. */
  private boolean renew(UUID token) {
    try {
      return jdbc.sql("UPDATE webhook_subscriptions SET leased_until = ? WHERE lease_token = ?")
              .params(Timestamp.from(clock.instant().plus(lease)), token)
              .update()
          == 1;
    } catch (RuntimeException e) {
      WebhookDispatcher.log.warn("webhook lease could not be renewed: {}", e.toString());
      return false;
    }
  }

  /**
   * Sends one lane's events in order, stopping at the first failure — a failed request, or anything
   * thrown on the way (then that event counts as failed, so the cursor never passes it).
   */
  private void sendLane(
      Claim claim,
      List<Feed.Positioned> lane,
      long head,
      List<Attempt> log,
      Map<Long, WebhookClient.Outcome> failures,
      java.util.concurrent.atomic.AtomicBoolean abandon) {
    for (Feed.Positioned p : lane) {
      if (abandon.get() || Thread.currentThread().isInterrupted()) {
        return; // nothing of the batch is saved: its next holder sends it again
      }
      CloudEvent event = p.event();
      WebhookClient.Outcome outcome;
      try {
        outcome = post(claim, event);
      } catch (RuntimeException e) {
        WebhookDispatcher.log.warn(
            "webhook delivery to subscription {} failed before it was sent: {}",
            claim.id(),
            e.toString());
        failures.put(p.position(), new WebhookClient.Outcome(false, null, null, "not sent"));
        return;
      }
      metrics.attempt(outcome.ok());
      log.add(
          new Attempt(
              UUID.fromString(event.id()),
              p.position(),
              event.type(),
              p.position() == head ? claim.attempts() + 1 : 1,
              outcome,
              clock.instant()));
      if (!outcome.ok()) {
        failures.put(p.position(), outcome);
        return;
      }
    }
  }

  /**
   * One transaction, one round trip: the batch's delivery log, the cursor moved to {@code cursor}
   * (never back), the lease released, and either a clean slate ({@code attempts} 0) or the earliest
   * failure's attempts, backoff and error, DEAD after {@code max-attempts}. Only ACTIVE
   * subscriptions are claimed, so any other state is left as it is (one paused meanwhile stays
   * paused).
   */
  private void save(
      Claim claim, UUID token, List<Attempt> log, long cursor, int attempts, String error) {
    boolean failed = attempts > 0;
    transactions.run(
        () -> {
          // Held back: the log rows and the progress travel with the commit in one round trip.
          for (Attempt a : log) {
            deferred.add(
                """
                INSERT INTO webhook_deliveries (subscription_id, event_id, position, event_type, attempt,
                                                status_code, latency_ms, error, succeeded, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                claim.id(),
                a.eventId(),
                a.position(),
                a.type(),
                a.attempt(),
                a.outcome().status(),
                a.outcome().latencyMs(),
                a.outcome().error(),
                a.outcome().ok(),
                Timestamp.from(a.at()));
          }
          deferred.add(
              """
              UPDATE webhook_subscriptions SET cursor = greatest(cursor, ?), attempts = ?, next_attempt_at = ?,
                  last_error = ?, state = CASE WHEN ? THEN 'DEAD' ELSE state END,
                  updated_at = coalesce(?, updated_at), leased_until = NULL, lease_token = NULL
              WHERE lease_token = ?""",
              cursor,
              attempts,
              failed ? Timestamp.from(clock.instant().plus(backoff(attempts))) : null,
              error,
              attempts >= properties.maxAttempts(),
              failed ? Timestamp.from(clock.instant()) : null,
              token);
        });
    log.clear();
  }

  /** Doubling from the initial backoff, ±20 % jitter, capped. */
  Duration backoff(int attempts) {
    long base = properties.initialBackoff().toMillis() << Math.min(attempts - 1, 20);
    long capped = Math.min(base, properties.maxBackoff().toMillis());
    double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
    return Duration.ofMillis(Math.max(1, (long) (capped * jitter)));
  }

  private WebhookClient.Outcome post(Claim claim, CloudEvent event) {
    String body = json.writeValueAsString(event);
    long timestamp = clock.instant().getEpochSecond();
    return http.post(
        claim.url(),
        Map.of(
            "webhook-id", event.id(),
            "webhook-timestamp", String.valueOf(timestamp),
            "webhook-signature", "v1," + sign(claim.secret(), event.id(), timestamp, body)),
        body);
  }

  @PreDestroy
  void close() throws java.io.IOException {
    http.close();
  }

  /**
   * Standard Webhooks: base64 HMAC-SHA256 of {@code id.timestamp.body} with the secret after {@code
   * whsec_}.
   */
  static String sign(String secret, String id, long timestamp, String body) {
    try {
      byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] digest =
          mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
