package io.orderloop.gateway;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.orderloop.security.ApiKeyPrincipal;
import java.util.HashMap;
import java.util.Map;
import org.springframework.ai.mcp.server.common.autoconfigure.properties.McpServerStreamableHttpProperties;
import org.springframework.ai.mcp.server.webmvc.transport.WebMvcStatelessServerTransport;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.Authentication;
import tools.jackson.databind.json.JsonMapper;

/**
 * The MCP transport (Streamable HTTP at {@code /mcp}, stateless: every call is a plain JSON answer,
 * no session to keep), carrying the authenticated agent key from the HTTP request into each tool
 * call's context: tools may run on another thread than the request's, so they read the caller from
 * there, never from a thread-local.
 */
@Configuration(proxyBeanMethods = false)
class GatewayConfiguration {

  static final String AGENT = "orderloop.agent";

  @Bean
  WebMvcStatelessServerTransport webMvcStatelessServerTransport(
      JsonMapper json, McpServerStreamableHttpProperties properties) {
    return WebMvcStatelessServerTransport.builder()
        .jsonMapper(new JacksonMcpJsonMapper(json))
        .messageEndpoint(properties.getMcpEndpoint())
        .contextExtractor(
            request -> {
              Map<String, Object> values = new HashMap<>();
              request
                  .principal()
                  .filter(Authentication.class::isInstance)
                  .map(p -> ((Authentication) p).getPrincipal())
                  .filter(ApiKeyPrincipal.class::isInstance)
                  .ifPresent(p -> values.put(AGENT, p));
              return McpTransportContext.create(values);
            })
        .build();
  }
}
