package io.orderloop.orders;

import java.time.Instant;
import java.util.Map;

/** One history entry of an order: append-only, numbered per order from 1. */
public record OrderEvent(
    int sequence,
    String type,
    OrderState fromState,
    OrderState toState,
    Instant at,
    String actor,
    String reason,
    Map<String, Object> details) {}
