package io.orderloop.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Posts webhook deliveries. Every connection goes through a resolver that applies {@link
 * WebhookTargets} to the addresses it is about to connect to, so a name that pointed at a public
 * address when subscribed and at a private or metadata one later (DNS rebinding) is refused on the
 * delivery itself. Redirects are never followed, no proxy is taken from the environment, a whole
 * delivery is bounded by the timeout, and at most 64 kB of a response body is read.
 *
 * <p>Outcomes are coarse and stable ({@code connection refused}, {@code timeout}, {@code TLS
 * error}, {@code HTTP 5xx}, ...): the delivery log is read through the API, and exception texts
 * would tell a caller what listens where.
 */
final class WebhookClient implements AutoCloseable {

  static final String TARGET_REFUSED = "target address not allowed";
  private static final int MAX_RESPONSE_BYTES = 64 * 1024;

  /** The result of one delivery attempt; {@code error} is one of a small set of phrases. */
  record Outcome(boolean ok, Integer status, Integer latencyMs, String error) {}

  private final CloseableHttpClient http;
  private final Duration timeout;
  private final ScheduledExecutorService deadlines;

  WebhookClient(WebhookTargets targets, Duration timeout, WebhookTargets.Resolver resolver) {
    this.timeout = timeout;
    Timeout t = Timeout.of(timeout);
    this.http =
        HttpClients.custom()
            .setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create()
                    .setDnsResolver(new GuardedResolver(targets, resolver))
                    .setMaxConnTotal(50)
                    .setMaxConnPerRoute(16)
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom()
                            .setConnectTimeout(t)
                            .setSocketTimeout(t)
                            .setValidateAfterInactivity(TimeValue.ofSeconds(1))
                            .setTimeToLive(TimeValue.ofMinutes(5))
                            .build())
                    .build())
            .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(t).build())
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableCookieManagement()
            .disableAuthCaching()
            .disableContentCompression()
            .setUserAgent("Orderloop-Webhooks/1")
            .build();
    this.deadlines =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("webhook-deadlines").factory());
  }

  /** Posts one event; never throws for what the network or the receiver did. */
  Outcome post(String url, Map<String, String> headers, String body) {
    long start = System.nanoTime();
    try {
      Outcome outcome;
      try {
        outcome = send(url, headers, body, start);
      } catch (org.apache.hc.core5.http.NoHttpResponseException staleConnection) {
        // A pooled connection the receiver had closed fails without reaching it: once more at once.
        outcome = send(url, headers, body, start);
      }
      return outcome;
    } catch (RefusedTarget e) {
      return failed(start, TARGET_REFUSED);
    } catch (UnknownHostException e) {
      return failed(start, "host not found");
    } catch (ConnectException e) {
      return failed(start, "connection refused");
    } catch (InterruptedIOException e) {
      return failed(start, "timeout");
    } catch (SSLException e) {
      return failed(start, "TLS error");
    } catch (IOException | IllegalArgumentException e) {
      return failed(start, "connection failed");
    }
  }

  private Outcome send(String url, Map<String, String> headers, String body, long start)
      throws IOException {
    HttpPost post = new HttpPost(url);
    headers.forEach(post::setHeader);
    // The receiver sees the trace of the delivery job (W3C Trace Context).
    io.orderloop.common.Traces.traceparent().ifPresent(t -> post.setHeader("traceparent", t));
    post.setEntity(
        new StringEntity(
            body, ContentType.create("application/cloudevents+json", StandardCharsets.UTF_8)));
    ScheduledFuture<?> deadline =
        deadlines.schedule(post::cancel, timeout.toMillis(), TimeUnit.MILLISECONDS);
    ClassicHttpResponse response = null;
    try {
      response = http.executeOpen(null, post, null);
      boolean drained = readBounded(response.getEntity());
      int status = response.getCode();
      int latency = latency(start);
      if (!drained) {
        // More than we read: abort, so closing does not read the rest (a receiver could stream
        // forever), and the connection is dropped rather than reused.
        post.cancel();
      }
      boolean ok = status >= 200 && status < 300;
      return new Outcome(ok, status, latency, ok ? null : "HTTP " + (status / 100) + "xx");
    } catch (IOException e) {
      if (post.isCancelled()) {
        throw new InterruptedIOException("delivery took longer than " + timeout);
      }
      throw e;
    } finally {
      deadline.cancel(false);
      if (response != null) {
        try {
          response.close();
        } catch (IOException | RuntimeException ignored) {
          // aborted or already released: nothing to give back
        }
      }
    }
  }

  /**
   * Reads the body to its end (so the connection can be reused) unless it is larger than we care
   * for; returns whether it reached the end.
   */
  private static boolean readBounded(HttpEntity entity) throws IOException {
    if (entity == null) {
      return true;
    }
    InputStream in = entity.getContent();
    if (in == null) {
      return true;
    }
    byte[] buffer = new byte[8192];
    int total = 0;
    int n;
    while ((n = in.read(buffer)) != -1) {
      total += n;
      if (total > MAX_RESPONSE_BYTES) {
        return false;
      }
    }
    return true;
  }

  private static int latency(long start) {
    return (int) Duration.ofNanos(System.nanoTime() - start).toMillis();
  }

  private static Outcome failed(long start, String error) {
    return new Outcome(false, null, latency(start), error);
  }

  @Override
  public void close() throws IOException {
    deadlines.shutdownNow();
    http.close();
  }

  /** Raised by the resolver for an address webhooks may not reach. */
  static final class RefusedTarget extends UnknownHostException {
    RefusedTarget(String message) {
      super(message);
    }
  }

  /** Resolves, then refuses the host when any of its addresses is not an allowed target. */
  private record GuardedResolver(WebhookTargets targets, WebhookTargets.Resolver resolver)
      implements DnsResolver {

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
      String bare =
          host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      InetAddress[] addresses = resolver.resolve(bare);
      String refusal = targets.refusal(bare, addresses);
      if (refusal != null) {
        throw new RefusedTarget(refusal);
      }
      return addresses;
    }

    @Override
    public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
      List<InetSocketAddress> result = new ArrayList<>();
      for (InetAddress address : resolve(host)) {
        result.add(new InetSocketAddress(address, port));
      }
      return result;
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
      return host;
    }
  }
}
