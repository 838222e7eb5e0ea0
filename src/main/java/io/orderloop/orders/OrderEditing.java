package io.orderloop.orders;

import io.orderloop.common.ApiProblem;
import io.orderloop.common.IfMatch;
import io.orderloop.common.RequestJson;
import io.orderloop.inventory.Catalogue;
import io.orderloop.inventory.SkuInfo;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Edits an order with a JSON merge patch (RFC 7396) of its editable fields — {@code shipTo}, {@code
 * billTo}, {@code customer}, {@code notes}, {@code b2b} — and a list of line changes. The patch is
 * applied to the order's current fields, the result validated like intake's, and the order's edit
 * rules ({@link OrderEditRules}) decide what the state still allows. The same command serves the
 * REST API and the channel updates.
 *
 * <p>Rejects: 404 unknown order; 409 a change the state no longer allows (with the reason); 412 a
 * stale {@code If-Match}; 422 a field that cannot be edited, or a value intake would refuse.
 */
@Service
public class OrderEditing {

  /** The fields a merge patch may name. */
  static final Set<String> EDITABLE =
      Set.of("shipTo", "billTo", "customer", "notes", "b2b", "lines");

  private final OrderCommands commands;
  private final OrderIntake intake;
  private final Catalogue inventory;
  private final Stock stock;
  private final JsonMapper json;
  private final RequestJson requestJson;
  private final Validator validator;

  OrderEditing(
      OrderCommands commands,
      OrderIntake intake,
      Catalogue inventory,
      Stock stock,
      JsonMapper json,
      RequestJson requestJson,
      Validator validator) {
    this.requestJson = requestJson;
    this.commands = commands;
    this.intake = intake;
    this.inventory = inventory;
    this.stock = stock;
    this.json = json;
    this.validator = validator;
  }

  /** The editable fields after a patch, validated as at intake. */
  record Fields(
      @NotNull(message = "an order needs a ship-to address") @Valid Address shipTo,
      @Valid Address billTo,
      @NotNull(message = "an order needs a customer") @Valid CreateOrder.Customer customer,
      @Size(max = 4000) String notes,
      @Valid CreateOrder.B2b b2b) {}

  /**
   * Applies {@code patch} (a JSON object; {@code lines}, when present, an array of {@link
   * Orders.LineChange}) to the order.
   */
  public OrderView edit(String idOrNumber, JsonNode patch, IfMatch expectedVersion) {
    if (patch == null || !patch.isObject()) {
      throw ApiProblem.badRequest("the body must be a JSON object (a merge patch of the order)");
    }
    List<String> unknown =
        patch.propertyNames().stream().filter(n -> !EDITABLE.contains(n)).sorted().toList();
    if (!unknown.isEmpty()) {
      throw ApiProblem.unprocessable(
          unknown.getFirst(),
          "cannot be edited; an edit may change "
              + EDITABLE.stream().sorted().toList()
              + " (cancel or move the order for the rest)");
    }
    RequestJson.requireCleanText(patch);
    List<Orders.LineChange> lines = lineChanges(patch.get("lines"));
    ObjectNode fields = ((ObjectNode) patch).deepCopy();
    fields.remove("lines");
    return commands.run(
        idOrNumber,
        expectedVersion,
        order -> {
          OrderEditRules.Editable before = OrderEditRules.Editable.of(order);
          Fields after = read(mergePatch(json.valueToTree(before), fields));
          order.edit(
              new OrderEditRules.Editable(
                  after.shipTo(), after.billTo(), after.customer(), after.notes(), after.b2b()),
              lines,
              stock,
              lineFactory(order));
        });
  }

  private List<Orders.LineChange> lineChanges(JsonNode node) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw ApiProblem.unprocessable("lines", "give an array of line changes");
    }
    if (node.size() > CreateOrder.MAX_LINES) {
      throw ApiProblem.unprocessable("lines", "at most " + CreateOrder.MAX_LINES + " changes");
    }
    List<Orders.LineChange> changes = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      try {
        changes.add(requestJson.types().treeToValue(node.get(i), Orders.LineChange.class));
      } catch (JacksonException e) {
        throw ApiProblem.unprocessable(
            "lines[" + i + "]", "not a line change: " + e.getOriginalMessage());
      }
    }
    return changes;
  }

  private Fields read(JsonNode merged) {
    Fields fields;
    try {
      fields = requestJson.types().treeToValue(merged, Fields.class);
    } catch (JacksonException e) {
      throw ApiProblem.unprocessable(
          null, "the patch does not fit the order: " + e.getOriginalMessage());
    }
    requireValid(fields, "");
    return fields;
  }

  private void requireValid(Object value, String prefix) {
    List<ConstraintViolation<Object>> violations =
        validator.validate(value).stream()
            .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
            .toList();
    if (!violations.isEmpty()) {
      ConstraintViolation<Object> first = violations.getFirst();
      throw ApiProblem.unprocessable(prefix + first.getPropertyPath(), first.getMessage());
    }
  }

  /** New lines are checked as intake checks them: SKU, price scale, whole cases, lot. */
  OrderEditRules.LineFactory lineFactory(Order order) {
    return new OrderEditRules.LineFactory() {
      @Override
      public OrderLine newLine(Orders.LineChange change, int lineNo, String field) {
        if (change.unitPrice() == null) {
          throw ApiProblem.unprocessable(field + ".unitPrice", "a new line needs its unit price");
        }
        CreateOrder.Line line =
            new CreateOrder.Line(
                change.sku(),
                change.quantity(),
                change.unitPrice(),
                change.lot(),
                change.unitOfMeasure());
        requireValid(line, field + ".");
        Map<String, SkuInfo> skus = inventory.skus(List.of(change.sku()));
        return intake.line(
            order.type, line, lineNo, field, skus, OrderIntake.currency(order.currency));
      }

      @Override
      public boolean allowsLooseUnits(String sku) {
        return inventory.sku(sku).map(SkuInfo::allowsLooseUnits).orElse(false);
      }
    };
  }

  /** RFC 7396: objects merge member by member, {@code null} removes, anything else replaces. */
  static JsonNode mergePatch(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch;
    }
    ObjectNode result =
        target != null && target.isObject()
            ? ((ObjectNode) target).deepCopy()
            : JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> member : patch.properties()) {
      if (member.getValue().isNull()) {
        result.remove(member.getKey());
      } else {
        result.set(member.getKey(), mergePatch(result.get(member.getKey()), member.getValue()));
      }
    }
    return result;
  }
}
