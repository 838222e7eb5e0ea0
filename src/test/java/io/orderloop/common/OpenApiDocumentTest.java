package io.orderloop.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.Api;
import io.orderloop.ApiTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * HTTP: the OpenAPI document served at {@code /v3/api-docs} describes every operation with a
 * summary, its success answer and the problem documents it can answer with. The document is saved
 * as {@code target/openapi.json} for {@code .ci/run}'s Redocly lint.
 */
class OpenApiDocumentTest extends ApiTest {

  @Test
  void every_operation_has_a_summary_a_success_and_its_problems() throws IOException {
    Api.Response r = api.as(null).get("/v3/api-docs");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target/openapi.json"), r.body());
    JsonNode doc = r.json();
    assertThat(doc.get("info").get("license").get("name").asString()).isEqualTo("Apache-2.0");
    assertThat(doc.get("components").get("schemas").has("Problem")).isTrue();
    List<String> missing = new ArrayList<>();
    int operations = 0;
    for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
      for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
        if (!List.of("get", "put", "post", "patch", "delete").contains(op.getKey())) {
          continue;
        }
        operations++;
        String name = op.getKey().toUpperCase() + " " + path.getKey();
        JsonNode operation = op.getValue();
        JsonNode responses = operation.get("responses");
        if (operation.path("summary").asString("").isBlank()) {
          missing.add(name + ": summary");
        }
        boolean success = false;
        boolean problem = false;
        for (Map.Entry<String, JsonNode> response : responses.properties()) {
          success |= response.getKey().startsWith("2");
          JsonNode answer = response.getValue();
          if (answer.has("$ref")) {
            String ref = answer.get("$ref").asString();
            answer = doc.at(ref.substring(1));
          }
          problem |=
              response.getKey().startsWith("4")
                  && answer.path("content").has("application/problem+json");
        }
        if (!success) {
          missing.add(name + ": a 2xx response");
        }
        if (!problem) {
          missing.add(name + ": a 4xx problem response");
        }
        if (op.getKey().equals("post")
            && path.getKey().matches("/api/v1/(orders|webhook-subscriptions|api-keys)")
            && !responses.has("201")) {
          missing.add(name + ": 201");
        }
      }
    }
    assertThat(operations).isGreaterThan(40);
    assertThat(missing).isEmpty();
  }
}
