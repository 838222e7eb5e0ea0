package io.orderloop.channels;

import io.orderloop.common.TextRules;
import io.orderloop.orders.Address;
import io.orderloop.orders.Channel;
import io.orderloop.orders.ChannelOrder;
import io.orderloop.orders.ChannelOrderCommand;
import io.orderloop.orders.CreateOrder;
import io.orderloop.orders.OrderType;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Reads a Shopify REST order (the body of {@code orders/create}, {@code orders/updated} and {@code
 * orders/cancelled}) into a {@link ChannelOrderCommand}.
 *
 * <ul>
 *   <li>Ids are read as text or exact integers, never as doubles: {@code 820982911946154508} stays
 *       itself.
 *   <li>Lines that ship nothing ({@code requires_shipping: false}, gift cards) and tips are kept as
 *       charges for finance; shipping lines and the order's discounts likewise.
 *   <li>Each shipping line's SKU maps through the shop's aliases, then our own SKUs; the quantity
 *       is {@code current_quantity} (after edits) when sent, else {@code quantity}.
 *   <li>{@code financial_status} other than {@code paid}, {@code partially_paid} and {@code
 *       authorized} holds the order {@code PAYMENT_PENDING}.
 *   <li>A company order, or one with a {@code po_number}, is a B2B order with that PO; Shopify's
 *       payment terms name ("Net 30") becomes {@code NET_30}.
 *   <li>Text with control characters is cleaned and named, so the order is held for a look.
 * </ul>
 */
@Component
class ShopifyOrders {

  static final Set<String> PAID = Set.of("paid", "partially_paid", "authorized");

  /** The payload cannot be read as an order at all (no id, no currency). */
  static final class Unreadable extends RuntimeException {
    Unreadable(String message) {
      super(message, null, false, false);
    }
  }

  private static final Pattern NET_TERMS = Pattern.compile("(?i)net\\s*([0-9]{1,3})");

  private final SkuAliases aliases;

  ShopifyOrders(SkuAliases aliases) {
    this.aliases = aliases;
  }

  /** The Shopify order id in a payload, exactly as digits. */
  static String orderId(JsonNode order) {
    return id(order.get("id"));
  }

  ChannelOrderCommand read(String shop, String topic, JsonNode o) {
    try {
      return readOrder(shop, topic, o);
    } catch (Unreadable | IllegalStateException e) {
      throw e;
    } catch (RuntimeException e) {
      // A field of an unexpected shape: the delivery is held with the reason, not retried.
      throw new Unreadable("the order could not be read: " + e.getMessage());
    }
  }

  private ChannelOrderCommand readOrder(String shop, String topic, JsonNode o) {
    if (o == null || !o.isObject()) {
      throw new Unreadable("the body is not a JSON object");
    }
    String id = orderId(o);
    if (id == null) {
      throw new Unreadable("the order has no id (a whole number)");
    }
    Cleaner text = new Cleaner();
    String currency = text.of("currency", o.path("currency").asString(null));
    if (currency == null || currency.isBlank()) {
      throw new Unreadable("order " + id + " has no currency");
    }
    List<ChannelOrderCommand.Line> lines = new ArrayList<>();
    List<ChannelOrder.Charge> charges = new ArrayList<>();
    for (JsonNode item : o.path("line_items")) {
      String ref = id(item.get("id"));
      String title = title(item, text);
      String quantity = text.of("line_items.quantity", quantity(item));
      boolean removed = item.has("current_quantity") && "0".equals(quantity);
      BigDecimal price = money(item.get("price"));
      if (!item.path("requires_shipping").asBoolean(true)
          || item.path("gift_card").asBoolean(false)) {
        BigDecimal amount =
            price == null || OrderlessQuantity.whole(quantity) == null
                ? BigDecimal.ZERO
                : price.multiply(new BigDecimal(OrderlessQuantity.whole(quantity)));
        charges.add(
            new ChannelOrder.Charge(
                ChannelOrder.ChargeKind.NOT_SHIPPED_ITEM,
                ref,
                title,
                text.of("line_items.sku", blankToNull(item.path("sku").asString(null))),
                OrderlessQuantity.whole(quantity) == null ? 0 : OrderlessQuantity.whole(quantity),
                amount));
        continue;
      }
      String sku = text.of("line_items.sku", blankToNull(item.path("sku").asString(null)));
      // A line without a SKU goes by its title: an alias on the title maps it.
      String code = sku != null ? sku : title == null ? null : clip(title, 255);
      lines.add(
          new ChannelOrderCommand.Line(
              ref == null ? "line-" + (lines.size() + 1) : ref,
              code,
              title,
              code == null
                  ? null
                  : sku != null
                      ? aliases.resolve("shopify", sku).orElse(null)
                      : aliases.alias("shopify", code).orElse(null),
              quantity,
              price,
              null,
              removed));
    }
    for (JsonNode s : o.path("shipping_lines")) {
      BigDecimal price = money(s.get("price"));
      charges.add(
          new ChannelOrder.Charge(
              ChannelOrder.ChargeKind.SHIPPING,
              id(s.get("id")),
              text.of("shipping_lines.title", s.path("title").asString(null)),
              null,
              1,
              price == null ? BigDecimal.ZERO : price));
    }
    BigDecimal discounts = money(o.get("total_discounts"));
    if (discounts != null && discounts.signum() > 0) {
      List<String> codes = new ArrayList<>();
      o.path("discount_codes").forEach(d -> codes.add(d.path("code").asString("")));
      charges.add(
          new ChannelOrder.Charge(
              ChannelOrder.ChargeKind.DISCOUNT,
              null,
              text.of(
                  "discount_codes",
                  codes.isEmpty() ? "discounts" : "discount " + String.join(", ", codes)),
              null,
              1,
              discounts.negate()));
    }
    BigDecimal tip = money(o.get("total_tip_received"));
    if (tip != null && tip.signum() > 0) {
      charges.add(
          new ChannelOrder.Charge(
              ChannelOrder.ChargeKind.NOT_SHIPPED_ITEM, null, "tip", null, 1, tip));
    }

    JsonNode company = o.get("company");
    String po = text.of("po_number", blankToNull(o.path("po_number").asString(null)));
    boolean b2b = (company != null && company.isObject()) || po != null;
    CreateOrder.B2b terms = null;
    if (b2b) {
      String termsName = o.path("payment_terms").path("payment_terms_name").asString(null);
      String paymentTerms = null;
      if (termsName != null) {
        Matcher m = NET_TERMS.matcher(termsName);
        if (m.find()) {
          paymentTerms = "NET_" + Integer.parseInt(m.group(1));
        } else if (termsName.toLowerCase(Locale.ROOT).contains("receipt")) {
          paymentTerms = "DUE_ON_RECEIPT";
        }
      }
      terms = new CreateOrder.B2b(po, paymentTerms, null);
    }

    Address billTo = address(o.get("billing_address"), "billing_address", text);
    Address shipTo = address(o.get("shipping_address"), "shipping_address", text);
    JsonNode customer = o.path("customer");
    String email =
        text.of(
            "email", firstText(o.path("email"), o.path("contact_email"), customer.path("email")));
    String name =
        text.of(
            "customer",
            firstNonBlank(
                join(customer.path("first_name"), customer.path("last_name")),
                shipTo == null ? null : shipTo.name(),
                billTo == null ? null : billTo.name(),
                company != null ? company.path("name").asString(null) : null,
                email,
                "Shopify customer"));
    if (shipTo == null) {
      shipTo =
          billTo != null
              ? billTo
              : new Address(name, null, null, null, null, null, null, null, null);
    }
    String financial = text.of("financial_status", o.path("financial_status").asString(null));
    boolean cancelled =
        "orders/cancelled".equals(topic)
            || (o.hasNonNull("cancelled_at") && !o.path("cancelled_at").asString("").isBlank());
    String cancelReason =
        cancelled
            ? "cancelled on Shopify"
                + (o.hasNonNull("cancel_reason")
                    ? " (" + text.of("cancel_reason", o.path("cancel_reason").asString("")) + ")"
                    : "")
            : null;
    return new ChannelOrderCommand(
        Channel.SHOPIFY,
        id,
        shop,
        text.of("name", o.path("name").asString(null)),
        revision(o, topic),
        b2b ? OrderType.B2B : OrderType.DTC,
        new CreateOrder.Customer(clip(name, 200), email == null ? null : clip(email, 320)),
        shipTo,
        billTo,
        currency.strip().toUpperCase(Locale.ROOT),
        terms,
        lines,
        charges,
        financial,
        financial == null || !PAID.contains(financial),
        cancelled,
        cancelReason,
        text.cleaned);
  }

  /** A whole quantity of a line that ships nothing (for its charge), or null. */
  private static final class OrderlessQuantity {
    static Integer whole(String q) {
      return q != null && q.matches("[0-9]{1,7}") ? Integer.valueOf(q) : null;
    }
  }

  /**
   * The order's revision: Shopify's {@code updated_at} (whole seconds) in milliseconds, times four,
   * plus the topic's rank within one second (create 0, updated 1, cancelled 2): an update in the
   * same second as the create still applies, a create after an update of that second does not.
   */
  static long revision(JsonNode o, String topic) {
    int rank =
        switch (topic == null ? "" : topic) {
          case "orders/create" -> 0;
          case "orders/cancelled" -> 2;
          default -> 1;
        };
    for (String field : List.of("updated_at", "created_at")) {
      String t = o.path(field).asString(null);
      if (t != null) {
        try {
          return OffsetDateTime.parse(t).toInstant().toEpochMilli() * 4 + rank;
        } catch (DateTimeParseException ignored) {
          // try the next
        }
      }
    }
    return rank;
  }

  private static String title(JsonNode item, Cleaner text) {
    String t = item.path("title").asString(null);
    String v = item.path("variant_title").asString(null);
    String both = v == null || v.isBlank() ? t : t + " - " + v;
    return both == null ? null : clip(text.of("line_items.title", both), 300);
  }

  /** The quantity as text: an integer stays exact, a decimal keeps its digits. */
  private static String quantity(JsonNode item) {
    JsonNode q = item.has("current_quantity") ? item.get("current_quantity") : item.get("quantity");
    if (q == null || q.isNull()) {
      return "";
    }
    if (q.isNumber()) {
      return q.isIntegralNumber()
          ? q.bigIntegerValue().toString()
          : q.decimalValue().toPlainString();
    }
    return q.asString("").strip();
  }

  /** An id as digits: a JSON integer of any size, or a string of digits; else null. */
  static String id(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isIntegralNumber()) {
      return n.bigIntegerValue().toString();
    }
    if (n.isString() && n.asString().strip().matches("[0-9]{1,40}")) {
      return n.asString().strip();
    }
    return null;
  }

  /** A money amount (Shopify sends decimal strings), or null when absent or not a number. */
  static BigDecimal money(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    try {
      BigDecimal v = n.isNumber() ? n.decimalValue() : new BigDecimal(n.asString().strip());
      return v.signum() < 0 || v.precision() - v.scale() > 15 ? null : v;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Address address(JsonNode a, String field, Cleaner text) {
    if (a == null || !a.isObject()) {
      return null;
    }
    String name =
        firstNonBlank(
            a.path("name").asString(null), join(a.path("first_name"), a.path("last_name")));
    return new Address(
        clip(text.of(field + ".name", name), 200),
        clip(text.of(field + ".company", a.path("company").asString(null)), 200),
        clip(text.of(field + ".address1", a.path("address1").asString(null)), 300),
        clip(text.of(field + ".address2", a.path("address2").asString(null)), 300),
        clip(text.of(field + ".city", a.path("city").asString(null)), 200),
        clip(
            text.of(
                field + ".province",
                firstNonBlank(
                    a.path("province_code").asString(null), a.path("province").asString(null))),
            200),
        clip(text.of(field + ".zip", a.path("zip").asString(null)), 40),
        clip(
            text.of(
                field + ".country",
                firstNonBlank(
                    a.path("country_code").asString(null), a.path("country").asString(null))),
            60),
        clip(text.of(field + ".phone", a.path("phone").asString(null)), 60));
  }

  private static String join(JsonNode first, JsonNode last) {
    String f = first.asString(null);
    String l = last.asString(null);
    String joined = ((f == null ? "" : f.strip()) + " " + (l == null ? "" : l.strip())).strip();
    return joined.isEmpty() ? null : joined;
  }

  private static String firstText(JsonNode... nodes) {
    for (JsonNode n : nodes) {
      String s = n.asString(null);
      if (s != null && !s.isBlank()) {
        return s.strip();
      }
    }
    return null;
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.strip();
      }
    }
    return null;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static String clip(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }

  /** Cleans channel text and remembers which fields needed it. */
  static final class Cleaner {
    final List<String> cleaned = new ArrayList<>();

    String of(String field, String value) {
      if (value == null || TextRules.problem(value) == null) {
        return value;
      }
      if (!cleaned.contains(field)) {
        cleaned.add(field);
      }
      return TextRules.strip(value);
    }
  }
}
