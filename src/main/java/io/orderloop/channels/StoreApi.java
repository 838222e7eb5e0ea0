package io.orderloop.channels;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.util.function.SingletonSupplier;

/**
 * Calls to a store's API: a Shopify shop's Admin API ({@code
 * {apiBaseUrl}/admin/api/{apiVersion}/...} with its token in {@code X-Shopify-Access-Token}) or
 * Square's API ({@code {apiBaseUrl}/v2/...} with a bearer token and {@code Square-Version}). No
 * redirects are followed and no proxy is taken from the environment; every call has the {@code
 * orderloop.channels.api-timeout} deadline. Answers are returned as they are: the caller decides
 * what a status means.
 */
@Component
class StoreApi {

  /** The largest answer read (a page of 50 Shopify orders is a few hundred kB). */
  static final int MAX_ANSWER = 8 * 1024 * 1024;

  /** The Square API version the adapter is written against. */
  static final String SQUARE_VERSION = "2025-10-16";

  /**
   * One call's answer: status, body (cut at {@link #MAX_ANSWER}) and {@code Retry-After} when sent.
   */
  record Answer(int status, String body, Optional<String> retryAfter, Optional<String> link) {}

  /** Where a store's API is and how a call authenticates. */
  interface Store {
    String url(String path);

    Map<String, String> headers();
  }

  /** A Shopify shop's Admin API. */
  record Shop(String domain, String baseUrl, String apiVersion, String accessToken)
      implements Store {
    public String url(String path) {
      return baseUrl + "/admin/api/" + apiVersion + path;
    }

    public Map<String, String> headers() {
      return Map.of("X-Shopify-Access-Token", accessToken);
    }
  }

  /** A Square merchant's API. */
  record Merchant(String merchantId, String baseUrl, String accessToken) implements Store {
    public String url(String path) {
      return baseUrl + path;
    }

    public Map<String, String> headers() {
      return Map.of("Authorization", "Bearer " + accessToken, "Square-Version", SQUARE_VERSION);
    }
  }

  // Made on the first call: building it sets up TLS (about 0.1 s), which a start-up without a
  // connected shop does not need.
  private final SingletonSupplier<HttpClient> client;
  private final ChannelProperties properties;

  StoreApi(ChannelProperties properties) {
    this.properties = properties;
    this.client =
        SingletonSupplier.of(
            () ->
                HttpClient.newBuilder()
                    .connectTimeout(properties.apiTimeout())
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .proxy(java.net.ProxySelector.of(null))
                    .build());
  }

  Answer get(Store store, String path) throws IOException, InterruptedException {
    return send(store, HttpRequest.newBuilder(URI.create(store.url(path))).GET());
  }

  /** A call with a JSON body ({@code POST} or {@code PUT}). */
  Answer send(Store store, String method, String path, String json)
      throws IOException, InterruptedException {
    return send(
        store,
        HttpRequest.newBuilder(URI.create(store.url(path)))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(json)));
  }

  private Answer send(Store store, HttpRequest.Builder request)
      throws IOException, InterruptedException {
    store.headers().forEach(request::header);
    // The store sees the trace of the request or job that called it.
    io.orderloop.common.Traces.traceparent().ifPresent(t -> request.header("traceparent", t));
    HttpResponse<byte[]> response =
        client
            .obtain()
            .send(
                request
                    .header("Accept", "application/json")
                    .header("User-Agent", "Orderloop")
                    .timeout(properties.apiTimeout())
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    byte[] body = response.body();
    int length = Math.min(body.length, MAX_ANSWER);
    return new Answer(
        response.statusCode(),
        new String(body, 0, length, java.nio.charset.StandardCharsets.UTF_8),
        response.headers().firstValue("Retry-After"),
        response.headers().firstValue("Link"));
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
