package io.orderloop.console;

import io.orderloop.events.Feed;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Keeps open boards live: one poller per instance reads the event feed's newest position while any
 * board is open, and tells every open board (a server-sent {@code change} event whose id is that
 * position) when it moved. The board then fetches itself again, so it shows what the database holds
 * whoever made the change: another user, the API, a channel, another instance.
 *
 * <p>A reconnecting board names the position it last saw ({@code Last-Event-ID}, or the {@code
 * after} the page was rendered at) and is told at once when anything came after it: no update is
 * lost across a dropped connection.
 */
@Component
class BoardStream {

  private static final Logger log = LoggerFactory.getLogger(BoardStream.class);

  private final Feed feed;
  private final ConsoleProperties properties;

  /** Each open stream and the newest position its board has been told of. */
  private final Map<SseEmitter, Long> open = new ConcurrentHashMap<>();

  BoardStream(Feed feed, ConsoleProperties properties) {
    this.feed = feed;
    this.properties = properties;
  }

  /** The feed position a page is rendered at: its stream resumes from there. */
  long position() {
    return feed.lastPosition();
  }

  /** Opens a stream for a board that last saw {@code after}. */
  SseEmitter open(long after) {
    SseEmitter emitter = new SseEmitter(properties.liveStreamTimeout().toMillis());
    emitter.onCompletion(() -> open.remove(emitter));
    emitter.onTimeout(() -> open.remove(emitter));
    emitter.onError(e -> open.remove(emitter));
    long now = feed.lastPosition();
    // From here the board knows of everything up to now: it was told of the change below, or it
    // was rendered at (or after) now.
    open.put(emitter, now);
    if (!send(emitter, "hello", now)
        || (after >= 0 && now > after && !send(emitter, "change", now))) {
      open.remove(emitter);
    }
    return emitter;
  }

  /**
   * Polls the feed while any board is open, and tells each board whose last news is older than the
   * feed's newest position. Compared per board, so a board opened between two polls neither misses
   * a change nor hears of one it has seen.
   */
  @Scheduled(fixedDelayString = "${orderloop.console.live-interval:PT0.25S}")
  void poll() {
    if (open.isEmpty()) {
      return;
    }
    long now = feed.lastPosition();
    List<SseEmitter> behind = new ArrayList<>();
    open.forEach(
        (emitter, seen) -> {
          if (seen < now && open.replace(emitter, seen, now)) {
            behind.add(emitter);
          }
        });
    if (!behind.isEmpty()) {
      // Writes go out on a virtual thread: a stalled browser never holds the shared scheduler.
      Thread.ofVirtual()
          .name("live-board")
          .start(
              () ->
                  behind.forEach(
                      emitter -> {
                        if (!send(emitter, "change", now)) {
                          open.remove(emitter);
                        }
                      }));
    }
  }

  /** A comment now and then keeps idle connections open through proxies and finds dead ones. */
  @Scheduled(fixedDelayString = "PT20S")
  void keepAlive() {
    Thread.ofVirtual().name("live-board-keep-alive").start(this::ping);
  }

  private void ping() {
    open.keySet()
        .removeIf(
            emitter -> {
              try {
                emitter.send(SseEmitter.event().comment("keep-alive"));
                return false;
              } catch (IOException | IllegalStateException gone) {
                return true;
              }
            });
  }

  /** Ends every stream when the application stops, so shutdown does not wait on open boards. */
  @EventListener(ContextClosedEvent.class)
  void close() {
    open.keySet().forEach(SseEmitter::complete);
    open.clear();
  }

  int openStreams() {
    return open.size();
  }

  private static boolean send(SseEmitter emitter, String name, long position) {
    try {
      emitter.send(SseEmitter.event().name(name).id(Long.toString(position)).data(position));
      return true;
    } catch (IOException | IllegalStateException gone) {
      log.debug("live board stream closed: {}", gone.toString());
      return false;
    }
  }
}
