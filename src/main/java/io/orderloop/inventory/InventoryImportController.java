package io.orderloop.inventory;

import io.orderloop.common.LargeBodyEndpoint;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * CSV imports by API: {@code POST /api/v1/inventory/imports/skus} and {@code …/stock-counts} with a
 * {@code text/csv} body; {@code ?dryRun=true} previews (writes nothing), otherwise every row is
 * written in one transaction, or none (422 with the wrong {@code rows}).
 */
@RestController
class InventoryImportController {

  /** Largest CSV an import takes (10,000 rows of a few columns fit well within it). */
  static final long MAX_CSV_BYTES = 4L * 1024 * 1024;

  private final InventoryImport imports;

  InventoryImportController(InventoryImport imports) {
    this.imports = imports;
  }

  @Operation(
      operationId = "importSkus",
      summary = "Import SKUs from CSV (preview with dryRun=true)",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = "text/csv",
                      schema =
                          @Schema(
                              type = "string",
                              example =
                                  "sku,name,case_pack,pallet_quantity\nLMB-BRS-001,Brass fitting 1/2in,12,480\n"))))
  @PostMapping(
      path = "/api/v1/inventory/imports/skus",
      consumes = {"text/csv", "text/plain"})
  InventoryImport.Result importSkus(
      @RequestParam(defaultValue = "false") boolean dryRun, @RequestBody String csv) {
    return run(InventoryImport.Kind.SKUS, dryRun, csv);
  }

  @Operation(
      operationId = "importStockCounts",
      summary = "Import stock counts from CSV (preview with dryRun=true)",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = "text/csv",
                      schema =
                          @Schema(
                              type = "string",
                              example = "sku,location,lot,counted\nLMB-BRS-001,EAST,,588\n"))))
  @PostMapping(
      path = "/api/v1/inventory/imports/stock-counts",
      consumes = {"text/csv", "text/plain"})
  InventoryImport.Result importStockCounts(
      @RequestParam(defaultValue = "false") boolean dryRun, @RequestBody String csv) {
    return run(InventoryImport.Kind.STOCK_COUNTS, dryRun, csv);
  }

  private InventoryImport.Result run(InventoryImport.Kind kind, boolean dryRun, String csv) {
    return dryRun ? imports.preview(kind, csv) : imports.apply(kind, csv);
  }

  /** The imports take bodies larger than other requests. */
  @Configuration(proxyBeanMethods = false)
  static class Limits {
    @Bean
    LargeBodyEndpoint skuImportEndpoint() {
      return new LargeBodyEndpoint(
          "/api/v1/inventory/imports/skus", MAX_CSV_BYTES, "4MB for a CSV import");
    }

    @Bean
    LargeBodyEndpoint stockCountImportEndpoint() {
      return new LargeBodyEndpoint(
          "/api/v1/inventory/imports/stock-counts", MAX_CSV_BYTES, "4MB for a CSV import");
    }
  }
}
