package io.orderloop.events;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes the feed to Kafka as structured CloudEvents JSON, keyed by the event's subject (the
 * order id), so one order's events stay in one partition and in order. One instance relays at a
 * time (a lease on the topic's row); progress is saved only after the broker acknowledged every
 * event up to it (idempotent producer, acks=all), so a crash repeats events but never skips one: at
 * least once.
 */
@Component
@ConditionalOnExpression("!'${orderloop.kafka.bootstrap-servers:}'.isEmpty()")
class KafkaRelay implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(KafkaRelay.class);
  private static final Duration LEASE = Duration.ofSeconds(30);

  private final JdbcClient jdbc;
  private final Feed feed;
  private final JsonMapper json;
  private final Clock clock;
  private final String topic;
  private final KafkaProducer<String, String> producer;

  KafkaRelay(
      JdbcClient jdbc, Feed feed, JsonMapper json, Clock clock, KafkaRelayProperties properties) {
    this.jdbc = jdbc;
    this.feed = feed;
    this.json = json;
    this.clock = clock;
    this.topic = properties.topic();
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, properties.bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000");
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    if (properties.producer() != null) {
      config.putAll(properties.producer());
    }
    this.producer = new KafkaProducer<>(config);
    jdbc.sql(
            "INSERT INTO kafka_relay (topic, cursor) SELECT ?, coalesce(max(position), 0) FROM outbox"
                + " ON CONFLICT (topic) DO NOTHING")
        .param(topic)
        .update();
  }

  @Scheduled(fixedDelayString = "${orderloop.events.sequence-interval:PT0.1S}")
  void relay() {
    UUID token = UUID.randomUUID();
    try {
      Optional<Long> cursor = claim(token);
      if (cursor.isEmpty()) {
        return;
      }
      try {
        publishAfter(cursor.get(), token);
      } finally {
        jdbc.sql(
                "UPDATE kafka_relay SET leased_until = NULL, lease_token = NULL WHERE lease_token = ?")
            .param(token)
            .update();
      }
    } catch (RuntimeException e) {
      log.warn("Kafka relay failed, will retry: {}", e.getMessage());
    }
  }

  private Optional<Long> claim(UUID token) {
    Timestamp now = Timestamp.from(clock.instant());
    return jdbc.sql(
            """
            UPDATE kafka_relay SET leased_until = ?, lease_token = ?
            WHERE topic = ? AND (leased_until IS NULL OR leased_until < ?)
            RETURNING cursor""")
        .params(Timestamp.from(clock.instant().plus(LEASE)), token, topic, now)
        .query(Long.class)
        .optional();
  }

  private void publishAfter(long cursor, UUID token) {
    List<Feed.Positioned> events = feed.after(cursor, 500);
    if (events.isEmpty()) {
      return;
    }
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    for (Feed.Positioned p : events) {
      ProducerRecord<String, String> record =
          new ProducerRecord<>(topic, p.event().subject(), json.writeValueAsString(p.event()));
      record
          .headers()
          .add("content-type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
      sent.add(producer.send(record));
    }
    producer.flush();
    long acknowledged = cursor;
    for (int i = 0; i < sent.size(); i++) {
      try {
        sent.get(i).get();
        acknowledged = events.get(i).position();
      } catch (ExecutionException e) {
        log.warn(
            "Kafka did not take event at position {}: {}",
            events.get(i).position(),
            e.getMessage());
        break;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (acknowledged > cursor) {
      jdbc.sql(
              "UPDATE kafka_relay SET cursor = ? WHERE topic = ? AND lease_token = ? AND cursor < ?")
          .params(acknowledged, topic, token, acknowledged)
          .update();
    }
  }

  @Override
  public void destroy() {
    producer.close(Duration.ofSeconds(5));
  }
}
