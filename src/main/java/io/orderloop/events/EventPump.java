package io.orderloop.events;

import io.orderloop.orders.OrderEventRecorded;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Wakes the feed's sequencer and this instance's webhook dispatcher when a transaction that
 * recorded order events commits, instead of leaving them to the next polls: an event reaches its
 * receivers after one positioning and one delivery, not up to two poll intervals later. Wake-ups
 * coalesce (one runner; a wake-up during a run asks for one more run), and runs start at least
 * {@link #MIN_GAP_MILLIS} apart, so a busy intake positions its events in batches rather than one
 * commit at a time. The polls stay, for other instances' commits, retries and backoff.
 */
@Component
class EventPump {

  private static final Logger log = LoggerFactory.getLogger(EventPump.class);

  /** The least time between the starts of two runs. */
  static final long MIN_GAP_MILLIS = 20;

  private final Feed feed;
  private final WebhookDispatcher dispatcher;
  private final AtomicBoolean requested = new AtomicBoolean();
  private final AtomicBoolean running = new AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicLong runs =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile boolean stopped;

  EventPump(Feed feed, WebhookDispatcher dispatcher) {
    this.feed = feed;
    this.dispatcher = dispatcher;
  }

  /** Once per transaction that records order events: a wake-up after it commits. */
  @EventListener
  void on(OrderEventRecorded recorded) {
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      wake();
      return;
    }
    if (TransactionSynchronizationManager.hasResource(this)) {
      return;
    }
    TransactionSynchronizationManager.bindResource(this, Boolean.TRUE);
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCommit() {
            wake();
          }

          @Override
          public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(EventPump.this);
          }
        });
  }

  @EventListener(ContextClosedEvent.class)
  void stop() {
    stopped = true;
  }

  /** Runs so far (for tests). */
  long runs() {
    return runs.get();
  }

  void wake() {
    requested.set(true);
    if (!stopped && running.compareAndSet(false, true)) {
      Thread.ofVirtual().name("orderloop-event-pump").start(this::run);
    }
  }

  private void run() {
    try {
      while (!stopped && requested.getAndSet(false)) {
        long start = System.nanoTime();
        runs.incrementAndGet();
        try {
          feed.sequence();
          dispatcher.dispatch();
        } catch (RuntimeException e) {
          log.debug("event pump run failed; the polls carry on: {}", e.getMessage());
        }
        long rest = TimeUnit.MILLISECONDS.toNanos(MIN_GAP_MILLIS) - (System.nanoTime() - start);
        if (rest > 0) {
          LockSupport.parkNanos(rest);
        }
      }
    } finally {
      running.set(false);
    }
    // A wake-up that came after the loop's last look and found the runner still marked running.
    if (!stopped && requested.get() && running.compareAndSet(false, true)) {
      Thread.ofVirtual().name("orderloop-event-pump").start(this::run);
    }
  }
}
