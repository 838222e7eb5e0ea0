package io.orderloop.events;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Event settings.
 *
 * @param source the CloudEvents {@code source} of every event ({@code orderloop.events.source},
 *     default {@code /orderloop})
 * @param sequenceInterval how often an instance positions newly committed events in the feed
 *     ({@code orderloop.events.sequence-interval}, default 100 ms): the feed's added latency
 */
@ConfigurationProperties("orderloop.events")
public record EventProperties(
    @DefaultValue("/orderloop") String source, @DefaultValue("PT0.1S") Duration sequenceInterval) {}
