package io.orderloop.orders;

import io.orderloop.common.Actors;
import io.orderloop.common.ApiProblem;
import io.orderloop.common.Currencies;
import io.orderloop.common.Transactions;
import io.orderloop.inventory.Catalogue;
import io.orderloop.inventory.SkuInfo;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * The one intake every channel uses: validates a {@link CreateOrder} against the catalogue, stores
 * the order as RECEIVED, reserves stock for every line in the same transaction, records backorders,
 * and moves it to ALLOCATED when its fulfillment policy is met. A repeated {@code (channel,
 * externalId)} answers the existing order and changes nothing.
 *
 * <p>Rejects (422): unknown SKU or lot, a currency or price the currency cannot carry, B2B terms on
 * a DTC order, a delivery window that ends before it starts, quantities that are not whole cases
 * where the SKU sells in cases. Records {@code order.received}, {@code inventory.reserved}, {@code
 * inventory.lot_pinned}, {@code order.backordered}, {@code order.held} and {@code order.allocated}.
 */
@Service
public class OrderIntake {

  /** The largest order total the database stores (numeric(19,4)). */
  static final BigDecimal MAX_TOTAL = new BigDecimal("99999999999999");

  private final OrderRepository repository;
  private final OrderCommands commands;
  private final Catalogue inventory;
  private final Stock stock;
  private final Transactions transactions;
  private final OrderProperties properties;
  private final OrderNumbers numbers;

  OrderIntake(
      OrderRepository repository,
      OrderCommands commands,
      Catalogue inventory,
      Stock stock,
      Transactions transactions,
      OrderProperties properties,
      OrderNumbers numbers) {
    this.numbers = numbers;
    this.repository = repository;
    this.commands = commands;
    this.inventory = inventory;
    this.stock = stock;
    this.transactions = transactions;
    this.properties = properties;
  }

  /**
   * The result of intake: the order, and whether this call created it (false: the channel order
   * existed).
   */
  public record Intake(OrderView order, boolean created) {}

  public Intake create(CreateOrder command) {
    return create(command, null, null);
  }

  /**
   * Intake with what a channel adapter adds: the channel's details stored with the order, and its
   * holds taken after allocation.
   */
  Intake create(CreateOrder command, ChannelOrder channel, ChannelOrderCommand channelCommand) {
    return transactions.inTransaction(
        () -> {
          String externalId = blankToNull(command.externalId());
          if (externalId != null) {
            Optional<UUID> existing = repository.idByExternalId(command.channel(), externalId);
            if (existing.isPresent()) {
              return new Intake(existingView(existing.get()), false);
            }
          }
          // One read: the SKUs with their available stock. Then the plan, and every write held
          // back to go with the commit (the row once, in its final state): two round trips.
          Order order = receive(command, externalId);
          order.channelOrder = channel;
          if (channelCommand != null && channelCommand.notes() != null) {
            order.notes = channelCommand.notes();
          }
          int year = order.createdAt.atZone(ZoneOffset.UTC).getYear();
          order.number = numbers.next(properties.numberPrefix(), year);
          order.accept(stock, command.holdReason());
          if (channelCommand != null) {
            order.channelRules().holdAtIntake(channelCommand);
          }
          // A concurrent request that stored the same channel order first makes this insert fail
          // the transaction, which runs again and answers that order above.
          repository.save(order);
          return new Intake(OrderView.of(order), true);
        });
  }

  private OrderView existingView(UUID id) {
    return repository.load(id, false).map(OrderView::of).orElseThrow();
  }

  /** The order as received, validated against the catalogue; nothing is written yet. */
  private Order receive(CreateOrder c, String externalId) {
    Currency currency = currency(c.currency());
    validateB2b(c);
    Map<String, SkuInfo> skus =
        inventory.skusForOrder(c.lines().stream().map(CreateOrder.Line::sku).toList());
    List<OrderLine> lines = new ArrayList<>();
    BigDecimal total = BigDecimal.ZERO;
    for (int i = 0; i < c.lines().size(); i++) {
      OrderLine line = line(c.type(), c.lines().get(i), i + 1, "lines[" + i + "]", skus, currency);
      lines.add(line);
      total = total.add(line.lineAmount);
    }
    if (total.compareTo(MAX_TOTAL) > 0) {
      throw ApiProblem.unprocessable(
          "lines", "the order total " + total.toPlainString() + " is larger than an order can be");
    }
    Instant now = commands.now();
    return Order.receive(
        c.channel(),
        externalId,
        c.type(),
        c.fulfillmentPolicy() != null
            ? c.fulfillmentPolicy()
            : FulfillmentPolicy.defaultFor(c.type()),
        new CreateOrder.Customer(c.customer().name().strip(), c.customer().email()),
        c.shipTo(),
        c.billTo(),
        c.currency(),
        c.b2b(),
        lines,
        Actors.current(),
        now);
  }

  static Currency currency(String code) {
    try {
      return Currencies.require(code);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.unprocessable("currency", e.getMessage());
    }
  }

  /** B2B terms only on B2B orders, and a plausible delivery window. */
  static void validateB2b(OrderType type, CreateOrder.B2b b2b) {
    if (b2b != null && type != OrderType.B2B) {
      throw ApiProblem.unprocessable(
          "b2b",
          "B2B terms (buyer PO, payment terms, delivery window) only apply to "
              + "orders of type B2B");
    }
    CreateOrder.DeliveryWindow window = b2b == null ? null : b2b.deliveryWindow();
    if (window == null) {
      return;
    }
    if (window.to().isBefore(window.from())) {
      throw ApiProblem.unprocessable(
          "b2b.deliveryWindow",
          "the window ends (" + window.to() + ") before it starts (" + window.from() + ")");
    }
    for (LocalDate d : List.of(window.from(), window.to())) {
      if (d.getYear() < 2000 || d.getYear() > 2999) {
        throw ApiProblem.unprocessable(
            "b2b.deliveryWindow", d + " is not a plausible delivery date (years 2000 to 2999)");
      }
    }
  }

  private static void validateB2b(CreateOrder c) {
    validateB2b(c.type(), c.b2b());
  }

  /** One new line, checked against its SKU (pack, lot) and the currency's scale. */
  OrderLine line(
      OrderType type,
      CreateOrder.Line line,
      int lineNo,
      String field,
      Map<String, SkuInfo> skus,
      Currency currency) {
    SkuInfo sku = skus.get(line.sku());
    if (sku == null) {
      throw ApiProblem.unprocessable(
          field + ".sku",
          "unknown SKU '"
              + line.sku()
              + "'; create it with PUT /api/v1/skus/{sku} or correct the line");
    }
    if (!Currencies.fitsScale(line.unitPrice(), currency)) {
      throw ApiProblem.unprocessable(
          field + ".unitPrice",
          line.unitPrice().toPlainString()
              + " has more decimal places than "
              + currency.getCurrencyCode()
              + " allows ("
              + currency.getDefaultFractionDigits()
              + ")");
    }
    UnitOfMeasure uom = line.unitOfMeasure() == null ? UnitOfMeasure.EACH : line.unitOfMeasure();
    long units =
        uom == UnitOfMeasure.CASE ? (long) line.quantity() * sku.casePack() : line.quantity();
    if (units > 1_000_000) {
      throw ApiProblem.unprocessable(field + ".quantity", "at most 1,000,000 units per line");
    }
    if (type == OrderType.B2B
        && uom == UnitOfMeasure.EACH
        && sku.casePack() > 1
        && units % sku.casePack() != 0
        && !sku.allowsLooseUnits()) {
      throw ApiProblem.unprocessable(
          field + ".quantity",
          units
              + " units of SKU '"
              + sku.code()
              + "' is not a whole number of cases of "
              + sku.casePack()
              + "; order a multiple of "
              + sku.casePack()
              + " or give the quantity in cases (unitOfMeasure CASE)");
    }
    String lot = blankToNull(line.lot());
    if (lot != null && !inventory.lotExists(sku.code(), lot)) {
      throw ApiProblem.unprocessable(
          field + ".lot", "SKU '" + sku.code() + "' has no lot '" + lot + "'");
    }
    return OrderLine.ordered(
        lineNo,
        sku.code(),
        line.quantity(),
        uom,
        sku.casePack(),
        sku.palletQuantity(),
        line.unitPrice(),
        lot);
  }

  static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
