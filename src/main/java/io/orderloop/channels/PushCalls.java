package io.orderloop.channels;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One call of a push to a store, recorded with the store's answer, with the claim's lease renewed
 * before it: what the answer means for the push is a {@link Stop} — 429 waits its {@code
 * Retry-After}, 5xx, timeouts, refused connections and answers that are not JSON are retried with
 * backoff, other answers are final.
 */
@Component
class PushCalls {

  /** A call's answer the push cannot go on from. */
  static final class Stop extends Exception {
    final boolean retry;
    final Duration after;
    final String answer;

    /** The store throttled us (429, or GraphQL THROTTLED): wait {@link #after}, do not count. */
    boolean throttled;

    Stop(String message, boolean retry, Duration after) {
      this(message, retry, after, null);
    }

    Stop(String message, boolean retry, Duration after, String answer) {
      super(message, null, false, false);
      this.retry = retry;
      this.after = after;
      this.answer = answer;
    }
  }

  private final ChannelPushes pushes;
  private final StoreApi admin;
  private final ChannelProperties properties;
  private final JsonMapper json;

  PushCalls(ChannelPushes pushes, StoreApi admin, ChannelProperties properties, JsonMapper json) {
    this.pushes = pushes;
    this.admin = admin;
    this.properties = properties;
    this.json = json;
  }

  /** A claim's lease: renewed before every call, so it only has to cover one call and a margin. */
  Duration lease() {
    return properties.apiTimeout().multipliedBy(3);
  }

  /** One call, recorded with its answer; a 2xx answer's JSON, or a {@link Stop}. */
  JsonNode call(
      ChannelPushes.Claimed push, StoreApi.Store shop, String method, String path, JsonNode body)
      throws Stop, InterruptedException {
    pushes.extend(push, lease());
    String request = method + " " + shop.url(path) + (body == null ? "" : " " + body);
    StoreApi.Answer answer;
    try {
      answer =
          method.equals("GET")
              ? admin.get(shop, path)
              : admin.send(shop, method, path, json.writeValueAsString(body));
    } catch (HttpTimeoutException e) {
      pushes.attempt(push.id(), push.attempts(), request, null, "timed out");
      throw new Stop("timed out: " + method + " " + path, true, null);
    } catch (IOException e) {
      pushes.attempt(push.id(), push.attempts(), request, null, e.getClass().getSimpleName());
      throw new Stop("could not reach the shop: " + e.getClass().getSimpleName(), true, null);
    }
    pushes.attempt(push.id(), push.attempts(), request, answer.status(), answer.body());
    int status = answer.status();
    if (status == 429) {
      Duration wait = StoreApi.retryAfter(answer.retryAfter(), properties.backoff(push.attempts()));
      Stop throttled =
          new Stop("429 from " + method + " " + path + "; retry after " + wait, true, wait);
      throttled.throttled = true;
      throw throttled;
    }
    if (status >= 500) {
      throw new Stop(status + " from " + method + " " + path, true, null);
    }
    if (status < 200 || status > 299) {
      throw new Stop(
          status + " from " + method + " " + path + ": " + clip(answer.body()),
          false,
          null,
          answer.body());
    }
    if (answer.body().isBlank()) {
      return json.createObjectNode();
    }
    try {
      return json.readTree(answer.body());
    } catch (RuntimeException notJson) {
      // Never read as "nothing there": a fulfillment looked up in a cut-off answer could be made
      // twice.
      throw new Stop("the answer to " + method + " " + path + " is not JSON", true, null);
    }
  }

  static String clip(String s) {
    return s == null || s.length() <= 300 ? s : s.substring(0, 300) + "...";
  }
}
