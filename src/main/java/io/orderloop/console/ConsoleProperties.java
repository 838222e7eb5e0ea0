package io.orderloop.console;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Console settings ({@code orderloop.console.*}).
 *
 * @param bootstrapAdminEmail with {@code bootstrapAdminPassword}: an admin created at start-up when
 *     no user has this e-mail ({@code ORDERLOOP_BOOTSTRAP_ADMIN_EMAIL})
 * @param bootstrapAdminPassword its password ({@code ORDERLOOP_BOOTSTRAP_ADMIN_PASSWORD}), at least
 *     12 characters
 * @param liveInterval how often the live board looks for new events (the feed's newest position)
 *     while a board is open; a change shows on open boards within this plus one render
 * @param liveStreamTimeout how long one live stream stays open before the browser reconnects (and
 *     the session is checked again)
 * @param signInFailuresPerAddress failed sign-ins one client address may make within {@code
 *     signInThrottleWindow} before its attempts are refused unchecked
 * @param signInThrottleWindow the window of that count
 */
@ConfigurationProperties("orderloop.console")
public record ConsoleProperties(
    String bootstrapAdminEmail,
    String bootstrapAdminPassword,
    @DefaultValue("PT0.25S") Duration liveInterval,
    @DefaultValue("PT5M") Duration liveStreamTimeout,
    @DefaultValue("20") int signInFailuresPerAddress,
    @DefaultValue("PT15M") Duration signInThrottleWindow) {}
