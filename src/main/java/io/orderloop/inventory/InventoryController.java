package io.orderloop.inventory;

import io.orderloop.common.ApiProblem;
import io.orderloop.common.QueryParameters;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** SKUs, locations, stock receipts and the stock view over HTTP. */
@RestController
class InventoryController {

  private final Catalogue catalogue;
  private final StockLedger stock;
  private final StockReconciliation reconciliation;

  InventoryController(Catalogue catalogue, StockLedger stock, StockReconciliation reconciliation) {
    this.catalogue = catalogue;
    this.stock = stock;
    this.reconciliation = reconciliation;
  }

  record SkuRequest(
      @NotBlank @Size(max = 200) String name,
      @Positive Integer casePack,
      @Positive Integer palletQuantity,
      Boolean lotControlled,
      Boolean requiresPinnedLot,
      Boolean allowsLooseUnits) {}

  record SkuResponse(
      String sku,
      String name,
      int casePack,
      Integer palletQuantity,
      boolean lotControlled,
      boolean requiresPinnedLot,
      boolean allowsLooseUnits) {
    static SkuResponse of(SkuInfo s) {
      return new SkuResponse(
          s.code(),
          s.name(),
          s.casePack(),
          s.palletQuantity(),
          s.lotControlled(),
          s.requiresPinnedLot(),
          s.allowsLooseUnits());
    }
  }

  @Operation(
      operationId = "putSku",
      summary = "Create or replace a SKU",
      responses = {
        @ApiResponse(
            responseCode = "201",
            description = "The SKU was created",
            useReturnTypeSchema = true),
        @ApiResponse(
            responseCode = "200",
            description = "The SKU was replaced",
            useReturnTypeSchema = true)
      })
  @PutMapping("/api/v1/skus/{sku}")
  ResponseEntity<SkuResponse> putSku(
      @PathVariable String sku, @Valid @RequestBody SkuRequest request) {
    requireCode("sku", sku);
    SkuInfo info =
        new SkuInfo(
            sku,
            request.name().strip(),
            request.casePack() == null ? 1 : request.casePack(),
            request.palletQuantity(),
            Boolean.TRUE.equals(request.lotControlled()),
            Boolean.TRUE.equals(request.requiresPinnedLot()),
            Boolean.TRUE.equals(request.allowsLooseUnits()));
    SkuRules.problems(info).stream()
        .findFirst()
        .ifPresent(
            p -> {
              throw ApiProblem.unprocessable(p.field(), p.detail());
            });
    boolean created = catalogue.putSku(info);
    return ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK)
        .body(SkuResponse.of(info));
  }

  @Operation(operationId = "getSku", summary = "Get a SKU")
  @GetMapping("/api/v1/skus/{sku}")
  SkuResponse sku(@PathVariable String sku) {
    return catalogue
        .sku(sku)
        .map(SkuResponse::of)
        .orElseThrow(() -> ApiProblem.notFound("no SKU '" + sku + "'"));
  }

  @Operation(operationId = "listSkus", summary = "List SKUs by code")
  @GetMapping("/api/v1/skus")
  Map<String, Object> skus(
      @RequestParam(required = false) String cursor,
      @RequestParam(defaultValue = "100") int limit) {
    List<SkuResponse> items =
        catalogue.listSkus(cursor, QueryParameters.limit(limit)).stream()
            .map(SkuResponse::of)
            .toList();
    Map<String, Object> page = new HashMap<>();
    page.put("items", items);
    page.put("nextCursor", items.size() == limit ? items.getLast().sku() : null);
    return page;
  }

  record LocationRequest(
      @NotBlank @Size(max = 200) String name, @NotNull @Min(0) Integer priority) {}

  @Operation(
      operationId = "putLocation",
      summary = "Create or replace a location",
      responses = {
        @ApiResponse(
            responseCode = "201",
            description = "The location was created",
            useReturnTypeSchema = true),
        @ApiResponse(
            responseCode = "200",
            description = "The location was replaced",
            useReturnTypeSchema = true)
      })
  @PutMapping("/api/v1/locations/{code}")
  ResponseEntity<Catalogue.LocationInfo> putLocation(
      @PathVariable String code, @Valid @RequestBody LocationRequest request) {
    requireCode("code", code);
    Catalogue.LocationInfo info =
        new Catalogue.LocationInfo(code, request.name().strip(), request.priority());
    boolean created = catalogue.putLocation(info);
    return ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK).body(info);
  }

  @Operation(operationId = "listLocations", summary = "List locations by priority")
  @GetMapping("/api/v1/locations")
  Map<String, List<Catalogue.LocationInfo>> locations() {
    return Map.of("items", catalogue.locations());
  }

  record ReceiptRequest(
      @NotBlank String sku,
      @NotBlank String location,
      @Size(max = 64) String lot,
      LocalDate expiresOn,
      @NotNull @Positive @Max(100_000_000) Integer quantity,
      @Size(max = 500) String reason) {}

  @Operation(
      operationId = "receiveStock",
      summary = "Receive stock (fills waiting backorders)",
      responses = {
        @ApiResponse(
            responseCode = "201",
            description = "The SKU's stock after the receipt",
            useReturnTypeSchema = true)
      })
  @PostMapping("/api/v1/inventory/receipts")
  ResponseEntity<StockView> receive(@Valid @RequestBody ReceiptRequest request) {
    String lot = request.lot() == null || request.lot().isBlank() ? null : request.lot().strip();
    StockView view =
        stock.receive(
            new StockLedger.Receipt(
                request.sku(),
                request.location(),
                lot,
                request.expiresOn(),
                request.quantity(),
                request.reason()));
    return ResponseEntity.created(URI.create("/api/v1/inventory/" + view.sku())).body(view);
  }

  @Operation(operationId = "getStock", summary = "Get the stock of a SKU per lot and location")
  @GetMapping("/api/v1/inventory/{sku}")
  StockView stock(@PathVariable String sku) {
    return stock.stock(sku).orElseThrow(() -> ApiProblem.notFound("no SKU '" + sku + "'"));
  }

  record AdjustmentRequest(
      @NotBlank String sku,
      @NotBlank String location,
      @Size(max = 64) String lot,
      @NotNull @Min(-100_000_000) @Max(100_000_000) Integer quantity,
      @NotNull StockLedger.AdjustmentReason reasonCode,
      @Size(max = 500) String note) {}

  @Operation(operationId = "adjustStock", summary = "Adjust stock on hand (cycle count, damage, …)")
  @PostMapping("/api/v1/inventory/adjustments")
  ResponseEntity<StockView> adjust(@Valid @RequestBody AdjustmentRequest request) {
    if (request.quantity() == 0) {
      throw ApiProblem.unprocessable(
          "quantity", "an adjustment changes on hand: give a non-zero quantity");
    }
    String lot = request.lot() == null || request.lot().isBlank() ? null : request.lot().strip();
    StockView view =
        stock.adjust(
            new StockLedger.Adjustment(
                request.sku(),
                request.location(),
                lot,
                request.quantity(),
                request.reasonCode(),
                request.note()));
    return ResponseEntity.ok(view);
  }

  @Operation(operationId = "listStockMovements", summary = "List the stock ledger of a SKU")
  @GetMapping("/api/v1/inventory/{sku}/movements")
  Map<String, Object> movements(
      @PathVariable String sku,
      @RequestParam(required = false) Long cursor,
      @RequestParam(defaultValue = "100") int limit) {
    QueryParameters.limit(limit);
    if (catalogue.sku(sku).isEmpty()) {
      throw ApiProblem.notFound("no SKU '" + sku + "'");
    }
    List<StockLedger.Movement> items = stock.movements(sku, cursor, limit);
    Map<String, Object> page = new HashMap<>();
    page.put("items", items);
    page.put("nextCursor", items.size() == limit ? String.valueOf(items.getLast().id()) : null);
    return page;
  }

  @Operation(operationId = "listStock", summary = "List stock per SKU")
  @GetMapping("/api/v1/inventory")
  Map<String, Object> stockList(
      @RequestParam(required = false) String location,
      @RequestParam(required = false) Integer belowAvailable,
      @RequestParam(required = false) String cursor,
      @RequestParam(defaultValue = "100") int limit) {
    QueryParameters.limit(limit);
    List<StockLedger.StockSummary> items = stock.stockList(location, belowAvailable, cursor, limit);
    Map<String, Object> page = new HashMap<>();
    page.put("items", items);
    page.put("nextCursor", items.size() == limit ? items.getLast().sku() : null);
    return page;
  }

  @Operation(
      operationId = "reconcileStock",
      summary = "Check stock against reservations and the ledger")
  @GetMapping("/api/v1/inventory/reconciliation")
  Reconciliation reconciliation() {
    return reconciliation.reconcile();
  }

  private static void requireCode(String field, String code) {
    String problem = SkuRules.codeProblem(code);
    if (problem != null) {
      throw ApiProblem.unprocessable(field, problem);
    }
  }
}
