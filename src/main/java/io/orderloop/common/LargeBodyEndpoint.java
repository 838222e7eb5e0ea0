package io.orderloop.common;

/**
 * An endpoint that takes documents larger than {@code orderloop.http.max-body-size} (an EDI
 * interchange): a bean of this type sets its own limit, which the request size filter applies to
 * that exact path.
 *
 * @param path the request path, exactly
 * @param maxBodySize its largest body in bytes
 * @param setting the configuration property that sets it, named in the 413
 */
public record LargeBodyEndpoint(String path, long maxBodySize, String setting) {}
