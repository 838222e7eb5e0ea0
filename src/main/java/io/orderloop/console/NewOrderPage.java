package io.orderloop.console;

import io.orderloop.common.ApiProblem;
import io.orderloop.inventory.Catalogue;
import io.orderloop.inventory.SkuInfo;
import io.orderloop.inventory.StockLedger;
import io.orderloop.orders.Address;
import io.orderloop.orders.Channel;
import io.orderloop.orders.CreateOrder;
import io.orderloop.orders.OrderIntake;
import io.orderloop.orders.OrderType;
import io.orderloop.orders.UnitOfMeasure;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.math.BigDecimal;
import java.security.Principal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The new-order form (manual channel): DTC or B2B with PO, payment terms, delivery window and lines
 * by the unit or by the case; a SKU look-up that shows what is available as the SKU is typed. The
 * form carries a one-time key (the order's external id), so a double submit makes one order. What
 * the form gets wrong comes back on the form, with what was typed.
 */
@Controller
class NewOrderPage implements ConsolePage {

  /** Line rows the form offers; blank rows are ignored. */
  static final int ROWS = 6;

  private final ConsoleUsers users;
  private final Acting acting;
  private final OrderIntake intake;
  private final Catalogue catalogue;
  private final StockLedger ledger;
  private final Validator validator;

  NewOrderPage(
      ConsoleUsers users,
      Acting acting,
      OrderIntake intake,
      Catalogue catalogue,
      StockLedger ledger,
      Validator validator) {
    this.users = users;
    this.acting = acting;
    this.intake = intake;
    this.catalogue = catalogue;
    this.ledger = ledger;
    this.validator = validator;
  }

  @GetMapping("/console/orders/new")
  String form(Principal principal, Model model) {
    acting.require(principal, ConsoleRole::canCreate, "create orders");
    return render(principal, Map.of("key", "console-" + UUID.randomUUID()), List.of(), model);
  }

  /** The look-up beside a line's SKU field: its name, pack and units available now. */
  @GetMapping("/console/skus/availability")
  String availability(Principal principal, @RequestParam Map<String, String> params, Model model) {
    users.current(principal);
    String code =
        params.entrySet().stream()
            .filter(e -> e.getKey().startsWith("sku-"))
            .map(Map.Entry::getValue)
            .filter(v -> v != null && !v.isBlank())
            .findFirst()
            .map(String::strip)
            .orElse("");
    Optional<SkuInfo> sku = code.isEmpty() ? Optional.empty() : catalogue.sku(code);
    model.addAttribute("code", code);
    model.addAttribute("sku", sku.orElse(null));
    model.addAttribute("available", sku.map(s -> ledger.allocatable(s.code())).orElse(0));
    return "console/new-order :: availability";
  }

  @PostMapping("/console/orders/new")
  String create(
      Principal principal,
      @RequestParam Map<String, String> form,
      Model model,
      RedirectAttributes flash) {
    acting.require(principal, ConsoleRole::canCreate, "create orders");
    List<String> problems = new ArrayList<>();
    CreateOrder command = command(form, problems);
    if (problems.isEmpty()) {
      for (ConstraintViolation<CreateOrder> v : validator.validate(command)) {
        problems.add(v.getPropertyPath() + ": " + v.getMessage());
      }
      problems.sort(Comparator.naturalOrder());
    }
    if (problems.isEmpty()) {
      try {
        OrderIntake.Intake made = intake.create(command);
        flash.addFlashAttribute(
            "notice",
            made.created()
                ? "Order " + made.order().number() + " created."
                : "This form was already sent: here is its order.");
        return "redirect:" + Acting.orderPage(made.order().number());
      } catch (ApiProblem refused) {
        problems.add(refused.getMessage());
      }
    }
    return render(principal, form, problems, model);
  }

  private String render(
      Principal principal, Map<String, String> values, List<String> problems, Model model) {
    model.addAttribute("user", users.current(principal));
    model.addAttribute("v", values);
    model.addAttribute("problems", problems);
    model.addAttribute("rows", java.util.stream.IntStream.rangeClosed(1, ROWS).boxed().toList());
    model.addAttribute("skus", catalogue.listSkus(null, 500));
    return "console/new-order";
  }

  /** The form as the orders module's command; what cannot be read is added to {@code problems}. */
  private static CreateOrder command(Map<String, String> f, List<String> problems) {
    OrderType type = "B2B".equals(f.get("type")) ? OrderType.B2B : OrderType.DTC;
    List<CreateOrder.Line> lines = new ArrayList<>();
    for (int i = 1; i <= ROWS; i++) {
      String sku = text(f, "sku-" + i);
      if (sku == null) {
        continue;
      }
      Integer quantity = integer(f, "qty-" + i, "line " + i + " quantity", problems);
      BigDecimal price = decimal(f, "price-" + i, "line " + i + " unit price", problems);
      UnitOfMeasure uom = "CASE".equals(f.get("uom-" + i)) ? UnitOfMeasure.CASE : null;
      lines.add(new CreateOrder.Line(sku, quantity, price, text(f, "lot-" + i), uom));
    }
    if (lines.isEmpty()) {
      problems.add("lines: give at least one line with a SKU");
    }
    CreateOrder.B2b b2b = null;
    if (type == OrderType.B2B) {
      LocalDate from = date(f, "windowFrom", "delivery window from", problems);
      LocalDate to = date(f, "windowTo", "delivery window to", problems);
      b2b =
          new CreateOrder.B2b(
              text(f, "po"),
              text(f, "terms"),
              from == null && to == null ? null : new CreateOrder.DeliveryWindow(from, to));
    }
    String name = text(f, "name");
    return new CreateOrder(
        Channel.MANUAL,
        text(f, "key"),
        type,
        new CreateOrder.Customer(name, text(f, "email")),
        new Address(
            Optional.ofNullable(text(f, "shipName")).orElse(name),
            text(f, "company"),
            text(f, "line1"),
            text(f, "line2"),
            text(f, "city"),
            text(f, "region"),
            text(f, "postalCode"),
            Optional.ofNullable(text(f, "country")).orElse("US"),
            text(f, "phone")),
        null,
        Optional.ofNullable(text(f, "currency")).orElse("USD"),
        null,
        lines,
        b2b,
        text(f, "holdReason"));
  }

  private static String text(Map<String, String> f, String key) {
    String v = f.get(key);
    return v == null || v.isBlank() ? null : v.strip();
  }

  private static Integer integer(
      Map<String, String> f, String key, String what, List<String> problems) {
    String v = text(f, key);
    if (v == null || !v.matches("\\d{1,9}")) {
      problems.add(what + ": give a whole number");
      return null;
    }
    return Integer.parseInt(v);
  }

  private static BigDecimal decimal(
      Map<String, String> f, String key, String what, List<String> problems) {
    String v = text(f, key);
    try {
      return v == null ? null : new BigDecimal(v);
    } catch (NumberFormatException e) {
      problems.add(what + ": give an amount such as 12.50");
      return null;
    }
  }

  private static LocalDate date(
      Map<String, String> f, String key, String what, List<String> problems) {
    String v = text(f, key);
    try {
      return v == null ? null : LocalDate.parse(v);
    } catch (DateTimeParseException e) {
      problems.add(what + ": give a date as YYYY-MM-DD");
      return null;
    }
  }
}
