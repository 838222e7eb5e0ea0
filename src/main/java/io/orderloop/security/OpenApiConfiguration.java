package io.orderloop.security;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document's title and its one security scheme: a bearer API key on every call. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

  @Bean
  OpenAPI orderloopOpenApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("Orderloop API")
                .version("v1")
                .license(
                    new License()
                        .name("Apache-2.0")
                        .identifier("Apache-2.0")
                        .url("https://www.apache.org/licenses/LICENSE-2.0"))
                .description(
                    """
                Every order from every channel through one explicit loop: RECEIVED → ALLOCATED → FULFILLMENT_QUEUED \
                → PARTIALLY_SHIPPED → SHIPPED → DELIVERED → CLOSED (or CANCELLED), with inventory reserved the \
                moment an order is accepted and every step on record. Errors are RFC 9457 problem documents \
                (application/problem+json); creating requests accept an Idempotency-Key; state-changing requests \
                accept If-Match with the order's ETag."""))
        .components(
            new Components()
                .addSecuritySchemes(
                    "apiKey",
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description("An Orderloop API key: Authorization: Bearer <key>")))
        .addSecurityItem(new SecurityRequirement().addList("apiKey"));
  }
}
