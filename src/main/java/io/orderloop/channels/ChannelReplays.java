package io.orderloop.channels;

import io.orderloop.common.ApiProblem;
import org.springframework.stereotype.Service;

/**
 * Processes a stored channel delivery again (after an alias, a SKU or a location was added): for
 * the API and the console alike. The order is not duplicated: intake is idempotent per channel
 * order, and an update only applies when newer.
 */
@Service
public class ChannelReplays {

  private final ChannelDeliveries deliveries;
  private final DeliveryProcessor processor;

  ChannelReplays(ChannelDeliveries deliveries, DeliveryProcessor processor) {
    this.deliveries = deliveries;
    this.processor = processor;
  }

  /** Replays a delivery; 404 unknown, 409 when its body was purged or it is being processed. */
  public ChannelDeliveries.Delivery replay(long id) {
    deliveries.replay(id);
    processor.processSoon(id);
    return deliveries.find(id).orElseThrow(() -> ApiProblem.notFound("no channel delivery " + id));
  }
}
