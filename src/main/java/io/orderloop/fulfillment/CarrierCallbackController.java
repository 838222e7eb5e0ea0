package io.orderloop.fulfillment;

import io.orderloop.common.ApiProblem;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
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

  record TrackingEvent(
      @Size(max = 100) String carrier,
      @NotBlank @Size(max = 100) String trackingNumber,
      @NotBlank @Size(max = 40) String status,
      Instant occurredAt) {}

  @PostMapping("/carriers/tracking-events")
  ResponseEntity<Object> tracking(
      @RequestHeader(name = "X-Carrier-Secret", required = false) String secret,
      @Valid @RequestBody TrackingEvent event) {
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
    if (!"DELIVERED".equalsIgnoreCase(event.status())) {
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
        fulfillment.deliverByTracking(event.carrier(), event.trackingNumber(), event.occurredAt()));
  }
}
