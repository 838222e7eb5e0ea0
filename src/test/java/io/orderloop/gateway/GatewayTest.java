package io.orderloop.gateway;

import static org.assertj.core.api.Assertions.assertThat;

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
import tools.jackson.databind.JsonNode;

/** What the gateway's tests share: agent keys, a real MCP client over HTTP, tool arguments. */
abstract class GatewayTest extends ApiTest {

  protected String agentKey(String customerEmail) {
    return agentKey(customerEmail, List.of("agent:read"));
  }

  protected String agentKey(String customerEmail, List<String> scopes) {
    Map<String, Object> body = new HashMap<>();
    body.put("name", unique("agent"));
    body.put("scopes", scopes);
    if (customerEmail != null) {
      body.put("customerEmail", customerEmail);
    }
    return api.post("/api/v1/api-keys", body).json().get("key").asString();
  }

  protected McpSyncClient client(String key) {
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

  protected static String text(McpSchema.CallToolResult result) {
    return result.content().stream()
        .filter(McpSchema.TextContent.class::isInstance)
        .map(c -> ((McpSchema.TextContent) c).text())
        .reduce("", String::concat);
  }

  protected JsonNode orderFor(String sku, String email) {
    Map<String, Object> body = order(sku, 1);
    body.put("customer", Map.of("name", "Buyer " + email, "email", email));
    return createOrder(body);
  }

  protected static Map<String, Object> quoteArgs(String sku, int quantity, String email) {
    Map<String, Object> args = new HashMap<>();
    args.put("customer", Map.of("name", "Agent Buyer", "email", email));
    args.put(
        "shipTo",
        Map.of(
            "name",
            "Agent Buyer",
            "line1",
            "1 Loop Road",
            "city",
            "Springfield",
            "postalCode",
            "12345",
            "country",
            "US"));
    args.put("currency", "USD");
    args.put("lines", List.of(Map.of("sku", sku, "quantity", quantity, "unitPrice", 12.50)));
    return args;
  }

  protected static String quoteId(McpSchema.CallToolResult quote) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"quoteId\":\"([0-9a-f-]{36})\"").matcher(text(quote));
    assertThat(m.find()).as(text(quote)).isTrue();
    return m.group(1);
  }

  protected static McpSchema.CallToolResult call(
      McpSyncClient agent, String tool, Map<String, Object> args) {
    return agent.callTool(new McpSchema.CallToolRequest(tool, args));
  }

  /** A tool's answer that must not be an error. */
  protected static String ok(McpSyncClient agent, String tool, Map<String, Object> args) {
    McpSchema.CallToolResult r = call(agent, tool, args);
    assertThat(r.isError()).as(tool + ": " + text(r)).isNotEqualTo(Boolean.TRUE);
    return text(r);
  }

  /** A tool's error text. */
  protected static String refused(McpSyncClient agent, String tool, Map<String, Object> args) {
    McpSchema.CallToolResult r = call(agent, tool, args);
    assertThat(r.isError()).as(tool + ": " + text(r)).isTrue();
    assertThat(text(r)).doesNotContain("Exception").doesNotContain("\tat ");
    return text(r);
  }

  protected static String field(String json, String name) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
    assertThat(m.find()).as(name + " in " + json).isTrue();
    return m.group(1);
  }
}
