package io.orderloop.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.Api;
import io.orderloop.ApiTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** HTTP: every API call is authenticated by a hashed API key and authorised by its scopes. */
class SecurityApiTest extends ApiTest {

  private JsonNode newKey(List<String> scopes) {
    Api.Response r = api.post("/api/v1/api-keys", Map.of("name", unique("key"), "scopes", scopes));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  @Test
  void no_key_or_a_bad_key_is_401_with_a_problem() {
    for (Api.Response r :
        List.of(
            api.as(null).get("/api/v1/orders"),
            api.as("wrong-key").get("/api/v1/orders"),
            api.as(null).post("/api/v1/orders", "{}"),
            api.as("wrong").get("/api/v1/inventory/X"))) {
      assertThat(r.status()).as(r.toString()).isEqualTo(401);
      assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    }
    Api.Response basic =
        api.as(null).with("Authorization", "Basic dXNlcjpwYXNz").get("/api/v1/orders");
    assertThat(basic.status()).isEqualTo(401);
  }

  @Test
  void a_key_without_the_scope_is_403_and_changes_nothing() {
    String reader = newKey(List.of("orders:read", "inventory:read")).get("key").asString();
    Api readOnly = api.as(reader);
    assertThat(readOnly.get("/api/v1/orders").status()).isEqualTo(200);
    int before = count("SELECT count(*) FROM orders");
    Api.Response write = readOnly.post("/api/v1/orders", order("ANY", 1));
    assertThat(write.status()).isEqualTo(403);
    assertThat(write.json().get("detail").asString()).contains("orders:write");
    assertThat(count("SELECT count(*) FROM orders")).isEqualTo(before);
    assertThat(readOnly.put("/api/v1/skus/" + unique("S"), Map.of("name", "x")).status())
        .isEqualTo(403);
    assertThat(
            readOnly
                .post("/api/v1/api-keys", Map.of("name", unique("k"), "scopes", List.of("admin")))
                .status())
        .isEqualTo(403);
    assertThat(readOnly.get("/api/v1/api-keys").status()).isEqualTo(403);
  }

  @Test
  void keys_are_shown_once_stored_hashed_listed_without_secret_and_revocable() {
    JsonNode created = newKey(List.of("orders:read"));
    String key = created.get("key").asString();
    String id = created.get("id").asString();
    assertThat(key).startsWith("ol_").hasSizeGreaterThan(40);
    assertThat(count("SELECT count(*) FROM api_keys WHERE key_hash = ?", key))
        .as("never stored in clear")
        .isZero();
    assertThat(
            count(
                "SELECT count(*) FROM api_keys WHERE position(? in key_hash) > 0",
                key.substring(3, 20)))
        .isZero();

    Api.Response list = api.get("/api/v1/api-keys");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body()).contains(id).doesNotContain(key);
    assertThat(api.as(key).get("/api/v1/orders").status()).isEqualTo(200);

    assertThat(api.delete("/api/v1/api-keys/" + id).status()).isEqualTo(204);
    assertThat(api.as(key).get("/api/v1/orders").status()).isEqualTo(401);
    assertThat(api.delete("/api/v1/api-keys/00000000-0000-0000-0000-000000000000").status())
        .isEqualTo(404);
  }

  @Test
  void agent_keys_hold_agent_scopes_only_may_be_bound_to_a_customer_and_reach_no_rest_endpoint() {
    String name = unique("buyer-agent");
    Api.Response created =
        api.post(
            "/api/v1/api-keys",
            Map.of(
                "name",
                name,
                "scopes",
                List.of("agent:read", "agent:write"),
                "customerEmail",
                "Purchasing@IronRidge.example"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().get("customerEmail").asString())
        .isEqualTo("purchasing@ironridge.example");
    assertThat(
            api.get("/api/v1/api-keys")
                .json()
                .get("items")
                .valueStream()
                .filter(k -> k.get("name").asString().equals(name))
                .findFirst()
                .orElseThrow()
                .get("customerEmail")
                .asString())
        .isEqualTo("purchasing@ironridge.example");
    // An agent key reaches the MCP gateway, not the REST API.
    Api agent = api.as(created.json().get("key").asString());
    assertThat(agent.get("/api/v1/orders").status()).isEqualTo(403);
    assertThat(agent.get("/api/v1/inventory").status()).isEqualTo(403);

    Api.Response mixed =
        api.post(
            "/api/v1/api-keys",
            Map.of("name", unique("mixed"), "scopes", List.of("agent:read", "orders:read")));
    assertThat(mixed.status()).isEqualTo(422);
    assertThat(mixed.json().get("detail").asString()).contains("agent scopes only");
    Api.Response writeOnly =
        api.post(
            "/api/v1/api-keys", Map.of("name", unique("wo"), "scopes", List.of("agent:write")));
    assertThat(writeOnly.status()).isEqualTo(422);
    Api.Response boundOps =
        api.post(
            "/api/v1/api-keys",
            Map.of(
                "name", unique("ops"),
                "scopes", List.of("orders:read"),
                "customerEmail", "a@b.example"));
    assertThat(boundOps.status()).isEqualTo(422);
    assertThat(boundOps.json().get("detail").asString()).contains("only an agent key");
    Api.Response badEmail =
        api.post(
            "/api/v1/api-keys",
            Map.of(
                "name", unique("bad"),
                "scopes", List.of("agent:read"),
                "customerEmail", "not an email"));
    assertThat(badEmail.status()).isEqualTo(422);
    assertThat(badEmail.json().toString()).contains("customerEmail");
  }

  @Test
  void key_creation_refuses_unknown_scopes_and_duplicate_names() {
    Api.Response unknown =
        api.post(
            "/api/v1/api-keys", Map.of("name", unique("k"), "scopes", List.of("orders:delete")));
    assertThat(unknown.status()).isEqualTo(422);
    assertThat(unknown.json().get("detail").asString()).contains("orders:delete");
    String name = unique("dup");
    assertThat(
            api.post("/api/v1/api-keys", Map.of("name", name, "scopes", List.of("admin"))).status())
        .isEqualTo(201);
    assertThat(
            api.post("/api/v1/api-keys", Map.of("name", name, "scopes", List.of("admin"))).status())
        .isEqualTo(409);
  }

  @Test
  void history_records_the_acting_keys_name() {
    String sku = sku("ACT");
    receive(sku, location(1), 2);
    JsonNode writer = newKey(List.of("orders:write", "orders:read"));
    Api.Response r = api.as(writer.get("key").asString()).post("/api/v1/orders", order(sku, 1));
    assertThat(r.status()).isEqualTo(201);
    assertThat(history(r.json().get("id").asString()))
        .allSatisfy(
            e -> assertThat(e.get("actor").asString()).isEqualTo(writer.get("name").asString()));
  }

  @Test
  void health_and_the_api_document_are_public_and_the_rest_of_actuator_is_not() {
    Api anonymous = api.as(null);
    Api.Response health = anonymous.get("/actuator/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().get("status").asString()).isEqualTo("UP");
    Api.Response docs = anonymous.get("/v3/api-docs");
    assertThat(docs.status()).isEqualTo(200);
    assertThat(docs.json().get("openapi").asString()).startsWith("3.1");
    assertThat(docs.json().get("paths").has("/api/v1/orders/{idOrNumber}/transitions")).isTrue();
    assertThat(anonymous.get("/swagger-ui/index.html").status()).isEqualTo(200);
    assertThat(anonymous.get("/actuator/metrics").status()).isEqualTo(401);
  }

  private static String sha256(String text) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(
            java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  void hashes_are_keyed_and_listed_prefixes_are_no_part_of_any_key() throws Exception {
    JsonNode created = newKey(List.of("orders:read"));
    String key = created.get("key").asString();
    String prefix = created.get("prefix").asString();
    assertThat(prefix).matches("ol_[a-z2-9]{8}");
    assertThat(key).startsWith(prefix + "_").hasSize(prefix.length() + 1 + 43);
    assertThat(count("SELECT count(*) FROM api_keys WHERE key_hash = ?", sha256(key)))
        .as("not an unkeyed digest, which a stolen database could test guesses against")
        .isZero();
    assertThat(count("SELECT count(*) FROM api_keys WHERE key_hash = ?", sha256(ADMIN_KEY)))
        .isZero();

    for (JsonNode listed : api.get("/api/v1/api-keys").json().get("items")) {
      String shown = listed.get("prefix").asString();
      assertThat(ADMIN_KEY).as("the bootstrap key's listing").doesNotContain(shown.substring(4));
      assertThat(shown).matches("(ol|olb|olk)_[a-z0-9]{8}");
    }
  }

  @Test
  void a_key_stored_before_keyed_hashes_still_works_and_is_rehashed_on_first_use()
      throws Exception {
    String legacy = "legacy-integration-key-" + unique("K");
    String id = java.util.UUID.randomUUID().toString();
    jdbc.sql(
            """
            INSERT INTO api_keys (id, name, prefix, key_hash, scopes, created_at, created_by)
            VALUES (?::uuid, ?, 'olk_legacy01', ?, ARRAY['orders:read'], now(), 'test')""")
        .params(id, unique("legacy"), sha256(legacy))
        .update();
    assertThat(api.as(legacy).get("/api/v1/orders?limit=1").status()).isEqualTo(200);
    String stored =
        jdbc.sql("SELECT key_hash FROM api_keys WHERE id = ?::uuid")
            .param(id)
            .query(String.class)
            .single();
    assertThat(stored).as("re-stored under the keyed hash").isNotEqualTo(sha256(legacy));
    assertThat(api.as(legacy).get("/api/v1/orders?limit=1").status()).isEqualTo(200);
  }
}
