package io.orderloop.portal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The customer portal's settings.
 *
 * @param baseUrl where customers reach this service, for the links (e.g. {@code
 *     https://orders.example.com}); by default {@code http://localhost:<server.port>}
 * @param linkTtl how long a sign-in link works (once)
 * @param sessionTtl how long a signed-in customer stays signed in
 * @param mailFrom the sender of sign-in e-mails (when {@code spring.mail.host} is set)
 */
@ConfigurationProperties("orderloop.portal")
public record PortalProperties(
    String baseUrl, Duration linkTtl, Duration sessionTtl, String mailFrom) {

  public PortalProperties {
    linkTtl = linkTtl == null ? Duration.ofMinutes(30) : linkTtl;
    sessionTtl = sessionTtl == null ? Duration.ofHours(12) : sessionTtl;
    mailFrom = mailFrom == null || mailFrom.isBlank() ? "orders@localhost" : mailFrom;
  }
}
