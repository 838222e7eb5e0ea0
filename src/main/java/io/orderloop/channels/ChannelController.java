package io.orderloop.channels;

import io.orderloop.orders.Channel;
import io.orderloop.orders.ChannelOrders;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Channel connections and SKU aliases (scope {@code admin}). */
@RestController
@RequestMapping("/api/v1/channels")
class ChannelController {

  private final ChannelConnections connections;
  private final SkuAliases aliases;
  private final ChannelOrders orders;
  private final ChannelStockSync stockSync;
  private final ShopifyUpkeep upkeep;
  private final ChannelProperties properties;

  ChannelController(
      ChannelConnections connections,
      SkuAliases aliases,
      ChannelOrders orders,
      ChannelStockSync stockSync,
      ShopifyUpkeep upkeep,
      ChannelProperties properties) {
    this.upkeep = upkeep;
    this.properties = properties;
    this.connections = connections;
    this.aliases = aliases;
    this.orders = orders;
    this.stockSync = stockSync;
  }

  private static final String STOCK_SYNC =
      "Which of our SKUs, at which of our locations, are which items at which of the channel's"
          + " locations (Shopify: inventory item and location ids; Square: catalog variation and"
          + " location ids). Every pair is synced: the units allocation can still take there are"
          + " pushed whenever they change (compared every orderloop.channels.stock-sync-interval)."
          + " A PUT replaces the whole list; empty lists stop the sync.";

  @Operation(
      operationId = "putShopifyStockSync",
      summary = "Choose which SKUs and locations show their stock in a Shopify shop",
      description = STOCK_SYNC)
  @PutMapping("/shopify/shops/{shopDomain}/stock-sync")
  Map<String, List<ChannelStockSync.Item>> putShopStockSync(
      @PathVariable String shopDomain, @RequestBody ChannelStockSync.Settings settings) {
    String domain = requireShop(shopDomain);
    return Map.of("items", stockSync.configure("shopify", domain, settings));
  }

  @Operation(
      operationId = "getShopifyStockSync",
      summary = "A Shopify shop's stock sync, with the last value pushed per SKU and location")
  @GetMapping("/shopify/shops/{shopDomain}/stock-sync")
  Map<String, List<ChannelStockSync.Item>> shopStockSync(@PathVariable String shopDomain) {
    return Map.of("items", stockSync.items("shopify", requireShop(shopDomain)));
  }

  @Operation(
      operationId = "putSquareStockSync",
      summary = "Choose which SKUs and locations show their stock in Square",
      description = STOCK_SYNC)
  @PutMapping("/square/merchants/{merchantId}/stock-sync")
  Map<String, List<ChannelStockSync.Item>> putMerchantStockSync(
      @PathVariable String merchantId, @RequestBody ChannelStockSync.Settings settings) {
    return Map.of("items", stockSync.configure("square", requireMerchant(merchantId), settings));
  }

  @Operation(
      operationId = "getSquareStockSync",
      summary = "A Square merchant's stock sync, with the last value pushed per SKU and location")
  @GetMapping("/square/merchants/{merchantId}/stock-sync")
  Map<String, List<ChannelStockSync.Item>> merchantStockSync(@PathVariable String merchantId) {
    return Map.of("items", stockSync.items("square", requireMerchant(merchantId)));
  }

  private String requireShop(String shopDomain) {
    return connections
        .shopifyShop(shopDomain.toLowerCase(java.util.Locale.ROOT))
        .orElseThrow(
            () ->
                io.orderloop.common.ApiProblem.notFound(
                    "no Shopify shop '" + shopDomain + "' is connected"))
        .shopDomain();
  }

  private String requireMerchant(String merchantId) {
    return connections
        .squareMerchant(merchantId)
        .orElseThrow(
            () ->
                io.orderloop.common.ApiProblem.notFound(
                    "no Square merchant '" + merchantId + "' is connected"))
        .merchantId();
  }

  /** Header of an alias PUT: how many orders took in lines that waited for this mapping. */
  static final String ORDERS_RESOLVED = "Orderloop-Orders-Resolved";

  private ResponseEntity<SkuAliases.Alias> saved(ChannelConnections.Saved<SkuAliases.Alias> saved) {
    SkuAliases.Alias alias = saved.connection();
    Channel channel =
        switch (alias.channel()) {
          case "shopify" -> Channel.SHOPIFY;
          case "square" -> Channel.SQUARE;
          default -> alias.channel().startsWith("edi:") ? Channel.EDI : null;
        };
    String account = channel == Channel.EDI ? alias.channel().substring(4) : null;
    int resolved =
        channel == null ? 0 : orders.mapSku(channel, account, alias.externalSku(), alias.sku());
    return ResponseEntity.status(saved.created() ? HttpStatus.CREATED : HttpStatus.OK)
        .header(ORDERS_RESOLVED, String.valueOf(resolved))
        .body(alias);
  }

  record ShopRequest(
      @Size(max = 1000) String webhookSecret,
      @Size(max = 1000) String accessToken,
      @Size(max = 2000) String apiBaseUrl,
      @Size(max = 20) String apiVersion,
      @Size(max = 64) String location) {}

  record MerchantRequest(
      @Size(max = 1000) String signatureKey,
      @Size(max = 2000) String notificationUrl,
      @Size(max = 1000) String accessToken,
      @Size(max = 2000) String apiBaseUrl,
      @Size(max = 64) String location) {}

  record AliasRequest(@Size(max = 64) String sku) {}

  @Operation(
      operationId = "putShopifyShop",
      summary = "Connect a Shopify shop, or change its settings (credentials are write-only)")
  @PutMapping("/shopify/shops/{shopDomain}")
  ResponseEntity<ChannelConnections.ShopifyShop> putShop(
      @PathVariable String shopDomain, @Valid @RequestBody ShopRequest r) {
    ChannelConnections.Saved<ChannelConnections.ShopifyShop> saved =
        connections.putShopifyShop(
            shopDomain,
            new ChannelConnections.ShopifySettings(
                r.webhookSecret(), r.accessToken(), r.apiBaseUrl(), r.apiVersion(), r.location()));
    if (properties.publicBaseUrl() != null
        && !properties.publicBaseUrl().isBlank()
        && (saved.created() || r.accessToken() != null)) {
      // Register the order webhooks in the background; the result is kept with the shop.
      String domain = saved.connection().shopDomain();
      Thread.ofVirtual()
          .name("shopify-subscriptions")
          .start(() -> upkeep.checkSubscriptions(domain));
    }
    return ResponseEntity.status(saved.created() ? HttpStatus.CREATED : HttpStatus.OK)
        .body(saved.connection());
  }

  @Operation(
      operationId = "checkShopifySubscriptions",
      summary = "Check a shop's order webhook subscriptions, creating the missing ones",
      description =
          "The topics orders/create, orders/updated and orders/cancelled must be subscribed to"
              + " {orderloop.channels.public-base-url}/channels/shopify/webhooks. Missing ones are"
              + " created through the Admin API when that address is configured, else reported"
              + " MISSING (for an app configured elsewhere). The result is kept with the shop"
              + " (webhookSubscriptions). Runs by itself when a shop is connected and the address"
              + " is configured.")
  @PostMapping("/shopify/shops/{shopDomain}/webhook-subscriptions/check")
  tools.jackson.databind.JsonNode checkSubscriptions(@PathVariable String shopDomain) {
    return upkeep.checkSubscriptions(requireShop(shopDomain));
  }

  @Operation(
      operationId = "reconcileShopifyShop",
      summary = "Read the shop's orders updated since the last look, now",
      description =
          "What the reconcile job does every orderloop.channels.reconcile-interval: orders whose"
              + " webhooks were lost are taken in late rather than never. Each order goes through"
              + " the deliveries log (a repeat is a duplicate, an order already current is stale)."
              + " Answers how many new deliveries it made.")
  @PostMapping("/shopify/shops/{shopDomain}/reconcile")
  Map<String, Integer> reconcile(@PathVariable String shopDomain) {
    return Map.of("deliveries", upkeep.reconcile(requireShop(shopDomain)));
  }

  @Operation(operationId = "listShopifyShops", summary = "List connected Shopify shops")
  @GetMapping("/shopify/shops")
  Map<String, List<ChannelConnections.ShopifyShop>> shops() {
    return Map.of("items", connections.shopifyShops());
  }

  @Operation(operationId = "getShopifyShop", summary = "Get a connected Shopify shop")
  @GetMapping("/shopify/shops/{shopDomain}")
  ChannelConnections.ShopifyShop shop(@PathVariable String shopDomain) {
    return connections
        .shopifyShop(shopDomain)
        .orElseThrow(
            () ->
                io.orderloop.common.ApiProblem.notFound(
                    "no Shopify shop '" + shopDomain + "' is connected"));
  }

  @Operation(operationId = "deleteShopifyShop", summary = "Disconnect a Shopify shop")
  @DeleteMapping("/shopify/shops/{shopDomain}")
  ResponseEntity<Void> deleteShop(@PathVariable String shopDomain) {
    connections.deleteShopifyShop(shopDomain);
    return ResponseEntity.noContent().build();
  }

  @Operation(
      operationId = "putSquareMerchant",
      summary = "Connect a Square merchant, or change its settings (credentials are write-only)")
  @PutMapping("/square/merchants/{merchantId}")
  ResponseEntity<ChannelConnections.SquareMerchant> putMerchant(
      @PathVariable String merchantId, @Valid @RequestBody MerchantRequest r) {
    ChannelConnections.Saved<ChannelConnections.SquareMerchant> saved =
        connections.putSquareMerchant(
            merchantId,
            new ChannelConnections.SquareSettings(
                r.signatureKey(),
                r.notificationUrl(),
                r.accessToken(),
                r.apiBaseUrl(),
                r.location()));
    return ResponseEntity.status(saved.created() ? HttpStatus.CREATED : HttpStatus.OK)
        .body(saved.connection());
  }

  @Operation(operationId = "listSquareMerchants", summary = "List connected Square merchants")
  @GetMapping("/square/merchants")
  Map<String, List<ChannelConnections.SquareMerchant>> merchants() {
    return Map.of("items", connections.squareMerchants());
  }

  @Operation(operationId = "getSquareMerchant", summary = "Get a connected Square merchant")
  @GetMapping("/square/merchants/{merchantId}")
  ChannelConnections.SquareMerchant merchant(@PathVariable String merchantId) {
    return connections
        .squareMerchant(merchantId)
        .orElseThrow(
            () ->
                io.orderloop.common.ApiProblem.notFound(
                    "no Square merchant '" + merchantId + "' is connected"));
  }

  @Operation(operationId = "deleteSquareMerchant", summary = "Disconnect a Square merchant")
  @DeleteMapping("/square/merchants/{merchantId}")
  ResponseEntity<Void> deleteMerchant(@PathVariable String merchantId) {
    connections.deleteSquareMerchant(merchantId);
    return ResponseEntity.noContent().build();
  }

  @Operation(
      operationId = "putSkuAlias",
      summary =
          "Map a channel's product code to one of our SKUs (channel: shopify, square, edi:{partnerId})",
      description =
          "Open orders of the channel with lines waiting for this code take them in at once (the"
              + " lines are allocated and the UNMAPPED_SKU hold lifts when none is left waiting);"
              + " the Orderloop-Orders-Resolved header says how many orders did.")
  @PutMapping("/{channel}/sku-aliases/{externalSku}")
  ResponseEntity<SkuAliases.Alias> putAlias(
      @PathVariable String channel,
      @PathVariable String externalSku,
      @Valid @RequestBody AliasRequest request) {
    return saved(aliases.put(channel, externalSku, request.sku()));
  }

  record AddressedAliasRequest(@Size(max = 255) String externalSku, @Size(max = 64) String sku) {}

  /**
   * The same as {@code PUT …/sku-aliases/{externalSku}}, for codes a URL cannot carry (a {@code /},
   * {@code %} or {@code ;} in them, which the firewall refuses in a path).
   */
  @Operation(
      operationId = "putSkuAliasByBody",
      summary = "Map a channel's product code to one of our SKUs, the code in the body")
  @PutMapping("/{channel}/sku-aliases")
  ResponseEntity<SkuAliases.Alias> putAliasByBody(
      @PathVariable String channel, @Valid @RequestBody AddressedAliasRequest request) {
    return saved(aliases.put(channel, request.externalSku(), request.sku()));
  }

  @Operation(operationId = "listSkuAliases", summary = "List a channel's SKU aliases")
  @GetMapping("/{channel}/sku-aliases")
  Map<String, List<SkuAliases.Alias>> aliases(@PathVariable String channel) {
    return Map.of("items", aliases.list(channel));
  }

  @Operation(operationId = "getSkuAlias", summary = "Get one SKU alias")
  @GetMapping("/{channel}/sku-aliases/{externalSku}")
  SkuAliases.Alias alias(@PathVariable String channel, @PathVariable String externalSku) {
    return aliases
        .find(channel, externalSku)
        .orElseThrow(
            () ->
                io.orderloop.common.ApiProblem.notFound(
                    "no alias '" + externalSku + "' on channel '" + channel + "'"));
  }

  @Operation(operationId = "deleteSkuAlias", summary = "Remove a SKU alias")
  @DeleteMapping("/{channel}/sku-aliases/{externalSku}")
  ResponseEntity<Void> deleteAlias(@PathVariable String channel, @PathVariable String externalSku) {
    aliases.delete(channel, externalSku);
    return ResponseEntity.noContent().build();
  }
}
