package io.orderloop.console;

import io.orderloop.common.ApiProblem;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

/**
 * Console users: e-mail (unique, case-insensitive), name, role and a password kept only as a hash.
 * After {@link #MAX_FAILURES} failed sign-ins in a row an account is locked for {@link #LOCK}.
 */
@Service
public class ConsoleUsers {

  static final int MAX_FAILURES = 5;
  static final Duration LOCK = Duration.ofMinutes(15);
  static final int MIN_PASSWORD = 12;
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,255}\\.[^@\\s]+");

  /** A console user as listed (never the hash). */
  public record User(
      UUID id,
      String email,
      String name,
      ConsoleRole role,
      boolean enabled,
      Instant lockedUntil,
      Instant lastLoginAt,
      Instant createdAt) {}

  /** A user with what signing in needs. */
  record Credentials(User user, String passwordHash, int failedLogins) {}

  /** What a {@code PUT} carries; the password is needed to create, optional to change. */
  public record Settings(String name, ConsoleRole role, String password, Boolean enabled) {}

  public record Saved(User user, boolean created) {}

  private final JdbcClient jdbc;
  private final PasswordEncoder encoder;
  private final Clock clock;

  ConsoleUsers(JdbcClient jdbc, PasswordEncoder encoder, Clock clock) {
    this.jdbc = jdbc;
    this.encoder = encoder;
    this.clock = clock;
  }

  /** Creates or changes the user with this e-mail. */
  public Saved put(String email, Settings s) {
    String e = email == null ? "" : email.strip();
    if (!EMAIL.matcher(e).matches() || e.length() > 320) {
      throw ApiProblem.unprocessable("email", "give the user's e-mail address");
    }
    if (s == null || s.role() == null) {
      throw ApiProblem.unprocessable(
          "role", "give a role: ADMIN, OPERATIONS, FINANCE or CUSTOMER_SERVICE");
    }
    String name = s.name() == null || s.name().isBlank() ? e : s.name().strip();
    if (name.length() > 200) {
      throw ApiProblem.unprocessable("name", "at most 200 characters");
    }
    Optional<Credentials> existing = credentials(e);
    String password = s.password();
    if (password != null && (password.length() < MIN_PASSWORD || password.length() > 200)) {
      throw ApiProblem.unprocessable(
          "password", "a password of " + MIN_PASSWORD + " to 200 characters");
    }
    if (existing.isEmpty() && password == null) {
      throw ApiProblem.unprocessable("password", "a new user needs a password");
    }
    Timestamp now = Timestamp.from(clock.instant());
    boolean enabled = s.enabled() == null || s.enabled();
    if (existing.isEmpty()) {
      jdbc.sql(
              """
              INSERT INTO console_users (id, email, name, role, password_hash, enabled, created_at, updated_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
          .params(
              UUID.randomUUID(),
              e,
              name,
              s.role().name(),
              encoder.encode(password),
              enabled,
              now,
              now)
          .update();
    } else {
      jdbc.sql(
              """
              UPDATE console_users SET name = ?, role = ?, enabled = ?, updated_at = ?,
                  password_hash = coalesce(?, password_hash),
                  failed_logins = CASE WHEN ? THEN 0 ELSE failed_logins END,
                  locked_until = CASE WHEN ? THEN NULL ELSE locked_until END
              WHERE lower(email) = lower(?)""")
          .params(
              name,
              s.role().name(),
              enabled,
              now,
              password == null ? null : encoder.encode(password),
              password != null,
              password != null,
              e)
          .update();
    }
    return new Saved(find(e).orElseThrow(), existing.isEmpty());
  }

  /**
   * The signed-in user as the database has them now: a user removed or disabled since signing in is
   * refused (403) on their next request, whatever their session says.
   */
  User current(java.security.Principal principal) {
    return find(principal == null ? null : principal.getName())
        .filter(User::enabled)
        .orElseThrow(
            () ->
                new org.springframework.web.server.ResponseStatusException(
                    org.springframework.http.HttpStatus.FORBIDDEN,
                    "this console account is disabled or removed"));
  }

  public Optional<User> find(String email) {
    return credentials(email).map(Credentials::user);
  }

  public List<User> list() {
    return jdbc
        .sql(COLUMNS + " ORDER BY lower(email)")
        .query(ConsoleUsers::credentials)
        .list()
        .stream()
        .map(Credentials::user)
        .toList();
  }

  public void delete(String email) {
    if (jdbc.sql("DELETE FROM console_users WHERE lower(email) = lower(?)").param(email).update()
        == 0) {
      throw ApiProblem.notFound("no console user '" + email + "'");
    }
  }

  Optional<Credentials> credentials(String email) {
    return jdbc.sql(COLUMNS + " WHERE lower(email) = lower(?)")
        .param(email == null ? "" : email.strip())
        .query(ConsoleUsers::credentials)
        .optional();
  }

  /** A failed sign-in: counted; the account locks at {@link #MAX_FAILURES} in a row. */
  void failed(String email) {
    Instant now = clock.instant();
    jdbc.sql(
            """
            UPDATE console_users SET
                failed_logins = CASE WHEN failed_logins + 1 >= ? THEN 0 ELSE failed_logins + 1 END,
                locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END
            WHERE lower(email) = lower(?)""")
        .params(
            MAX_FAILURES, MAX_FAILURES, Timestamp.from(now.plus(LOCK)), email == null ? "" : email)
        .update();
  }

  void signedIn(String email) {
    jdbc.sql(
            """
            UPDATE console_users SET failed_logins = 0, locked_until = NULL, last_login_at = ?
            WHERE lower(email) = lower(?)""")
        .params(Timestamp.from(clock.instant()), email)
        .update();
  }

  Instant now() {
    return clock.instant();
  }

  private static final String COLUMNS =
      """
      SELECT id, email, name, role, password_hash, enabled, failed_logins, locked_until, last_login_at,
             created_at
      FROM console_users""";

  private static Credentials credentials(ResultSet rs, int n) throws SQLException {
    Timestamp locked = rs.getTimestamp("locked_until");
    Timestamp last = rs.getTimestamp("last_login_at");
    return new Credentials(
        new User(
            rs.getObject("id", UUID.class),
            rs.getString("email"),
            rs.getString("name"),
            ConsoleRole.valueOf(rs.getString("role")),
            rs.getBoolean("enabled"),
            locked == null ? null : locked.toInstant(),
            last == null ? null : last.toInstant(),
            rs.getTimestamp("created_at").toInstant()),
        rs.getString("password_hash"),
        rs.getInt("failed_logins"));
  }

  static String normalise(String email) {
    return email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
  }
}
