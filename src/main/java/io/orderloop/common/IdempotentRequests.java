package io.orderloop.common;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * {@code Idempotency-Key} for creating requests: the first response (status, body, location) is
 * stored in the same transaction as the work it describes and replayed for 24 hours; the same key
 * with a different body is refused with 422. A concurrent second request with the same key waits
 * for the first to commit and then replays it.
 */
@Component
public class IdempotentRequests {

  /** How long a stored response is replayed. */
  public static final Duration RETENTION = Duration.ofHours(24);

  private final JdbcClient jdbc;
  private final DeferredWrites deferred;
  private final Transactions transactions;
  private final Clock clock;

  IdempotentRequests(
      JdbcClient jdbc, DeferredWrites deferred, Transactions transactions, Clock clock) {
    this.jdbc = jdbc;
    this.deferred = deferred;
    this.transactions = transactions;
    this.clock = clock;
  }

  /**
   * A SHA-256 digest of a request's method, path and body, as the fingerprint of {@link #execute}.
   */
  public static String fingerprint(String request) {
    return Digests.sha256Hex(request);
  }

  /** The fingerprint of a request, made only when asked: a request without a key needs none. */
  public static Supplier<String> fingerprint(Supplier<String> request) {
    return () -> fingerprint(request.get());
  }

  /** A response as stored and replayed: status, JSON body, and the Location header if any. */
  public record StoredResponse(int status, String body, String location, boolean replayed) {
    public StoredResponse(int status, String body, String location) {
      this(status, body, location, false);
    }
  }

  /**
   * Runs {@code action} once per {@code (owner, key)}.
   *
   * @param owner who the key belongs to (the API key's id): two clients may use the same key
   * @param key the client's {@code Idempotency-Key}; {@code null} runs the action without
   *     idempotency
   * @param fingerprints a digest of the request, made only with a key; a different one under the
   *     same key is rejected with 422
   */
  public StoredResponse execute(
      String owner, String key, Supplier<String> fingerprints, Supplier<StoredResponse> action) {
    if (key == null) {
      return transactions.inTransaction(action);
    }
    String fingerprint = fingerprints.get();
    if (key.isBlank() || key.length() > 255) {
      throw ApiProblem.badRequest("Idempotency-Key must be 1 to 255 characters");
    }
    return transactions.inTransaction(
        () -> {
          Instant now = clock.instant();
          // One statement claims the key: a new row, or one whose stored answer has expired.
          int claimed =
              jdbc.sql(
                      """
          INSERT INTO idempotency_keys (owner, key, fingerprint, created_at) VALUES (?, ?, ?, ?)
          ON CONFLICT (owner, key) DO UPDATE
              SET fingerprint = EXCLUDED.fingerprint, created_at = EXCLUDED.created_at, status = NULL,
                  body = NULL, location = NULL
              WHERE idempotency_keys.created_at < ?""")
                  .params(
                      owner,
                      key,
                      fingerprint,
                      java.sql.Timestamp.from(now),
                      java.sql.Timestamp.from(now.minus(RETENTION)))
                  .update();
          if (claimed == 1) {
            StoredResponse response = action.get();
            deferred.add(
                "UPDATE idempotency_keys SET status = ?, body = ?, location = ? WHERE owner = ? AND key = ?",
                response.status(),
                response.body(),
                response.location(),
                owner,
                key);
            return response;
          }
          Optional<Row> existing =
              jdbc.sql(
                      "SELECT fingerprint, status, body, location FROM idempotency_keys WHERE owner = ? AND key = ?")
                  .params(owner, key)
                  .query(Row.class)
                  .optional();
          Row row =
              existing.orElseThrow(
                  () ->
                      new ApiProblem(
                          HttpStatus.CONFLICT,
                          "idempotency-in-flight",
                          "Request in flight",
                          "a request with this Idempotency-Key is still being processed; retry shortly"));
          if (!Objects.equals(row.fingerprint(), fingerprint)) {
            throw ApiProblem.unprocessable(
                "Idempotency-Key",
                "this key was already used with a different request body; use a new key for a new request");
          }
          if (row.status() == null) {
            throw new ApiProblem(
                HttpStatus.CONFLICT,
                "idempotency-in-flight",
                "Request in flight",
                "a request with this Idempotency-Key is still being processed; retry shortly");
          }
          return new StoredResponse(row.status(), row.body(), row.location(), true);
        });
  }

  record Row(String fingerprint, Integer status, String body, String location) {}

  /**
   * Rewrites the stored responses that mention any of {@code needles} (case-insensitively), for an
   * erasure: the replayed answer to a retried request must not bring erased data back.
   */
  public void redact(List<String> needles, java.util.function.UnaryOperator<String> rewrite) {
    record Stored(String owner, String key, String body) {}
    for (String needle : needles) {
      List<Stored> rows =
          jdbc.sql(
                  "SELECT owner, key, body FROM idempotency_keys WHERE position(? in lower(body)) > 0")
              .param(needle.toLowerCase(java.util.Locale.ROOT))
              .query((rs, n) -> new Stored(rs.getString(1), rs.getString(2), rs.getString(3)))
              .list();
      for (Stored row : rows) {
        String rewritten = rewrite.apply(row.body());
        if (!rewritten.equals(row.body())) {
          jdbc.sql("UPDATE idempotency_keys SET body = ? WHERE owner = ? AND key = ?")
              .params(rewritten, row.owner(), row.key())
              .update();
        }
      }
    }
  }
}
