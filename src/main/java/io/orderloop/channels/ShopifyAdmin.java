package io.orderloop.channels;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Calls to a shop's Admin API ({@code {apiBaseUrl}/admin/api/{apiVersion}/...}) with its access
 * token in {@code X-Shopify-Access-Token}. No redirects are followed and no proxy is taken from the
 * environment; every call has the {@code orderloop.channels.api-timeout} deadline. Answers are
 * returned as they are: the relay decides what a status means.
 */
@Component
class ShopifyAdmin {

  /** One call's answer: status, body (cut at 64 kB) and {@code Retry-After} when sent. */
  record Answer(int status, String body, Optional<String> retryAfter) {}

  /** The shop's API as the relay needs it. */
  record Shop(String domain, String baseUrl, String apiVersion, String accessToken) {
    String url(String path) {
      return baseUrl + "/admin/api/" + apiVersion + path;
    }
  }

  private final HttpClient client;
  private final ChannelProperties properties;

  ShopifyAdmin(ChannelProperties properties) {
    this.properties = properties;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(properties.apiTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .proxy(java.net.ProxySelector.of(null))
            .build();
  }

  Answer get(Shop shop, String path) throws IOException, InterruptedException {
    return send(shop, HttpRequest.newBuilder(URI.create(shop.url(path))).GET());
  }

  Answer post(Shop shop, String path, String json) throws IOException, InterruptedException {
    return send(
        shop,
        HttpRequest.newBuilder(URI.create(shop.url(path)))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  private Answer send(Shop shop, HttpRequest.Builder request)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> response =
        client.send(
            request
                .header("X-Shopify-Access-Token", shop.accessToken())
                .header("Accept", "application/json")
                .header("User-Agent", "Orderloop")
                .timeout(properties.apiTimeout())
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    byte[] body = response.body();
    int length = Math.min(body.length, 64 * 1024);
    return new Answer(
        response.statusCode(),
        new String(body, 0, length, java.nio.charset.StandardCharsets.UTF_8),
        response.headers().firstValue("Retry-After"));
  }

  static Duration retryAfter(Optional<String> header, Duration fallback) {
    if (header.isEmpty()) {
      return fallback;
    }
    try {
      double seconds = Double.parseDouble(header.get().strip());
      return seconds < 0 || seconds > 3600
          ? fallback
          : Duration.ofMillis((long) Math.ceil(seconds * 1000));
    } catch (NumberFormatException notSeconds) {
      return fallback;
    }
  }
}
