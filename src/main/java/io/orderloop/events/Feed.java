package io.orderloop.events;

import io.orderloop.common.ApiProblem;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The events in commit order. Outbox rows get their feed position only once committed, from one
 * sequencer at a time across all instances (a transaction-scoped advisory lock), so positions grow
 * in the order events became visible: a reader paging by position sees no gaps and no repeats while
 * writers commit concurrently. (Insertion sequence values are not commit order, which is why they
 * are not the cursor.) Events of one order keep their order: they are written under the order's row
 * lock.
 */
@Service
public class Feed {

  private static final long SEQUENCER_LOCK = 0x4F4C_4645_4544L; // "OLFEED"

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final EventProperties properties;

  Feed(JdbcClient jdbc, JsonMapper json, EventProperties properties) {
    this.jdbc = jdbc;
    this.json = json;
    this.properties = properties;
  }

  /**
   * Positions committed events; returns how many (0 when another instance holds the sequencer). One
   * round trip, in a transaction of its own: {@code orderloop_sequence_outbox} (V31) takes the
   * advisory lock and positions up to 5,000 events in seq order.
   */
  @Scheduled(fixedDelayString = "${orderloop.events.sequence-interval:PT0.1S}")
  public int sequence() {
    return jdbc.sql("SELECT orderloop_sequence_outbox(?, 5000)")
        .param(SEQUENCER_LOCK)
        .query(Integer.class)
        .single();
  }

  /**
   * A page of the feed and the cursor to continue from (the same cursor when nothing new has come).
   */
  public record Page(List<CloudEvent> items, String nextCursor) {}

  public Page page(String after, int limit, String type) {
    long position = decode(after);
    List<Row> rows =
        jdbc.sql(
                """
                SELECT position, id, type, subject, time, data::text AS data FROM outbox
                WHERE position > :after AND (CAST(:type AS text) IS NULL OR type = :type)
                ORDER BY position LIMIT :limit""")
            .param("after", position)
            .param("type", type)
            .param("limit", limit)
            .query(Row.class)
            .list();
    List<CloudEvent> items = rows.stream().map(this::event).toList();
    long last = rows.isEmpty() ? position : rows.getLast().position();
    return new Page(items, encode(last));
  }

  /** Outbox rows after a position, in feed order (for delivery). */
  List<Positioned> after(long position, int limit) {
    return jdbc
        .sql(
            """
            SELECT position, id, type, subject, time, data::text AS data FROM outbox
            WHERE position > ? ORDER BY position LIMIT ?""")
        .params(position, limit)
        .query(Row.class)
        .list()
        .stream()
        .map(r -> new Positioned(r.position(), event(r)))
        .toList();
  }

  /** The first feed position at or after a time, for replays ("from a point in time"). */
  long positionBefore(java.time.Instant time) {
    return jdbc.sql(
            "SELECT coalesce(max(position), 0) FROM outbox WHERE position IS NOT NULL AND time < ?")
        .param(java.sql.Timestamp.from(time))
        .query(Long.class)
        .single();
  }

  /**
   * The newest feed position (0 before the first event): a cheap "has anything changed" probe for
   * live pages, read from the position index.
   */
  public long lastPosition() {
    return jdbc.sql("SELECT coalesce(max(position), 0) FROM outbox").query(Long.class).single();
  }

  record Positioned(long position, CloudEvent event) {}

  record Row(
      long position,
      java.util.UUID id,
      String type,
      String subject,
      java.sql.Timestamp time,
      String data) {}

  private CloudEvent event(Row r) {
    return new CloudEvent(
        "1.0",
        r.id().toString(),
        properties.source(),
        r.type(),
        r.subject(),
        r.time().toInstant(),
        "application/json",
        json.readValue(r.data(), new TypeReference<Map<String, Object>>() {}));
  }

  static String encode(long position) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("p" + position).getBytes(StandardCharsets.UTF_8));
  }

  static long decode(String cursor) {
    if (cursor == null || cursor.isBlank()) {
      return 0;
    }
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (raw.startsWith("p")) {
        long p = Long.parseLong(raw.substring(1));
        if (p >= 0) {
          return p;
        }
      }
    } catch (IllegalArgumentException e) {
      // fall through
    }
    throw ApiProblem.badRequest("after: not a cursor this service issued; start without it");
  }
}
