package io.orderloop.common;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * HTTP limits.
 *
 * @param maxBodySize largest request body accepted; larger ones are refused with 413 before they
 *     are read ({@code orderloop.http.max-body-size}, default 1MB)
 * @param maxConnectionsPerAddress connections one client address may hold open at once; more are
 *     closed as they are accepted, so one address cannot take the connections others need. High
 *     enough for a team behind one NAT with console pages open ({@code
 *     orderloop.http.max-connections-per-address}, env {@code
 *     ORDERLOOP_HTTP_MAX_CONNECTIONS_PER_ADDRESS}, default 2048 of Tomcat's 8192; 0 for no cap)
 * @param headerTimeout how long a request's line and headers may take to arrive, counted from the
 *     connection's accept or the end of its previous response (so it is also the idle limit of a
 *     kept-alive connection); a connection that exceeds it is closed ({@code
 *     orderloop.http.header-timeout}, default 10 s)
 * @param bodyTimeout how long a request body may take to arrive once its headers are in; a slower
 *     body is answered 408 ({@code orderloop.http.body-timeout}, default 30 s)
 */
@ConfigurationProperties("orderloop.http")
public record HttpProperties(
    @DefaultValue("1MB") DataSize maxBodySize,
    @DefaultValue("2048") int maxConnectionsPerAddress,
    @DefaultValue("PT10S") Duration headerTimeout,
    @DefaultValue("PT30S") Duration bodyTimeout) {}
