package io.orderloop.common;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs work in one database transaction, retrying the whole transaction when PostgreSQL reports a
 * deadlock or a serialization failure, so such failures never reach a client. Work that is already
 * inside a transaction joins it (and the outermost caller owns the retry).
 */
@Component
public class Transactions {

  private static final Logger log = LoggerFactory.getLogger(Transactions.class);
  private static final int MAX_ATTEMPTS = 8;

  private final TransactionTemplate template;

  public Transactions(PlatformTransactionManager transactionManager) {
    this.template = new TransactionTemplate(transactionManager);
  }

  public <T> T inTransaction(Supplier<T> work) {
    if (TransactionSynchronizationManager.isActualTransactionActive()) {
      return work.get();
    }
    for (int attempt = 1; ; attempt++) {
      int run = attempt;
      try {
        return template.execute(
            status -> {
              RETRIES_WHOLE.set(run);
              try {
                return work.get();
              } finally {
                RETRIES_WHOLE.remove();
              }
            });
      } catch (ConcurrencyFailureException e) {
        if (attempt >= MAX_ATTEMPTS) {
          throw e;
        }
        log.debug(
            "transaction attempt {} failed transiently, retrying: {}", attempt, e.getMessage());
        sleepQuietly(ThreadLocalRandom.current().nextLong(1, 5L * attempt * attempt));
      }
    }
  }

  /** Marks the thread while it runs work that {@link #inTransaction} owns and retries whole. */
  private static final ThreadLocal<Integer> RETRIES_WHOLE = new ThreadLocal<>();

  /**
   * Which run of its work the running {@link #inTransaction} is (1 the first), or 0 outside work it
   * owns (a {@link org.springframework.dao.ConcurrencyFailureException} anywhere in that work, even
   * at its commit, runs the whole work again).
   */
  public static int attempt() {
    Integer attempt = RETRIES_WHOLE.get();
    return attempt == null ? 0 : attempt;
  }

  public void run(Runnable work) {
    inTransaction(
        () -> {
          work.run();
          return null;
        });
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
