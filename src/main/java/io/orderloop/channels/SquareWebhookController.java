package io.orderloop.channels;

import io.micrometer.core.instrument.MeterRegistry;
import io.orderloop.common.ApiProblem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Square's webhook notifications ({@code POST /channels/square/webhooks}), authenticated by {@code
 * x-square-hmacsha256-signature}: the base64 HMAC-SHA256, under the merchant's signature key, of
 * the notification URL exactly as registered followed by the raw body. The merchant is the body's
 * {@code merchant_id}; the URL is the one stored with it (never rebuilt from the request, which a
 * proxy may change).
 *
 * <p>400 for a body that is not a JSON object; 401 for an unknown merchant or a missing or wrong
 * signature (counted, stored nowhere). A verified notification is stored before the answer and
 * deduplicated by its {@code event_id}; {@code order.created} and {@code order.updated} fetch the
 * order, other types are kept as ignored.
 */
@RestController
class SquareWebhookController {

  static final List<String> KEPT_HEADERS =
      List.of("square-environment", "square-version", "content-type", "user-agent");

  private final ChannelConnections connections;
  private final ChannelDeliveries deliveries;
  private final DeliveryProcessor processor;
  private final JsonMapper json;
  private final MeterRegistry meters;

  SquareWebhookController(
      ChannelConnections connections,
      ChannelDeliveries deliveries,
      DeliveryProcessor processor,
      JsonMapper json,
      MeterRegistry meters) {
    this.connections = connections;
    this.deliveries = deliveries;
    this.processor = processor;
    this.json = json;
    this.meters = meters;
  }

  @Operation(
      operationId = "receiveSquareWebhook",
      summary = "Receive a Square webhook notification (order.created, order.updated)",
      description =
          "Authenticated by x-square-hmacsha256-signature (base64 HMAC-SHA256 of the registered"
              + " notification URL followed by the raw body, under the merchant's signature key),"
              + " not by an API key. Deduplicated by event_id; the order is fetched with the Orders"
              + " API. status as for Shopify deliveries.")
  @PostMapping("/channels/square/webhooks")
  ShopifyWebhookController.Answer receive(
      @Parameter(hidden = true) @RequestHeader HttpHeaders headers,
      @RequestBody(required = false) byte[] body) {
    byte[] raw = body == null ? new byte[0] : body;
    String text = ShopifyWebhookController.utf8(raw);
    JsonNode parsed;
    try {
      parsed = text == null ? null : json.readTree(text);
    } catch (JacksonException e) {
      parsed = null;
    }
    if (parsed == null || !parsed.isObject()) {
      count("not_json");
      throw ApiProblem.badRequest("the body is not a JSON object in UTF-8");
    }
    String merchantId = parsed.path("merchant_id").asString(null);
    Optional<ChannelConnections.SquareMerchant> merchant =
        merchantId == null ? Optional.empty() : connections.squareMerchant(merchantId);
    Optional<String> key =
        merchant.isEmpty() ? Optional.empty() : connections.squareSignatureKey(merchantId);
    if (key.isEmpty()) {
      count("unknown_merchant");
      throw unauthorized(
          merchantId == null
              ? "the notification names no merchant_id"
              : "no Square merchant '" + merchantId + "' is connected");
    }
    String signature = headers.getFirst("x-square-hmacsha256-signature");
    if (!verified(key.get(), merchant.get().notificationUrl(), raw, signature)) {
      count("bad_signature");
      throw unauthorized(
          "x-square-hmacsha256-signature is missing or does not match the notification URL"
              + " registered for the merchant and the body");
    }
    String eventId = parsed.path("event_id").asString(null);
    String type = parsed.path("type").asString("unknown");
    String deliveryId =
        eventId != null && !eventId.isBlank()
            ? clip(eventId)
            : "sha256:" + io.orderloop.common.Digests.sha256Hex(text);
    Map<String, String> kept = new LinkedHashMap<>();
    for (String name : KEPT_HEADERS) {
      String v = headers.getFirst(name);
      if (v != null) {
        kept.put(name, v.length() > 500 ? v.substring(0, 500) : v);
      }
    }
    Optional<Long> stored =
        deliveries.store(
            new ChannelDeliveries.Incoming(
                "square",
                merchantId,
                deliveryId,
                null,
                clip(type),
                kept,
                text,
                SquareOrders.orderId(parsed)));
    if (stored.isEmpty()) {
      meters
          .counter("orderloop.channel.deliveries", "channel", "square", "result", "duplicate")
          .increment();
      return new ShopifyWebhookController.Answer(
          deliveries.original("square", merchantId, deliveryId, null).orElse(0L), "DUPLICATE");
    }
    meters
        .counter("orderloop.channel.deliveries", "channel", "square", "result", "stored")
        .increment();
    return new ShopifyWebhookController.Answer(stored.get(), processor.processSoon(stored.get()));
  }

  /** Base64 HMAC-SHA256 of the notification URL followed by the raw body, in constant time. */
  static boolean verified(String key, String notificationUrl, byte[] body, String signature) {
    byte[] url = notificationUrl.getBytes(StandardCharsets.UTF_8);
    byte[] signed = new byte[url.length + body.length];
    System.arraycopy(url, 0, signed, 0, url.length);
    System.arraycopy(body, 0, signed, url.length, body.length);
    return ShopifyWebhookController.verified(key, signed, signature);
  }

  private ApiProblem unauthorized(String detail) {
    return new ApiProblem(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail);
  }

  private void count(String reason) {
    meters
        .counter("orderloop.channel.deliveries.refused", "channel", "square", "reason", reason)
        .increment();
  }

  private static String clip(String s) {
    return s.length() > 255 ? s.substring(0, 255) : s;
  }
}
