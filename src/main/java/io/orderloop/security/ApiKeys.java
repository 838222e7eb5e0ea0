package io.orderloop.security;

import io.orderloop.common.Actors;
import io.orderloop.common.ApiProblem;
import io.orderloop.common.Digests;
import io.orderloop.common.Secrets;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * API keys: created with a name and scopes, shown once, stored only as an HMAC-SHA256 under a key
 * derived from the server secret ({@link Secrets}), revoked by id. Generated keys are 256 random
 * bits, so a fast keyed digest keeps per-request authentication cheap; the key on the digest means
 * a stolen database alone cannot be used to test guesses of a human-chosen bootstrap key. Listings
 * show a generated identifier ({@code ol_xxxxxxxx}), never characters of the key. Rejects a
 * duplicate name (409) and unknown scopes (422).
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

  private final Secrets secrets;

  ApiKeys(JdbcClient jdbc, Clock clock, SecurityProperties properties, Secrets secrets) {
    this.jdbc = jdbc;
    this.secrets = secrets;
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
      String customerEmail,
      AgentLimits limits,
      Instant createdAt,
      String createdBy,
      Instant revokedAt) {}

  /** A newly created key: the only time {@code key} is shown. */
  public record CreatedApiKey(
      UUID id,
      String name,
      String prefix,
      List<String> scopes,
      String customerEmail,
      AgentLimits limits,
      Instant createdAt,
      String key) {}

  public CreatedApiKey create(String name, List<String> scopeNames) {
    return create(name, scopeNames, null, null);
  }

  public CreatedApiKey create(String name, List<String> scopeNames, String customerEmail) {
    return create(name, scopeNames, customerEmail, null);
  }

  /**
   * Creates a key. An agent key ({@code agent:read}, and {@code agent:write} to also act) holds
   * agent scopes only, and may be bound to one customer by {@code customerEmail} (a buyer's agent);
   * other keys may not be bound.
   */
  public CreatedApiKey create(
      String name, List<String> scopeNames, String customerEmail, AgentLimits limits) {
    Set<Scope> scopes = parseScopes(scopeNames);
    boolean agent = scopes.stream().anyMatch(Scope::agent);
    if (agent && !scopes.stream().allMatch(Scope::agent)) {
      throw ApiProblem.unprocessable(
          "scopes",
          "an agent key holds agent scopes only (agent:read, agent:write): make a separate key for"
              + " the rest");
    }
    if (scopes.contains(Scope.AGENT_WRITE) && !scopes.contains(Scope.AGENT_READ)) {
      throw ApiProblem.unprocessable(
          "scopes", "agent:write goes with agent:read: an agent that acts also looks");
    }
    String customer =
        customerEmail == null || customerEmail.isBlank()
            ? null
            : customerEmail.strip().toLowerCase(java.util.Locale.ROOT);
    if (customer != null && !agent) {
      throw ApiProblem.unprocessable(
          "customerEmail", "only an agent key (agent:read) can be bound to a customer");
    }
    AgentLimits spending = limits(limits, agent);
    // "ol_" + a public identifier + "_" + 256 random bits: the listed prefix is the identifier
    // only, never a part of the secret.
    String prefix = "ol_" + identifier();
    String key =
        prefix + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
    UUID id = UUID.randomUUID();
    Instant now = clock.instant();
    int inserted = insert(id, name, prefix, key, scopes, customer, spending, Actors.current(), now);
    activeLoadedAt = Long.MIN_VALUE / 2; // the next check re-reads, and sees this key
    if (inserted == 0) {
      throw ApiProblem.conflict(
          "duplicate-name", "Name taken", "an API key named '" + name + "' already exists");
    }
    return new CreatedApiKey(id, name, prefix, names(scopes), customer, spending, now, key);
  }

  /** Checked spending limits of an agent key; none (null) when no amount is set. */
  private static AgentLimits limits(AgentLimits limits, boolean agent) {
    if (limits == null || limits.none()) {
      return null;
    }
    if (!agent) {
      throw ApiProblem.unprocessable("limits", "only an agent key (agent:read) has limits");
    }
    java.util.Currency currency;
    try {
      currency = io.orderloop.common.Currencies.require(limits.currency());
    } catch (RuntimeException e) {
      throw ApiProblem.unprocessable(
          "limits.currency", "give the ISO 4217 code the limits are in, such as USD or EUR");
    }
    for (var amount :
        List.of(
            java.util.Map.entry("perOrder", java.util.Optional.ofNullable(limits.perOrder())),
            java.util.Map.entry("perDay", java.util.Optional.ofNullable(limits.perDay())))) {
      BigDecimal v = amount.getValue().orElse(null);
      if (v != null
          && (v.signum() < 0
              || v.compareTo(new BigDecimal("1000000000000")) >= 0
              || !io.orderloop.common.Currencies.fitsScale(v, currency))) {
        throw ApiProblem.unprocessable(
            "limits." + amount.getKey(),
            v.toPlainString()
                + " is not an amount of "
                + currency.getCurrencyCode()
                + " between 0 and 999,999,999,999");
      }
    }
    return new AgentLimits(currency.getCurrencyCode(), limits.perOrder(), limits.perDay());
  }

  private static AgentLimits limits(java.sql.ResultSet rs) throws java.sql.SQLException {
    String currency = rs.getString("limit_currency");
    return currency == null
        ? null
        : new AgentLimits(
            currency, rs.getBigDecimal("limit_per_order"), rs.getBigDecimal("limit_per_day"));
  }

  public List<ApiKeyView> list() {
    return jdbc.sql(
            "SELECT id, name, prefix, scopes, customer_email, limit_currency, limit_per_order,"
                + " limit_per_day, created_at, created_by, revoked_at FROM api_keys"
                + " ORDER BY created_at, name")
        .query(
            (rs, n) ->
                new ApiKeyView(
                    rs.getObject("id", UUID.class),
                    rs.getString("name"),
                    rs.getString("prefix"),
                    scopeList(rs.getArray("scopes")),
                    rs.getString("customer_email"),
                    limits(rs),
                    rs.getTimestamp("created_at").toInstant(),
                    rs.getString("created_by"),
                    Optional.ofNullable(rs.getTimestamp("revoked_at"))
                        .map(Timestamp::toInstant)
                        .orElse(null)))
        .list();
  }

  /** True when the key exists and is not revoked. */
  public boolean active(UUID id) {
    return jdbc.sql("SELECT count(*) FROM api_keys WHERE id = ? AND revoked_at IS NULL")
            .param(id)
            .query(Long.class)
            .single()
        > 0;
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
    // The current hash alone answers from the cache; older forms only matter for a look-up.
    String hash = secrets.mac("api-keys", presentedKey);
    Cached cached = cache.get(hash);
    long now = System.nanoTime();
    if (cached != null && now - cached.until() < 0) {
      return Optional.of(cached.principal());
    }
    Optional<ApiKeyPrincipal> found = lookUp(acceptedHashes(presentedKey));
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

  /** Hashes of the keys that are not revoked, as of {@link #activeLoadedAt}. */
  private volatile Set<String> activeHashes = Set.of();

  private volatile long activeLoadedAt = Long.MIN_VALUE / 2;

  /**
   * Whether {@code presentedKey} could be a valid key, decided in memory: it is in the cache, or
   * one of its accepted hashes is among the unrevoked keys' hashes (re-read at most every 5 s).
   * Lets the error budget tell a team's valid key from made-up ones sent from the same address
   * without a database query per made-up key.
   */
  boolean mayBeValid(String presentedKey) {
    if (presentedKey == null || presentedKey.isBlank() || presentedKey.length() > 512) {
      return false;
    }
    Cached cached = cache.get(secrets.mac("api-keys", presentedKey));
    if (cached != null && System.nanoTime() - cached.until() < 0) {
      return true;
    }
    Set<String> active = activeHashes();
    return acceptedHashes(presentedKey).stream().anyMatch(active::contains);
  }

  private Set<String> activeHashes() {
    if (System.nanoTime() - activeLoadedAt > java.time.Duration.ofSeconds(5).toNanos()) {
      synchronized (this) {
        if (System.nanoTime() - activeLoadedAt > java.time.Duration.ofSeconds(5).toNanos()) {
          activeHashes =
              Set.copyOf(
                  jdbc.sql("SELECT key_hash FROM api_keys WHERE revoked_at IS NULL")
                      .query(String.class)
                      .list());
          activeLoadedAt = System.nanoTime();
        }
      }
    }
    return activeHashes;
  }

  /** The key in an {@code Authorization: Bearer <key>} header value; null for anything else. */
  static String bearerKey(String header) {
    return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? header.substring(7).strip()
        : null;
  }

  /**
   * The stored forms a presented key may have: its HMAC under the current server secret (first),
   * under a generated secret a configured one replaced, and the unkeyed SHA-256 of keys stored
   * before V12. A key found under an older form is re-stored under the current one.
   */
  private List<String> acceptedHashes(String key) {
    List<String> accepted = new ArrayList<>(secrets.acceptedMacs("api-keys", key));
    accepted.add(legacyHash(key));
    return accepted;
  }

  private Optional<ApiKeyPrincipal> lookUp(List<String> accepted) {
    record Row(ApiKeyPrincipal principal, String hash) {}
    Optional<Row> row =
        jdbc.sql(
                "SELECT id, name, scopes, customer_email, limit_currency, limit_per_order,"
                    + " limit_per_day, key_hash FROM api_keys"
                    + " WHERE key_hash = ANY(?) AND revoked_at IS NULL")
            .param(accepted.toArray(String[]::new))
            .query(
                (rs, n) ->
                    new Row(
                        new ApiKeyPrincipal(
                            rs.getObject("id", UUID.class),
                            rs.getString("name"),
                            EnumSet.copyOf(
                                scopeList(rs.getArray("scopes")).stream()
                                    .map(s -> Scope.parse(s).orElseThrow())
                                    .toList()),
                            rs.getString("customer_email"),
                            limits(rs)),
                        rs.getString("key_hash")))
            .optional();
    row.filter(r -> !r.hash().equals(accepted.getFirst()))
        .ifPresent(r -> rehash(r.principal().id(), r.hash(), accepted.getFirst()));
    return row.map(Row::principal);
  }

  private void rehash(UUID id, String from, String to) {
    jdbc.sql("UPDATE api_keys SET key_hash = ? WHERE id = ? AND key_hash = ?")
        .params(to, id, from)
        .update();
  }

  /**
   * Creates the bootstrap admin key unless a key with that value exists; safe when several
   * instances start at once.
   */
  void ensureBootstrapKey(String key, String name) {
    if (key.length() < 16) {
      throw new IllegalStateException("ORDERLOOP_BOOTSTRAP_API_KEY must be at least 16 characters");
    }
    List<String> accepted = acceptedHashes(key);
    Optional<String> stored =
        jdbc.sql("SELECT key_hash FROM api_keys WHERE key_hash = ANY(?)")
            .param(accepted.toArray(String[]::new))
            .query(String.class)
            .optional();
    if (stored.isPresent()) {
      if (!stored.get().equals(accepted.getFirst())) {
        jdbc.sql("UPDATE api_keys SET key_hash = ? WHERE key_hash = ?")
            .params(accepted.getFirst(), stored.get())
            .update();
      }
      return;
    }
    String chosen = name;
    Integer nameTaken =
        jdbc.sql("SELECT count(*) FROM api_keys WHERE name = ?")
            .param(name)
            .query(Integer.class)
            .single();
    String prefix = "olb_" + identifier();
    if (nameTaken > 0) {
      chosen = name + "-" + prefix.substring(4);
    }
    insert(
        UUID.randomUUID(),
        chosen,
        prefix,
        key,
        EnumSet.of(Scope.ADMIN),
        null,
        null,
        Actors.SYSTEM,
        clock.instant());
  }

  private int insert(
      UUID id,
      String name,
      String prefix,
      String key,
      Set<Scope> scopes,
      String customerEmail,
      AgentLimits limits,
      String actor,
      Instant now) {
    return jdbc.sql(
            """
            INSERT INTO api_keys (id, name, prefix, key_hash, scopes, customer_email,
                                  limit_currency, limit_per_order, limit_per_day, created_at, created_by)
            VALUES (?, ?, ?, ?, string_to_array(?, ','), ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
        .params(
            id,
            name,
            prefix,
            secrets.mac("api-keys", key),
            String.join(",", names(scopes)),
            customerEmail,
            limits == null ? null : limits.currency(),
            limits == null ? null : limits.perOrder(),
            limits == null ? null : limits.perDay(),
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

  /** Eight random characters that name a key in listings; not derived from the key. */
  private static String identifier() {
    String alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
    StringBuilder sb = new StringBuilder(8);
    for (int i = 0; i < 8; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  /** How keys were stored before V12: an unkeyed SHA-256, hex. */
  private static String legacyHash(String key) {
    return Digests.sha256Hex(key);
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
