package io.orderloop.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.ApiTest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * Module: with a datasource URL configured the service uses that server and starts no database of
 * its own.
 */
class ServiceStartupTest extends ApiTest {

  @Autowired ApplicationContext context;

  @Test
  void a_configured_datasource_starts_no_embedded_database() {
    assertThat(context.getBeanNamesForType(EmbeddedPostgres.class)).isEmpty();
    assertThat(count("SELECT count(*) FROM flyway_schema_history WHERE success")).isPositive();
  }

  @Test
  void history_is_append_only_even_for_code_that_tries_to_rewrite_it() {
    String sku = sku("APPEND");
    receive(sku, location(1), 1);
    String id = createOrder(order(sku, 1)).get("id").asString();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                jdbc.sql("UPDATE order_events SET actor = 'someone else' WHERE order_id = ?::uuid")
                    .param(id)
                    .update())
        .hasMessageContaining("append-only");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> jdbc.sql("DELETE FROM order_events WHERE order_id = ?::uuid").param(id).update())
        .hasMessageContaining("append-only");
  }
}
