package io.orderloop.gateway;

import io.modelcontextprotocol.common.McpTransportContext;
import io.orderloop.common.Actors;
import io.orderloop.common.ApiProblem;
import io.orderloop.orders.OrderView;
import io.orderloop.security.ApiKeyPrincipal;
import io.orderloop.security.Scope;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The calling agent: its key from the tool call's context, what it may do, and running work as it,
 * so history records the actor {@code agent:<key name>} and the tool ({@code via MCP <tool>}). A
 * refusal of the loop (an {@link ApiProblem}) reaches the agent as a tool error with the problem's
 * detail.
 */
final class Agents {

  private Agents() {}

  static ApiKeyPrincipal agent(McpTransportContext context) {
    Object agent = context.get(GatewayConfiguration.AGENT);
    if (!(agent instanceof ApiKeyPrincipal p)) {
      throw new ToolError("no agent key on this call");
    }
    return p;
  }

  /** Refuses a key that may only look. */
  static void requireWrite(ApiKeyPrincipal agent, String what) {
    if (!mayWrite(agent)) {
      throw new ToolError(
          "this key may look but not act: " + what + " needs a key with agent:write");
    }
  }

  static boolean mayWrite(ApiKeyPrincipal agent) {
    return agent.scopes().contains(Scope.AGENT_WRITE) || agent.scopes().contains(Scope.ADMIN);
  }

  /** A bound key sees its customer's orders only. */
  static boolean sees(ApiKeyPrincipal agent, OrderView o) {
    return agent.customerEmail() == null
        || (o.customer() != null
            && o.customer().email() != null
            && o.customer().email().equalsIgnoreCase(agent.customerEmail()));
  }

  static String actor(String agentName) {
    return "agent:" + agentName;
  }

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Agents.class);

  /**
   * Runs a tool: a refusal reaches the agent as a {@link ToolError} with its reason; anything
   * unexpected is logged with a reference and reaches the agent as that reference only, never as a
   * stack trace or an internal message.
   */
  static <T> T guard(String tool, Supplier<T> work) {
    try {
      T answer = work.get();
      calls(tool, "ok");
      return answer;
    } catch (ToolError refused) {
      calls(tool, "refused");
      throw refused;
    } catch (ApiProblem refused) {
      calls(tool, "refused");
      throw new ToolError(refused.getMessage());
    } catch (IllegalArgumentException refused) {
      calls(tool, "refused");
      // Another library's refusal of an argument: its message, kept short.
      String message =
          refused.getMessage() == null ? "an argument was refused" : refused.getMessage();
      throw new ToolError(message.length() <= 300 ? message : message.substring(0, 300) + "…");
    } catch (RuntimeException failed) {
      calls(tool, "failed");
      String reference = java.util.UUID.randomUUID().toString().substring(0, 8);
      log.error("MCP tool {} failed (reference {})", tool, reference, failed);
      throw new ToolError(
          tool
              + " failed on the service's side (reference "
              + reference
              + "); try again, or give an operator the reference");
    }
  }

  /** Tool calls by tool and outcome (the global registry Spring Boot's registry joins). */
  private static void calls(String tool, String outcome) {
    io.micrometer.core.instrument.Metrics.counter(
            "orderloop.agent.calls", "tool", tool, "outcome", outcome)
        .increment();
  }

  /** Runs work as the agent acting through {@code tool}. */
  static <T> T as(String agentName, String tool, Supplier<T> work) {
    var previous = SecurityContextHolder.getContext();
    var context = SecurityContextHolder.createEmptyContext();
    var auth = UsernamePasswordAuthenticationToken.authenticated(actor(agentName), null, List.of());
    auth.setDetails(new Actors.Via("via MCP " + tool));
    context.setAuthentication(auth);
    SecurityContextHolder.setContext(context);
    try {
      return work.get();
    } catch (ApiProblem refused) {
      throw new ToolError(refused.getMessage());
    } finally {
      SecurityContextHolder.setContext(previous);
    }
  }
}
