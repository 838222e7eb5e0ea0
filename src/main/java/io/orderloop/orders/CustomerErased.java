package io.orderloop.orders;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * A customer was forgotten: their orders now carry {@code pseudonym}. Published inside the
 * erasure's transaction so every module rewrites what it keeps of those orders (return history, the
 * event outbox) before it commits. {@code personalValues} are the erased strings themselves, held
 * only in memory for that purpose and never stored or logged.
 */
public record CustomerErased(
    String pseudonym, List<UUID> orderIds, Set<String> personalValues, Instant at) {

  /** Fields whose erased value becomes the pseudonym's name or e-mail rather than "erased". */
  private static final Map<String, String> NAMED_FIELDS =
      Map.of("name", "name", "customerName", "name", "email", "email", "customerEmail", "email");

  /** The pseudonymous name shown instead of the customer's. */
  public String name() {
    return "Erased customer " + pseudonym;
  }

  /** The pseudonymous e-mail address (an address that can never be delivered to). */
  public String email() {
    return pseudonym + "@erased.invalid";
  }

  /**
   * {@code node} with every string that is one of the customer's personal values replaced: by the
   * pseudonymous name or e-mail under those field names, by {@code "erased"} elsewhere. Returns
   * whether anything changed.
   */
  public boolean redact(JsonNode node) {
    boolean changed = false;
    if (node instanceof ObjectNode object) {
      for (String field : List.copyOf(object.propertyNames())) {
        JsonNode value = object.get(field);
        if (value.isString() && personal(value.asString())) {
          object.set(field, StringNode.valueOf(replacement(field)));
          changed = true;
        } else {
          changed |= redact(value);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        JsonNode value = array.get(i);
        if (value.isString() && personal(value.asString())) {
          array.set(i, StringNode.valueOf("erased"));
          changed = true;
        } else {
          changed |= redact(value);
        }
      }
    }
    return changed;
  }

  /** Free text with every personal value in it replaced by {@code [erased]}. */
  public String redactText(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String value : personalValues) {
      if (value.length() >= 3) {
        out =
            java.util.regex.Pattern.compile(
                    java.util.regex.Pattern.quote(value), java.util.regex.Pattern.CASE_INSENSITIVE)
                .matcher(out)
                .replaceAll("[erased]");
      }
    }
    return out;
  }

  boolean personal(String value) {
    return personalValues.contains(value.strip().toLowerCase(Locale.ROOT));
  }

  private String replacement(String field) {
    String kind = NAMED_FIELDS.get(field);
    if ("name".equals(kind)) {
      return name();
    }
    if ("email".equals(kind)) {
      return email();
    }
    return "erased";
  }
}
