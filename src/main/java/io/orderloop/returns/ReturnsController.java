package io.orderloop.returns;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Returns (RMA) over HTTP. */
@RestController
class ReturnsController {

  private final Returns returns;

  ReturnsController(Returns returns) {
    this.returns = returns;
  }

  record ReturnLineRequest(@NotBlank String sku, @NotNull @Positive Integer quantity) {}

  record CreateReturnRequest(
      @NotEmpty @Size(max = 500) List<@NotNull @Valid ReturnLineRequest> lines,
      @NotBlank @Size(max = 1000) String reason) {}

  @Operation(
      operationId = "createReturn",
      summary = "Open a return (RMA) for a delivered order",
      responses = {
        @ApiResponse(responseCode = "201", description = "The return", useReturnTypeSchema = true)
      })
  @PostMapping("/api/v1/orders/{idOrNumber}/returns")
  ResponseEntity<ReturnView> create(
      @PathVariable String idOrNumber, @Valid @RequestBody CreateReturnRequest request) {
    ReturnView created =
        returns.create(
            idOrNumber,
            request.lines().stream()
                .map(l -> new Returns.RequestedLine(l.sku(), l.quantity()))
                .toList(),
            request.reason().strip());
    return ResponseEntity.created(URI.create("/api/v1/returns/" + created.id())).body(created);
  }

  @Operation(operationId = "listOrderReturns", summary = "List the returns of an order")
  @GetMapping("/api/v1/orders/{idOrNumber}/returns")
  Map<String, List<ReturnView>> forOrder(@PathVariable String idOrNumber) {
    return Map.of("items", returns.forOrder(idOrNumber));
  }

  @Operation(operationId = "getReturn", summary = "Get a return")
  @GetMapping("/api/v1/returns/{idOrNumber}")
  ReturnView get(@PathVariable String idOrNumber) {
    return returns.get(idOrNumber);
  }

  @Operation(operationId = "getReturnHistory", summary = "Get the history of a return")
  @GetMapping("/api/v1/returns/{idOrNumber}/events")
  Map<String, List<Returns.ReturnEvent>> events(@PathVariable String idOrNumber) {
    return Map.of("items", returns.history(idOrNumber));
  }

  record DispositionRequest(
      @NotBlank String sku,
      @NotBlank String disposition,
      @Size(max = 64) String location,
      @Size(max = 64) String lot) {}

  record ReturnTransitionRequest(
      @NotNull ReturnState to,
      @Size(max = 1000) String reason,
      List<@NotNull @Valid DispositionRequest> lines,
      @DecimalMin("0") @Digits(integer = 15, fraction = 4) BigDecimal refundAmount) {}

  @Operation(operationId = "transitionReturn", summary = "Move a return through its loop")
  @PostMapping("/api/v1/returns/{idOrNumber}/transitions")
  ReturnView transition(
      @PathVariable String idOrNumber, @Valid @RequestBody ReturnTransitionRequest request) {
    List<Returns.Disposition> dispositions =
        request.lines() == null
            ? List.of()
            : request.lines().stream()
                .map(l -> new Returns.Disposition(l.sku(), l.disposition(), l.location(), l.lot()))
                .toList();
    return returns.transition(
        idOrNumber, request.to(), request.reason(), dispositions, request.refundAmount());
  }
}
