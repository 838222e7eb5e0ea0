package io.orderloop.channels;

import io.orderloop.common.ApiProblem;
import io.orderloop.common.Secrets;
import io.orderloop.inventory.Catalogue;
import java.net.URI;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Connections to the stores orders come from: Shopify shops by their {@code *.myshopify.com} domain
 * and Square merchants by id, each with the credentials its adapter needs and the location its
 * orders ship from by default. Credentials are write-only: stored encrypted ({@link
 * Secrets#encrypt}), never returned, never logged; a later {@code PUT} without them keeps the
 * stored ones. Rejects (422) a malformed domain or id, a missing credential on the first {@code
 * PUT}, a base URL that is not http(s), an API version that is not {@code YYYY-MM} and an unknown
 * location; 404 for unknown connections.
 */
@Service
public class ChannelConnections {

  static final String DEFAULT_SHOPIFY_API_VERSION = "2026-01";
  static final String DEFAULT_SQUARE_API_BASE_URL = "https://connect.squareup.com";

  private static final Pattern SHOP_DOMAIN =
      Pattern.compile("[a-z0-9][a-z0-9-]{0,62}\\.myshopify\\.com");
  private static final Pattern MERCHANT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern API_VERSION = Pattern.compile("\\d{4}-\\d{2}|unstable");

  private final JdbcClient jdbc;
  private final Secrets secrets;
  private final Catalogue catalogue;
  private final Clock clock;

  ChannelConnections(JdbcClient jdbc, Secrets secrets, Catalogue catalogue, Clock clock) {
    this.jdbc = jdbc;
    this.secrets = secrets;
    this.catalogue = catalogue;
    this.clock = clock;
  }

  /** A Shopify shop as listed: never its credentials. */
  public record ShopifyShop(
      String shopDomain,
      String apiBaseUrl,
      String apiVersion,
      String location,
      boolean webhookSecretSet,
      boolean accessTokenSet,
      Instant createdAt,
      Instant updatedAt) {}

  /** What a {@code PUT} of a shop carries; credentials may be left out once stored. */
  public record ShopifySettings(
      String webhookSecret,
      String accessToken,
      String apiBaseUrl,
      String apiVersion,
      String location) {}

  /** A Square merchant as listed: never its credentials. */
  public record SquareMerchant(
      String merchantId,
      String notificationUrl,
      String apiBaseUrl,
      String location,
      boolean signatureKeySet,
      boolean accessTokenSet,
      Instant createdAt,
      Instant updatedAt) {}

  /** What a {@code PUT} of a merchant carries; credentials may be left out once stored. */
  public record SquareSettings(
      String signatureKey,
      String notificationUrl,
      String accessToken,
      String apiBaseUrl,
      String location) {}

  /** The result of a {@code PUT}: the connection, and whether it was new. */
  public record Saved<T>(T connection, boolean created) {}

  // ------------------------------------------------------------------------------------ Shopify

  public Saved<ShopifyShop> putShopifyShop(String shopDomain, ShopifySettings settings) {
    String domain = shopDomain == null ? "" : shopDomain.strip().toLowerCase(Locale.ROOT);
    if (!SHOP_DOMAIN.matcher(domain).matches()) {
      throw ApiProblem.unprocessable(
          "shopDomain", "give the shop's myshopify.com domain, e.g. lumbercraft.myshopify.com");
    }
    String location = catalogue.requireLocation(settings.location(), "location").code();
    String baseUrl =
        settings.apiBaseUrl() == null || settings.apiBaseUrl().isBlank()
            ? "https://" + domain
            : httpUrl("apiBaseUrl", settings.apiBaseUrl());
    String version =
        settings.apiVersion() == null || settings.apiVersion().isBlank()
            ? DEFAULT_SHOPIFY_API_VERSION
            : settings.apiVersion().strip();
    if (!API_VERSION.matcher(version).matches()) {
      throw ApiProblem.unprocessable(
          "apiVersion", "give a Shopify API version such as " + DEFAULT_SHOPIFY_API_VERSION);
    }
    Optional<ShopifyShop> existing = shopifyShop(domain);
    String secret = credential("webhookSecret", settings.webhookSecret(), existing.isPresent());
    String token = credential("accessToken", settings.accessToken(), existing.isPresent());
    var params =
        new HashMap<String, Object>(
            Map.of(
                "domain", domain,
                "url", baseUrl,
                "version", version,
                "location", location,
                "now", Timestamp.from(clock.instant())));
    params.put("secret", secret == null ? null : secrets.encrypt(SHOPIFY_WEBHOOK, secret));
    params.put("token", token == null ? null : secrets.encrypt(SHOPIFY_TOKEN, token));
    if (existing.isPresent()) {
      // Credentials left out keep their stored values.
      jdbc.sql(
              """
              UPDATE channel_shopify_shops SET
                  webhook_secret_enc = coalesce(:secret, webhook_secret_enc),
                  access_token_enc = coalesce(:token, access_token_enc),
                  api_base_url = :url, api_version = :version, location = :location, updated_at = :now
              WHERE shop_domain = :domain""")
          .params(params)
          .update();
    } else {
      jdbc.sql(
              """
              INSERT INTO channel_shopify_shops (shop_domain, webhook_secret_enc, access_token_enc, api_base_url,
                                                 api_version, location, created_at, updated_at)
              VALUES (:domain, :secret, :token, :url, :version, :location, :now, :now)
              ON CONFLICT (shop_domain) DO UPDATE SET
                  webhook_secret_enc = :secret, access_token_enc = :token, api_base_url = :url,
                  api_version = :version, location = :location, updated_at = :now""")
          .params(params)
          .update();
    }
    return new Saved<>(shopifyShop(domain).orElseThrow(), existing.isEmpty());
  }

  public Optional<ShopifyShop> shopifyShop(String shopDomain) {
    return jdbc.sql(
            """
            SELECT shop_domain, api_base_url, api_version, location, created_at, updated_at
            FROM channel_shopify_shops WHERE shop_domain = ?""")
        .param(shopDomain == null ? "" : shopDomain.strip().toLowerCase(Locale.ROOT))
        .query(
            (rs, n) ->
                new ShopifyShop(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    true,
                    true,
                    rs.getTimestamp(5).toInstant(),
                    rs.getTimestamp(6).toInstant()))
        .optional();
  }

  public List<ShopifyShop> shopifyShops() {
    return jdbc
        .sql("SELECT shop_domain FROM channel_shopify_shops ORDER BY shop_domain")
        .query(String.class)
        .list()
        .stream()
        .map(d -> shopifyShop(d).orElseThrow())
        .toList();
  }

  public void deleteShopifyShop(String shopDomain) {
    int deleted =
        jdbc.sql("DELETE FROM channel_shopify_shops WHERE shop_domain = ?")
            .param(shopDomain == null ? "" : shopDomain.strip().toLowerCase(Locale.ROOT))
            .update();
    if (deleted == 0) {
      throw ApiProblem.notFound("no Shopify shop '" + shopDomain + "' is connected");
    }
  }

  // ------------------------------------------------------------------------------------- Square

  public Saved<SquareMerchant> putSquareMerchant(String merchantId, SquareSettings settings) {
    String id = merchantId == null ? "" : merchantId.strip();
    if (!MERCHANT_ID.matcher(id).matches()) {
      throw ApiProblem.unprocessable("merchantId", "give the Square merchant id (letters, digits)");
    }
    String location = catalogue.requireLocation(settings.location(), "location").code();
    if (settings.notificationUrl() == null || settings.notificationUrl().isBlank()) {
      throw ApiProblem.unprocessable(
          "notificationUrl",
          "give the notification URL exactly as registered with Square: it is part of what Square"
              + " signs");
    }
    String notificationUrl = httpUrl("notificationUrl", settings.notificationUrl());
    String baseUrl =
        settings.apiBaseUrl() == null || settings.apiBaseUrl().isBlank()
            ? DEFAULT_SQUARE_API_BASE_URL
            : httpUrl("apiBaseUrl", settings.apiBaseUrl());
    Optional<SquareMerchant> existing = squareMerchant(id);
    String key = credential("signatureKey", settings.signatureKey(), existing.isPresent());
    String token = credential("accessToken", settings.accessToken(), existing.isPresent());
    var params =
        new HashMap<String, Object>(
            Map.of(
                "id", id,
                "notify", notificationUrl,
                "url", baseUrl,
                "location", location,
                "now", Timestamp.from(clock.instant())));
    params.put("key", key == null ? null : secrets.encrypt(SQUARE_SIGNATURE, key));
    params.put("token", token == null ? null : secrets.encrypt(SQUARE_TOKEN, token));
    if (existing.isPresent()) {
      // Credentials left out keep their stored values.
      jdbc.sql(
              """
              UPDATE channel_square_merchants SET
                  signature_key_enc = coalesce(:key, signature_key_enc),
                  access_token_enc = coalesce(:token, access_token_enc),
                  notification_url = :notify, api_base_url = :url, location = :location, updated_at = :now
              WHERE merchant_id = :id""")
          .params(params)
          .update();
    } else {
      jdbc.sql(
              """
              INSERT INTO channel_square_merchants (merchant_id, signature_key_enc, notification_url,
                                                    access_token_enc, api_base_url, location, created_at, updated_at)
              VALUES (:id, :key, :notify, :token, :url, :location, :now, :now)
              ON CONFLICT (merchant_id) DO UPDATE SET
                  signature_key_enc = :key, access_token_enc = :token, notification_url = :notify,
                  api_base_url = :url, location = :location, updated_at = :now""")
          .params(params)
          .update();
    }
    return new Saved<>(squareMerchant(id).orElseThrow(), existing.isEmpty());
  }

  public Optional<SquareMerchant> squareMerchant(String merchantId) {
    return jdbc.sql(
            """
            SELECT merchant_id, notification_url, api_base_url, location, created_at, updated_at
            FROM channel_square_merchants WHERE merchant_id = ?""")
        .param(merchantId == null ? "" : merchantId.strip())
        .query(
            (rs, n) ->
                new SquareMerchant(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    true,
                    true,
                    rs.getTimestamp(5).toInstant(),
                    rs.getTimestamp(6).toInstant()))
        .optional();
  }

  public List<SquareMerchant> squareMerchants() {
    return jdbc
        .sql("SELECT merchant_id FROM channel_square_merchants ORDER BY merchant_id")
        .query(String.class)
        .list()
        .stream()
        .map(m -> squareMerchant(m).orElseThrow())
        .toList();
  }

  public void deleteSquareMerchant(String merchantId) {
    int deleted =
        jdbc.sql("DELETE FROM channel_square_merchants WHERE merchant_id = ?")
            .param(merchantId == null ? "" : merchantId.strip())
            .update();
    if (deleted == 0) {
      throw ApiProblem.notFound("no Square merchant '" + merchantId + "' is connected");
    }
  }

  // ------------------------------------------------------------------ credentials, for adapters

  static final String SHOPIFY_WEBHOOK = "shopify/webhook-secret";
  static final String SHOPIFY_TOKEN = "shopify/access-token";
  static final String SQUARE_SIGNATURE = "square/signature-key";
  static final String SQUARE_TOKEN = "square/access-token";

  /** A shop's webhook secret, for verifying its deliveries. */
  Optional<String> shopifyWebhookSecret(String shopDomain) {
    return jdbc.sql("SELECT webhook_secret_enc FROM channel_shopify_shops WHERE shop_domain = ?")
        .param(shopDomain == null ? "" : shopDomain.strip().toLowerCase(Locale.ROOT))
        .query(String.class)
        .optional()
        .map(enc -> secrets.decrypt(SHOPIFY_WEBHOOK, enc));
  }

  /** A merchant's signature key, for verifying its notifications. */
  Optional<String> squareSignatureKey(String merchantId) {
    return jdbc.sql("SELECT signature_key_enc FROM channel_square_merchants WHERE merchant_id = ?")
        .param(merchantId == null ? "" : merchantId.strip())
        .query(String.class)
        .optional()
        .map(enc -> secrets.decrypt(SQUARE_SIGNATURE, enc));
  }

  private static String credential(String field, String value, boolean stored) {
    if (value == null || value.isBlank()) {
      if (!stored) {
        throw ApiProblem.unprocessable(field, "required when connecting; it is stored encrypted");
      }
      return null; // keep the stored one
    }
    if (value.length() > 1000) {
      throw ApiProblem.unprocessable(field, "at most 1000 characters");
    }
    return value.strip();
  }

  private static String httpUrl(String field, String value) {
    URI uri;
    try {
      uri = URI.create(value.strip());
    } catch (IllegalArgumentException e) {
      throw ApiProblem.unprocessable(field, "not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw ApiProblem.unprocessable(field, "give an http(s) URL with a host");
    }
    String text = uri.toString();
    return text.endsWith("/") && field.equals("apiBaseUrl")
        ? text.substring(0, text.length() - 1)
        : text;
  }
}
