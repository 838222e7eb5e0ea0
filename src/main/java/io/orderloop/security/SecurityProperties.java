package io.orderloop.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Security settings.
 *
 * @param bootstrapApiKey an API key created at start-up with scope {@code admin} if it does not
 *     exist yet ({@code orderloop.security.bootstrap-api-key}, env {@code
 *     ORDERLOOP_BOOTSTRAP_API_KEY}); at least 16 characters
 * @param bootstrapApiKeyName the name recorded for that key, shown as the actor in history ({@code
 *     orderloop.security.bootstrap-api-key-name}, default {@code bootstrap})
 */
@ConfigurationProperties("orderloop.security")
public record SecurityProperties(
    String bootstrapApiKey, @DefaultValue("bootstrap") String bootstrapApiKeyName) {}
