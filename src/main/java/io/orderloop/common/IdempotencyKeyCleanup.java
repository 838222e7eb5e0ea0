package io.orderloop.common;

import java.sql.Timestamp;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes stored idempotent responses older than {@link IdempotentRequests#RETENTION}. One
 * idempotent statement, so any number of instances may run it at once.
 */
@Component
class IdempotencyKeyCleanup {

  private static final Logger log = LoggerFactory.getLogger(IdempotencyKeyCleanup.class);

  private final JdbcClient jdbc;
  private final Clock clock;

  IdempotencyKeyCleanup(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  @Scheduled(initialDelayString = "PT5M", fixedDelayString = "PT1H")
  void deleteExpired() {
    int deleted =
        jdbc.sql("DELETE FROM idempotency_keys WHERE created_at < ?")
            .param(Timestamp.from(clock.instant().minus(IdempotentRequests.RETENTION)))
            .update();
    if (deleted > 0) {
      log.info("deleted {} expired idempotency keys", deleted);
    }
  }
}
