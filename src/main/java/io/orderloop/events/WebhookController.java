package io.orderloop.events;

import io.orderloop.common.QueryParameters;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Webhook subscriptions (scope {@code admin}). */
@RestController
@RequestMapping("/api/v1/webhook-subscriptions")
class WebhookController {

  private final Webhooks webhooks;

  WebhookController(Webhooks webhooks) {
    this.webhooks = webhooks;
  }

  record CreateRequest(@NotBlank @Size(max = 2000) String url, List<@NotBlank String> eventTypes) {}

  @Operation(
      operationId = "createWebhookSubscription",
      summary = "Subscribe a webhook (the secret is shown once)",
      responses = {
        @ApiResponse(
            responseCode = "201",
            description = "The subscription with its secret",
            useReturnTypeSchema = true)
      })
  @PostMapping
  ResponseEntity<Webhooks.Subscription> create(@Valid @RequestBody CreateRequest request) {
    Webhooks.Subscription s = webhooks.create(request.url(), request.eventTypes());
    return ResponseEntity.created(URI.create("/api/v1/webhook-subscriptions/" + s.id())).body(s);
  }

  @Operation(operationId = "listWebhookSubscriptions", summary = "List webhook subscriptions")
  @GetMapping
  Map<String, List<Webhooks.Subscription>> list() {
    return Map.of("items", webhooks.list());
  }

  @Operation(operationId = "getWebhookSubscription", summary = "Get a webhook subscription")
  @GetMapping("/{id}")
  Webhooks.Subscription get(@PathVariable UUID id) {
    return webhooks.get(id);
  }

  record UpdateRequest(
      @Size(max = 2000) String url, List<@NotBlank String> eventTypes, Boolean paused) {}

  @Operation(
      operationId = "updateWebhookSubscription",
      summary = "Change, pause or resume a webhook subscription")
  @PatchMapping("/{id}")
  Webhooks.Subscription update(@PathVariable UUID id, @Valid @RequestBody UpdateRequest request) {
    return webhooks.update(id, request.url(), request.eventTypes(), request.paused());
  }

  @Operation(
      operationId = "deleteWebhookSubscription",
      summary = "Delete a webhook subscription",
      responses = {@ApiResponse(responseCode = "204", description = "Deleted")})
  @DeleteMapping("/{id}")
  ResponseEntity<Void> delete(@PathVariable UUID id) {
    webhooks.delete(id);
    return ResponseEntity.noContent().build();
  }

  @Operation(
      operationId = "rotateWebhookSecret",
      summary = "Issue a new secret for a webhook subscription")
  @PostMapping("/{id}/rotate-secret")
  Webhooks.Subscription rotate(@PathVariable UUID id) {
    return webhooks.rotateSecret(id);
  }

  record ReplayRequest(Instant from) {}

  @Operation(
      operationId = "replayWebhookSubscription",
      summary = "Resume a dead or paused subscription, optionally from a time")
  @PostMapping("/{id}/replay")
  Webhooks.Subscription replay(
      @PathVariable UUID id, @Valid @RequestBody(required = false) ReplayRequest request) {
    return webhooks.replay(id, request == null ? null : request.from());
  }

  @Operation(
      operationId = "listWebhookDeliveries",
      summary = "List the delivery attempts of a subscription")
  @GetMapping("/{id}/deliveries")
  Map<String, List<Webhooks.Delivery>> deliveries(
      @PathVariable UUID id, @RequestParam(defaultValue = "100") int limit) {
    return Map.of("items", webhooks.deliveries(id, QueryParameters.limit(limit)));
  }
}
