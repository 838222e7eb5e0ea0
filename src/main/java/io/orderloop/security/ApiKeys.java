package io.orderloop.security;

import io.orderloop.common.Actors;
import io.orderloop.common.ApiProblem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * API keys: created with a name and scopes, shown once, stored only as a SHA-256 digest (keys are
 * 256 random bits, so a fast digest is enough and keeps per-request authentication cheap), revoked
 * by id. Rejects a duplicate name (409) and unknown scopes (422).
 */
@Service
public class ApiKeys {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Valid keys seen recently, by hash; bounded, and cleared whole when full. */
  private static final int CACHE_LIMIT = 10_000;

  private final JdbcClient jdbc;
  private final Clock clock;
  private final long cacheTtlNanos;
  private final java.util.concurrent.ConcurrentHashMap<String, Cached> cache =
      new java.util.concurrent.ConcurrentHashMap<>();

  private record Cached(ApiKeyPrincipal principal, long until) {}

  ApiKeys(JdbcClient jdbc, Clock clock, SecurityProperties properties) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.cacheTtlNanos =
        properties.keyCacheTtl() == null ? 0 : Math.max(0, properties.keyCacheTtl().toNanos());
  }

  /** A key as listed: never the key itself. */
  public record ApiKeyView(
      UUID id,
      String name,
      String prefix,
      List<String> scopes,
      Instant createdAt,
      String createdBy,
      Instant revokedAt) {}

  /** A newly created key: the only time {@code key} is shown. */
  public record CreatedApiKey(
      UUID id, String name, String prefix, List<String> scopes, Instant createdAt, String key) {}

  public CreatedApiKey create(String name, List<String> scopeNames) {
    Set<Scope> scopes = parseScopes(scopeNames);
    String key = "ol_" + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
    UUID id = UUID.randomUUID();
    Instant now = clock.instant();
    int inserted = insert(id, name, key, scopes, Actors.current(), now);
    if (inserted == 0) {
      throw ApiProblem.conflict(
          "duplicate-name", "Name taken", "an API key named '" + name + "' already exists");
    }
    return new CreatedApiKey(id, name, prefix(key), names(scopes), now, key);
  }

  public List<ApiKeyView> list() {
    return jdbc.sql(
            "SELECT id, name, prefix, scopes, created_at, created_by, revoked_at FROM api_keys ORDER BY created_at, name")
        .query(
            (rs, n) ->
                new ApiKeyView(
                    rs.getObject("id", UUID.class),
                    rs.getString("name"),
                    rs.getString("prefix"),
                    scopeList(rs.getArray("scopes")),
                    rs.getTimestamp("created_at").toInstant(),
                    rs.getString("created_by"),
                    Optional.ofNullable(rs.getTimestamp("revoked_at"))
                        .map(Timestamp::toInstant)
                        .orElse(null)))
        .list();
  }

  /** Revokes a key; its later requests get 401. 404 when there is no such key. */
  public void revoke(UUID id) {
    int updated =
        jdbc.sql("UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?")
            .params(Timestamp.from(clock.instant()), id)
            .update();
    if (updated == 0) {
      throw ApiProblem.notFound("no API key with id " + id);
    }
    cache.values().removeIf(c -> c.principal().id().equals(id));
  }

  /** The principal for a presented key, if it exists and is not revoked. */
  public Optional<ApiKeyPrincipal> authenticate(String presentedKey) {
    if (presentedKey == null || presentedKey.isBlank() || presentedKey.length() > 512) {
      return Optional.empty();
    }
    String hash = hash(presentedKey);
    Cached cached = cache.get(hash);
    long now = System.nanoTime();
    if (cached != null && now - cached.until() < 0) {
      return Optional.of(cached.principal());
    }
    Optional<ApiKeyPrincipal> found = lookUp(hash);
    if (found.isPresent() && cacheTtlNanos > 0) {
      if (cache.size() >= CACHE_LIMIT) {
        cache.clear();
      }
      cache.put(hash, new Cached(found.get(), now + cacheTtlNanos));
    } else {
      cache.remove(hash);
    }
    return found;
  }

  /** The key in an {@code Authorization: Bearer <key>} header value; null for anything else. */
  static String bearerKey(String header) {
    return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? header.substring(7).strip()
        : null;
  }

  private Optional<ApiKeyPrincipal> lookUp(String hash) {
    return jdbc.sql(
            "SELECT id, name, scopes FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL")
        .param(hash)
        .query(
            (rs, n) ->
                new ApiKeyPrincipal(
                    rs.getObject("id", UUID.class),
                    rs.getString("name"),
                    EnumSet.copyOf(
                        scopeList(rs.getArray("scopes")).stream()
                            .map(s -> Scope.parse(s).orElseThrow())
                            .toList())))
        .optional();
  }

  /**
   * Creates the bootstrap admin key unless a key with that value exists; safe when several
   * instances start at once.
   */
  void ensureBootstrapKey(String key, String name) {
    if (key.length() < 16) {
      throw new IllegalStateException("ORDERLOOP_BOOTSTRAP_API_KEY must be at least 16 characters");
    }
    Integer exists =
        jdbc.sql("SELECT count(*) FROM api_keys WHERE key_hash = ?")
            .param(hash(key))
            .query(Integer.class)
            .single();
    if (exists > 0) {
      return;
    }
    String chosen = name;
    Integer nameTaken =
        jdbc.sql("SELECT count(*) FROM api_keys WHERE name = ?")
            .param(name)
            .query(Integer.class)
            .single();
    if (nameTaken > 0) {
      chosen = name + "-" + prefix(key).substring(Math.max(0, prefix(key).length() - 4));
    }
    insert(UUID.randomUUID(), chosen, key, EnumSet.of(Scope.ADMIN), Actors.SYSTEM, clock.instant());
  }

  private int insert(
      UUID id, String name, String key, Set<Scope> scopes, String actor, Instant now) {
    return jdbc.sql(
            """
            INSERT INTO api_keys (id, name, prefix, key_hash, scopes, created_at, created_by)
            VALUES (?, ?, ?, ?, string_to_array(?, ','), ?, ?) ON CONFLICT DO NOTHING""")
        .params(
            id,
            name,
            prefix(key),
            hash(key),
            String.join(",", names(scopes)),
            Timestamp.from(now),
            actor)
        .update();
  }

  private static Set<Scope> parseScopes(List<String> names) {
    if (names == null || names.isEmpty()) {
      throw ApiProblem.unprocessable("scopes", "give at least one scope, from " + allScopeNames());
    }
    EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (String n : names) {
      scopes.add(
          Scope.parse(n)
              .orElseThrow(
                  () ->
                      ApiProblem.unprocessable(
                          "scopes",
                          "unknown scope '" + n + "'; known scopes are " + allScopeNames())));
    }
    return scopes;
  }

  private static String allScopeNames() {
    return Arrays.stream(Scope.values()).map(Scope::value).collect(Collectors.joining(", "));
  }

  private static List<String> names(Set<Scope> scopes) {
    return scopes.stream().map(Scope::value).toList();
  }

  private static List<String> scopeList(Array array) throws SQLException {
    return Arrays.asList((String[]) array.getArray());
  }

  private static String prefix(String key) {
    return key.substring(0, Math.min(8, key.length()));
  }

  static String hash(String key) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
