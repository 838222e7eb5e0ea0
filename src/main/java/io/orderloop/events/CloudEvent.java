package io.orderloop.events;

import java.time.Instant;
import java.util.Map;

/**
 * A CloudEvents 1.0 event in structured JSON. {@code id} is stable: receivers use it to drop
 * duplicates, since delivery is at least once. {@code subject} is the order id (or the SKU for
 * stock events); {@code data} carries the change and, for order events, the order's number and
 * per-order {@code sequence}.
 */
public record CloudEvent(
    String specversion,
    String id,
    String source,
    String type,
    String subject,
    Instant time,
    String datacontenttype,
    Map<String, Object> data) {}
