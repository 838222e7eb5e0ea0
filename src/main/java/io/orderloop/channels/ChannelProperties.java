package io.orderloop.channels;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Channel settings ({@code orderloop.channels.*}).
 *
 * @param deliveryRetention how long a delivery's raw body and headers are kept; after that only its
 *     record (ids, topic, status, order) stays, which is what duplicate detection needs
 * @param inlineBudget how long a webhook answer waits for its delivery's processing before it
 *     answers anyway (processing goes on; Shopify wants an answer within 5 s)
 * @param retryBackoff the first wait before a failed delivery or push is tried again; it doubles
 *     per attempt up to {@code maxBackoff}
 * @param maxBackoff the longest wait between two attempts
 * @param maxAttempts attempts before a delivery is held for a person, or a push is given up
 * @param pollInterval how often the relay and the delivery worker look for due work
 * @param apiTimeout the deadline of one call to a channel's API
 * @param stockSyncInterval how often the stock shown to the stores is compared and pushed
 * @param publicBaseUrl this service's address as the stores reach it (e.g. {@code
 *     https://oms.example.com}); webhook subscriptions are registered to it. Unset: subscriptions
 *     are only checked, and reported missing
 * @param reconcileInterval how often each shop's orders updated since the last look are read, so
 *     orders whose webhooks were lost are taken in late rather than never
 */
@ConfigurationProperties("orderloop.channels")
public record ChannelProperties(
    @DefaultValue("P30D") Duration deliveryRetention,
    @DefaultValue("PT2S") Duration inlineBudget,
    @DefaultValue("PT5S") Duration retryBackoff,
    @DefaultValue("PT1H") Duration maxBackoff,
    @DefaultValue("12") int maxAttempts,
    @DefaultValue("PT1S") Duration pollInterval,
    @DefaultValue("PT10S") Duration apiTimeout,
    @DefaultValue("PT5S") Duration stockSyncInterval,
    String publicBaseUrl,
    @DefaultValue("PT15M") Duration reconcileInterval) {

  /** The wait before attempt {@code attempts + 1}. */
  Duration backoff(int attempts) {
    long factor = 1L << Math.min(Math.max(attempts - 1, 0), 20);
    Duration d = retryBackoff.multipliedBy(factor);
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }
}
