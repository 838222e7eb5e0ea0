package io.orderloop.fulfillment;

import io.orderloop.common.ApiProblem;
import io.swagger.v3.oas.annotations.Operation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Carrier tracking callbacks: a generic JSON tracking event keyed by tracking number, authenticated
 * by the shared secret in {@code X-Carrier-Secret}. {@code DELIVERED} confirms the shipment; other
 * statuses are acknowledged and change nothing.
 */
@RestController
class CarrierCallbackController {

  private final Fulfillment fulfillment;
  private final FulfillmentProperties properties;

  CarrierCallbackController(Fulfillment fulfillment, FulfillmentProperties properties) {
    this.fulfillment = fulfillment;
    this.properties = properties;
  }

  record TrackingEvent(String carrier, String trackingNumber, String status, Instant occurredAt) {}

  @Operation(
      operationId = "receiveCarrierTrackingEvent",
      summary = "Receive a carrier's tracking event (delivery confirmation)")
  @PostMapping("/carriers/tracking-events")
  ResponseEntity<Object> tracking(
      @RequestHeader(name = "X-Carrier-Secret", required = false) String secret,
      @RequestBody TrackingEvent event) {
    String expected = properties.carrierSecret();
    if (expected == null || expected.isBlank()) {
      throw new ApiProblem(
          HttpStatus.FORBIDDEN,
          "carrier-callback-disabled",
          "Carrier callbacks are off",
          "set orderloop.fulfillment.carrier-secret to accept carrier tracking events");
    }
    if (secret == null
        || !MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8), secret.getBytes(StandardCharsets.UTF_8))) {
      throw new ApiProblem(
          HttpStatus.UNAUTHORIZED,
          "unauthorized",
          "Unauthorized",
          "send the shared carrier secret in X-Carrier-Secret");
    }
    // Checked only once the caller is known, so strangers learn nothing about the rules.
    requireText("carrier", event.carrier(), 100);
    requireText("trackingNumber", event.trackingNumber(), 100);
    requireText("status", event.status(), 40);
    if (!"DELIVERED".equalsIgnoreCase(event.status().strip())) {
      return ResponseEntity.accepted()
          .body(
              Map.of(
                  "trackingNumber",
                  event.trackingNumber(),
                  "status",
                  event.status(),
                  "applied",
                  false));
    }
    return ResponseEntity.ok(
        fulfillment.deliverByTracking(
            event.carrier().strip(), event.trackingNumber().strip(), event.occurredAt()));
  }

  private static void requireText(String field, String value, int max) {
    if (value == null || value.isBlank() || value.length() > max) {
      throw ApiProblem.unprocessable(field, "give 1 to " + max + " characters");
    }
  }
}
