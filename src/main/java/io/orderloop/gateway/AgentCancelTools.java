package io.orderloop.gateway;

import io.modelcontextprotocol.common.McpTransportContext;
import io.orderloop.common.Currencies;
import io.orderloop.common.IfMatch;
import io.orderloop.common.Transactions;
import io.orderloop.orders.OrderQueries;
import io.orderloop.orders.OrderState;
import io.orderloop.orders.OrderType;
import io.orderloop.orders.OrderView;
import io.orderloop.orders.Orders;
import io.orderloop.security.ApiKeyPrincipal;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.ai.mcp.annotation.McpTool;
import org.springframework.ai.mcp.annotation.McpToolParam;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cancelling through the gateway. A cancellation is two calls: the first previews (the loop's own
 * cancellation run and rolled back, so the preview is exactly what would happen) and answers a
 * {@code confirmationToken}; the second, with the same arguments and that token, cancels, unless
 * the order changed meanwhile. A B2B order past ALLOCATED (picking has begun, or part of it
 * shipped) is not cancelled by an agent alone: the confirmation waits for a person.
 */
@Component
class AgentCancelTools {

  static final Duration PREVIEW_TTL = Duration.ofMinutes(10);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final OrderQueries queries;
  private final Orders orders;
  private final Approvals approvals;
  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final Clock clock;
  private final Transactions transactions;
  private final TransactionTemplate dryRun;

  AgentCancelTools(
      OrderQueries queries,
      Orders orders,
      Approvals approvals,
      JdbcClient jdbc,
      JsonMapper json,
      Clock clock,
      Transactions transactions,
      PlatformTransactionManager transactionManager) {
    this.queries = queries;
    this.orders = orders;
    this.approvals = approvals;
    this.jdbc = jdbc;
    this.json = json;
    this.clock = clock;
    this.transactions = transactions;
    this.dryRun = new TransactionTemplate(transactionManager);
  }

  /** A B2B order past ALLOCATED waits for a person before an agent's cancellation is done. */
  static boolean needsApproval(OrderView o) {
    return o.type() == OrderType.B2B
        && (o.state() == OrderState.FULFILLMENT_QUEUED
            || o.state() == OrderState.PARTIALLY_SHIPPED);
  }

  /** A cancellation's effect on one line. */
  record LineEffect(
      int lineNo, String sku, int cancelled, int released, int stillOpen, String refund) {}

  /**
   * cancel_order's answer: {@code PREVIEW} (with the token to confirm), {@code CANCELLED} (done),
   * or {@code PENDING_APPROVAL} (waiting for a person).
   */
  record Cancellation(
      String status,
      String order,
      String confirmationToken,
      String expiresAt,
      String stateBefore,
      String stateAfter,
      List<LineEffect> lines,
      String refund,
      String currency,
      boolean needsApproval,
      String approvalId,
      String note) {}

  @McpTool(
      name = "cancel_order",
      description =
          "Cancel an order, whole (no 'lines') or some units ('lines' [{sku, quantity}]). Call it"
              + " first without confirmationToken: nothing changes, and the answer previews what"
              + " would be cancelled, released from stock and refunded, with a confirmationToken"
              + " valid 10 minutes. Then call again with the same order, reason and lines and"
              + " that token to cancel. A B2B order past ALLOCATED is not cancelled at once: the"
              + " answer is {status: PENDING_APPROVAL, approvalId} until a person decides. Needs"
              + " a key with agent:write.")
  Cancellation cancelOrder(
      McpTransportContext context,
      @McpToolParam(description = "the order's id or number") String order,
      @McpToolParam(description = "why, e.g. 'customer asked' (kept in the order's history)")
          String reason,
      @McpToolParam(description = "units to cancel; none cancels the whole order", required = false)
          List<Arguments.Units> lines,
      @McpToolParam(
              description = "the preview's confirmationToken, to carry the cancellation out",
              required = false)
          String confirmationToken) {
    return Agents.guard(
        "cancel_order",
        () -> {
          ApiKeyPrincipal agent = Agents.agent(context);
          Agents.requireWrite(agent, "cancelling");
          OrderView o = AgentTools.visibleOrder(queries, agent, order);
          String why = Arguments.reason(reason);
          List<Orders.CancelLine> cancel = Arguments.lines(lines);
          Map<String, Object> request = new LinkedHashMap<>();
          request.put("reason", why);
          request.put(
              "lines",
              cancel.stream().map(l -> Map.of("sku", l.sku(), "quantity", l.quantity())).toList());
          if (confirmationToken == null || confirmationToken.isBlank()) {
            return preview(agent, o, why, cancel, request);
          }
          return transactions.inTransaction(
              () -> confirm(agent, o, why, cancel, request, confirmationToken.strip()));
        });
  }

  private Cancellation preview(
      ApiKeyPrincipal agent,
      OrderView before,
      String reason,
      List<Orders.CancelLine> cancel,
      Map<String, Object> request) {
    // The loop's own cancellation, rolled back: the preview is what confirming would do now.
    OrderView after =
        dryRun.execute(
            status -> {
              status.setRollbackOnly();
              return Agents.as(
                  agent.name(),
                  "cancel_order",
                  () ->
                      orders.cancel(
                          before.id().toString(), reason, cancel, version(before.version())));
            });
    String token = "cxl_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(24));
    Instant expires = clock.instant().plus(PREVIEW_TTL);
    jdbc.sql(
            "INSERT INTO agent_cancel_previews (token_hash, key_id, order_id, version, request,"
                + " expires_at) VALUES (?, ?, ?, ?, ?::jsonb, ?)")
        .params(
            hash(token),
            agent.id(),
            before.id(),
            before.version(),
            json.writeValueAsString(request),
            Timestamp.from(expires))
        .update();
    boolean approval = needsApproval(before);
    return effect(
        "PREVIEW",
        before,
        after,
        token,
        expires.toString(),
        approval,
        null,
        approval
            ? "confirming queues this cancellation for a person's approval (a B2B order past"
                + " ALLOCATED)"
            : "nothing changed yet: call cancel_order again with this confirmationToken");
  }

  private record Preview(
      UUID keyId, UUID orderId, int version, String request, Instant expiresAt, Instant doneAt) {}

  private Cancellation confirm(
      ApiKeyPrincipal agent,
      OrderView o,
      String reason,
      List<Orders.CancelLine> cancel,
      Map<String, Object> request,
      String token) {
    String hash = hash(token);
    Preview p =
        jdbc.sql(
                "SELECT key_id, order_id, version, request::text AS request, expires_at, done_at"
                    + " FROM agent_cancel_previews WHERE token_hash = ? FOR UPDATE")
            .param(hash)
            .query(
                (rs, n) ->
                    new Preview(
                        rs.getObject("key_id", UUID.class),
                        rs.getObject("order_id", UUID.class),
                        rs.getInt("version"),
                        rs.getString("request"),
                        rs.getTimestamp("expires_at").toInstant(),
                        rs.getTimestamp("done_at") == null
                            ? null
                            : rs.getTimestamp("done_at").toInstant()))
            .optional()
            .filter(x -> x.keyId().equals(agent.id()))
            .orElseThrow(
                () ->
                    new ToolError(
                        "confirmationToken: not one this key was given; preview again (call"
                            + " cancel_order without it)"));
    if (!p.orderId().equals(o.id())
        || !json.readTree(p.request()).equals(json.valueToTree(request))) {
      throw new ToolError(
          "confirmationToken: it was given for another cancellation (order, reason or lines"
              + " differ); preview this one first");
    }
    var held = approvals.forPreview(hash);
    if (held.isPresent()) {
      Approvals.Approval a = held.get();
      return effect(
          a.status() == Approvals.Status.PENDING ? "PENDING_APPROVAL" : a.status().name(),
          o,
          o,
          null,
          null,
          true,
          a.id().toString(),
          a.status() == Approvals.Status.PENDING
              ? "waiting for a person: " + a.why()
              : "decided: " + a.outcome());
    }
    if (p.doneAt() != null) {
      return effect("CANCELLED", o, o, null, null, false, null, "already done at " + p.doneAt());
    }
    if (p.expiresAt().isBefore(clock.instant())) {
      throw new ToolError(
          "confirmationToken: the preview expired at " + p.expiresAt() + "; preview again");
    }
    if (o.version() != p.version()) {
      throw new ToolError(
          "the order changed since the preview (version "
              + p.version()
              + " → "
              + o.version()
              + "); preview again");
    }
    if (needsApproval(o)) {
      Map<String, Object> asked = new LinkedHashMap<>(request);
      asked.put("order", o.number());
      asked.put("version", o.version());
      Approvals.Approval a =
          approvals.holdCancellation(
              agent.id(),
              agent.name(),
              o.id(),
              hash,
              asked,
              "cancelling a B2B order in " + o.state() + " needs a person's approval");
      return effect(
          "PENDING_APPROVAL", o, o, null, null, true, a.id().toString(), "waiting for a person");
    }
    OrderView after =
        Agents.as(
            agent.name(),
            "cancel_order",
            () -> {
              try {
                return orders.cancel(
                    o.id().toString(),
                    reason + " (via MCP cancel_order)",
                    cancel,
                    version(p.version()));
              } catch (io.orderloop.common.ApiProblem stale) {
                if (stale.status() == org.springframework.http.HttpStatus.PRECONDITION_FAILED) {
                  throw new ToolError("the order changed since the preview; preview again");
                }
                throw stale;
              }
            });
    jdbc.sql("UPDATE agent_cancel_previews SET done_at = ? WHERE token_hash = ?")
        .params(Timestamp.from(clock.instant()), hash)
        .update();
    return effect("CANCELLED", o, after, null, null, false, null, "done");
  }

  private Cancellation effect(
      String status,
      OrderView before,
      OrderView after,
      String token,
      String expiresAt,
      boolean needsApproval,
      String approvalId,
      String note) {
    List<LineEffect> lines = new ArrayList<>();
    BigDecimal refund = BigDecimal.ZERO;
    for (OrderView.Line b : before.lines()) {
      OrderView.Line a =
          after.lines().stream().filter(x -> x.lineNo() == b.lineNo()).findFirst().orElse(b);
      int cancelled = a.cancelled() - b.cancelled();
      int released = Math.max(0, b.allocated() - a.allocated());
      BigDecimal perUnit = b.unitPricePerUnit() == null ? b.unitPrice() : b.unitPricePerUnit();
      BigDecimal amount = perUnit.multiply(BigDecimal.valueOf(cancelled));
      refund = refund.add(amount);
      if (cancelled > 0 || released > 0) {
        lines.add(
            new LineEffect(
                b.lineNo(),
                b.sku(),
                cancelled,
                released,
                a.quantity() - a.shipped() - a.cancelled(),
                Currencies.atLeastScale(amount, before.currency()).toPlainString()));
      }
    }
    return new Cancellation(
        status,
        before.number(),
        token,
        expiresAt,
        before.state().name(),
        after.state().name(),
        lines,
        Currencies.atLeastScale(refund, before.currency()).toPlainString(),
        before.currency(),
        needsApproval,
        approvalId,
        note);
  }

  private static IfMatch version(int version) {
    return IfMatch.parse("\"" + version + "\"");
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  static String hash(String token) {
    return io.orderloop.common.Digests.sha256Hex(token);
  }

  /** Forgets previews a day after they expired. */
  @org.springframework.scheduling.annotation.Scheduled(fixedDelayString = "PT1H")
  void forgetOldPreviews() {
    jdbc.sql("DELETE FROM agent_cancel_previews WHERE expires_at < ?")
        .param(Timestamp.from(clock.instant().minus(Duration.ofDays(1))))
        .update();
  }
}
