package io.orderloop.gateway;

import io.modelcontextprotocol.common.McpTransportContext;
import io.orderloop.orders.OrderQueries;
import io.orderloop.orders.OrderView;
import io.orderloop.orders.Orders;
import io.orderloop.portal.PortalLinks;
import io.orderloop.returns.ReturnView;
import io.orderloop.returns.Returns;
import io.orderloop.security.ApiKeyPrincipal;
import java.util.List;
import java.util.UUID;
import org.springframework.ai.mcp.annotation.McpTool;
import org.springframework.ai.mcp.annotation.McpToolParam;
import org.springframework.stereotype.Component;

/**
 * The gateway's after-sales tools: a return request for delivered units, a customer-portal sign-in
 * link, and where an action held for a person stands.
 */
@Component
class AgentServiceTools {

  private final OrderQueries queries;
  private final Returns returns;
  private final PortalLinks portalLinks;
  private final Approvals approvals;

  AgentServiceTools(
      OrderQueries queries, Returns returns, PortalLinks portalLinks, Approvals approvals) {
    this.queries = queries;
    this.returns = returns;
    this.portalLinks = portalLinks;
    this.approvals = approvals;
  }

  record Requested(
      String returnId, String number, String order, String state, List<Arguments.Units> lines) {}

  @McpTool(
      name = "request_return",
      description =
          "Ask to return delivered units of an order (DELIVERED or CLOSED): lines [{sku,"
              + " quantity}] and a reason. Answers the return, REQUESTED; operators authorise"
              + " and receive it. Needs a key with agent:write.")
  Requested requestReturn(
      McpTransportContext context,
      @McpToolParam(description = "the order's id or number") String order,
      @McpToolParam(description = "units to return") List<Arguments.Units> lines,
      @McpToolParam(description = "why, e.g. 'arrived damaged'") String reason) {
    return Agents.guard(
        "request_return",
        () -> {
          ApiKeyPrincipal agent = Agents.agent(context);
          Agents.requireWrite(agent, "requesting a return");
          OrderView o = AgentTools.visibleOrder(queries, agent, order);
          String why = Arguments.reason(reason);
          List<Orders.CancelLine> asked = Arguments.lines(lines);
          if (asked.isEmpty()) {
            throw new ToolError("lines: give at least one {sku, quantity} to return");
          }
          ReturnView r =
              Agents.as(
                  agent.name(),
                  "request_return",
                  () ->
                      returns.create(
                          o.id().toString(),
                          asked.stream()
                              .map(l -> new Returns.RequestedLine(l.sku(), l.quantity()))
                              .toList(),
                          why + " (via MCP request_return)"));
          return new Requested(
              r.id().toString(),
              r.number(),
              o.number(),
              r.state().name(),
              r.lines().stream().map(l -> new Arguments.Units(l.sku(), l.quantity())).toList());
        });
  }

  /** A sign-in link issued for a customer. */
  record PortalLink(String email, boolean sent, String url, String expiresAt, String note) {}

  @McpTool(
      name = "send_portal_link",
      description =
          "Give a customer a one-time sign-in link to the customer portal, where they see their"
              + " own orders, shipments, invoices and returns. When the service sends e-mail the"
              + " link goes to the customer's mailbox and the answer has no url; otherwise the"
              + " answer carries the url to pass on to that customer only. A key bound to a"
              + " customer sends links to that customer only (email may be left out). Needs"
              + " agent:write.")
  PortalLink sendPortalLink(
      McpTransportContext context,
      @McpToolParam(description = "the customer's e-mail", required = false) String email) {
    return Agents.guard(
        "send_portal_link",
        () -> {
          ApiKeyPrincipal agent = Agents.agent(context);
          String to = email == null || email.isBlank() ? agent.customerEmail() : email.strip();
          if (to == null) {
            throw new ToolError("email: give the customer's e-mail");
          }
          if (agent.customerEmail() != null && !agent.customerEmail().equalsIgnoreCase(to)) {
            throw new ToolError(
                "this key acts for " + agent.customerEmail() + " only: links go to that customer");
          }
          // The link signs its holder in as the customer, who may cancel and return.
          Agents.requireWrite(agent, "sending a portal link");
          PortalLinks.IssuedLink link = portalLinks.issue(to, Agents.actor(agent.name()));
          return new PortalLink(
              link.email(),
              link.sent(),
              link.url(),
              link.expiresAt().toString(),
              link.sent()
                  ? "e-mailed to the customer"
                  : "works once; give it to the customer only, it signs them in");
        });
  }

  /** An approval as its agent sees it. */
  record ApprovalState(
      String approvalId,
      String kind,
      String status,
      String why,
      String createdAt,
      String decidedAt,
      String note,
      String outcome,
      String orderId) {}

  @McpTool(
      name = "get_approval",
      description =
          "An action of this key that waits for a person (place_order or cancel_order answered"
              + " PENDING_APPROVAL): PENDING, APPROVED (with the outcome: the order placed or"
              + " cancelled) or REFUSED (with the person's note).")
  ApprovalState getApproval(
      McpTransportContext context,
      @McpToolParam(description = "the approvalId place_order or cancel_order returned")
          String approvalId) {
    return Agents.guard(
        "get_approval",
        () -> {
          ApiKeyPrincipal agent = Agents.agent(context);
          UUID id;
          try {
            id = UUID.fromString(approvalId == null ? "" : approvalId.strip());
          } catch (IllegalArgumentException e) {
            throw new ToolError("no approval '" + Texts.clip(approvalId) + "'");
          }
          Approvals.Approval a =
              approvals
                  .ofKey(id, agent.id())
                  .orElseThrow(() -> new ToolError("no approval '" + id + "'"));
          return new ApprovalState(
              a.id().toString(),
              a.kind().name(),
              a.status().name(),
              a.why(),
              a.createdAt().toString(),
              a.decidedAt() == null ? null : a.decidedAt().toString(),
              a.decisionNote(),
              a.outcome(),
              a.orderId() == null ? null : a.orderId().toString());
        });
  }
}
