package io.orderloop.orders;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Order numbers ({@code OL-ORD-2026-0042}) from the database sequence, taken a block at a time so
 * that intake does not spend a round trip on each: one instance hands out a block's numbers in
 * order; several instances interleave their blocks, so across instances a number says nothing about
 * which order came first, and an instance that stops leaves the rest of its block unused (numbers
 * are unique, never reused, and may have gaps — as before, a rolled-back order used its number up).
 * Invoice and return numbers are still taken one by one.
 */
@Component
class OrderNumbers {

  /** Numbers taken from the sequence at once. */
  static final int BLOCK = 16;

  private final JdbcClient jdbc;
  private final Deque<Long> block = new ArrayDeque<>();
  private final ReentrantLock lock = new ReentrantLock();

  OrderNumbers(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** The next number, formatted as {@code orderloop_number} does ({@code PREFIX-ORD-YEAR-0042}). */
  String next(String prefix, int year) {
    long value;
    lock.lock();
    try {
      if (block.isEmpty()) {
        block.addAll(
            jdbc.sql("SELECT nextval('order_number_seq') FROM generate_series(1, ?) ORDER BY 1")
                .param(BLOCK)
                .query(Long.class)
                .list());
      }
      value = block.removeFirst();
    } finally {
      lock.unlock();
    }
    String digits = Long.toString(value);
    return prefix + "-ORD-" + year + "-" + "0".repeat(Math.max(0, 4 - digits.length())) + digits;
  }
}
