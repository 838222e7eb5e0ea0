package io.orderloop.channels;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Shopify's webhook deliveries ({@code POST /channels/shopify/webhooks}), authenticated by their
 * signature: {@code X-Shopify-Hmac-Sha256} is the base64 HMAC-SHA256 of the raw body under the
 * shop's webhook secret, compared in constant time. Both header families are read: {@code
 * X-Shopify-*} and the newer unprefixed {@code shopify-*}.
 *
 * <p>401 for an unknown shop, a missing or wrong signature (counted, stored nowhere); 400 for a
 * body that is not a JSON object; 413 over the body limit. A verified delivery is stored before the
 * answer; a repeat of one already stored (same {@code X-Shopify-Webhook-Id}, or the same {@code
 * X-Shopify-Event-Id} from the same shop) is answered 200 as a duplicate. A verified order the loop
 * cannot take as it is is still answered 200 — refusing it would make Shopify retry and then drop
 * the subscription — and held for a person.
 */
@RestController
class ShopifyWebhookController {

  /** Headers kept with a delivery (lower case); the signature is not kept. */
  static final List<String> KEPT_HEADERS =
      List.of(
          "x-shopify-topic",
          "x-shopify-shop-domain",
          "x-shopify-api-version",
          "x-shopify-webhook-id",
          "x-shopify-event-id",
          "x-shopify-triggered-at",
          "x-shopify-name",
          "shopify-topic",
          "shopify-shop-domain",
          "shopify-api-version",
          "shopify-webhook-id",
          "shopify-event-id",
          "shopify-triggered-at",
          "content-type",
          "user-agent");

  private final ChannelConnections connections;
  private final WebhookIntake intake;

  ShopifyWebhookController(ChannelConnections connections, WebhookIntake intake) {
    this.connections = connections;
    this.intake = intake;
  }

  @Operation(
      operationId = "receiveShopifyWebhook",
      summary =
          "Receive a Shopify webhook delivery (orders/create, orders/updated, orders/cancelled)",
      description =
          "Authenticated by X-Shopify-Hmac-Sha256 (base64 HMAC-SHA256 of the raw body under the"
              + " shop's webhook secret), not by an API key. Verified deliveries are stored before"
              + " the answer and processed at once; the answer waits for that at most"
              + " orderloop.channels.inline-budget. status: PROCESSED, STALE, IGNORED, HELD,"
              + " FAILED (retried), RECEIVED (still processing) or DUPLICATE.")
  @PostMapping("/channels/shopify/webhooks")
  WebhookIntake.Answer receive(
      @Parameter(hidden = true) @RequestHeader HttpHeaders headers,
      @RequestBody(required = false) byte[] body) {
    String shop = header(headers, "shop-domain").map(s -> s.toLowerCase(Locale.ROOT)).orElse(null);
    if (shop == null) {
      throw intake.refused("shopify", "no_shop", "send the shop's domain in X-Shopify-Shop-Domain");
    }
    Optional<String> secret = connections.shopifyWebhookSecret(shop);
    if (secret.isEmpty()) {
      throw intake.refused(
          "shopify", "unknown_shop", "no Shopify shop '" + shop + "' is connected");
    }
    byte[] raw = body == null ? new byte[0] : body;
    if (!WebhookIntake.verified(secret.get(), raw, header(headers, "hmac-sha256").orElse(null))) {
      throw intake.refused(
          "shopify",
          "bad_signature",
          "X-Shopify-Hmac-Sha256 is missing or does not match the body under the shop's webhook"
              + " secret");
    }
    JsonNode parsed = intake.object("shopify", raw);
    String text = WebhookIntake.utf8(raw);
    return intake.take(
        new WebhookIntake.Verified(
            "shopify",
            shop,
            header(headers, "webhook-id").orElseGet(() -> WebhookIntake.bodyId(text)),
            header(headers, "event-id").orElse(null),
            header(headers, "topic").orElse("unknown"),
            WebhookIntake.kept(headers, KEPT_HEADERS),
            text,
            ShopifyOrders.orderId(parsed)));
  }

  /** The header in either family: {@code X-Shopify-<name>} or {@code shopify-<name>}. */
  static Optional<String> header(HttpHeaders headers, String name) {
    String v = headers.getFirst("X-Shopify-" + name);
    if (v == null) {
      v = headers.getFirst("shopify-" + name);
    }
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }
}
