package io.orderloop.gateway;

import io.orderloop.common.Actors;
import io.orderloop.common.ApiProblem;
import io.orderloop.common.Transactions;
import io.orderloop.orders.Orders;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Agent actions held for a person: an order beyond its key's spending limits, or a cancellation an
 * agent may not make alone (a B2B order past ALLOCATED). Operators list them and approve (the
 * action is then carried out, as the agent, noting who approved) or refuse them, through the API
 * and the console; the agent sees them on {@code get_order} and {@code get_approval}.
 *
 * <p>Rejects: 404 unknown approval; 409 one already decided, or an approved action the loop no
 * longer allows (the approval stays pending: refuse it).
 */
@Service
public class Approvals {

  public enum Kind {
    PLACE_ORDER,
    CANCEL_ORDER
  }

  public enum Status {
    PENDING,
    APPROVED,
    REFUSED
  }

  /**
   * One held action: what the agent asked ({@code request}), why it waits ({@code why}), and once
   * decided by whom, with what note and outcome (the order placed or cancelled).
   */
  public record Approval(
      UUID id,
      long number,
      Kind kind,
      Status status,
      String agent,
      UUID orderId,
      Map<String, Object> request,
      String why,
      Instant createdAt,
      Instant decidedAt,
      String decidedBy,
      String decisionNote,
      String outcome) {}

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final Clock clock;
  private final Transactions transactions;
  private final Placements placements;
  private final Orders orders;
  private final io.orderloop.orders.OrderQueries queries;
  private final io.orderloop.security.ApiKeys keys;

  Approvals(
      JdbcClient jdbc,
      JsonMapper json,
      Clock clock,
      Transactions transactions,
      Placements placements,
      Orders orders,
      io.orderloop.orders.OrderQueries queries,
      io.orderloop.security.ApiKeys keys,
      io.micrometer.core.instrument.MeterRegistry meters) {
    io.micrometer.core.instrument.Gauge.builder(
            "orderloop.approvals.pending", this, Approvals::pendingCount)
        .description("Agent actions waiting for a person's decision")
        .register(meters);
    this.queries = queries;
    this.keys = keys;
    this.jdbc = jdbc;
    this.json = json;
    this.clock = clock;
    this.transactions = transactions;
    this.placements = placements;
    this.orders = orders;
  }

  private static final String COLUMNS =
      "id, number, kind, status, agent, order_id, request::text AS request, why, created_at,"
          + " decided_at, decided_by, decision_note, outcome";

  /** Approvals, newest first: all, or of one status. */
  public List<Approval> list(Status status, int limit) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM agent_approvals WHERE (CAST(? AS text) IS NULL OR status = ?)"
                + " ORDER BY created_at DESC, number DESC LIMIT ?")
        .params(status == null ? null : status.name(), status == null ? null : status.name(), limit)
        .query(this::row)
        .list();
  }

  public long pendingCount() {
    return jdbc.sql("SELECT count(*) FROM agent_approvals WHERE status = 'PENDING'")
        .query(Long.class)
        .single();
  }

  public Approval get(UUID id) {
    return find(id).orElseThrow(() -> ApiProblem.notFound("no approval with id " + id));
  }

  Optional<Approval> find(UUID id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM agent_approvals WHERE id = ?")
        .param(id)
        .query(this::row)
        .optional();
  }

  /** An order's approvals, newest first. */
  public List<Approval> forOrder(UUID orderId) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM agent_approvals WHERE order_id = ? ORDER BY created_at DESC, number DESC")
        .param(orderId)
        .query(this::row)
        .list();
  }

  /** An approval this key asked for. */
  Optional<Approval> ofKey(UUID id, UUID keyId) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM agent_approvals WHERE id = ? AND key_id = ?")
        .params(id, keyId)
        .query(this::row)
        .optional();
  }

  Optional<Approval> forQuote(UUID quoteId) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM agent_approvals WHERE quote_id = ?")
        .param(quoteId)
        .query(this::row)
        .optional();
  }

  Optional<Approval> forPreview(String previewHash) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM agent_approvals WHERE preview_hash = ?")
        .param(previewHash)
        .query(this::row)
        .optional();
  }

  /** Holds a quote's placement; asked again for the same quote, answers the same approval. */
  Approval holdPlacement(
      UUID keyId, String agent, UUID quoteId, Map<String, Object> request, String why) {
    UUID id = UUID.randomUUID();
    jdbc.sql(
            """
            INSERT INTO agent_approvals (id, key_id, agent, kind, quote_id, request, why, created_at)
            VALUES (?, ?, ?, 'PLACE_ORDER', ?, ?::jsonb, ?, ?) ON CONFLICT (quote_id) DO NOTHING""")
        .params(
            id,
            keyId,
            agent,
            quoteId,
            json.writeValueAsString(request),
            why,
            Timestamp.from(clock.instant()))
        .update();
    return forQuote(quoteId).orElseThrow();
  }

  /**
   * Holds a previewed cancellation (and records it on the order's history, once); confirmed again
   * with the same preview, the same approval.
   */
  Approval holdCancellation(
      UUID keyId,
      String agent,
      UUID orderId,
      String previewHash,
      Map<String, Object> request,
      String why) {
    UUID id = UUID.randomUUID();
    jdbc.sql(
            """
            INSERT INTO agent_approvals (id, key_id, agent, kind, preview_hash, order_id, request, why, created_at)
            VALUES (?, ?, ?, 'CANCEL_ORDER', ?, ?, ?::jsonb, ?, ?) ON CONFLICT (preview_hash) DO NOTHING""")
        .params(
            id,
            keyId,
            agent,
            previewHash,
            orderId,
            json.writeValueAsString(request),
            why,
            Timestamp.from(clock.instant()))
        .update();
    Approval held = forPreview(previewHash).orElseThrow();
    if (held.id().equals(id)) {
      Agents.as(
          agent,
          "cancel_order",
          () -> {
            recordHeld(held);
            return null;
          });
    }
    return held;
  }

  /**
   * Approves a pending action and carries it out as the agent that asked, the history noting who
   * approved. When the loop no longer allows it (the order moved on, the stock changed), nothing
   * changes and the approval stays pending: 409 with the reason.
   */
  public Approval approve(UUID id, String note) {
    String by = Actors.current();
    return transactions.inTransaction(
        () -> {
          Row row = lockPending(id);
          if (by.equals(row.approval.agent())) {
            throw ApiProblem.conflict(
                "approval-own",
                "Not your own",
                "an agent's action is decided by someone else than the key that asked for it");
          }
          if (!keys.active(row.keyId)) {
            throw ApiProblem.conflict(
                "approval-key-revoked",
                "Key revoked",
                "the agent's key was revoked since it asked: refuse this approval");
          }
          String how = row.approval.kind() == Kind.PLACE_ORDER ? "place_order" : "cancel_order";
          // The decision first, then what it lets happen (undone together if that cannot).
          recordDecision(row.approval, "APPROVED", note);
          String via = how + ", approved by " + by;
          String outcome;
          UUID orderId = row.approval.orderId();
          try {
            if (row.approval.kind() == Kind.PLACE_ORDER) {
              Placements.Quote quote =
                  placements
                      .lock(row.keyId, row.quoteId)
                      .orElseThrow(
                          () -> new IllegalArgumentException("its quote is no longer kept"));
              var made = placements.place(quote, row.approval.agent(), via);
              orderId = made.order().id();
              outcome = "placed order " + made.order().number();
            } else {
              Map<String, Object> r = row.approval.request();
              @SuppressWarnings("unchecked")
              List<Map<String, Object>> lines = (List<Map<String, Object>>) r.get("lines");
              List<Orders.CancelLine> cancel =
                  lines == null
                      ? List.of()
                      : lines.stream()
                          .map(
                              l ->
                                  new Orders.CancelLine(
                                      (String) l.get("sku"),
                                      ((Number) l.get("quantity")).intValue()))
                          .toList();
              Object asked = r.get("version");
              var now = queries.get(row.approval.orderId().toString());
              if (asked instanceof Number v && v.intValue() != now.version()) {
                throw ApiProblem.conflict(
                    "approval-stale",
                    "Changed since asked",
                    "order "
                        + now.number()
                        + " changed since the agent asked (it is "
                        + now.state()
                        + " now): refuse this approval; the agent may preview again");
              }
              var after =
                  Agents.as(
                      row.approval.agent(),
                      via,
                      () ->
                          orders.cancel(
                              row.approval.orderId().toString(),
                              r.get("reason") + " (via MCP " + via + ")",
                              cancel,
                              asked instanceof Number v
                                  ? io.orderloop.common.IfMatch.parse("\"" + v.intValue() + "\"")
                                  : null));
              outcome = "order " + after.number() + " is " + after.state();
            }
          } catch (IllegalArgumentException | ApiProblem refused) {
            throw ApiProblem.conflict(
                "approval-not-carried-out",
                "Cannot be carried out",
                "approval "
                    + row.approval.number()
                    + " cannot be carried out now: "
                    + refused.getMessage()
                    + "; it stays pending, refuse it or try again later");
          }
          decide(id, Status.APPROVED, by, note, outcome, orderId);
          return get(id);
        });
  }

  /** Refuses a pending action: nothing is done; the agent sees the refusal and the note. */
  public Approval refuse(UUID id, String note) {
    String by = Actors.current();
    return transactions.inTransaction(
        () -> {
          Row row = lockPending(id);
          decide(id, Status.REFUSED, by, note, "not done", row.approval.orderId());
          recordDecision(row.approval, "REFUSED", note);
          return get(id);
        });
  }

  /** A decision on a held action about an existing order lands on its history, by the decider. */
  private void recordDecision(Approval a, String decision, String note) {
    if (a.kind() == Kind.CANCEL_ORDER && a.orderId() != null) {
      orders.record(
          a.orderId(),
          new io.orderloop.orders.OrderEvent.ApprovalDecided(
              a.id().toString(), a.kind().name(), decision, note),
          decision.toLowerCase(java.util.Locale.ROOT)
              + ": "
              + Agents.actor(a.agent())
              + "'s cancel_order"
              + (note == null || note.isBlank() ? "" : " (" + note.strip() + ")"));
    }
  }

  /** A held cancellation lands on its order's history, by the agent (the order unchanged). */
  void recordHeld(Approval a) {
    orders.record(
        a.orderId(),
        new io.orderloop.orders.OrderEvent.ApprovalRequested(
            a.id().toString(), a.kind().name(), a.why()),
        null);
  }

  private record Row(Approval approval, UUID keyId, UUID quoteId) {}

  private Row lockPending(UUID id) {
    Row row =
        jdbc.sql(
                "SELECT "
                    + COLUMNS
                    + ", key_id, quote_id FROM agent_approvals WHERE id = ? FOR UPDATE")
            .param(id)
            .query(
                (rs, n) ->
                    new Row(
                        row(rs, n),
                        rs.getObject("key_id", UUID.class),
                        rs.getObject("quote_id", UUID.class)))
            .optional()
            .orElseThrow(() -> ApiProblem.notFound("no approval with id " + id));
    if (row.approval.status() != Status.PENDING) {
      throw ApiProblem.conflict(
          "approval-decided",
          "Already decided",
          "approval "
              + row.approval.number()
              + " was already "
              + row.approval.status()
              + " by "
              + row.approval.decidedBy());
    }
    return row;
  }

  private void decide(
      UUID id, Status status, String by, String note, String outcome, UUID orderId) {
    jdbc.sql(
            "UPDATE agent_approvals SET status = ?, decided_at = ?, decided_by = ?,"
                + " decision_note = ?, outcome = ?, order_id = ? WHERE id = ?")
        .params(
            status.name(),
            Timestamp.from(clock.instant()),
            by,
            note == null || note.isBlank() ? null : note.strip(),
            outcome,
            orderId,
            id)
        .update();
  }

  private Approval row(ResultSet rs, int n) throws SQLException {
    return new Approval(
        rs.getObject("id", UUID.class),
        rs.getLong("number"),
        Kind.valueOf(rs.getString("kind")),
        Status.valueOf(rs.getString("status")),
        rs.getString("agent"),
        rs.getObject("order_id", UUID.class),
        json.readValue(rs.getString("request"), new TypeReference<Map<String, Object>>() {}),
        rs.getString("why"),
        rs.getTimestamp("created_at").toInstant(),
        Optional.ofNullable(rs.getTimestamp("decided_at")).map(Timestamp::toInstant).orElse(null),
        rs.getString("decided_by"),
        rs.getString("decision_note"),
        rs.getString("outcome"));
  }
}
