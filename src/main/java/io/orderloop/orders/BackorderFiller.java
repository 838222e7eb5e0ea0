package io.orderloop.orders;

import io.orderloop.inventory.StockArrived;
import io.orderloop.inventory.StockLedger;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Allocates waiting backorders when stock arrives (receipt, positive adjustment, released
 * reservation): after the stock's transaction commits, in the background, so the receipt call
 * returns at once however many orders wait. Orders are filled one transaction each, in
 * backorder-queue order (due date, then id), skipping orders that another transaction holds. A
 * periodic sweep ({@code orderloop.orders.backorder-sweep-interval}) catches up after a crash or on
 * another instance's stock, so no backorder waits forever on a lost notification.
 */
@Component
class BackorderFiller implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(BackorderFiller.class);
  private static final int PAGE = 100;

  private final OrderAllocation allocation;
  private final OrderFinder finder;
  private final StockLedger inventory;
  // Each fill runs in the trace of the receipt or sweep that started it.
  private final ExecutorService executor =
      io.micrometer.context.ContextExecutorService.wrap(
          Executors.newVirtualThreadPerTaskExecutor(),
          () -> io.micrometer.context.ContextSnapshotFactory.builder().build().captureAll());
  private final ConcurrentMap<String, AtomicBoolean> running = new ConcurrentHashMap<>();

  /**
   * At most this many SKUs are filled at once, so a backlog never takes the pool from API requests.
   */
  private final java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(2);

  BackorderFiller(OrderAllocation allocation, OrderFinder finder, StockLedger inventory) {
    this.allocation = allocation;
    this.finder = finder;
    this.inventory = inventory;
  }

  @TransactionalEventListener(fallbackExecution = true)
  void on(StockArrived arrived) {
    schedule(arrived.sku());
  }

  @Scheduled(
      initialDelayString = "PT20S",
      fixedDelayString = "${orderloop.orders.backorder-sweep-interval:PT1M}")
  void sweep() {
    try {
      inventory.skusWithAllocatableStock(finder.skusWithBackorders()).forEach(this::schedule);
    } catch (RuntimeException e) {
      log.warn("backorder sweep failed, will retry: {}", e.getMessage());
    }
  }

  /** Runs a fill for the SKU; if one is running already, asks it to go round once more. */
  void schedule(String sku) {
    AtomicBoolean again = new AtomicBoolean(true);
    AtomicBoolean current = running.putIfAbsent(sku, again);
    if (current != null) {
      current.set(true);
      return;
    }
    if (executor.isShutdown()) {
      running.remove(sku, again);
      return;
    }
    executor.submit(() -> run(sku, again));
  }

  private void run(String sku, AtomicBoolean again) {
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.remove(sku, again);
      return;
    }
    try {
      while (again.getAndSet(false)) {
        fill(sku);
      }
    } catch (RuntimeException e) {
      log.warn("filling backorders of {} failed; the sweep will retry: {}", sku, e.getMessage());
    } finally {
      slots.release();
      running.remove(sku, again);
      if (again.get()) {
        schedule(sku);
      }
    }
  }

  private void fill(String sku) {
    OrderFinder.Cursor after = null;
    int filled = 0;
    while (inventory.allocatable(sku) > 0) {
      List<OrderFinder.Cursor> page = finder.backorderQueue(sku, after, PAGE);
      if (page.isEmpty()) {
        break;
      }
      for (OrderFinder.Cursor candidate : page) {
        try {
          filled += allocation.fillBackorders(candidate.id());
        } catch (RuntimeException e) {
          // One order that cannot be filled now must not hold up the rest of the queue.
          log.warn("could not fill backorders of order {}: {}", candidate.id(), e.getMessage());
        }
      }
      after = page.getLast();
    }
    if (filled > 0) {
      log.info("allocated {} backordered unit(s) of {}", filled, sku);
    }
  }

  @Override
  public void destroy() throws InterruptedException {
    executor.shutdown();
    executor.awaitTermination(5, TimeUnit.SECONDS);
  }
}
