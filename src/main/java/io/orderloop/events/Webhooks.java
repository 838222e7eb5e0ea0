package io.orderloop.events;

import io.orderloop.common.ApiProblem;
import io.orderloop.common.Transactions;
import java.net.URI;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Webhook subscriptions: created with a target URL and an optional event-type filter, given a
 * Standard Webhooks secret ({@code whsec_} + base64, shown at creation and on rotation), paused,
 * resumed, replayed from a point in time, deleted. Rejects (422) URLs that are not http(s) or whose
 * host is not an allowed target ({@link WebhookTargets}: loopback and private addresses only with
 * {@code orderloop.webhooks.allow-private-targets}, link-local and metadata never); 404 for unknown
 * subscriptions. Deliveries check the addresses again as they connect.
 */
@Service
public class Webhooks {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String COLUMNS =
      "id, url, event_types, state, cursor, attempts, next_attempt_at, last_error, created_at, updated_at";

  private final JdbcClient jdbc;
  private final Transactions transactions;
  private final Feed feed;
  private final WebhookTargets targets;
  private final Clock clock;

  Webhooks(
      JdbcClient jdbc, Transactions transactions, Feed feed, WebhookTargets targets, Clock clock) {
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.feed = feed;
    this.targets = targets;
    this.clock = clock;
  }

  /** A subscription as listed; the secret only appears when created or rotated. */
  public record Subscription(
      UUID id,
      String url,
      List<String> eventTypes,
      String state,
      long deliveredUpTo,
      int attempts,
      Instant nextAttemptAt,
      String lastError,
      Instant createdAt,
      Instant updatedAt,
      String secret) {}

  /**
   * New subscriptions start at the end of the feed: they receive events from now on (replay reaches
   * back).
   */
  public Subscription create(String url, List<String> eventTypes) {
    String checked = checkUrl(url);
    UUID id = UUID.randomUUID();
    String secret = newSecret();
    Instant now = clock.instant();
    transactions.run(
        () ->
            jdbc.sql(
                    """
                    INSERT INTO webhook_subscriptions (id, url, event_types, secret, state, cursor, created_at, updated_at)
                    VALUES (?, ?, ?, ?, 'ACTIVE', ?, ?, ?)""")
                .params(
                    id,
                    checked,
                    eventTypes == null || eventTypes.isEmpty()
                        ? null
                        : eventTypes.toArray(String[]::new),
                    secret,
                    feed.lastPosition(),
                    Timestamp.from(now),
                    Timestamp.from(now))
                .update());
    return withSecret(get(id), secret);
  }

  public List<Subscription> list() {
    return jdbc.sql("SELECT " + COLUMNS + " FROM webhook_subscriptions ORDER BY created_at")
        .query((rs, n) -> map(rs))
        .list();
  }

  public Subscription get(UUID id) {
    return find(id).orElseThrow(() -> ApiProblem.notFound("no webhook subscription " + id));
  }

  private Optional<Subscription> find(UUID id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM webhook_subscriptions WHERE id = ?")
        .param(id)
        .query((rs, n) -> map(rs))
        .optional();
  }

  /** Changes the URL, the filter, or pauses/resumes; a paused subscription keeps its backlog. */
  public Subscription update(UUID id, String url, List<String> eventTypes, Boolean paused) {
    get(id);
    transactions.run(
        () -> {
          if (url != null) {
            jdbc.sql("UPDATE webhook_subscriptions SET url = ? WHERE id = ?")
                .params(checkUrl(url), id)
                .update();
          }
          if (eventTypes != null) {
            jdbc.sql("UPDATE webhook_subscriptions SET event_types = ? WHERE id = ?")
                .params(eventTypes.isEmpty() ? null : eventTypes.toArray(String[]::new), id)
                .update();
          }
          if (paused != null) {
            jdbc.sql(
                    """
                    UPDATE webhook_subscriptions SET state = ?, attempts = 0, next_attempt_at = NULL
                    WHERE id = ?""")
                .params(paused ? "PAUSED" : "ACTIVE", id)
                .update();
          }
          jdbc.sql(
                  "UPDATE webhook_subscriptions SET updated_at = ?, version = version + 1 WHERE id = ?")
              .params(Timestamp.from(clock.instant()), id)
              .update();
        });
    return get(id);
  }

  public void delete(UUID id) {
    if (jdbc.sql("DELETE FROM webhook_subscriptions WHERE id = ?").param(id).update() == 0) {
      throw ApiProblem.notFound("no webhook subscription " + id);
    }
  }

  /** A new secret; the old one stops signing at once. */
  public Subscription rotateSecret(UUID id) {
    get(id);
    String secret = newSecret();
    jdbc.sql("UPDATE webhook_subscriptions SET secret = ?, updated_at = ? WHERE id = ?")
        .params(secret, Timestamp.from(clock.instant()), id)
        .update();
    return withSecret(get(id), secret);
  }

  /**
   * Resumes delivery (a DEAD or PAUSED subscription becomes ACTIVE); with {@code from}, starts
   * again at the first event at or after that time, so receivers get those events again (they
   * dedupe by event id).
   */
  public Subscription replay(UUID id, Instant from) {
    get(id);
    transactions.run(
        () -> {
          if (from != null) {
            jdbc.sql("UPDATE webhook_subscriptions SET cursor = ? WHERE id = ?")
                .params(feed.positionBefore(from), id)
                .update();
          }
          jdbc.sql(
                  """
                  UPDATE webhook_subscriptions SET state = 'ACTIVE', attempts = 0, next_attempt_at = NULL,
                      last_error = NULL, updated_at = ? WHERE id = ?""")
              .params(Timestamp.from(clock.instant()), id)
              .update();
        });
    return get(id);
  }

  /** One delivery attempt as recorded. */
  public record Delivery(
      long id,
      UUID eventId,
      long position,
      String eventType,
      int attempt,
      Integer statusCode,
      Integer latencyMs,
      String error,
      boolean succeeded,
      Instant at) {}

  public List<Delivery> deliveries(UUID id, int limit) {
    get(id);
    return jdbc.sql(
            """
            SELECT id, event_id, position, event_type, attempt, status_code, latency_ms, error, succeeded, at
            FROM webhook_deliveries WHERE subscription_id = ? ORDER BY id DESC LIMIT ?""")
        .params(id, limit)
        .query(
            (rs, n) ->
                new Delivery(
                    rs.getLong("id"),
                    rs.getObject("event_id", UUID.class),
                    rs.getLong("position"),
                    rs.getString("event_type"),
                    rs.getInt("attempt"),
                    (Integer) rs.getObject("status_code"),
                    (Integer) rs.getObject("latency_ms"),
                    rs.getString("error"),
                    rs.getBoolean("succeeded"),
                    rs.getTimestamp("at").toInstant()))
        .list();
  }

  private String checkUrl(String url) {
    URI uri;
    try {
      uri = URI.create(url.strip());
    } catch (IllegalArgumentException e) {
      throw ApiProblem.unprocessable("url", "'" + url + "' is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw ApiProblem.unprocessable("url", "use an http or https URL");
    }
    String host = uri.getHost();
    if (host == null || host.isBlank()) {
      throw ApiProblem.unprocessable("url", "the URL has no host");
    }
    String refusal =
        targets.refusal(host.replaceAll("^\\[|\\]$", ""), WebhookTargets.Resolver.SYSTEM);
    if (refusal != null) {
      throw ApiProblem.unprocessable("url", refusal);
    }
    return uri.toString();
  }

  private static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "whsec_" + Base64.getEncoder().encodeToString(bytes);
  }

  private static Subscription withSecret(Subscription s, String secret) {
    return new Subscription(
        s.id(),
        s.url(),
        s.eventTypes(),
        s.state(),
        s.deliveredUpTo(),
        s.attempts(),
        s.nextAttemptAt(),
        s.lastError(),
        s.createdAt(),
        s.updatedAt(),
        secret);
  }

  private static Subscription map(java.sql.ResultSet rs) throws java.sql.SQLException {
    java.sql.Array types = rs.getArray("event_types");
    Timestamp next = rs.getTimestamp("next_attempt_at");
    return new Subscription(
        rs.getObject("id", UUID.class),
        rs.getString("url"),
        types == null ? List.of() : List.of((String[]) types.getArray()),
        rs.getString("state"),
        rs.getLong("cursor"),
        rs.getInt("attempts"),
        next == null ? null : next.toInstant(),
        rs.getString("last_error"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("updated_at").toInstant(),
        null);
  }
}
