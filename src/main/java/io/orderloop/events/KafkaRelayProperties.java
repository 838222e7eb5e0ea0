package io.orderloop.events;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Kafka publisher of loop events, on only when {@code bootstrap-servers} is set.
 *
 * @param bootstrapServers Kafka brokers ({@code orderloop.kafka.bootstrap-servers}, env {@code
 *     ORDERLOOP_KAFKA_BOOTSTRAPSERVERS}); unset, nothing is published to Kafka
 * @param topic the topic every event goes to, keyed by order id ({@code orderloop.kafka.topic},
 *     default {@code orderloop.events})
 * @param producer extra Kafka producer settings, e.g. security ({@code orderloop.kafka.producer.*})
 */
@ConfigurationProperties("orderloop.kafka")
public record KafkaRelayProperties(
    String bootstrapServers,
    @DefaultValue("orderloop.events") String topic,
    Map<String, String> producer) {}
