package io.orderloop.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.ApiTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Kafka: with {@code orderloop.kafka.bootstrap-servers} set, every event is published to a real
 * broker started in the test JVM (KRaft), as CloudEvents JSON keyed by order id, each order's
 * events in sequence. The context, broker included, closes after this class: left to the JVM's
 * exit, the broker's temporary folder was removed under it while it stopped, filling another test's
 * output with its errors.
 */
@EmbeddedKafka(partitions = 3, topics = "orderloop.events")
@org.springframework.test.annotation.DirtiesContext(
    classMode = org.springframework.test.annotation.DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(
    properties = "orderloop.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}")
class KafkaRelayTest extends ApiTest {

  @Value("${spring.embedded.kafka.brokers}")
  String brokers;

  @Test
  void every_event_reaches_kafka_keyed_by_order_in_per_order_sequence() {
    String sku = sku("KAFKA");
    receive(sku, location(1), 10);
    Set<String> ids = new LinkedHashSet<>();
    for (int i = 0; i < 6; i++) {
      String id = createOrder(order(sku, 1)).get("id").asString();
      ids.add(id);
      if (i % 2 == 0) {
        transition(id, "FULFILLMENT_QUEUED");
      }
    }
    int expected = ids.stream().mapToInt(id -> history(id).size()).sum();

    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "kafka-relay-test");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    JsonMapper json = JsonMapper.builder().build();
    List<JsonNode> mine = new ArrayList<>();
    Set<String> eventIds = new LinkedHashSet<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
      consumer.subscribe(List.of("orderloop.events"));
      org.awaitility.Awaitility.await("every event of these orders on the topic")
          .atMost(Duration.ofSeconds(60))
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(10))
          .until(
              () -> {
                for (ConsumerRecord<String, String> record :
                    consumer.poll(Duration.ofMillis(500))) {
                  JsonNode event = json.readTree(record.value());
                  if (ids.contains(event.get("subject").asString())) {
                    assertThat(record.key()).isEqualTo(event.get("subject").asString());
                    if (eventIds.add(event.get("id").asString())) {
                      mine.add(event);
                    }
                  }
                }
                return eventIds.size() >= expected;
              });
    }
    assertThat(eventIds).as("every event of these orders").hasSize(expected);
    Map<String, Integer> last = new HashMap<>();
    for (JsonNode e : mine) {
      assertThat(e.get("specversion").asString()).isEqualTo("1.0");
      int sequence = e.get("data").get("sequence").asInt();
      Integer previous = last.put(e.get("subject").asString(), sequence);
      assertThat(sequence).isEqualTo(previous == null ? 1 : previous + 1);
    }
  }
}
