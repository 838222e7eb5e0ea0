package io.orderloop.common;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Declares in the OpenAPI document the problem documents (RFC 9457) every operation can answer
 * with, from the same rules {@link ProblemHandler} follows: 400/401/403/429 anywhere, 404 for a
 * path naming a resource, 409 for a change to one, 412 where {@code If-Match} is read, 413/415/422
 * where a body is read. One {@code Problem} schema describes them all.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiProblems {

  private record Answer(String name, String status, String description) {}

  private static final Answer BAD_REQUEST =
      new Answer("BadRequest", "400", "Malformed request: unreadable JSON, a bad parameter");
  private static final Answer UNAUTHORIZED =
      new Answer("Unauthorized", "401", "No API key, or not a valid one");
  private static final Answer FORBIDDEN =
      new Answer("Forbidden", "403", "The API key lacks the scope this needs");
  private static final Answer NOT_FOUND = new Answer("NotFound", "404", "No such resource");
  private static final Answer CONFLICT =
      new Answer(
          "Conflict",
          "409",
          "Not allowed in the resource's current state (with the allowed moves)");
  private static final Answer PRECONDITION =
      new Answer("PreconditionFailed", "412", "The If-Match version is not the current one");
  private static final Answer TOO_LARGE =
      new Answer("ContentTooLarge", "413", "The body is larger than the service reads");
  private static final Answer MEDIA_TYPE =
      new Answer("UnsupportedMediaType", "415", "The body is not JSON");
  private static final Answer UNPROCESSABLE =
      new Answer("Unprocessable", "422", "Valid JSON that breaks a rule; errors name the fields");
  private static final Answer TOO_MANY =
      new Answer("TooManyRequests", "429", "Too many refused requests from this client; slow down");

  @Bean
  OpenApiCustomizer problemResponses() {
    return openApi -> {
      Components components =
          openApi.getComponents() == null ? new Components() : openApi.getComponents();
      openApi.components(components);
      components.addSchemas("Problem", problemSchema());
      for (Answer a :
          List.of(
              BAD_REQUEST,
              UNAUTHORIZED,
              FORBIDDEN,
              NOT_FOUND,
              CONFLICT,
              PRECONDITION,
              TOO_LARGE,
              MEDIA_TYPE,
              UNPROCESSABLE,
              TOO_MANY)) {
        components.addResponses(
            a.name(),
            new ApiResponse()
                .description(a.description())
                .content(
                    new Content()
                        .addMediaType(
                            "application/problem+json",
                            new MediaType()
                                .schema(new Schema<>().$ref("#/components/schemas/Problem")))));
      }
      if (openApi.getPaths() == null) {
        return;
      }
      openApi
          .getPaths()
          .forEach(
              (path, item) ->
                  item.readOperationsMap().forEach((method, op) -> declare(path, method, op)));
    };
  }

  private static void declare(String path, PathItem.HttpMethod method, Operation op) {
    boolean namesResource = path.contains("{");
    boolean changes = method != PathItem.HttpMethod.GET;
    boolean readsBody = op.getRequestBody() != null;
    boolean ifMatch =
        op.getParameters() != null
            && op.getParameters().stream()
                .map(Parameter::getName)
                .anyMatch(n -> n.equalsIgnoreCase("If-Match"));
    ApiResponses responses = op.getResponses() == null ? new ApiResponses() : op.getResponses();
    op.setResponses(responses);
    add(responses, BAD_REQUEST);
    add(responses, UNAUTHORIZED);
    add(responses, FORBIDDEN);
    if (namesResource) {
      add(responses, NOT_FOUND);
    }
    if (namesResource && changes) {
      add(responses, CONFLICT);
    }
    if (ifMatch) {
      add(responses, PRECONDITION);
    }
    if (readsBody) {
      add(responses, TOO_LARGE);
      add(responses, MEDIA_TYPE);
      add(responses, UNPROCESSABLE);
    }
    add(responses, TOO_MANY);
  }

  private static void add(ApiResponses responses, Answer answer) {
    responses.putIfAbsent(
        answer.status(), new ApiResponse().$ref("#/components/responses/" + answer.name()));
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static Schema<?> problemSchema() {
    Map<String, Schema> properties = new LinkedHashMap<>();
    properties.put(
        "type", new StringSchema().format("uri").description("What kind of problem this is"));
    properties.put("title", new StringSchema().description("A short summary of the kind"));
    properties.put("status", new IntegerSchema().description("The HTTP status"));
    properties.put("detail", new StringSchema().description("What went wrong and what to do"));
    properties.put("instance", new StringSchema().description("The request path"));
    properties.put(
        "errors",
        new ArraySchema()
            .items(
                new ObjectSchema()
                    .addProperty("field", new StringSchema().description("The offending field"))
                    .addProperty("detail", new StringSchema().description("What is wrong with it")))
            .description("422: every rule the request breaks, by field"));
    properties.put(
        "currentState", new StringSchema().description("409: the state the resource is in"));
    properties.put(
        "allowedTransitions",
        new ArraySchema().items(new StringSchema()).description("409: the moves the state allows"));
    properties.put(
        "currentVersion", new IntegerSchema().description("412: the resource's current version"));
    ObjectSchema problem = new ObjectSchema();
    problem.setProperties((Map) properties);
    problem.setRequired(List.of("type", "title", "status", "detail"));
    problem.description("An RFC 9457 problem document (application/problem+json)");
    return problem;
  }
}
