package io.orderloop.events;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Webhook delivery settings.
 *
 * @param initialBackoff wait before the first retry of a failed delivery, doubling per attempt with
 *     ±20 % jitter ({@code orderloop.webhooks.initial-backoff}, env {@code
 *     ORDERLOOP_WEBHOOKS_INITIAL_BACKOFF}, default 5 s)
 * @param maxBackoff the longest wait between retries ({@code orderloop.webhooks.max-backoff},
 *     default 1 h)
 * @param maxAttempts attempts at one event before the subscription is marked DEAD; it keeps its
 *     backlog and resumes on replay ({@code orderloop.webhooks.max-attempts}, default 12)
 * @param timeout how long one delivery may take ({@code orderloop.webhooks.timeout}, default 10 s)
 * @param allowPrivateTargets let webhooks reach loopback and private addresses (RFC 1918,
 *     carrier-grade NAT, IPv6 unique-local), for development and tests; link-local and cloud
 *     metadata addresses stay refused ({@code orderloop.webhooks.allow-private-targets}, env {@code
 *     ORDERLOOP_WEBHOOKS_ALLOW_PRIVATE_TARGETS}, default false)
 * @param pollInterval how often an instance looks for subscriptions with events to deliver ({@code
 *     orderloop.webhooks.poll-interval}, default 100 ms)
 * @param concurrency requests in flight to one subscription at once, each carrying the events of
 *     other orders: one order's events always go one after another, in order ({@code
 *     orderloop.webhooks.concurrency}, default 8; 1 sends every event in feed order)
 */
@ConfigurationProperties("orderloop.webhooks")
public record WebhookProperties(
    @DefaultValue("PT5S") Duration initialBackoff,
    @DefaultValue("PT1H") Duration maxBackoff,
    @DefaultValue("12") int maxAttempts,
    @DefaultValue("PT10S") Duration timeout,
    @DefaultValue("false") boolean allowPrivateTargets,
    @DefaultValue("PT0.1S") Duration pollInterval,
    @DefaultValue("8") int concurrency) {}
