package io.orderloop.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.orderloop.ApiTest;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The MCP gateway with a real MCP client (the MCP Java SDK's) over HTTP: agent keys only, the read
 * tools, and a key bound to one customer that cannot see another's order by id, number or search.
 */
class GatewayMcpApiTest extends ApiTest {

  private String agentKey(String customerEmail) {
    Map<String, Object> body = new HashMap<>();
    body.put("name", unique("agent"));
    body.put("scopes", List.of("agent:read"));
    if (customerEmail != null) {
      body.put("customerEmail", customerEmail);
    }
    return api.post("/api/v1/api-keys", body).json().get("key").asString();
  }

  private McpSyncClient client(String key) {
    HttpRequest.Builder request = HttpRequest.newBuilder();
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    McpSyncClient client =
        McpClient.sync(
                HttpClientStreamableHttpTransport.builder("http://localhost:" + port)
                    .endpoint("/mcp")
                    .requestBuilder(request)
                    .build())
            .requestTimeout(Duration.ofSeconds(10))
            .build();
    client.initialize();
    return client;
  }

  private static String text(McpSchema.CallToolResult result) {
    return result.content().stream()
        .filter(McpSchema.TextContent.class::isInstance)
        .map(c -> ((McpSchema.TextContent) c).text())
        .reduce("", String::concat);
  }

  private JsonNode orderFor(String sku, String email) {
    Map<String, Object> body = order(sku, 1);
    body.put("customer", Map.of("name", "Buyer " + email, "email", email));
    return createOrder(body);
  }

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
        assertThat(text(refused)).contains("no order").doesNotContain("someone-else");
      }
      String found =
          text(
              agent.callTool(
                  new McpSchema.CallToolRequest(
                      "find_orders", Map.of("text", other.get("number").asString()))));
      assertThat(found).doesNotContain(other.get("number").asString()).contains("\"count\":0");
      String all = text(agent.callTool(new McpSchema.CallToolRequest("find_orders", Map.of())));
      assertThat(all).contains(own.get("number").asString()).doesNotContain("someone-else");
    } finally {
      agent.closeGracefully();
    }
  }

  @Test
  void only_agent_keys_reach_the_gateway() {
    assertThatThrownBy(() -> client(null)).isInstanceOf(RuntimeException.class);
    String ops =
        api.post(
                "/api/v1/api-keys", Map.of("name", unique("ops"), "scopes", List.of("orders:read")))
            .json()
            .get("key")
            .asString();
    assertThatThrownBy(() -> client(ops)).isInstanceOf(RuntimeException.class);
    assertThat(api.as(ops).post("/mcp", Map.of()).status()).isEqualTo(403);
  }
}
