package io.orderloop.gateway;

/**
 * A tool's refusal, told to the agent as an MCP tool error: the reason, what to change, and that
 * nothing was done. (The MCP server writes an error as the exception's message and its root
 * cause's; the cause here is that last line.)
 */
class ToolError extends IllegalArgumentException {

  ToolError(String reason) {
    super(reason, new NothingDone());
  }

  /** The error's last line. */
  static final class NothingDone extends RuntimeException {
    NothingDone() {
      super("Nothing was changed by this call.", null, false, false);
    }
  }
}
