package io.orderloop.orders;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
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

  /** Fields that hold a person's name, contact or address: their erased values are replaced. */
  private static final Set<String> PERSONAL_FIELDS =
      Set.of(
          "name",
          "customerName",
          "email",
          "customerEmail",
          "company",
          "line1",
          "line2",
          "city",
          "postalCode",
          "phone");

  /** Free-text fields: any erased value inside them becomes {@code [erased]}. */
  private static final Set<String> FREE_TEXT_FIELDS =
      Set.of("notes", "note", "reason", "comment", "message", "holdReason");

  /** The pseudonymous name shown instead of the customer's. */
  public String name() {
    return "Erased customer " + pseudonym;
  }

  /** The pseudonymous e-mail address (an address that can never be delivered to). */
  public String email() {
    return pseudonym + "@erased.invalid";
  }

  /**
   * {@code node} with the customer's data replaced: in personal fields (name, e-mail, company,
   * address lines, city, postal code, phone) a value that is one of theirs becomes the pseudonymous
   * name or e-mail, or {@code "erased"}; in free-text fields (notes, reasons) any of their values
   * inside the text becomes {@code [erased]}. Other fields (SKUs, lots, amounts, country, region)
   * are never touched, even when a value happens to match. Returns whether anything changed.
   */
  public boolean redact(JsonNode node) {
    boolean changed = false;
    if (node instanceof ObjectNode object) {
      for (String field : List.copyOf(object.propertyNames())) {
        JsonNode value = object.get(field);
        if (value.isString()) {
          String text = value.asString();
          if (PERSONAL_FIELDS.contains(field) && personal(text)) {
            object.set(field, StringNode.valueOf(replacement(field)));
            changed = true;
          } else if (FREE_TEXT_FIELDS.contains(field)) {
            String redacted = redactText(text);
            if (!redacted.equals(text)) {
              object.set(field, StringNode.valueOf(redacted));
              changed = true;
            }
          }
        } else {
          changed |= redact(value);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (JsonNode value : array) {
        changed |= redact(value);
      }
    }
    return changed;
  }

  /** JSON text redacted as {@link #redact(JsonNode)} says; the same text when nothing changed. */
  public String redactJson(String text, JsonMapper json) {
    if (text == null) {
      return null;
    }
    JsonNode node = json.readTree(text);
    return redact(node) ? json.writeValueAsString(node) : text;
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
    return switch (field) {
      case "name", "customerName" -> name();
      case "email", "customerEmail" -> email();
      default -> "erased";
    };
  }
}
