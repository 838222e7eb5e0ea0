package io.orderloop.channels;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

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
  private final WebhookIntake intake;

  SquareWebhookController(ChannelConnections connections, WebhookIntake intake) {
    this.connections = connections;
    this.intake = intake;
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
  WebhookIntake.Answer receive(
      @Parameter(hidden = true) @RequestHeader HttpHeaders headers,
      @RequestBody(required = false) byte[] body) {
    byte[] raw = body == null ? new byte[0] : body;
    // The merchant, and so the key, is named in the body: it is read before the signature is
    // checked, and nothing of it is used or kept unless the signature holds.
    JsonNode parsed = intake.object("square", raw);
    String merchantId = parsed.path("merchant_id").asString(null);
    Optional<ChannelConnections.SquareMerchant> merchant =
        merchantId == null ? Optional.empty() : connections.squareMerchant(merchantId);
    Optional<String> key =
        merchant.isEmpty() ? Optional.empty() : connections.squareSignatureKey(merchantId);
    if (key.isEmpty()) {
      throw intake.refused(
          "square",
          "unknown_merchant",
          merchantId == null
              ? "the notification names no merchant_id"
              : "no Square merchant '" + merchantId + "' is connected");
    }
    String signature = headers.getFirst("x-square-hmacsha256-signature");
    if (!verified(key.get(), merchant.get().notificationUrl(), raw, signature)) {
      throw intake.refused(
          "square",
          "bad_signature",
          "x-square-hmacsha256-signature is missing or does not match the notification URL"
              + " registered for the merchant and the body");
    }
    String text = WebhookIntake.utf8(raw);
    String eventId = parsed.path("event_id").asString(null);
    return intake.take(
        new WebhookIntake.Verified(
            "square",
            merchantId,
            eventId != null && !eventId.isBlank() ? eventId : WebhookIntake.bodyId(text),
            null,
            parsed.path("type").asString("unknown"),
            WebhookIntake.kept(headers, KEPT_HEADERS),
            text,
            SquareOrders.orderId(parsed)));
  }

  /** Base64 HMAC-SHA256 of the notification URL followed by the raw body, in constant time. */
  static boolean verified(String key, String notificationUrl, byte[] body, String signature) {
    byte[] url = notificationUrl.getBytes(StandardCharsets.UTF_8);
    byte[] signed = new byte[url.length + body.length];
    System.arraycopy(url, 0, signed, 0, url.length);
    System.arraycopy(body, 0, signed, url.length, body.length);
    return WebhookIntake.verified(key, signed, signature);
  }
}
