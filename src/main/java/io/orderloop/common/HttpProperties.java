package io.orderloop.common;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * HTTP limits.
 *
 * @param maxBodySize largest request body accepted; larger ones are refused with 413 before they
 *     are read ({@code orderloop.http.max-body-size}, default 1MB)
 */
@ConfigurationProperties("orderloop.http")
public record HttpProperties(@DefaultValue("1MB") DataSize maxBodySize) {}
