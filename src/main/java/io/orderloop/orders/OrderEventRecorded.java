package io.orderloop.orders;

import java.time.Instant;
import java.util.UUID;

/**
 * An {@link OrderEvent} was appended to an order's history: published inside that transaction, so
 * listeners (the outbox, the shipment records) write in the same commit, or nothing happens.
 *
 * @param sequence the entry's number in the order's history (1, 2, 3, … with no gaps)
 * @param fromState the state left, for events that enter a state; else null
 * @param toState the state entered, for events that enter a state; else null
 * @param orderCreatedAt when the order was received (its age at {@code at}, for the loop's timings)
 * @param channel the order's channel
 * @param type the order's type
 */
public record OrderEventRecorded(
    UUID orderId,
    String orderNumber,
    int sequence,
    OrderState fromState,
    OrderState toState,
    Instant at,
    String actor,
    String reason,
    OrderEvent event,
    Instant orderCreatedAt,
    Channel channel,
    OrderType type) {}
