package io.orderloop.channels;

import io.micrometer.core.instrument.MeterRegistry;
import io.orderloop.common.ApiProblem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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
  private final ChannelDeliveries deliveries;
  private final DeliveryProcessor processor;
  private final JsonMapper json;
  private final MeterRegistry meters;

  ShopifyWebhookController(
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

  /** The answer to a delivery: its record and what became of it. */
  record Answer(long deliveryId, String status) {}

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
  Answer receive(
      @Parameter(hidden = true) @RequestHeader HttpHeaders headers,
      @RequestBody(required = false) byte[] body) {
    String shop = header(headers, "shop-domain").map(s -> s.toLowerCase(Locale.ROOT)).orElse(null);
    if (shop == null) {
      throw refused("no_shop", "send the shop's domain in X-Shopify-Shop-Domain");
    }
    Optional<String> secret = connections.shopifyWebhookSecret(shop);
    if (secret.isEmpty()) {
      throw refused("unknown_shop", "no Shopify shop '" + shop + "' is connected");
    }
    byte[] raw = body == null ? new byte[0] : body;
    if (!verified(secret.get(), raw, header(headers, "hmac-sha256").orElse(null))) {
      throw refused(
          "bad_signature",
          "X-Shopify-Hmac-Sha256 is missing or does not match the body under the shop's webhook"
              + " secret");
    }
    String text = utf8(raw);
    JsonNode parsed;
    try {
      parsed = text == null ? null : json.readTree(text);
    } catch (JacksonException e) {
      parsed = null;
    }
    if (parsed == null || !parsed.isObject()) {
      count("shopify", "not_json");
      throw ApiProblem.badRequest("the body is not a JSON object in UTF-8");
    }
    String topic = header(headers, "topic").orElse("unknown");
    String eventId = header(headers, "event-id").orElse(null);
    String deliveryId =
        header(headers, "webhook-id")
            .orElseGet(() -> "sha256:" + io.orderloop.common.Digests.sha256Hex(text));
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
                "shopify",
                shop,
                clip(deliveryId),
                eventId == null ? null : clip(eventId),
                clip(topic),
                kept,
                text,
                ShopifyOrders.orderId(parsed)));
    if (stored.isEmpty()) {
      meters
          .counter("orderloop.channel.deliveries", "channel", "shopify", "result", "duplicate")
          .increment();
      long original =
          deliveries
              .original("shopify", shop, clip(deliveryId), eventId == null ? null : clip(eventId))
              .orElse(0L);
      return new Answer(original, "DUPLICATE");
    }
    meters
        .counter("orderloop.channel.deliveries", "channel", "shopify", "result", "stored")
        .increment();
    return new Answer(stored.get(), processor.processSoon(stored.get()));
  }

  /** The header in either family: {@code X-Shopify-<name>} or {@code shopify-<name>}. */
  static Optional<String> header(HttpHeaders headers, String name) {
    String v = headers.getFirst("X-Shopify-" + name);
    if (v == null) {
      v = headers.getFirst("shopify-" + name);
    }
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }

  /** Base64 HMAC-SHA256 of the raw body under the secret, compared in constant time. */
  static boolean verified(String secret, byte[] body, String signature) {
    if (signature == null) {
      return false;
    }
    byte[] given;
    try {
      given = Base64.getDecoder().decode(signature.strip());
    } catch (IllegalArgumentException notBase64) {
      return false;
    }
    return MessageDigest.isEqual(hmac(secret, body), given);
  }

  static byte[] hmac(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(body);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String utf8(byte[] raw) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(raw))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private ApiProblem refused(String reason, String detail) {
    count("shopify", reason);
    return new ApiProblem(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail);
  }

  private void count(String channel, String reason) {
    meters
        .counter("orderloop.channel.deliveries.refused", "channel", channel, "reason", reason)
        .increment();
  }

  private static String clip(String s) {
    return s.length() > 255 ? s.substring(0, 255) : s;
  }
}
