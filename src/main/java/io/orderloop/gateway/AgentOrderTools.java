package io.orderloop.gateway;

import io.modelcontextprotocol.common.McpTransportContext;
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
import io.orderloop.security.ApiKeyPrincipal;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.mcp.annotation.McpTool;
import org.springframework.ai.mcp.annotation.McpToolParam;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Quoting and placing orders through the gateway. A quote is a draft (prices, availability per
 * line, what would be backordered, case-pack checks) kept for {@link #TTL}; placing it makes the
 * order once, however often or concurrently it is asked (its external id is the quote's), and is
 * refused when the quote expired or the stock changed so that more would be backordered than
 * quoted. Orders come in on channel {@code API} with the actor {@code agent:<key name>}.
 */
@Component
class AgentOrderTools {

  static final Duration TTL = Duration.ofMinutes(15);

  private final Catalogue catalogue;
  private final StockLedger stock;
  private final Validator validator;
  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final Clock clock;
  private final io.orderloop.common.Transactions transactions;
  private final Placements placements;
  private final Approvals approvals;

  AgentOrderTools(
      Catalogue catalogue,
      StockLedger stock,
      Validator validator,
      JdbcClient jdbc,
      JsonMapper json,
      Clock clock,
      io.orderloop.common.Transactions transactions,
      Placements placements,
      Approvals approvals) {
    this.catalogue = catalogue;
    this.stock = stock;
    this.placements = placements;
    this.approvals = approvals;
    this.validator = validator;
    this.jdbc = jdbc;
    this.json = json;
    this.clock = clock;
    this.transactions = transactions;
  }

  /** The tools' input: the create-order body, optional fields marked so in its JSON schema. */
  record Buyer(
      String name,
      @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) @Nullable String email) {}

  record ShipTo(
      String name,
      @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) @Nullable String company,
      String line1,
      @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) @Nullable String line2,
      String city,
      @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) @Nullable String region,
      String postalCode,
      @Schema(description = "ISO 3166 alpha-2, e.g. US") String country,
      @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) @Nullable String phone) {
    Address address() {
      return new Address(name, company, line1, line2, city, region, postalCode, country, phone);
    }
  }

  record Line(
      String sku,
      @Schema(description = "units, or cases when unitOfMeasure is CASE") int quantity,
      @Schema(description = "price per unit (per case for CASE lines), a JSON number such as 12.50")
          BigDecimal unitPrice,
      @Schema(
              requiredMode = Schema.RequiredMode.NOT_REQUIRED,
              description = "EACH (default) or CASE")
          @Nullable UnitOfMeasure unitOfMeasure,
      @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "pin to this lot")
          @Nullable String lot) {
    CreateOrder.Line line() {
      return new CreateOrder.Line(sku, quantity, unitPrice, lot, unitOfMeasure);
    }
  }

  record Window(LocalDate from, LocalDate to) {}

  record B2b(
      @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) @Nullable String buyerPo,
      @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "NET_30, PREPAID…")
          @Nullable String paymentTerms,
      @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) @Nullable Window deliveryWindow) {
    CreateOrder.B2b terms() {
      return new CreateOrder.B2b(
          buyerPo,
          paymentTerms,
          deliveryWindow == null
              ? null
              : new CreateOrder.DeliveryWindow(deliveryWindow.from(), deliveryWindow.to()));
    }
  }

  /** One line of a quote. */
  record QuotedLine(
      int line,
      String sku,
      String name,
      int units,
      String unitPrice,
      String amount,
      int available,
      int backordered,
      List<String> notes) {}

  record Quote(
      String quoteId,
      String expiresAt,
      String type,
      String currency,
      String total,
      boolean backorders,
      List<QuotedLine> lines) {}

  @McpTool(
      name = "quote_order",
      description =
          "Quote an order without placing it: the create-order body (customer {name, email},"
              + " shipTo {name, line1, city, postalCode, country, …}, currency, lines [{sku,"
              + " quantity, unitPrice, unitOfMeasure EACH|CASE, lot?}], b2b {buyerPo,"
              + " paymentTerms, deliveryWindow {from, to}} for a B2B order). Answers prices,"
              + " availability per line, what would be backordered and case-pack checks, and a"
              + " quoteId that place_order takes within 15 minutes.")
  Quote quoteOrder(
      McpTransportContext context,
      @McpToolParam(description = "the buyer: {name, email}") Buyer customer,
      @McpToolParam(description = "where it ships") ShipTo shipTo,
      @McpToolParam(description = "ISO 4217 code, e.g. USD") String currency,
      @McpToolParam(description = "the lines") List<Line> lines,
      @McpToolParam(description = "B2B terms; makes it a B2B order", required = false) B2b b2b,
      @McpToolParam(description = "where the invoice goes, when not shipTo", required = false)
          ShipTo billTo,
      @McpToolParam(
              description =
                  "SHIP_PARTIAL (ship what is in stock, backorder the rest; the default for"
                      + " DTC) or SHIP_COMPLETE (ship when every unit is reserved; the default"
                      + " for B2B)",
              required = false)
          io.orderloop.orders.FulfillmentPolicy fulfillmentPolicy) {
    return Agents.guard(
        "quote_order",
        () -> {
          ApiKeyPrincipal agent = Agents.agent(context);
          if (customer == null
              || shipTo == null
              || lines == null
              || lines.isEmpty()
              || lines.contains(null)) {
            throw new ToolError("give customer, shipTo, currency and at least one line");
          }
          java.util.Currency money;
          try {
            money = io.orderloop.common.Currencies.require(currency);
          } catch (ApiProblem | IllegalArgumentException | NullPointerException bad) {
            throw new ToolError(
                "currency: '"
                    + Texts.clip(currency)
                    + "' is not an ISO 4217 code such as USD or EUR");
          }
          CreateOrder.Customer buyer = new CreateOrder.Customer(customer.name(), customer.email());
          if (agent.customerEmail() != null) {
            if (customer == null
                || customer.email() == null
                || !customer.email().equalsIgnoreCase(agent.customerEmail())) {
              throw new ToolError(
                  "this key orders for "
                      + agent.customerEmail()
                      + " only: give that customer e-mail");
            }
          }
          CreateOrder body =
              new CreateOrder(
                  Channel.API,
                  null,
                  b2b == null ? OrderType.DTC : OrderType.B2B,
                  buyer,
                  shipTo.address(),
                  billTo == null ? null : billTo.address(),
                  currency,
                  fulfillmentPolicy,
                  lines.stream().map(Line::line).toList(),
                  b2b == null ? null : b2b.terms(),
                  null);
          List<String> problems = new ArrayList<>();
          for (ConstraintViolation<CreateOrder> v : validator.validate(body)) {
            problems.add(v.getPropertyPath() + ": " + v.getMessage());
          }
          problems.sort(Comparator.naturalOrder());
          if (!problems.isEmpty()) {
            throw new ToolError("the order is not valid: " + String.join("; ", problems));
          }
          List<QuotedLine> quoted = new ArrayList<>();
          BigDecimal total = BigDecimal.ZERO;
          // Units asked of each SKU so far: two lines of one SKU share its stock.
          java.util.Map<String, Long> asked = new java.util.HashMap<>();
          for (int i = 0; i < body.lines().size(); i++) {
            CreateOrder.Line l = body.lines().get(i);
            SkuInfo sku =
                catalogue.sku(l.sku()).orElseThrow(() -> new ToolError("no SKU '" + l.sku() + "'"));
            if (!io.orderloop.common.Currencies.fitsScale(l.unitPrice(), money)) {
              throw new ToolError(
                  "line "
                      + (i + 1)
                      + ": "
                      + l.unitPrice()
                      + " has more decimals than "
                      + currency
                      + " has");
            }
            boolean cases = l.unitOfMeasure() == UnitOfMeasure.CASE;
            long units = cases ? (long) l.quantity() * sku.casePack() : l.quantity();
            if (units > 1_000_000) {
              throw new ToolError("line " + (i + 1) + ": at most 1,000,000 units a line");
            }
            List<String> notes = new ArrayList<>();
            if (b2b != null && !cases && sku.casePack() > 1 && units % sku.casePack() != 0) {
              if (sku.allowsLooseUnits()) {
                notes.add("not whole cases of " + sku.casePack() + " (loose units allowed)");
              } else {
                throw new ToolError(
                    "line "
                        + (i + 1)
                        + ": "
                        + l.sku()
                        + " ships in cases of "
                        + sku.casePack()
                        + "; order a multiple, or unitOfMeasure CASE");
              }
            }
            int available = stock.allocatable(sku.code());
            long before = asked.getOrDefault(sku.code(), 0L);
            asked.put(sku.code(), before + units);
            int backordered = (int) Math.min(units, Math.max(0, before + units - available));
            if (backordered > 0) {
              notes.add(backordered + " would be backordered");
            }
            BigDecimal amount = l.unitPrice().multiply(BigDecimal.valueOf(l.quantity()));
            total = total.add(amount);
            quoted.add(
                new QuotedLine(
                    i + 1,
                    sku.code(),
                    sku.name(),
                    (int) units,
                    io.orderloop.common.Currencies.atLeastScale(l.unitPrice(), currency)
                        .toPlainString(),
                    io.orderloop.common.Currencies.atLeastScale(amount, currency).toPlainString(),
                    available,
                    backordered,
                    notes));
          }
          UUID id = UUID.randomUUID();
          Instant now = clock.instant();
          Instant expires = now.plus(TTL);
          jdbc.sql(
                  """
            INSERT INTO agent_quotes (id, key_id, body, backordered, total, currency, created_at, expires_at)
            VALUES (?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?)""")
              .params(
                  id,
                  agent.id(),
                  json.writeValueAsString(body),
                  json.writeValueAsString(quoted.stream().map(QuotedLine::backordered).toList()),
                  total,
                  money.getCurrencyCode(),
                  Timestamp.from(now),
                  Timestamp.from(expires))
              .update();
          return new Quote(
              id.toString(),
              expires.toString(),
              body.type().name(),
              currency,
              io.orderloop.common.Currencies.atLeastScale(total, currency).toPlainString(),
              quoted.stream().anyMatch(q -> q.backordered() > 0),
              quoted);
        });
  }

  /**
   * The answer of place_order: {@code PLACED} with the order, or {@code PENDING_APPROVAL} with the
   * approval a person must give first (beyond the key's limits).
   */
  record Placed(
      String status,
      String orderId,
      String number,
      String state,
      Boolean created,
      String approvalId,
      String why) {
    static Placed placed(io.orderloop.orders.OrderView o, boolean created) {
      return new Placed(
          "PLACED", o.id().toString(), o.number(), o.state().name(), created, null, null);
    }

    static Placed pending(Approvals.Approval a) {
      return new Placed("PENDING_APPROVAL", null, null, null, null, a.id().toString(), a.why());
    }
  }

  @McpTool(
      name = "place_order",
      description =
          "Place a quoted order (quote_order's quoteId). Asking again with the same quoteId answers"
              + " the same order. Refused when the quote expired, or when stock changed so that"
              + " more would be backordered than quoted: quote again. Beyond the key's spending"
              + " limits the order is not placed but waits for a person: the answer is {status:"
              + " PENDING_APPROVAL, approvalId}; follow it with get_approval. Needs a key with"
              + " agent:write.")
  Placed placeOrder(
      McpTransportContext context,
      @McpToolParam(description = "the quoteId quote_order returned") String quoteId) {
    return Agents.guard(
        "place_order",
        () -> {
          ApiKeyPrincipal agent = Agents.agent(context);
          Agents.requireWrite(agent, "placing an order");
          UUID id;
          try {
            id = UUID.fromString(quoteId == null ? "" : quoteId.strip());
          } catch (IllegalArgumentException e) {
            throw new ToolError("no quote '" + Texts.clip(quoteId) + "'");
          }
          // One placement of a quote at a time (its row locked for the transaction): a retry that
          // comes
          // while the first is placing waits, then finds the order the first made.
          return transactions.inTransaction(() -> place(agent, id));
        });
  }

  private Placed place(ApiKeyPrincipal agent, UUID id) {
    Placements.Quote quote =
        placements.lock(agent.id(), id).orElseThrow(() -> new ToolError("no quote '" + id + "'"));
    java.util.Optional<Approvals.Approval> held = approvals.forQuote(id);
    if (held.isPresent() && quote.orderId() == null) {
      Approvals.Approval a = held.get();
      if (a.status() == Approvals.Status.REFUSED) {
        throw new ToolError(
            "a person refused this order (approval "
                + a.id()
                + (a.decisionNote() == null ? "" : ": " + a.decisionNote())
                + ")");
      }
      return Placed.pending(a);
    }
    if (quote.expired(clock.instant())) {
      throw new ToolError("quote " + id + " expired at " + quote.expiresAt() + ": quote again");
    }
    if (quote.orderId() == null) {
      String why = placements.beyondLimits(quote, agent.limits());
      if (why != null) {
        java.util.Map<String, Object> request = new java.util.LinkedHashMap<>();
        request.put("quoteId", id.toString());
        request.put("customer", quote.body().customer());
        request.put("type", quote.body().type().name());
        request.put("total", quote.total().stripTrailingZeros().toPlainString());
        request.put("currency", quote.currency());
        request.put(
            "lines",
            quote.body().lines().stream()
                .map(
                    l ->
                        java.util.Map.of(
                            "sku",
                            l.sku(),
                            "quantity",
                            l.quantity(),
                            "unitOfMeasure",
                            l.unitOfMeasure() == null ? "EACH" : l.unitOfMeasure().name()))
                .toList());
        return Placed.pending(approvals.holdPlacement(agent.id(), agent.name(), id, request, why));
      }
    }
    OrderIntake.Intake made = placements.place(quote, agent.name(), "place_order");
    return Placed.placed(made.order(), made.created());
  }

  /** Forgets quotes never placed, a day after they expired. */
  @org.springframework.scheduling.annotation.Scheduled(fixedDelayString = "PT1H")
  void forgetExpiredQuotes() {
    // A quote whose placement waits for a person is kept until it is decided.
    jdbc.sql(
            "DELETE FROM agent_quotes q WHERE order_id IS NULL AND expires_at < ? AND NOT EXISTS"
                + " (SELECT 1 FROM agent_approvals a WHERE a.quote_id = q.id AND a.status = 'PENDING')")
        .param(Timestamp.from(clock.instant().minus(Duration.ofDays(1))))
        .update();
  }
}
