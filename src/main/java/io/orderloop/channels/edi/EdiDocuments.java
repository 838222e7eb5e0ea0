package io.orderloop.channels.edi;

import io.orderloop.common.ApiProblem;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The EDI record: every interchange received, and every transaction in and out (850s, 997s, 855s,
 * 856s, 810s) with its control numbers, order, status and raw X12.
 */
@Component
public class EdiDocuments {

  /** A document as listed; {@code raw} is served separately. */
  public record Document(
      long id,
      String partnerId,
      String direction,
      String type,
      String interchangeControl,
      String groupControl,
      String controlNumber,
      UUID orderId,
      String orderNumber,
      String reference,
      String status,
      String detail,
      int attempts,
      Instant createdAt,
      Instant writtenAt,
      Instant acknowledgedAt) {}

  /** An interchange as received. */
  public record Interchange(
      long id,
      String partnerId,
      String senderQualifier,
      String senderId,
      String receiverId,
      String controlNumber,
      String source,
      String status,
      String detail,
      Instant receivedAt) {}

  /** A new document row. */
  record NewDocument(
      String partnerId,
      String direction,
      String type,
      Long interchangeId,
      String interchangeControl,
      String groupControl,
      String controlNumber,
      UUID orderId,
      String orderNumber,
      String reference,
      String status,
      String detail,
      JsonNode payload,
      String contentSha256,
      String raw) {}

  /** Raw text kept per interchange; beyond it the interchange is kept cut, and says so. */
  static final int MAX_RAW = 2 * 1024 * 1024;

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final Clock clock;

  EdiDocuments(JdbcClient jdbc, JsonMapper json, Clock clock) {
    this.jdbc = jdbc;
    this.json = json;
    this.clock = clock;
  }

  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  long receive(
      String partnerId,
      String senderQualifier,
      String senderId,
      String receiverId,
      String control,
      String source,
      String status,
      String detail,
      String raw,
      String contentSha256) {
    raw = raw == null ? null : raw.replace('\u0000', '?');
    boolean cut = raw != null && raw.length() > MAX_RAW;
    return jdbc.sql(
            """
            INSERT INTO edi_interchanges (partner_id, sender_qualifier, sender_id, receiver_id,
                control_number, source, status, detail, raw, raw_truncated, content_sha256, received_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""")
        .params(
            partnerId,
            senderQualifier,
            senderId,
            receiverId,
            control,
            source,
            status,
            cut(detail),
            cut ? raw.substring(0, MAX_RAW) : raw,
            cut,
            contentSha256,
            Timestamp.from(now()))
        .query(Long.class)
        .single();
  }

  void finishInterchange(long id, String status, String detail, String ack) {
    jdbc.sql("UPDATE edi_interchanges SET status = ?, detail = ?, ack = ? WHERE id = ?")
        .params(status, cut(detail), ack, id)
        .update();
  }

  /**
   * The 997 sent for an interchange already processed with this control number and these contents,
   * if any (a translator that reuses a control number for new contents is not answered with an old
   * 997).
   */
  Optional<String> ackOfProcessed(String partnerId, String control, String contentSha256) {
    return jdbc.sql(
            """
            SELECT coalesce(ack, '') FROM edi_interchanges
            WHERE partner_id = ? AND control_number = ? AND status = 'PROCESSED' AND content_sha256 = ?
            ORDER BY id LIMIT 1""")
        .params(partnerId, control, contentSha256)
        .query(String.class)
        .optional();
  }

  long insert(NewDocument d) {
    Instant now = now();
    return jdbc.sql(
            """
            INSERT INTO edi_documents (partner_id, direction, type, interchange_id, interchange_control,
                group_control, control_number, order_id, order_number, reference, status, detail, payload,
                content_sha256, raw, next_attempt_at, created_at, written_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?) RETURNING id""")
        .params(
            d.partnerId(),
            d.direction(),
            d.type(),
            d.interchangeId(),
            d.interchangeControl(),
            d.groupControl(),
            d.controlNumber(),
            d.orderId(),
            d.orderNumber(),
            d.reference(),
            d.status(),
            cut(d.detail()),
            d.payload() == null ? null : json.writeValueAsString(d.payload()),
            d.contentSha256(),
            d.raw(),
            "PENDING".equals(d.status()) ? Timestamp.from(now) : null,
            Timestamp.from(now),
            d.raw() == null ? null : Timestamp.from(now))
        .query(Long.class)
        .single();
  }

  /** The 850 first accepted for a PO of the partner: its content hash and payload. */
  Optional<Received> firstAccepted(String partnerId, String po) {
    return jdbc.sql(
            """
            SELECT id, content_sha256, payload::text AS payload FROM edi_documents
            WHERE partner_id = ? AND type = '850' AND direction = 'IN' AND reference = ?
              AND status IN ('ACCEPTED', 'ACCEPTED_WITH_ERRORS')
            ORDER BY id LIMIT 1""")
        .params(partnerId, po)
        .query(
            (rs, n) ->
                new Received(
                    rs.getLong("id"),
                    rs.getString("content_sha256"),
                    rs.getString("payload") == null
                        ? null
                        : json.readTree(rs.getString("payload"))))
        .optional();
  }

  /** An 850 as first accepted. */
  record Received(long id, String contentSha256, JsonNode payload) {}

  /** The 850 an order came from: its payload (PO date, lines as sent). */
  Optional<JsonNode> purchaseOrderOf(UUID orderId) {
    return jdbc.sql(
            """
            SELECT payload::text FROM (
              (SELECT id, payload FROM edi_documents
               WHERE order_id = ? AND type = '850' AND direction = 'IN'
                 AND status IN ('ACCEPTED', 'ACCEPTED_WITH_ERRORS'))
              UNION ALL
              (SELECT id, payload FROM edi_documents
               WHERE type = '850' AND payload -> 'orderIds' @> jsonb_build_array(?::text)
                 AND direction = 'IN' AND status IN ('ACCEPTED', 'ACCEPTED_WITH_ERRORS'))) d
            ORDER BY id LIMIT 1""")
        .params(orderId, orderId.toString())
        .query(String.class)
        .optional()
        .map(json::readTree);
  }

  public List<Document> list(
      String partnerId, String type, UUID orderId, String direction, Long before, int limit) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + """
                FROM edi_documents
                WHERE (CAST(:partner AS text) IS NULL OR partner_id = :partner)
                  AND (CAST(:type AS text) IS NULL OR type = :type)
                  AND (CAST(:direction AS text) IS NULL OR direction = :direction)
                  AND (CAST(:order AS uuid) IS NULL OR order_id = :order
                       OR (type = '850' AND payload -> 'orderIds' @> jsonb_build_array(CAST(:order AS text))))
                  AND (CAST(:before AS bigint) IS NULL OR id < :before)
                ORDER BY id DESC LIMIT :limit""")
        .param("partner", partnerId)
        .param("type", type)
        .param("direction", direction)
        .param("order", orderId)
        .param("before", before)
        .param("limit", limit)
        .query(EdiDocuments::document)
        .list();
  }

  public Document get(long id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM edi_documents WHERE id = ?")
        .param(id)
        .query(EdiDocuments::document)
        .optional()
        .orElseThrow(() -> ApiProblem.notFound("no EDI document " + id));
  }

  public Optional<String> raw(long id) {
    return jdbc.sql("SELECT raw FROM edi_documents WHERE id = ?")
        .param(id)
        .query((rs, n) -> Optional.ofNullable(rs.getString(1)))
        .optional()
        .orElseThrow(() -> ApiProblem.notFound("no EDI document " + id));
  }

  public List<Interchange> interchanges(String partnerId, String status, int limit) {
    return jdbc.sql(
            """
            SELECT id, partner_id, sender_qualifier, sender_id, receiver_id, control_number, source,
                   status, detail, received_at
            FROM edi_interchanges
            WHERE (CAST(:partner AS text) IS NULL OR partner_id = :partner)
              AND (CAST(:status AS text) IS NULL OR status = :status)
            ORDER BY id DESC LIMIT :limit""")
        .param("partner", partnerId)
        .param("status", status)
        .param("limit", limit)
        .query(
            (rs, n) ->
                new Interchange(
                    rs.getLong("id"),
                    rs.getString("partner_id"),
                    rs.getString("sender_qualifier"),
                    rs.getString("sender_id"),
                    rs.getString("receiver_id"),
                    rs.getString("control_number"),
                    rs.getString("source"),
                    rs.getString("status"),
                    rs.getString("detail"),
                    rs.getTimestamp("received_at").toInstant()))
        .list();
  }

  Optional<Long> interchangeOf(long documentId) {
    return jdbc.sql("SELECT interchange_id FROM edi_documents WHERE id = ?")
        .param(documentId)
        .query((rs, n) -> Optional.ofNullable((Long) rs.getObject(1, Long.class)))
        .optional()
        .flatMap(o -> o);
  }

  public Optional<String> interchangeRaw(long id) {
    return jdbc.sql("SELECT raw FROM edi_interchanges WHERE id = ?")
        .param(id)
        .query((rs, n) -> Optional.ofNullable(rs.getString(1)))
        .optional()
        .orElseThrow(() -> ApiProblem.notFound("no EDI interchange " + id));
  }

  /** A partner's 997 answered our document: accepted or rejected, with the 997's words. */
  int acknowledge(String partnerId, String groupControl, String control, String status, String d) {
    return jdbc.sql(
            """
            UPDATE edi_documents SET status = ?, detail = ?, acknowledged_at = ?
            WHERE partner_id = ? AND direction = 'OUT' AND group_control = ?
              AND (CAST(? AS text) IS NULL OR control_number = ?)
              AND type <> '997'""")
        .params(status, cut(d), Timestamp.from(now()), partnerId, groupControl, control, control)
        .update();
  }

  /**
   * An erased customer's names and addresses leave the EDI record too: in the X12 kept of their
   * orders' documents and of the interchanges those came in, and in the documents' details, every
   * erased value becomes {@code [erased]}. The rest of the X12 (amounts, SKUs, control numbers)
   * stays, so the documents still read.
   */
  @org.springframework.context.event.EventListener
  void on(io.orderloop.orders.CustomerErased erased) {
    if (erased.orderIds().isEmpty()) {
      return;
    }
    List<Long> ids =
        jdbc.sql(
                """
                SELECT id FROM edi_documents WHERE order_id = ANY(?)
                UNION
                SELECT id FROM edi_documents
                WHERE type = '850' AND jsonb_exists_any(payload -> 'orderIds', ?)""")
            .params(
                erased.orderIds().toArray(UUID[]::new),
                erased.orderIds().stream().map(UUID::toString).toArray(String[]::new))
            .query(Long.class)
            .list();
    record Kept(long id, String raw, String detail, Long interchange) {}
    List<Kept> kept =
        jdbc.sql(
                """
                SELECT id, raw, detail, interchange_id FROM edi_documents WHERE id = ANY(?)
                ORDER BY id FOR UPDATE""")
            .param(ids.toArray(Long[]::new))
            .query(
                (rs, n) ->
                    new Kept(
                        rs.getLong("id"),
                        rs.getString("raw"),
                        rs.getString("detail"),
                        rs.getObject("interchange_id", Long.class)))
            .list();
    java.util.Set<Long> interchanges = new java.util.TreeSet<>();
    for (Kept k : kept) {
      jdbc.sql("UPDATE edi_documents SET raw = ?, detail = ? WHERE id = ?")
          .params(erased.redactText(k.raw()), erased.redactText(k.detail()), k.id())
          .update();
      if (k.interchange() != null) {
        interchanges.add(k.interchange());
      }
    }
    for (long interchange : interchanges) {
      jdbc.sql("SELECT raw, detail FROM edi_interchanges WHERE id = ? FOR UPDATE")
          .param(interchange)
          .query((rs, n) -> new String[] {rs.getString("raw"), rs.getString("detail")})
          .optional()
          .ifPresent(
              row ->
                  jdbc.sql("UPDATE edi_interchanges SET raw = ?, detail = ? WHERE id = ?")
                      .params(erased.redactText(row[0]), erased.redactText(row[1]), interchange)
                      .update());
    }
  }

  private static final String COLUMNS =
      """
      id, partner_id, direction, type, interchange_control, group_control, control_number, order_id,
      order_number, reference, status, detail, attempts, created_at, written_at, acknowledged_at
      """;

  private static Document document(ResultSet rs, int n) throws SQLException {
    Timestamp written = rs.getTimestamp("written_at");
    Timestamp acked = rs.getTimestamp("acknowledged_at");
    return new Document(
        rs.getLong("id"),
        rs.getString("partner_id"),
        rs.getString("direction"),
        rs.getString("type"),
        rs.getString("interchange_control"),
        rs.getString("group_control"),
        rs.getString("control_number"),
        rs.getObject("order_id", UUID.class),
        rs.getString("order_number"),
        rs.getString("reference"),
        rs.getString("status"),
        rs.getString("detail"),
        rs.getInt("attempts"),
        rs.getTimestamp("created_at").toInstant(),
        written == null ? null : written.toInstant(),
        acked == null ? null : acked.toInstant());
  }

  /** Text PostgreSQL can store (no NUL) and that stays readable: at most 4,000 characters. */
  private static String cut(String s) {
    if (s == null) {
      return null;
    }
    String v = s.replace('\u0000', '?');
    return v.length() <= 4000 ? v : v.substring(0, 3997) + "...";
  }
}
