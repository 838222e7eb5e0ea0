package io.orderloop.orders;

import java.time.Instant;
import java.util.Map;

/**
 * One entry of an order's history as stored and served: append-only, numbered per order from 1.
 * {@code type} and {@code details} are those of the {@link OrderEvent} that was recorded.
 */
public record HistoryEntry(
    int sequence,
    String type,
    OrderState fromState,
    OrderState toState,
    Instant at,
    String actor,
    String reason,
    Map<String, Object> details) {}
