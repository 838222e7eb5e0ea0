package io.orderloop.channels;

import io.orderloop.channels.PushCalls.Stop;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Sends the channel pushes to the stores ({@link ShopifyPushes}, {@link SquarePushes}), one push
 * per claim, in order per order, apart from the loop: a store that is down or slow never blocks or
 * fails an order command.
 *
 * <p>429 waits its {@code Retry-After}; 5xx, timeouts and refused connections back off (doubling
 * from {@code retry-backoff} up to {@code max-backoff}); other answers are final ({@code GAVE_UP},
 * with the answer kept), as is running out of {@code max-attempts}. Every call and its answer is
 * kept per push.
 */
@Component
class ChannelRelay {

  private static final Logger log = LoggerFactory.getLogger(ChannelRelay.class);

  /** Pushes sent at once (of different orders). */
  static final int CONCURRENT = 8;

  private final ChannelPushes pushes;
  private final ShopifyPushes shopify;
  private final SquarePushes square;
  private final PushCalls calls;
  private final ChannelProperties properties;

  ChannelRelay(
      ChannelPushes pushes,
      ShopifyPushes shopify,
      SquarePushes square,
      PushCalls calls,
      ChannelProperties properties) {
    this.pushes = pushes;
    this.shopify = shopify;
    this.square = square;
    this.calls = calls;
    this.properties = properties;
  }

  @Scheduled(
      fixedDelayString = "${orderloop.channels.poll-interval:PT1S}",
      initialDelayString = "${orderloop.channels.poll-interval:PT1S}")
  void relay() {
    // Up to CONCURRENT pushes at a time, each of another order (a later push of an order waits for
    // the earlier ones), each on its own virtual thread; a claim's lease is renewed before each of
    // its calls, so another instance never takes it over while it is being sent.
    for (int round = 0; round < 1000; round++) {
      List<ChannelPushes.Claimed> due = pushes.claimDue(CONCURRENT, calls.lease());
      if (due.isEmpty()) {
        return;
      }
      // Each sender carries the relay cycle's trace: its calls to the store send traceparent.
      io.micrometer.context.ContextSnapshot trace =
          io.micrometer.context.ContextSnapshotFactory.builder().build().captureAll();
      List<Thread> senders =
          due.stream().map(p -> Thread.ofVirtual().start(trace.wrap(() -> sendLogged(p)))).toList();
      for (Thread t : senders) {
        try {
          t.join();
        } catch (InterruptedException e) {
          // Shutting down: the senders stop at their next call; their claims' leases run out and
          // another instance (or the next start) takes them.
          senders.forEach(Thread::interrupt);
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void sendLogged(ChannelPushes.Claimed push) {
    try {
      send(push);
    } catch (RuntimeException e) {
      // Settling the push failed (the database): its lease runs out and it is claimed again.
      log.warn("channel push {} could not be settled: {}", push.id(), e.toString());
    }
  }

  void send(ChannelPushes.Claimed push) {
    try {
      Map<String, Object> result =
          "square".equals(push.channel()) ? square.send(push) : shopify.send(push);
      pushes.sent(push, result);
    } catch (Stop stop) {
      noteIfNoCall(push, stop.getMessage());
      if (stop.throttled) {
        // The store asked us to slow down: this push and every other of that account wait its
        // Retry-After, and the attempt does not count against max-attempts.
        pushes.throttled(push, pushes.now().plus(stop.after), stop.getMessage());
      } else if (stop.retry && push.attempts() < properties.maxAttempts()) {
        Duration wait = stop.after != null ? stop.after : properties.backoff(push.attempts());
        pushes.retry(push, pushes.now().plus(wait), stop.getMessage());
      } else {
        pushes.gaveUp(
            push,
            stop.retry
                ? "gave up after " + push.attempts() + " attempts: " + stop.getMessage()
                : stop.getMessage());
      }
    } catch (ShopifyOrders.Unreadable gone) {
      noteIfNoCall(push, gone.getMessage());
      pushes.gaveUp(push, gone.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      noteIfNoCall(push, "interrupted");
      pushes.retry(push, pushes.now().plus(properties.retryBackoff()), "interrupted");
    } catch (RuntimeException e) {
      log.warn("channel push {} failed: {}", push.id(), e.toString());
      noteIfNoCall(push, e.toString());
      if (push.attempts() >= properties.maxAttempts()) {
        pushes.gaveUp(
            push,
            "gave up after " + push.attempts() + " attempts: " + e.getClass().getSimpleName());
      } else {
        pushes.retry(
            push,
            pushes.now().plus(properties.backoff(push.attempts())),
            e.getClass().getSimpleName());
      }
    }
  }

  /** An attempt that ended before any call to the store is still on record, with why. */
  private void noteIfNoCall(ChannelPushes.Claimed push, String why) {
    if (!pushes.hasCalls(push)) {
      pushes.attempt(push.id(), push.attempts(), "(no call)", null, why);
    }
  }
}
