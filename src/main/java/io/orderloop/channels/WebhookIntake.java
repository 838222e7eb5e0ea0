package io.orderloop.channels;

import io.micrometer.core.instrument.MeterRegistry;
import io.orderloop.common.ApiProblem;
import io.orderloop.common.Digests;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every store's webhook endpoint does once it knows the account: the HMAC check, reading the
 * body as a JSON object, storing the verified delivery (a repeat is a duplicate), processing it
 * within the inline budget, and counting what was refused (stored nowhere).
 */
@Component
class WebhookIntake {

  /** The answer to a delivery: its record and what became of it. */
  record Answer(long deliveryId, String status) {}

  /** A verified delivery to keep. */
  record Verified(
      String channel,
      String account,
      String deliveryId,
      String eventId,
      String topic,
      Map<String, String> headers,
      String body,
      String externalId) {}

  private final ChannelDeliveries deliveries;
  private final DeliveryProcessor processor;
  private final JsonMapper json;
  private final MeterRegistry meters;

  WebhookIntake(
      ChannelDeliveries deliveries,
      DeliveryProcessor processor,
      JsonMapper json,
      MeterRegistry meters) {
    this.deliveries = deliveries;
    this.processor = processor;
    this.json = json;
    this.meters = meters;
  }

  /** 401, counted by channel and reason; nothing is stored. */
  ApiProblem refused(String channel, String reason, String detail) {
    count(channel, reason);
    return new ApiProblem(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail);
  }

  /** The body as a JSON object in UTF-8, or 400 (counted). */
  JsonNode object(String channel, byte[] raw) {
    String text = utf8(raw);
    JsonNode parsed;
    try {
      parsed = text == null ? null : json.readTree(text);
    } catch (JacksonException e) {
      parsed = null;
    }
    if (parsed == null || !parsed.isObject()) {
      count(channel, "not_json");
      throw ApiProblem.badRequest("the body is not a JSON object in UTF-8");
    }
    return parsed;
  }

  /** The listed headers (lower case), each cut at 500 characters. */
  static Map<String, String> kept(HttpHeaders headers, List<String> names) {
    Map<String, String> kept = new LinkedHashMap<>();
    for (String name : names) {
      String v = headers.getFirst(name);
      if (v != null) {
        kept.put(name, v.length() > 500 ? v.substring(0, 500) : v);
      }
    }
    return kept;
  }

  /** A delivery id for a body sent without one: the same body is the same delivery. */
  static String bodyId(String text) {
    return "sha256:" + Digests.sha256Hex(text);
  }

  /** Stores a verified delivery and processes it; a repeat answers the stored one as DUPLICATE. */
  Answer take(Verified v) {
    String deliveryId = clip(v.deliveryId());
    String eventId = v.eventId() == null ? null : clip(v.eventId());
    Optional<Long> stored =
        deliveries.store(
            new ChannelDeliveries.Incoming(
                v.channel(),
                v.account(),
                deliveryId,
                eventId,
                clip(v.topic()),
                v.headers(),
                v.body(),
                v.externalId()));
    if (stored.isEmpty()) {
      meters
          .counter("orderloop.channel.deliveries", "channel", v.channel(), "result", "duplicate")
          .increment();
      return new Answer(
          deliveries.original(v.channel(), v.account(), deliveryId, eventId).orElse(0L),
          "DUPLICATE");
    }
    meters
        .counter("orderloop.channel.deliveries", "channel", v.channel(), "result", "stored")
        .increment();
    return new Answer(stored.get(), processor.processSoon(stored.get()));
  }

  /** Base64 HMAC-SHA256 of {@code signed} under the key, compared in constant time. */
  static boolean verified(String key, byte[] signed, String signature) {
    if (signature == null) {
      return false;
    }
    byte[] given;
    try {
      given = Base64.getDecoder().decode(signature.strip());
    } catch (IllegalArgumentException notBase64) {
      return false;
    }
    return MessageDigest.isEqual(hmac(key, signed), given);
  }

  static byte[] hmac(String key, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
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

  private void count(String channel, String reason) {
    meters
        .counter("orderloop.channel.deliveries.refused", "channel", channel, "reason", reason)
        .increment();
  }

  private static String clip(String s) {
    return s.length() > 255 ? s.substring(0, 255) : s;
  }
}
