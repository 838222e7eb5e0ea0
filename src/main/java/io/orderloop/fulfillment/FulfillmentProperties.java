package io.orderloop.fulfillment;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Fulfillment settings.
 *
 * @param carrierSecret shared secret carriers send in {@code X-Carrier-Secret} on {@code POST
 *     /carriers/tracking-events} ({@code orderloop.fulfillment.carrier-secret}, env {@code
 *     ORDERLOOP_CARRIER_SECRET}); unset, the callback is refused
 */
@ConfigurationProperties("orderloop.fulfillment")
public record FulfillmentProperties(String carrierSecret) {}
