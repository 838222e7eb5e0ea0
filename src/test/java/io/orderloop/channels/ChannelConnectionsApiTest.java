package io.orderloop.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderloop.Api;
import io.orderloop.ApiTest;
import io.orderloop.common.Secrets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * HTTP: channel connections are configured by an admin, their credentials are write-only and stored
 * encrypted, and SKU aliases map a channel's codes to ours.
 */
class ChannelConnectionsApiTest extends ApiTest {

  @Autowired ChannelConnections connections;
  @Autowired SkuAliases aliases;
  @Autowired Secrets secrets;

  private static Map<String, Object> shop(String location, String secret, String token) {
    Map<String, Object> body = new HashMap<>();
    body.put("location", location);
    if (secret != null) {
      body.put("webhookSecret", secret);
    }
    if (token != null) {
      body.put("accessToken", token);
    }
    return body;
  }

  @Test
  void a_shop_is_connected_with_write_only_encrypted_credentials() {
    String location = location(1);
    String domain = unique("lumber").toLowerCase() + ".myshopify.com";
    String secret = "shpss_" + unique("SECRET");
    String token = "shpat_" + unique("TOKEN");
    Api.Response created =
        api.put("/api/v1/channels/shopify/shops/" + domain, shop(location, secret, token));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().get("apiBaseUrl").asString()).isEqualTo("https://" + domain);
    assertThat(created.json().get("apiVersion").asString()).isEqualTo("2026-01");
    assertThat(created.json().get("webhookSecretSet").asBoolean()).isTrue();
    for (Api.Response r :
        List.of(
            created,
            api.get("/api/v1/channels/shopify/shops/" + domain),
            api.get("/api/v1/channels/shopify/shops"))) {
      assertThat(r.body()).doesNotContain(secret).doesNotContain(token);
    }
    assertThat(
            count(
                "SELECT count(*) FROM channel_shopify_shops WHERE webhook_secret_enc LIKE ? OR access_token_enc LIKE ?",
                "%" + secret + "%",
                "%" + token + "%"))
        .as("stored encrypted")
        .isZero();
    assertThat(connections.shopifyWebhookSecret(domain)).contains(secret);

    // A later PUT without credentials keeps them; with a base URL for a local stub.
    Map<String, Object> update = shop(location, null, null);
    update.put("apiBaseUrl", "http://127.0.0.1:9999/");
    update.put("apiVersion", "2025-10");
    Api.Response updated =
        api.put("/api/v1/channels/shopify/shops/" + domain.toUpperCase(), update);
    assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
    assertThat(updated.json().get("apiBaseUrl").asString()).isEqualTo("http://127.0.0.1:9999");
    assertThat(connections.shopifyWebhookSecret(domain)).contains(secret);

    assertThat(api.delete("/api/v1/channels/shopify/shops/" + domain).status()).isEqualTo(204);
    assertThat(api.get("/api/v1/channels/shopify/shops/" + domain).status()).isEqualTo(404);
  }

  @Test
  void shop_and_merchant_settings_that_cannot_work_are_refused_naming_the_field() {
    String location = location(1);
    Map<String, String> refusals =
        Map.of(
            "/api/v1/channels/shopify/shops/not-a-shop.example.com",
            "shopDomain",
            "/api/v1/channels/shopify/shops/" + unique("x").toLowerCase() + ".myshopify.com",
            "webhookSecret");
    for (var e : refusals.entrySet()) {
      Api.Response r = api.put(e.getKey(), shop(location, null, "t"));
      assertThat(r.status()).as(e.getKey()).isEqualTo(422);
      assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo(e.getValue());
    }
    String domain = unique("y").toLowerCase() + ".myshopify.com";
    Map<String, Object> badVersion = shop(location, "s", "t");
    badVersion.put("apiVersion", "latest");
    assertThat(api.put("/api/v1/channels/shopify/shops/" + domain, badVersion).status())
        .isEqualTo(422);
    assertThat(
            api.put("/api/v1/channels/shopify/shops/" + domain, shop("NOWHERE", "s", "t")).status())
        .isEqualTo(422);
    Map<String, Object> badUrl = shop(location, "s", "t");
    badUrl.put("apiBaseUrl", "file:///etc/passwd");
    assertThat(api.put("/api/v1/channels/shopify/shops/" + domain, badUrl).status()).isEqualTo(422);
    assertThat(count("SELECT count(*) FROM channel_shopify_shops WHERE shop_domain = ?", domain))
        .isZero();

    String merchant = unique("M").replace("-", "");
    Api.Response noUrl =
        api.put(
            "/api/v1/channels/square/merchants/" + merchant,
            Map.of("signatureKey", "k", "accessToken", "t", "location", location));
    assertThat(noUrl.status()).isEqualTo(422);
    assertThat(noUrl.json().get("errors").get(0).get("field").asString())
        .isEqualTo("notificationUrl");

    String reader = apiKey(unique("ops"), "orders:read", "inventory:write");
    assertThat(api.as(reader).get("/api/v1/channels/shopify/shops").status()).isEqualTo(403);
  }

  @Test
  void a_square_merchant_keeps_its_notification_url_and_encrypted_keys() {
    String location = location(1);
    String merchant = unique("ML").replace("-", "");
    String key = "sq-signature-" + unique("K");
    Api.Response created =
        api.put(
            "/api/v1/channels/square/merchants/" + merchant,
            Map.of(
                "signatureKey",
                key,
                "notificationUrl",
                "https://orders.example.com/channels/square/webhooks",
                "accessToken",
                "EAAA" + unique("T"),
                "location",
                location));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().get("apiBaseUrl").asString())
        .isEqualTo("https://connect.squareup.com");
    assertThat(created.body()).doesNotContain(key);
    assertThat(connections.squareSignatureKey(merchant)).contains(key);
    assertThat(api.get("/api/v1/channels/square/merchants").body()).contains(merchant);
  }

  @Test
  void sku_aliases_map_channel_codes_to_our_skus() {
    String sku = sku("ALIAS");
    String other = sku("ALIAS2");
    String path = "/api/v1/channels/shopify/sku-aliases/SHOP-" + unique("V");
    Api.Response created = api.put(path, Map.of("sku", sku));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(api.put(path, Map.of("sku", other)).status()).as("repointed").isEqualTo(200);
    JsonNode alias = api.get(path).json();
    assertThat(alias.get("sku").asString()).isEqualTo(other);
    assertThat(api.get("/api/v1/channels/shopify/sku-aliases").body()).contains(other);

    assertThat(aliases.resolve("shopify", alias.get("externalSku").asString())).contains(other);
    assertThat(aliases.resolve("shopify", sku)).as("our own code maps to itself").contains(sku);
    assertThat(aliases.resolve("shopify", "NOT-A-SKU-" + unique("X"))).isEmpty();

    // EDI: a qualified product id matches an alias of the bare id.
    String partner = "edi:" + unique("IRONRIDGE");
    assertThat(
            api.put("/api/v1/channels/" + partner + "/sku-aliases/IR-BRS-12", Map.of("sku", sku))
                .status())
        .isEqualTo(201);
    assertThat(aliases.resolve(partner, "BP:IR-BRS-12")).contains(sku);

    assertThat(api.put("/api/v1/channels/fax/sku-aliases/X", Map.of("sku", sku)).status())
        .isEqualTo(422);
    Api.Response unknown = api.put(path, Map.of("sku", "NO-SUCH-" + unique("S")));
    assertThat(unknown.status()).isEqualTo(422);
    assertThat(unknown.json().get("errors").get(0).get("field").asString()).isEqualTo("sku");

    assertThat(api.delete(path).status()).isEqualTo(204);
    assertThat(api.get(path).status()).isEqualTo(404);
    assertThat(api.delete(path).status()).isEqualTo(404);
  }

  @Test
  void stored_credentials_are_sealed_to_their_purpose_and_row() {
    String sealed = secrets.encrypt("shopify/webhook-secret", "a.myshopify.com", "hush");
    assertThat(sealed).startsWith("v1:").doesNotContain("hush");
    assertThat(secrets.decrypt("shopify/webhook-secret", "a.myshopify.com", sealed).value())
        .isEqualTo("hush");
    assertThat(secrets.encrypt("shopify/webhook-secret", "a.myshopify.com", "hush"))
        .as("a fresh nonce every time")
        .isNotEqualTo(sealed);
    assertThatThrownBy(() -> secrets.decrypt("square/signature-key", "a.myshopify.com", sealed))
        .as("another use")
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> secrets.decrypt("shopify/webhook-secret", "b.myshopify.com", sealed))
        .as("another row")
        .isInstanceOf(IllegalStateException.class);
    byte[] raw = java.util.Base64.getDecoder().decode(sealed.substring(3));
    raw[raw.length - 1] ^= 1;
    String tampered = "v1:" + java.util.Base64.getEncoder().encodeToString(raw);
    for (String bad : List.of(tampered, "v1:not base64!", "v1:AAAA", "plain")) {
      assertThatThrownBy(() -> secrets.decrypt("shopify/webhook-secret", "a.myshopify.com", bad))
          .as(bad)
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void tokens_go_only_to_https_or_this_machine_and_codes_a_url_cannot_carry_go_in_the_body() {
    String location = location(1);
    String domain = unique("z").toLowerCase() + ".myshopify.com";
    for (String url :
        List.of(
            "http://shop.example.com",
            "https://user:pass@shop.example.com",
            "ftp://shop.example.com")) {
      Map<String, Object> body = shop(location, "s", "t");
      body.put("apiBaseUrl", url);
      assertThat(api.put("/api/v1/channels/shopify/shops/" + domain, body).status())
          .as(url)
          .isEqualTo(422);
    }
    Map<String, Object> local = shop(location, "s", "t");
    local.put("apiBaseUrl", "http://localhost:8089");
    assertThat(api.put("/api/v1/channels/shopify/shops/" + domain, local).status()).isEqualTo(201);

    String sku = sku("SLASH");
    Api.Response byBody =
        api.put(
            "/api/v1/channels/shopify/sku-aliases", Map.of("externalSku", "TEE/RED/L", "sku", sku));
    assertThat(byBody.status()).as(byBody.toString()).isEqualTo(201);
    assertThat(aliases.resolve("shopify", "TEE/RED/L")).contains(sku);

    // EDI: a qualified id also finds our own SKU of that id; a colon that is no qualifier does not.
    String partner = "edi:" + unique("P");
    assertThat(aliases.resolve(partner, "VP:" + sku)).contains(sku);
    assertThat(aliases.resolve(partner, "something:" + sku)).isEmpty();
  }
}
