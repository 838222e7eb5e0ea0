package io.orderloop.orders;

import io.orderloop.common.Actors;
import io.orderloop.common.ApiProblem;
import io.orderloop.common.IdempotentRequests;
import io.orderloop.common.IfMatch;
import io.orderloop.common.QueryParameters;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Orders over HTTP: parse into a request record, one call into the module's API ({@link
 * OrderIntake}, {@link Orders}, {@link OrderQueries}, {@link OrderAllocation}), map the result.
 */
@RestController
@RequestMapping("/api/v1/orders")
class OrderController {

  private final OrderIntake intake;
  private final Orders orders;
  private final OrderQueries queries;
  private final OrderAllocation allocation;
  private final OrderEditing editing;
  private final OrderStateCounts counts;
  private final IdempotentRequests idempotency;
  private final JsonMapper json;

  OrderController(
      OrderIntake intake,
      Orders orders,
      OrderQueries queries,
      OrderAllocation allocation,
      OrderEditing editing,
      IdempotentRequests idempotency,
      JsonMapper json,
      OrderStateCounts counts) {
    this.intake = intake;
    this.orders = orders;
    this.queries = queries;
    this.allocation = allocation;
    this.editing = editing;
    this.counts = counts;
    this.idempotency = idempotency;
    this.json = json;
  }

  @Operation(
      operationId = "createOrder",
      summary = "Create an order (reserves stock at once)",
      responses = {
        @ApiResponse(
            responseCode = "201",
            description = "The order was created",
            content =
                @Content(
                    mediaType = "application/json",
                    schema = @Schema(implementation = OrderView.class))),
        @ApiResponse(
            responseCode = "200",
            description = "The channel order existed: that order",
            content =
                @Content(
                    mediaType = "application/json",
                    schema = @Schema(implementation = OrderView.class)))
      })
  @PostMapping
  ResponseEntity<String> create(
      @Valid @RequestBody CreateOrder request,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    Supplier<String> fingerprint =
        IdempotentRequests.fingerprint(
            () -> "POST /api/v1/orders\n" + json.writeValueAsString(request));
    IdempotentRequests.StoredResponse response =
        idempotency.execute(
            Actors.current(),
            idempotencyKey,
            fingerprint,
            () -> {
              OrderIntake.Intake result = intake.create(request);
              return new IdempotentRequests.StoredResponse(
                  result.created() ? 201 : 200,
                  json.writeValueAsString(result.order()),
                  "/api/v1/orders/" + result.order().id());
            });
    return ResponseEntity.status(response.status())
        .location(URI.create(response.location()))
        .contentType(MediaType.APPLICATION_JSON)
        .header("Idempotent-Replayed", String.valueOf(response.replayed()))
        .body(response.body());
  }

  @Operation(operationId = "getOrder", summary = "Get an order by id or number (with its ETag)")
  @GetMapping("/{idOrNumber}")
  ResponseEntity<OrderView> get(@PathVariable String idOrNumber) {
    return withEtag(queries.get(idOrNumber));
  }

  @Operation(operationId = "listOrders", summary = "List orders, newest first, by filters")
  @GetMapping
  OrderQueries.Page list(
      @RequestParam(required = false) Boolean atRisk,
      @RequestParam(required = false) Boolean onHold,
      @RequestParam(required = false) OrderState state,
      @RequestParam(required = false) Channel channel,
      @RequestParam(required = false) OrderType type,
      @Parameter(schema = @Schema(type = "string", format = "date-time"))
          @RequestParam(required = false)
          String createdFrom,
      @Parameter(schema = @Schema(type = "string", format = "date-time"))
          @RequestParam(required = false)
          String createdTo,
      @RequestParam(required = false) String q,
      @Parameter(description = "orders with units reserved at this location")
          @RequestParam(required = false)
          String location,
      @RequestParam(required = false) String cursor,
      @RequestParam(defaultValue = "50") int limit) {
    return queries.list(
        new OrderQueries.ListQuery(
            atRisk,
            onHold,
            state,
            channel,
            type,
            QueryParameters.instant("createdFrom", createdFrom),
            QueryParameters.instant("createdTo", createdTo),
            q,
            cursor,
            QueryParameters.limit(limit),
            location == null || location.isBlank() ? null : location.strip()));
  }

  /** The board's counts: orders in each state, exact, optionally for one channel and type. */
  record StateCounts(Map<OrderState, Long> counts, long total) {}

  @Operation(operationId = "countOrdersByState", summary = "Count orders by state")
  @GetMapping("/counts")
  StateCounts counts(
      @RequestParam(required = false) Channel channel,
      @RequestParam(required = false) OrderType type) {
    Map<OrderState, Long> byState = counts.counts(channel, type);
    return new StateCounts(byState, byState.values().stream().mapToLong(Long::longValue).sum());
  }

  @Operation(operationId = "getOrderHistory", summary = "Get the history of an order")
  @GetMapping("/{idOrNumber}/events")
  Map<String, List<HistoryEntry>> events(@PathVariable String idOrNumber) {
    return Map.of("items", queries.history(idOrNumber));
  }

  /**
   * A JSON merge patch of ship-to, bill-to, customer, notes and B2B terms, with line changes
   * ({@code lines: [{lineNo, quantity}]}, {@code 0} cancels a line; {@code [{sku, quantity,
   * unitPrice}]} adds one).
   */
  @Operation(operationId = "editOrder", summary = "Edit an order (JSON merge patch)")
  @PatchMapping(
      value = "/{idOrNumber}",
      consumes = {"application/merge-patch+json", MediaType.APPLICATION_JSON_VALUE})
  ResponseEntity<OrderView> edit(
      @PathVariable String idOrNumber,
      @RequestBody JsonNode patch,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    return withEtag(editing.edit(idOrNumber, patch, IfMatch.parse(ifMatch)));
  }

  record TransitionRequest(@NotNull OrderState to, @Size(max = 1000) String reason) {}

  @Operation(
      operationId = "transitionOrder",
      summary = "Move an order to another state of the loop")
  @PostMapping("/{idOrNumber}/transitions")
  ResponseEntity<OrderView> transition(
      @PathVariable String idOrNumber,
      @Valid @RequestBody TransitionRequest request,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    return withEtag(
        orders.transition(idOrNumber, request.to(), request.reason(), IfMatch.parse(ifMatch)));
  }

  record CancelRequest(
      @Size(max = 1000) String reason, List<@NotNull @Valid CancelLineRequest> lines) {}

  record CancelLineRequest(@NotBlank String sku, @NotNull @Positive Integer quantity) {}

  @Operation(operationId = "cancelOrder", summary = "Cancel an order or some of its units")
  @PostMapping("/{idOrNumber}/cancel")
  ResponseEntity<OrderView> cancel(
      @PathVariable String idOrNumber,
      @Valid @RequestBody(required = false) CancelRequest request,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    CancelRequest r = request == null ? new CancelRequest(null, null) : request;
    if (r.lines() != null && r.lines().isEmpty()) {
      throw ApiProblem.unprocessable(
          "lines", "name the lines to cancel, or leave lines out to cancel the whole order");
    }
    List<Orders.CancelLine> lines =
        r.lines() == null
            ? List.of()
            : r.lines().stream().map(l -> new Orders.CancelLine(l.sku(), l.quantity())).toList();
    return withEtag(orders.cancel(idOrNumber, r.reason(), lines, IfMatch.parse(ifMatch)));
  }

  record HoldRequest(@NotBlank @Size(max = 500) String reason, HoldKind kind) {}

  @Operation(operationId = "holdOrder", summary = "Put an order on hold")
  @PostMapping("/{idOrNumber}/hold")
  ResponseEntity<OrderView> hold(
      @PathVariable String idOrNumber,
      @Valid @RequestBody HoldRequest request,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    return withEtag(
        orders.hold(idOrNumber, request.kind(), request.reason().strip(), IfMatch.parse(ifMatch)));
  }

  record ReleaseHoldRequest(@Size(max = 500) String reason, HoldKind kind) {}

  @Operation(operationId = "releaseOrderHold", summary = "Release an order's hold")
  @PostMapping("/{idOrNumber}/hold/release")
  ResponseEntity<OrderView> releaseHold(
      @PathVariable String idOrNumber,
      @Valid @RequestBody(required = false) ReleaseHoldRequest request,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    return withEtag(
        orders.releaseHold(
            idOrNumber,
            request == null ? null : request.kind(),
            request == null ? null : request.reason(),
            IfMatch.parse(ifMatch)));
  }

  @Operation(operationId = "listOrderInvoices", summary = "List the invoices of an order")
  @GetMapping("/{idOrNumber}/invoices")
  Map<String, List<Invoice>> invoices(@PathVariable String idOrNumber) {
    return Map.of("items", queries.invoices(idOrNumber));
  }

  @Operation(operationId = "getOrderAllocation", summary = "Get the allocation panel of an order")
  @GetMapping("/{idOrNumber}/allocation")
  OrderAllocation.AllocationView allocation(@PathVariable String idOrNumber) {
    return allocation.allocation(idOrNumber);
  }

  @Operation(
      operationId = "rerunOrderAllocation",
      summary = "Re-run allocation of the backordered units")
  @PostMapping("/{idOrNumber}/allocation/rerun")
  ResponseEntity<OrderView> rerunAllocation(
      @PathVariable String idOrNumber,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    return withEtag(allocation.rerun(idOrNumber, IfMatch.parse(ifMatch)));
  }

  record ReleaseRequest(
      @NotNull @Positive Integer lineNo,
      @Positive Integer quantity,
      @Size(max = 1000) String reason) {}

  @Operation(operationId = "releaseOrderReservation", summary = "Release reserved units of a line")
  @PostMapping("/{idOrNumber}/allocation/release")
  ResponseEntity<OrderView> release(
      @PathVariable String idOrNumber,
      @Valid @RequestBody ReleaseRequest request,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    return withEtag(
        allocation.releaseLine(
            idOrNumber,
            request.lineNo(),
            request.quantity(),
            request.reason(),
            IfMatch.parse(ifMatch)));
  }

  record PinRequest(@NotNull @Positive Integer lineNo, @NotBlank @Size(max = 64) String lot) {}

  @Operation(operationId = "pinOrderLineLot", summary = "Pin a line to a lot")
  @PostMapping("/{idOrNumber}/allocation/pin")
  ResponseEntity<OrderView> pin(
      @PathVariable String idOrNumber,
      @Valid @RequestBody PinRequest request,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    return withEtag(
        allocation.pinLine(
            idOrNumber, request.lineNo(), request.lot().strip(), IfMatch.parse(ifMatch)));
  }

  record UnpinRequest(@NotNull @Positive Integer lineNo) {}

  @Operation(operationId = "unpinOrderLineLot", summary = "Unpin a line from its lot")
  @PostMapping("/{idOrNumber}/allocation/unpin")
  ResponseEntity<OrderView> unpin(
      @PathVariable String idOrNumber,
      @Valid @RequestBody UnpinRequest request,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    return withEtag(allocation.unpinLine(idOrNumber, request.lineNo(), IfMatch.parse(ifMatch)));
  }

  record MoveRequest(
      @NotNull @Positive Integer lineNo,
      @NotNull @Positive Integer quantity,
      @NotBlank String toLocation,
      @Size(max = 64) String toLot) {}

  @Operation(
      operationId = "moveOrderReservation",
      summary = "Move reserved units of a line to another location or lot")
  @PostMapping("/{idOrNumber}/allocation/move")
  ResponseEntity<OrderView> move(
      @PathVariable String idOrNumber,
      @Valid @RequestBody MoveRequest request,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    String lot =
        request.toLot() == null || request.toLot().isBlank() ? null : request.toLot().strip();
    return withEtag(
        allocation.moveReservation(
            idOrNumber,
            request.lineNo(),
            request.quantity(),
            request.toLocation(),
            lot,
            IfMatch.parse(ifMatch)));
  }

  private static ResponseEntity<OrderView> withEtag(OrderView order) {
    return ResponseEntity.ok().eTag("\"" + order.version() + "\"").body(order);
  }
}
