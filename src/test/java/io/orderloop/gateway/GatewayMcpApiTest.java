package io.orderloop.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The MCP gateway with a real MCP client (the MCP Java SDK's) over HTTP: agent keys only, the read
 * tools, and a key bound to one customer that cannot see another's order by id, number or search.
 */
class GatewayMcpApiTest extends GatewayTest {

  @Test
  void an_agent_lists_the_tools_and_reads_orders_availability_and_inventory() {
    String sku = sku("MCPR");
    String loc = location(1);
    receive(sku, loc, 7);
    JsonNode order = orderFor(sku, "reader@example.com");
    McpSyncClient agent = client(agentKey(null));
    try {
      List<String> tools = agent.listTools().tools().stream().map(McpSchema.Tool::name).toList();
      assertThat(tools).contains("find_orders", "get_order", "check_availability", "get_inventory");

      McpSchema.CallToolResult got =
          agent.callTool(
              new McpSchema.CallToolRequest(
                  "get_order", Map.of("order", order.get("number").asString())));
      assertThat(got.isError()).as(text(got)).isNotEqualTo(Boolean.TRUE);
      assertThat(text(got)).contains(order.get("number").asString()).contains("ALLOCATED");

      McpSchema.CallToolResult availability =
          agent.callTool(
              new McpSchema.CallToolRequest(
                  "check_availability", Map.of("sku", sku, "quantity", 10)));
      assertThat(text(availability)).contains("\"available\":6").contains("\"enough\":false");

      McpSchema.CallToolResult inventory =
          agent.callTool(new McpSchema.CallToolRequest("get_inventory", Map.of("sku", sku)));
      assertThat(text(inventory)).contains("\"onHand\":7").contains("\"reserved\":1");

      String byCustomer = ok(agent, "find_orders", Map.of("customer", "READER@example.com"));
      assertThat(byCustomer).contains(order.get("number").asString());
      McpSchema.CallToolResult unknown =
          agent.callTool(new McpSchema.CallToolRequest("get_order", Map.of("order", "NOPE-1")));
      assertThat(unknown.isError()).isTrue();
      assertThat(text(unknown)).contains("no order 'NOPE-1'").doesNotContain("Exception");
    } finally {
      agent.closeGracefully();
    }
  }

  @Test
  void a_key_bound_to_a_customer_sees_that_customers_orders_only() {
    String sku = sku("MCPB");
    receive(sku, location(1), 10);
    String mine = "buyer-" + unique("m").toLowerCase() + "@example.com";
    JsonNode own = orderFor(sku, mine);
    JsonNode other = orderFor(sku, "someone-else@example.com");
    McpSyncClient agent = client(agentKey(mine));
    try {
      assertThat(
              text(
                  agent.callTool(
                      new McpSchema.CallToolRequest(
                          "get_order", Map.of("order", own.get("number").asString())))))
          .contains(own.get("number").asString());
      for (String id : List.of(other.get("number").asString(), other.get("id").asString())) {
        McpSchema.CallToolResult refused =
            agent.callTool(new McpSchema.CallToolRequest("get_order", Map.of("order", id)));
        assertThat(refused.isError()).isTrue();
        // Exactly the answer for an order that does not exist: nothing of the other's order.
        assertThat(text(refused))
            .contains("no order '" + id + "'")
            .doesNotContain(
                other.get("id").asString().equals(id)
                    ? other.get("number").asString()
                    : other.get("id").asString())
            .doesNotContain("ALLOCATED");
      }
      String found =
          text(
              agent.callTool(
                  new McpSchema.CallToolRequest(
                      "find_orders", Map.of("text", other.get("number").asString()))));
      assertThat(found).doesNotContain(other.get("number").asString()).contains("\"count\":0");
      assertThat(refused(agent, "find_orders", Map.of("customer", "someone-else@example.com")))
          .contains(mine + "'s orders only");
      String all = text(agent.callTool(new McpSchema.CallToolRequest("find_orders", Map.of())));
      assertThat(all).contains(own.get("number").asString()).doesNotContain("someone-else");
      // It quotes for its customer only.
      McpSchema.CallToolResult foreign =
          agent.callTool(
              new McpSchema.CallToolRequest(
                  "quote_order", quoteArgs(sku, 1, "someone-else@example.com")));
      assertThat(foreign.isError()).isTrue();
      assertThat(text(foreign)).contains("orders for " + mine + " only");
      // A portal link signs its holder in as the customer: a read-only key may not hand one out;
      // a bound acting key hands its customer one, and only its customer.
      assertThat(refused(agent, "send_portal_link", Map.of())).contains("agent:write");
      McpSyncClient writer = client(agentKey(mine, List.of("agent:read", "agent:write")));
      try {
        String link = ok(writer, "send_portal_link", Map.of());
        assertThat(link).contains("\"email\":\"" + mine + "\"").contains("/portal/sign-in?token=");
        assertThat(refused(writer, "send_portal_link", Map.of("email", "someone-else@example.com")))
            .contains(mine + " only");
      } finally {
        writer.closeGracefully();
      }
    } finally {
      agent.closeGracefully();
    }
  }

  @Test
  void only_agent_keys_reach_the_gateway() {
    assertThatThrownBy(() -> client(null)).isInstanceOf(RuntimeException.class);
    assertThat(api.as(null).post("/mcp", Map.of()).status()).isEqualTo(401);
    String ops = apiKey(unique("ops"), "orders:read");
    assertThatThrownBy(() -> client(ops)).isInstanceOf(RuntimeException.class);
    assertThat(api.as(ops).post("/mcp", Map.of()).status()).isEqualTo(403);
  }

  @Test
  void a_quote_is_placed_once_as_the_agent_however_often_and_concurrently_it_is_asked()
      throws Exception {
    String sku = sku("MCPQ");
    receive(sku, location(1), 5);
    String key = agentKey(null, List.of("agent:read", "agent:write"));
    McpSyncClient agent = client(key);
    try {
      McpSchema.CallToolResult quote =
          agent.callTool(
              new McpSchema.CallToolRequest("quote_order", quoteArgs(sku, 7, "q@example.com")));
      assertThat(quote.isError()).as(text(quote)).isNotEqualTo(Boolean.TRUE);
      assertThat(text(quote))
          .contains("\"total\":\"87.50\"")
          .contains("\"backordered\":2")
          .contains("\"available\":5");
      String id = quoteId(quote);
      // A hundred retries at once: one order.
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
      List<java.util.concurrent.Future<String>> calls = new java.util.ArrayList<>();
      for (int i = 0; i < 100; i++) {
        calls.add(
            pool.submit(
                () ->
                    text(
                        agent.callTool(
                            new McpSchema.CallToolRequest("place_order", Map.of("quoteId", id))))));
      }
      java.util.Set<String> numbers = new java.util.HashSet<>();
      for (var call : calls) {
        java.util.regex.Matcher m =
            java.util.regex.Pattern.compile("\"number\":\"([^\"]+)\"").matcher(call.get());
        assertThat(m.find()).as(call.get()).isTrue();
        numbers.add(m.group(1));
      }
      pool.shutdown();
      assertThat(numbers).hasSize(1);
      String number = numbers.iterator().next();
      JsonNode order = getOrder(number);
      assertThat(order.get("channel").asString()).isEqualTo("API");
      assertThat(order.get("lines").get(0).get("backordered").asInt()).isEqualTo(2);
      assertThat(history(number).getFirst().get("actor").asString()).startsWith("agent:agent-");
      assertThat(count("SELECT count(*) FROM orders WHERE external_id = ?", "quote:" + id))
          .isEqualTo(1);
      assertThat(
              count(
                  "SELECT count(*) FROM agent_quotes WHERE id = ?::uuid AND order_id = ?::uuid",
                  id,
                  order.get("id").asString()))
          .isEqualTo(1);
    } finally {
      agent.closeGracefully();
    }
  }

  @Test
  void read_only_keys_expired_or_changed_quotes_and_broken_case_packs_are_refused_with_a_reason() {
    String sku = sku("MCPX");
    receive(sku, location(1), 4);
    McpSyncClient reader = client(agentKey(null));
    McpSyncClient writer = client(agentKey(null, List.of("agent:read", "agent:write")));
    try {
      String id =
          quoteId(
              reader.callTool(
                  new McpSchema.CallToolRequest(
                      "quote_order", quoteArgs(sku, 2, "x@example.com"))));
      McpSchema.CallToolResult readOnly =
          reader.callTool(new McpSchema.CallToolRequest("place_order", Map.of("quoteId", id)));
      assertThat(readOnly.isError()).isTrue();
      assertThat(text(readOnly)).contains("agent:write");
      // Another key's quote is not this key's to place.
      McpSchema.CallToolResult foreign =
          writer.callTool(new McpSchema.CallToolRequest("place_order", Map.of("quoteId", id)));
      assertThat(foreign.isError()).isTrue();
      assertThat(text(foreign)).contains("no quote");
      assertThat(count("SELECT count(*) FROM orders WHERE external_id = ?", "quote:" + id))
          .isZero();

      String mine =
          quoteId(
              writer.callTool(
                  new McpSchema.CallToolRequest(
                      "quote_order", quoteArgs(sku, 3, "x@example.com"))));
      createOrder(order(sku, 3)); // the stock the quote counted on is taken meanwhile
      McpSchema.CallToolResult changed =
          writer.callTool(new McpSchema.CallToolRequest("place_order", Map.of("quoteId", mine)));
      assertThat(changed.isError()).isTrue();
      assertThat(text(changed)).contains("changed since the quote").contains("quote again");

      String late =
          quoteId(
              writer.callTool(
                  new McpSchema.CallToolRequest(
                      "quote_order", quoteArgs(sku, 1, "x@example.com"))));
      clock.shift(Duration.ofMinutes(16));
      try {
        McpSchema.CallToolResult expired =
            writer.callTool(new McpSchema.CallToolRequest("place_order", Map.of("quoteId", late)));
        assertThat(text(expired)).contains("expired");
      } finally {
        clock.reset();
      }

      String cased = sku("MCPC", Map.of("casePack", 12));
      receive(cased, location(1), 100);
      Map<String, Object> b2b = quoteArgs(cased, 5, "x@example.com");
      b2b.put("b2b", Map.of("buyerPo", "PO-MCP-1", "paymentTerms", "NET_30"));
      McpSchema.CallToolResult packs =
          writer.callTool(new McpSchema.CallToolRequest("quote_order", b2b));
      assertThat(packs.isError()).isTrue();
      assertThat(text(packs)).contains("cases of 12");
    } finally {
      reader.closeGracefully();
      writer.closeGracefully();
    }
  }
}
