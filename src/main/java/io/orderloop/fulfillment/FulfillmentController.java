package io.orderloop.fulfillment;

import io.orderloop.common.Actors;
import io.orderloop.common.IdempotentRequests;
import io.orderloop.common.IfMatch;
import io.orderloop.common.QueryParameters;
import io.orderloop.orders.Shipment;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/** Shipments, delivery and the fulfillment queue over HTTP. */
@RestController
class FulfillmentController {

  private final Fulfillment fulfillment;
  private final IdempotentRequests idempotency;
  private final JsonMapper json;

  FulfillmentController(Fulfillment fulfillment, IdempotentRequests idempotency, JsonMapper json) {
    this.fulfillment = fulfillment;
    this.idempotency = idempotency;
    this.json = json;
  }

  record ShipLineRequest(
      @NotBlank String sku, @NotNull @Positive Integer quantity, @Size(max = 64) String lot) {}

  record ShipmentRequest(
      @NotBlank @Size(max = 100) String carrier,
      @NotBlank @Size(max = 100) String trackingNumber,
      @NotEmpty @Size(max = 500) List<@NotNull @Valid ShipLineRequest> lines) {}

  @Operation(
      operationId = "shipOrder",
      summary = "Ship units of an order",
      responses = {
        @ApiResponse(
            responseCode = "201",
            description = "The shipment (with the invoice of a B2B order)",
            content =
                @Content(
                    mediaType = "application/json",
                    schema = @Schema(implementation = ShipmentView.class)))
      })
  @PostMapping("/api/v1/orders/{idOrNumber}/shipments")
  ResponseEntity<String> ship(
      @PathVariable String idOrNumber,
      @Valid @RequestBody ShipmentRequest request,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    List<Shipment.Line> lines =
        request.lines().stream()
            .map(
                l ->
                    new Shipment.Line(
                        l.sku(),
                        l.quantity(),
                        l.lot() == null || l.lot().isBlank() ? null : l.lot()))
            .toList();
    Supplier<String> fingerprint =
        IdempotentRequests.fingerprint(
            () ->
                "POST /api/v1/orders/"
                    + idOrNumber
                    + "/shipments\n"
                    + json.writeValueAsString(request));
    IdempotentRequests.StoredResponse response =
        idempotency.execute(
            Actors.current(),
            idempotencyKey,
            fingerprint,
            () -> {
              ShipmentView shipment =
                  fulfillment.ship(
                      idOrNumber,
                      request.carrier().strip(),
                      request.trackingNumber().strip(),
                      lines,
                      IfMatch.parse(ifMatch));
              return new IdempotentRequests.StoredResponse(
                  201, json.writeValueAsString(shipment), "/api/v1/shipments/" + shipment.id());
            });
    return ResponseEntity.status(response.status())
        .location(URI.create(response.location()))
        .contentType(MediaType.APPLICATION_JSON)
        .header("Idempotent-Replayed", String.valueOf(response.replayed()))
        .body(response.body());
  }

  @Operation(operationId = "listOrderShipments", summary = "List the shipments of an order")
  @GetMapping("/api/v1/orders/{idOrNumber}/shipments")
  Map<String, List<ShipmentView>> shipments(@PathVariable String idOrNumber) {
    return Map.of("items", fulfillment.shipments(idOrNumber));
  }

  @Operation(operationId = "getShipment", summary = "Get a shipment")
  @GetMapping("/api/v1/shipments/{id}")
  ShipmentView shipment(@PathVariable UUID id) {
    return fulfillment.shipment(id);
  }

  record DeliveryRequest(Instant deliveredAt) {}

  @Operation(operationId = "confirmShipmentDelivery", summary = "Confirm a shipment delivered")
  @PostMapping("/api/v1/shipments/{id}/delivery")
  ShipmentView deliver(
      @PathVariable UUID id, @Valid @RequestBody(required = false) DeliveryRequest request) {
    return fulfillment.deliver(id, request == null ? null : request.deliveredAt());
  }

  @Operation(
      operationId = "getFulfillmentQueue",
      summary = "Get the fulfillment queue (pick list) per location")
  @GetMapping("/api/v1/fulfillment-queue")
  Fulfillment.QueuePage queue(
      @RequestParam(required = false) String location,
      @RequestParam(required = false) String cursor,
      @RequestParam(defaultValue = "50") int limit) {
    QueryParameters.limit(limit);
    return fulfillment.queue(location, cursor, limit);
  }
}
