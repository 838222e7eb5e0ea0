package io.orderloop.channels;

import io.orderloop.common.ApiProblem;
import io.orderloop.orders.ChannelOrders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns stored deliveries into orders: right after a delivery is stored (the webhook's answer waits
 * for it up to {@code orderloop.channels.inline-budget}), and from a worker that takes due ones —
 * failed, or stored by an instance that stopped before processing them.
 *
 * <p>Outcomes: the order taken ({@code PROCESSED}, with the order), older than the order ({@code
 * STALE}), a topic we do not act on ({@code IGNORED}); a payload that cannot be read or an order
 * the loop refuses as a whole is {@code HELD} with the reason (replay after the fix); anything else
 * is {@code FAILED} and tried again with backoff, then held when the attempts run out.
 */
@Component
class DeliveryProcessor implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(DeliveryProcessor.class);

  static final List<String> SHOPIFY_ORDER_TOPICS =
      List.of("orders/create", "orders/updated", "orders/cancelled");

  static final List<String> SQUARE_ORDER_TYPES = List.of("order.created", "order.updated");

  private final ChannelDeliveries deliveries;
  private final ShopifyOrders shopify;
  private final SquareOrders square;
  private final ChannelOrders orders;
  private final ChannelProperties properties;
  private final JsonMapper json;
  private final Clock clock;
  // Each task runs in the trace of the request or job that handed it over.
  private final ExecutorService executor =
      io.micrometer.context.ContextExecutorService.wrap(
          Executors.newVirtualThreadPerTaskExecutor(),
          () -> io.micrometer.context.ContextSnapshotFactory.builder().build().captureAll());

  DeliveryProcessor(
      ChannelDeliveries deliveries,
      ShopifyOrders shopify,
      SquareOrders square,
      ChannelOrders orders,
      ChannelProperties properties,
      JsonMapper json,
      Clock clock) {
    this.deliveries = deliveries;
    this.shopify = shopify;
    this.square = square;
    this.orders = orders;
    this.properties = properties;
    this.json = json;
    this.clock = clock;
  }

  /**
   * Processes a delivery the caller claimed, waiting at most the inline budget; processing goes on
   * after that. Answers the status when it finished in time, else {@code RECEIVED}.
   */
  String processSoon(long id) {
    CompletableFuture<String> done = CompletableFuture.supplyAsync(() -> process(id), executor);
    try {
      return done.get(properties.inlineBudget().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException slow) {
      return "RECEIVED";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "RECEIVED";
    } catch (ExecutionException e) {
      return "FAILED";
    }
  }

  /** Takes due deliveries (failed, or left by a stopped instance) and processes them. */
  @Scheduled(
      fixedDelayString = "${orderloop.channels.poll-interval:PT1S}",
      initialDelayString = "${orderloop.channels.poll-interval:PT1S}")
  void processDue() {
    List<ChannelDeliveries.Claimed> due;
    do {
      due = deliveries.claimDue(5);
      due.forEach(this::process);
    } while (due.size() == 5);
  }

  /** Purges raw bodies past the retention, hourly. */
  @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT1M")
  void purge() {
    int purged = deliveries.purge(properties.deliveryRetention());
    if (purged > 0) {
      log.info("purged the raw bodies of {} channel deliveries", purged);
    }
  }

  String process(long id) {
    return deliveries.claimed(id).map(this::process).orElse("GONE");
  }

  private String process(ChannelDeliveries.Claimed d) {
    var context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(
        UsernamePasswordAuthenticationToken.authenticated(
            d.channel() + ":" + d.account(), null, List.of()));
    var previous = SecurityContextHolder.getContext();
    SecurityContextHolder.setContext(context);
    try {
      return handle(d);
    } catch (ShopifyOrders.Unreadable | ApiProblem refused) {
      deliveries.failed(d.id(), d.attempts(), "held: " + refused.getMessage(), null);
      return "HELD";
    } catch (RuntimeException e) {
      Instant retry =
          d.attempts() >= properties.maxAttempts()
              ? null
              : clock.instant().plus(properties.backoff(d.attempts()));
      log.warn("channel delivery {} failed (attempt {}): {}", d.id(), d.attempts(), e.toString());
      deliveries.failed(
          d.id(),
          d.attempts(),
          (retry == null
                  ? "held after " + d.attempts() + " attempts: "
                  : "attempt " + d.attempts() + " failed: ")
              + e.getClass().getSimpleName(),
          retry);
      return retry == null ? "HELD" : "FAILED";
    } finally {
      SecurityContextHolder.setContext(previous);
    }
  }

  private String handle(ChannelDeliveries.Claimed d) {
    if (d.body() == null) {
      deliveries.finish(d.id(), d.attempts(), "HELD", "the raw body was purged", null, null);
      return "HELD";
    }
    boolean acted =
        "shopify".equals(d.channel())
            ? SHOPIFY_ORDER_TOPICS.contains(d.topic())
            : SQUARE_ORDER_TYPES.contains(d.topic());
    if (!acted) {
      deliveries.finish(
          d.id(), d.attempts(), "IGNORED", "topic " + d.topic() + " is not acted on", null, null);
      return "IGNORED";
    }
    JsonNode body;
    try {
      body = json.readTree(d.body());
    } catch (JacksonException e) {
      throw new ShopifyOrders.Unreadable("the body is not JSON");
    }
    io.orderloop.orders.ChannelOrderCommand command;
    try {
      command =
          "shopify".equals(d.channel())
              ? shopify.read(d.account(), d.topic(), body)
              : square.fetch(d.account(), body);
    } catch (SquareOrders.NotTaken draft) {
      deliveries.finish(d.id(), d.attempts(), "IGNORED", draft.getMessage(), null, null);
      return "IGNORED";
    }
    ChannelOrders.Taken taken = orders.take(command);
    String status = taken.outcome() == ChannelOrders.Outcome.STALE ? "STALE" : "PROCESSED";
    deliveries.finish(
        d.id(),
        d.attempts(),
        status,
        "order "
            + taken.order().number()
            + " "
            + taken.outcome().name().toLowerCase(java.util.Locale.ROOT),
        taken.order().externalId(),
        taken.order().id());
    return status;
  }

  @Override
  public void destroy() throws InterruptedException {
    executor.shutdown();
    executor.awaitTermination(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
  }
}
