package io.orderloop.channels;

import io.orderloop.channels.PushCalls.Stop;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What goes back to Square: the order's shipment fulfillment gets the carrier and tracking number
 * at shipment and {@code COMPLETED} at delivery; a cancellation made here cancels the order. Line
 * changes made here are not sent.
 */
@Component
class SquarePushes {

  private final ChannelPushes pushes;
  private final SquareOrders square;
  private final PushCalls calls;
  private final JsonMapper json;

  SquarePushes(ChannelPushes pushes, SquareOrders square, PushCalls calls, JsonMapper json) {
    this.pushes = pushes;
    this.square = square;
    this.calls = calls;
    this.json = json;
  }

  Map<String, Object> send(ChannelPushes.Claimed push) throws Stop, InterruptedException {
    return square(square.merchant(push.account()), push);
  }

  private JsonNode call(
      ChannelPushes.Claimed push, StoreApi.Store store, String method, String path, JsonNode body)
      throws Stop, InterruptedException {
    return calls.call(push, store, method, path, body);
  }

  /**
   * Square: the order's shipment fulfillment gets the carrier and tracking number at shipment and
   * {@code COMPLETED} at delivery; a cancellation made here cancels the order. Each update names
   * the order's current version, read just before; a version conflict reads it again (three times).
   */
  private Map<String, Object> square(StoreApi.Merchant merchant, ChannelPushes.Claimed push)
      throws Stop, InterruptedException {
    JsonNode p = push.payload();
    String orderId = p.path("channelOrderId").asString();
    String path = "/v2/orders/" + orderId;
    for (int tryNo = 1; ; tryNo++) {
      JsonNode order = call(push, merchant, "GET", path, null).path("order");
      ObjectNode update = json.createObjectNode();
      ObjectNode o = update.putObject("order");
      o.put("version", order.path("version").asLong());
      if (push.kind().equals("CANCEL")) {
        o.put("state", "CANCELED");
      } else {
        String uid = null;
        for (JsonNode f : order.path("fulfillments")) {
          if ("SHIPMENT".equals(f.path("type").asString(""))) {
            uid = f.path("uid").asString(null);
            break;
          }
        }
        if (uid == null) {
          throw new Stop("the Square order has no shipment fulfillment to update", false, null);
        }
        ObjectNode f = o.putArray("fulfillments").addObject();
        f.put("uid", uid);
        if (push.kind().equals("FULFILLMENT")) {
          ObjectNode details = f.putObject("shipment_details");
          details.put("carrier", p.path("carrier").asString(null));
          details.put("tracking_number", p.path("trackingNumber").asString(null));
        } else {
          f.put("state", "COMPLETED");
        }
      }
      update.put(
          "idempotency_key", "orderloop-push-" + push.id() + "-" + push.attempts() + "-" + tryNo);
      try {
        call(push, merchant, "PUT", path, update);
        return Map.of("version", order.path("version").asLong() + 1, "kind", push.kind());
      } catch (Stop stop) {
        boolean conflict = stop.answer != null && stop.answer.contains("VERSION_MISMATCH");
        if (!conflict || tryNo >= 3) {
          throw conflict ? new Stop(stop.getMessage(), true, null) : stop;
        }
      }
    }
  }
}
