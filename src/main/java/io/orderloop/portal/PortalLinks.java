package io.orderloop.portal;

import io.orderloop.common.ApiProblem;
import io.orderloop.common.Digests;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.MailException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * Customers' sign-in without a password: a one-time link for an e-mail, expiring after {@code
 * orderloop.portal.link-ttl}, sent by e-mail when SMTP is configured ({@code spring.mail.host}),
 * otherwise handed to whoever issued it (an operator, an API client, an agent) to pass on. Using
 * the link starts a session scoped to that e-mail's orders. Only hashes of links and sessions are
 * stored.
 *
 * <p>Rejects: 422 an address that is not an e-mail; 401 a link that is unknown, used or expired.
 */
@Service
public class PortalLinks {

  private static final Logger log = LoggerFactory.getLogger(PortalLinks.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * A link issued: {@code url} is the link itself when it was not e-mailed ({@code sent} false);
   * when e-mailed it is not given back, so only the mailbox's owner can use it.
   */
  public record IssuedLink(String email, Instant expiresAt, boolean sent, String url) {}

  /** A customer's session: its bearer token (shown once) and when it ends. */
  public record PortalSession(String sessionToken, String email, Instant expiresAt) {}

  /** A used link: whose it was, and who issued it. */
  record Used(String email, String issuedBy) {}

  private final JdbcClient jdbc;
  private final Clock clock;
  private final PortalProperties properties;
  private final ObjectProvider<JavaMailSender> mail;
  private final int port;

  PortalLinks(
      JdbcClient jdbc,
      Clock clock,
      PortalProperties properties,
      ObjectProvider<JavaMailSender> mail,
      @Value("${server.port:8080}") int port) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.properties = properties;
    this.mail = mail;
    this.port = port;
    if (mail.getIfAvailable() != null
        && (properties.baseUrl() == null || properties.baseUrl().isBlank())) {
      // An e-mailed link must point at this service whatever Host header the issuing request had.
      throw new IllegalStateException(
          "spring.mail.host is set, so portal sign-in links are e-mailed: set"
              + " orderloop.portal.base-url (ORDERLOOP_PORTAL_BASEURL) to the address customers reach"
              + " this service at, e.g. https://orders.example.com");
    }
  }

  /** Issues a one-time link for the customer with this e-mail, by {@code issuedBy}. */
  public IssuedLink issue(String email, String issuedBy) {
    String customer = email(email);
    String token = "olp_" + random();
    Instant now = clock.instant();
    Instant expires = now.plus(properties.linkTtl());
    jdbc.sql(
            "INSERT INTO portal_links (token_hash, email, issued_by, created_at, expires_at)"
                + " VALUES (?, ?, ?, ?, ?)")
        .params(
            Digests.sha256Hex(token),
            customer,
            issuedBy,
            Timestamp.from(now),
            Timestamp.from(expires))
        .update();
    String url = baseUrl() + "/portal/sign-in?token=" + token;
    JavaMailSender sender = mail.getIfAvailable();
    if (sender != null) {
      SimpleMailMessage message = new SimpleMailMessage();
      message.setFrom(properties.mailFrom());
      message.setTo(customer);
      message.setSubject("Your orders: sign-in link");
      message.setText(
          "Open this link to see your orders. It works once, until "
              + expires
              + ":\n\n"
              + url
              + "\n\nIf you did not ask for it, ignore this message.\n");
      try {
        sender.send(message);
        return new IssuedLink(customer, expires, true, null);
      } catch (MailException e) {
        log.warn("portal link for a customer could not be e-mailed: {}", e.getMessage());
        throw new ApiProblem(
            org.springframework.http.HttpStatus.BAD_GATEWAY,
            "mail-failed",
            "E-mail not sent",
            "the sign-in link could not be e-mailed (the SMTP server refused or did not answer);"
                + " try again later");
      }
    }
    return new IssuedLink(customer, expires, false, url);
  }

  /**
   * Uses a link, once: answers a new session for its e-mail. 401 when the link is unknown, used or
   * expired.
   */
  public PortalSession redeem(String token) {
    Used link = use(token);
    String email = link.email();
    String session = "olc_" + random();
    Instant now = clock.instant();
    Instant expires = now.plus(properties.sessionTtl());
    jdbc.sql(
            "INSERT INTO portal_sessions (token_hash, email, issued_by, created_at, expires_at)"
                + " VALUES (?, ?, ?, ?, ?)")
        .params(
            Digests.sha256Hex(session),
            email,
            link.issuedBy(),
            Timestamp.from(now),
            Timestamp.from(expires))
        .update();
    return new PortalSession(session, email, expires);
  }

  /** Uses a link once and answers its e-mail (the pages keep the sign-in in their own session). */
  Used use(String token) {
    if (token == null || token.isBlank() || token.length() > 200) {
      throw invalidLink();
    }
    return jdbc.sql(
            "UPDATE portal_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL"
                + " AND expires_at > ? RETURNING email, issued_by")
        .params(
            Timestamp.from(clock.instant()),
            Digests.sha256Hex(token.strip()),
            Timestamp.from(clock.instant()))
        .query((rs, n) -> new Used(rs.getString("email"), rs.getString("issued_by")))
        .optional()
        .orElseThrow(PortalLinks::invalidLink);
  }

  /** The customer of a live session token. */
  Optional<Used> authenticate(String sessionToken) {
    if (sessionToken == null || !sessionToken.startsWith("olc_") || sessionToken.length() > 200) {
      return Optional.empty();
    }
    return jdbc.sql(
            "SELECT email, issued_by FROM portal_sessions WHERE token_hash = ? AND ended_at IS NULL"
                + " AND expires_at > ?")
        .params(Digests.sha256Hex(sessionToken), Timestamp.from(clock.instant()))
        .query((rs, n) -> new Used(rs.getString("email"), rs.getString("issued_by")))
        .optional();
  }

  /** Ends a session (sign-out). */
  void end(String sessionToken) {
    jdbc.sql("UPDATE portal_sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL")
        .params(Timestamp.from(clock.instant()), Digests.sha256Hex(sessionToken))
        .update();
  }

  /** Forgets links and sessions a day after they ended. */
  @Scheduled(fixedDelayString = "PT1H")
  void forgetOld() {
    Timestamp before = Timestamp.from(clock.instant().minus(Duration.ofDays(1)));
    jdbc.sql("DELETE FROM portal_links WHERE expires_at < ?").param(before).update();
    jdbc.sql("DELETE FROM portal_sessions WHERE expires_at < ?").param(before).update();
  }

  static ApiProblem invalidLink() {
    return new ApiProblem(
        org.springframework.http.HttpStatus.UNAUTHORIZED,
        "invalid-link",
        "Link not valid",
        "this sign-in link is unknown, was already used, or expired: ask for a new one");
  }

  private String baseUrl() {
    String base = properties.baseUrl();
    if (base == null || base.isBlank()) {
      // The address the issuing request came to; outside a request (an agent's tool call may run
      // on another thread), this service's own port.
      if (org.springframework.web.context.request.RequestContextHolder.getRequestAttributes()
          != null) {
        return org.springframework.web.servlet.support.ServletUriComponentsBuilder
            .fromCurrentContextPath()
            .build()
            .toUriString();
      }
      return "http://localhost:" + port;
    }
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  static String email(String email) {
    String e = email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
    if (e.length() > 320 || !e.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
      throw ApiProblem.unprocessable("email", "give the customer's e-mail address");
    }
    return e;
  }

  private static String random() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
