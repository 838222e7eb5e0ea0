package io.orderloop.orders;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * An entry was appended to an order's history: published inside that transaction, so the events
 * module writes its outbox row in the same commit (or neither happens).
 */
public record OrderHistoryAppended(
    UUID orderId,
    String orderNumber,
    int sequence,
    String type,
    OrderState fromState,
    OrderState toState,
    Instant at,
    String actor,
    String reason,
    Map<String, Object> details) {}
