package io.orderloop.security;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** API key administration (scope {@code admin}). */
@RestController
@RequestMapping("/api/v1/api-keys")
class ApiKeyController {

  private final ApiKeys apiKeys;

  ApiKeyController(ApiKeys apiKeys) {
    this.apiKeys = apiKeys;
  }

  record CreateApiKeyRequest(
      @NotBlank
          @Pattern(
              regexp = "[A-Za-z0-9._@-]{1,64}",
              message = "use 1 to 64 letters, digits, '.', '_', '@' or '-'")
          String name,
      @NotEmpty List<String> scopes,
      @jakarta.validation.constraints.Email @jakarta.validation.constraints.Size(max = 320)
          String customerEmail,
      @io.swagger.v3.oas.annotations.media.Schema(
              description = "agent keys only: spending beyond these waits for a person's approval")
          AgentLimits limits) {}

  @Operation(
      operationId = "createApiKey",
      summary = "Create an API key (shown once)",
      responses = {
        @ApiResponse(
            responseCode = "201",
            description = "The key with its secret",
            useReturnTypeSchema = true)
      })
  @PostMapping
  ResponseEntity<ApiKeys.CreatedApiKey> create(@Valid @RequestBody CreateApiKeyRequest request) {
    ApiKeys.CreatedApiKey created =
        apiKeys.create(request.name(), request.scopes(), request.customerEmail(), request.limits());
    return ResponseEntity.created(URI.create("/api/v1/api-keys/" + created.id())).body(created);
  }

  @Operation(operationId = "listApiKeys", summary = "List API keys")
  @GetMapping
  Map<String, List<ApiKeys.ApiKeyView>> list() {
    return Map.of("items", apiKeys.list());
  }

  @Operation(
      operationId = "revokeApiKey",
      summary = "Revoke an API key",
      responses = {@ApiResponse(responseCode = "204", description = "Revoked")})
  @DeleteMapping("/{id}")
  ResponseEntity<Void> revoke(@PathVariable UUID id) {
    apiKeys.revoke(id);
    return ResponseEntity.noContent().build();
  }
}
