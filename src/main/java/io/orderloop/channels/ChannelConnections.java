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
      Instant updatedAt,
      tools.jackson.databind.JsonNode webhookSubscriptions,
      Instant reconciledUntil) {}

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
    String location = location(settings.location());
    String baseUrl =
        settings.apiBaseUrl() == null || settings.apiBaseUrl().isBlank()
            ? "https://" + domain
            : apiUrl("apiBaseUrl", settings.apiBaseUrl());
    String version =
        settings.apiVersion() == null || settings.apiVersion().isBlank()
            ? DEFAULT_SHOPIFY_API_VERSION
            : settings.apiVersion().strip();
    if (!API_VERSION.matcher(version).matches()) {
      throw ApiProblem.unprocessable(
          "apiVersion", "give a Shopify API version such as " + DEFAULT_SHOPIFY_API_VERSION);
    }
    boolean stored = shopifyShop(domain).isPresent();
    String secret = credential("webhookSecret", settings.webhookSecret(), stored);
    String token = credential("accessToken", settings.accessToken(), stored);
    Map<String, Object> params = new HashMap<>();
    params.put("domain", domain);
    params.put("url", baseUrl);
    params.put("version", version);
    params.put("location", location);
    params.put("now", Timestamp.from(clock.instant()));
    params.put("secret", secret == null ? null : secrets.encrypt(SHOPIFY_WEBHOOK, domain, secret));
    params.put("token", token == null ? null : secrets.encrypt(SHOPIFY_TOKEN, domain, token));
    boolean created =
        save(
            params,
            secret != null && token != null,
            """
                  INSERT INTO channel_shopify_shops (shop_domain, webhook_secret_enc, access_token_enc,
                                                     api_base_url, api_version, location, created_at, updated_at)
                  VALUES (:domain, :secret, :token, :url, :version, :location, :now, :now)
                  ON CONFLICT (shop_domain) DO UPDATE SET
                      webhook_secret_enc = :secret, access_token_enc = :token, api_base_url = :url,
                      api_version = :version, location = :location, updated_at = :now
                  RETURNING (xmax = 0)""",
            """
                  UPDATE channel_shopify_shops SET
                      webhook_secret_enc = coalesce(:secret, webhook_secret_enc),
                      access_token_enc = coalesce(:token, access_token_enc),
                      api_base_url = :url, api_version = :version, location = :location, updated_at = :now
                  WHERE shop_domain = :domain""",
            secret == null ? "webhookSecret" : "accessToken",
            "shop");
    return new Saved<>(
        shopifyShop(domain).orElseThrow(() -> gone("Shopify shop", domain)), created);
  }

  public Optional<ShopifyShop> shopifyShop(String shopDomain) {
    return jdbc.sql(SHOP_COLUMNS + " WHERE shop_domain = ?")
        .param(shopDomain == null ? "" : shopDomain.strip().toLowerCase(Locale.ROOT))
        .query(ChannelConnections::shop)
        .optional();
  }

  public List<ShopifyShop> shopifyShops() {
    return jdbc.sql(SHOP_COLUMNS + " ORDER BY shop_domain").query(ChannelConnections::shop).list();
  }

  public void deleteShopifyShop(String shopDomain) {
    String domain = shopDomain == null ? "" : shopDomain.strip().toLowerCase(Locale.ROOT);
    // The stock sync goes with the connection.
    jdbc.sql("DELETE FROM channel_stock_sync WHERE channel = 'shopify' AND account = ?")
        .param(domain)
        .update();
    int deleted =
        jdbc.sql("DELETE FROM channel_shopify_shops WHERE shop_domain = ?").param(domain).update();
    if (deleted == 0) {
      throw ApiProblem.notFound("no Shopify shop '" + shopDomain + "' is connected");
    }
  }

  private static final String SHOP_COLUMNS =
      """
      SELECT shop_domain, api_base_url, api_version, location, created_at, updated_at, subscriptions::text,
             reconciled_until
      FROM channel_shopify_shops""";

  private static ShopifyShop shop(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
    return new ShopifyShop(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        true,
        true,
        rs.getTimestamp(5).toInstant(),
        rs.getTimestamp(6).toInstant(),
        rs.getString(7) == null ? null : READER.readTree(rs.getString(7)),
        rs.getTimestamp(8) == null ? null : rs.getTimestamp(8).toInstant());
  }

  private static final tools.jackson.databind.json.JsonMapper READER =
      tools.jackson.databind.json.JsonMapper.builder().build();

  // ------------------------------------------------------------------------------------- Square

  public Saved<SquareMerchant> putSquareMerchant(String merchantId, SquareSettings settings) {
    String id = merchantId == null ? "" : merchantId.strip();
    if (!MERCHANT_ID.matcher(id).matches()) {
      throw ApiProblem.unprocessable("merchantId", "give the Square merchant id (letters, digits)");
    }
    String location = location(settings.location());
    if (settings.notificationUrl() == null || settings.notificationUrl().isBlank()) {
      throw ApiProblem.unprocessable(
          "notificationUrl",
          "give the notification URL exactly as registered with Square: it is part of what Square"
              + " signs");
    }
    String notificationUrl = notificationUrl(settings.notificationUrl());
    String baseUrl =
        settings.apiBaseUrl() == null || settings.apiBaseUrl().isBlank()
            ? DEFAULT_SQUARE_API_BASE_URL
            : apiUrl("apiBaseUrl", settings.apiBaseUrl());
    boolean stored = squareMerchant(id).isPresent();
    String key = credential("signatureKey", settings.signatureKey(), stored);
    String token = credential("accessToken", settings.accessToken(), stored);
    Map<String, Object> params = new HashMap<>();
    params.put("id", id);
    params.put("notify", notificationUrl);
    params.put("url", baseUrl);
    params.put("location", location);
    params.put("now", Timestamp.from(clock.instant()));
    params.put("key", key == null ? null : secrets.encrypt(SQUARE_SIGNATURE, id, key));
    params.put("token", token == null ? null : secrets.encrypt(SQUARE_TOKEN, id, token));
    boolean created =
        save(
            params,
            key != null && token != null,
            """
                  INSERT INTO channel_square_merchants (merchant_id, signature_key_enc, notification_url,
                                                        access_token_enc, api_base_url, location, created_at, updated_at)
                  VALUES (:id, :key, :notify, :token, :url, :location, :now, :now)
                  ON CONFLICT (merchant_id) DO UPDATE SET
                      signature_key_enc = :key, access_token_enc = :token, notification_url = :notify,
                      api_base_url = :url, location = :location, updated_at = :now
                  RETURNING (xmax = 0)""",
            """
                  UPDATE channel_square_merchants SET
                      signature_key_enc = coalesce(:key, signature_key_enc),
                      access_token_enc = coalesce(:token, access_token_enc),
                      notification_url = :notify, api_base_url = :url, location = :location, updated_at = :now
                  WHERE merchant_id = :id""",
            key == null ? "signatureKey" : "accessToken",
            "merchant");
    return new Saved<>(squareMerchant(id).orElseThrow(() -> gone("Square merchant", id)), created);
  }

  public Optional<SquareMerchant> squareMerchant(String merchantId) {
    return jdbc.sql(MERCHANT_COLUMNS + " WHERE merchant_id = ?")
        .param(merchantId == null ? "" : merchantId.strip())
        .query(ChannelConnections::merchant)
        .optional();
  }

  public List<SquareMerchant> squareMerchants() {
    return jdbc.sql(MERCHANT_COLUMNS + " ORDER BY merchant_id")
        .query(ChannelConnections::merchant)
        .list();
  }

  public void deleteSquareMerchant(String merchantId) {
    String id = merchantId == null ? "" : merchantId.strip();
    jdbc.sql("DELETE FROM channel_stock_sync WHERE channel = 'square' AND account = ?")
        .param(id)
        .update();
    int deleted =
        jdbc.sql("DELETE FROM channel_square_merchants WHERE merchant_id = ?").param(id).update();
    if (deleted == 0) {
      throw ApiProblem.notFound("no Square merchant '" + merchantId + "' is connected");
    }
  }

  private static final String MERCHANT_COLUMNS =
      """
      SELECT merchant_id, notification_url, api_base_url, location, created_at, updated_at
      FROM channel_square_merchants""";

  private static SquareMerchant merchant(java.sql.ResultSet rs, int n)
      throws java.sql.SQLException {
    return new SquareMerchant(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        true,
        true,
        rs.getTimestamp(5).toInstant(),
        rs.getTimestamp(6).toInstant());
  }

  // ------------------------------------------------------------------ credentials, for adapters

  static final String SHOPIFY_WEBHOOK = "shopify/webhook-secret";
  static final String SHOPIFY_TOKEN = "shopify/access-token";
  static final String SQUARE_SIGNATURE = "square/signature-key";
  static final String SQUARE_TOKEN = "square/access-token";

  /**
   * A shop's webhook secret, for verifying its deliveries. A secret still sealed under a replaced
   * server secret is sealed again under the current one.
   */
  Optional<String> shopifyWebhookSecret(String shopDomain) {
    String domain = shopDomain == null ? "" : shopDomain.strip().toLowerCase(Locale.ROOT);
    return opened(
        "channel_shopify_shops", "webhook_secret_enc", "shop_domain", domain, SHOPIFY_WEBHOOK);
  }

  /** A shop's Admin API access token, for the relay's calls (resealed like the above). */
  Optional<String> shopifyAccessToken(String shopDomain) {
    String domain = shopDomain == null ? "" : shopDomain.strip().toLowerCase(Locale.ROOT);
    return opened(
        "channel_shopify_shops", "access_token_enc", "shop_domain", domain, SHOPIFY_TOKEN);
  }

  /** A merchant's signature key, for verifying its notifications (resealed like the above). */
  Optional<String> squareSignatureKey(String merchantId) {
    String id = merchantId == null ? "" : merchantId.strip();
    return opened(
        "channel_square_merchants", "signature_key_enc", "merchant_id", id, SQUARE_SIGNATURE);
  }

  /** A merchant's access token, for the Orders and Catalog API calls (resealed like the above). */
  Optional<String> squareAccessToken(String merchantId) {
    String id = merchantId == null ? "" : merchantId.strip();
    return opened("channel_square_merchants", "access_token_enc", "merchant_id", id, SQUARE_TOKEN);
  }

  private Optional<String> opened(
      String table, String column, String keyColumn, String key, String purpose) {
    Optional<String> stored =
        jdbc.sql("SELECT " + column + " FROM " + table + " WHERE " + keyColumn + " = ?")
            .param(key)
            .query(String.class)
            .optional();
    return stored.map(
        enc -> {
          Secrets.Opened opened = secrets.decrypt(purpose, key, enc);
          if (opened.stale()) {
            jdbc.sql(
                    "UPDATE "
                        + table
                        + " SET "
                        + column
                        + " = ? WHERE "
                        + keyColumn
                        + " = ? AND "
                        + column
                        + " = ?")
                .params(secrets.encrypt(purpose, key, opened.value()), key, enc)
                .update();
          }
          return opened.value();
        });
  }

  /**
   * Creates a connection ({@code complete}: every credential given) or changes an existing one,
   * keeping the credentials left out; returns whether it was created.
   */
  private boolean save(
      Map<String, Object> params,
      boolean complete,
      String insert,
      String update,
      String missingField,
      String what) {
    if (complete) {
      return jdbc.sql(insert).params(params).query(Boolean.class).single();
    }
    if (jdbc.sql(update).params(params).update() == 0) {
      throw ApiProblem.unprocessable(
          missingField, "required when connecting (the " + what + " was disconnected meanwhile)");
    }
    return false;
  }

  private static ApiProblem gone(String what, String id) {
    return ApiProblem.notFound("the " + what + " '" + id + "' was disconnected meanwhile");
  }

  private String location(String code) {
    if (code == null || code.isBlank()) {
      throw ApiProblem.unprocessable("location", "give the location its orders ship from");
    }
    return catalogue.requireLocation(code.strip(), "location").code();
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

  /**
   * A store API base URL: https, or http only to this machine (a local stub in tests); never with
   * credentials in it. The access token is sent there.
   */
  private static String apiUrl(String field, String value) {
    URI uri = uri(field, value);
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean local =
        uri.getHost() != null
            && (uri.getHost().equals("localhost")
                || uri.getHost().startsWith("127.")
                || uri.getHost().equals("[::1]"));
    if (!(scheme.equals("https") || (scheme.equals("http") && local))) {
      throw ApiProblem.unprocessable(
          field, "give an https URL (http only to this machine, for a local stub)");
    }
    String text = uri.toString();
    return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
  }

  /** The notification URL as registered with Square: kept exactly as given. */
  private static String notificationUrl(String value) {
    URI uri = uri("notificationUrl", value);
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https"))) {
      throw ApiProblem.unprocessable("notificationUrl", "give an http(s) URL with a host");
    }
    return value.strip();
  }

  private static URI uri(String field, String value) {
    URI uri;
    try {
      uri = URI.create(value.strip());
    } catch (IllegalArgumentException e) {
      throw ApiProblem.unprocessable(field, "not a URL");
    }
    if (uri.getHost() == null) {
      throw ApiProblem.unprocessable(field, "give an http(s) URL with a host");
    }
    if (uri.getRawUserInfo() != null) {
      throw ApiProblem.unprocessable(field, "must not carry a user name or password");
    }
    return uri;
  }
}
