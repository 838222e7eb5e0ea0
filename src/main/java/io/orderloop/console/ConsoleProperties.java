package io.orderloop.console;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Console settings ({@code orderloop.console.*}).
 *
 * @param bootstrapAdminEmail with {@code bootstrapAdminPassword}: an admin created at start-up when
 *     no user has this e-mail ({@code ORDERLOOP_BOOTSTRAP_ADMIN_EMAIL})
 * @param bootstrapAdminPassword its password ({@code ORDERLOOP_BOOTSTRAP_ADMIN_PASSWORD}), at least
 *     12 characters
 */
@ConfigurationProperties("orderloop.console")
public record ConsoleProperties(String bootstrapAdminEmail, String bootstrapAdminPassword) {}
