package io.orderloop.returns;

import io.orderloop.common.Actors;
import io.orderloop.common.ApiProblem;
import io.orderloop.common.Transactions;
import io.orderloop.inventory.Catalogue;
import io.orderloop.inventory.StockLedger;
import io.orderloop.orders.OrderEvent;
import io.orderloop.orders.OrderQueries;
import io.orderloop.orders.OrderView;
import io.orderloop.orders.Orders;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The returns module's API. A return is created against a DELIVERED or CLOSED order for at most the
 * units shipped minus those already being returned (returns of one order are created one at a time,
 * so two cannot over-return). Moves follow {@link ReturnState}; RECEIVED needs a disposition for
 * every line (RESTOCK to a location and lot, with a RETURN movement that can fill backorders, or
 * SCRAP); REFUNDED records the amount, at most the returned value.
 *
 * <p>Rejects: 404 unknown order or return; 409 an order not delivered yet or a move the table does
 * not allow; 422 quantities, SKUs, dispositions or amounts that break the rules. History: the
 * return's own events, and {@code return.*} milestones on the order.
 */
@Service
public class Returns {

  private final JdbcClient jdbc;
  private final OrderQueries queries;
  private final Orders orders;
  private final Catalogue catalogue;
  private final StockLedger inventory;
  private final Transactions transactions;
  private final Clock clock;
  private final ReturnRecords records;
  private final String prefix;
  private final io.orderloop.fulfillment.Fulfillment fulfillment;

  Returns(
      JdbcClient jdbc,
      OrderQueries queries,
      Orders orders,
      Catalogue catalogue,
      StockLedger inventory,
      Transactions transactions,
      Clock clock,
      ReturnRecords records,
      io.orderloop.orders.OrderProperties orderProperties,
      io.orderloop.fulfillment.Fulfillment fulfillment) {
    this.jdbc = jdbc;
    this.queries = queries;
    this.orders = orders;
    this.catalogue = catalogue;
    this.inventory = inventory;
    this.transactions = transactions;
    this.clock = clock;
    this.records = records;
    this.prefix = orderProperties.numberPrefix();
    this.fulfillment = fulfillment;
  }

  /** Units of one SKU to return. */
  public record RequestedLine(String sku, int quantity) {}

  public ReturnView create(String orderIdOrNumber, List<RequestedLine> lines, String reason) {
    return transactions.inTransaction(
        () -> {
          OrderView order = queries.get(orderIdOrNumber);
          // Returns of one order are created one at a time, so two cannot over-return its units;
          // a delivered order's shipped units no longer change.
          jdbc.sql(
                  "SELECT 1 FROM pg_advisory_xact_lock(hashtext('orderloop.returns'), hashtext(?))")
              .param(order.id().toString())
              .query(Integer.class)
              .single();
          if (!order.state().isReturnable()) {
            throw ApiProblem.conflict(
                    "state-conflict",
                    "Order not delivered",
                    "only DELIVERED or CLOSED orders can be returned; order "
                        + order.number()
                        + " is "
                        + order.state())
                .with("currentState", order.state())
                .with("allowedTransitions", order.allowedTransitions());
          }
          Map<String, Integer> returning = records.alreadyReturning(order.id());
          UUID id = UUID.randomUUID();
          Instant now = clock.instant();
          Map<String, Integer> requested = new LinkedHashMap<>();
          for (int i = 0; i < lines.size(); i++) {
            RequestedLine l = lines.get(i);
            String field = "lines[" + i + "]";
            int shipped =
                order.lines().stream()
                    .filter(x -> x.sku().equals(l.sku()))
                    .mapToInt(OrderView.Line::shipped)
                    .sum();
            if (order.lines().stream().noneMatch(x -> x.sku().equals(l.sku()))) {
              throw ApiProblem.unprocessable(
                  field + ".sku",
                  "order " + order.number() + " has no line for SKU '" + l.sku() + "'");
            }
            int open =
                shipped - returning.getOrDefault(l.sku(), 0) - requested.getOrDefault(l.sku(), 0);
            if (l.quantity() > open) {
              throw ApiProblem.unprocessable(
                  field + ".quantity",
                  "only "
                      + Math.max(open, 0)
                      + " shipped unit(s) of SKU '"
                      + l.sku()
                      + "' can still be returned, not "
                      + l.quantity());
            }
            requested.merge(l.sku(), l.quantity(), Integer::sum);
          }
          String number =
              jdbc.sql(
                      """
                      INSERT INTO returns (id, number, order_id, state, reason, currency, created_at, updated_at,
                                           created_by)
                      VALUES (:id, orderloop_number(:prefix, 'RMA', :year, nextval('return_number_seq')),
                              :order, 'REQUESTED', :reason, :currency, :now, :now, :actor)
                      RETURNING number""")
                  .param("id", id)
                  .param("prefix", prefix)
                  .param("year", String.valueOf(now.atZone(ZoneOffset.UTC).getYear()))
                  .param("order", order.id())
                  .param("reason", reason)
                  .param("currency", order.currency())
                  .param("now", Timestamp.from(now))
                  .param("actor", Actors.current())
                  .query(String.class)
                  .single();
          int lineNo = 1;
          Map<String, Integer> drawn = new HashMap<>(returning);
          int digits =
              Math.max(
                  java.util.Currency.getInstance(order.currency()).getDefaultFractionDigits(), 0);
          for (RequestedLine l : lines) {
            BigDecimal amount =
                value(order, l.sku(), drawn.getOrDefault(l.sku(), 0), l.quantity(), digits);
            drawn.merge(l.sku(), l.quantity(), Integer::sum);
            BigDecimal unitPrice =
                amount.divide(
                    BigDecimal.valueOf(l.quantity()), 4, java.math.RoundingMode.HALF_EVEN);
            jdbc.sql(
                    """
                    INSERT INTO return_lines (return_id, line_no, sku, quantity, unit_price, amount)
                    VALUES (?, ?, ?, ?, ?, ?)""")
                .params(id, lineNo++, l.sku(), l.quantity(), unitPrice, amount)
                .update();
          }
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("returnId", id.toString());
          details.put("number", number);
          details.put(
              "lines",
              lines.stream().map(l -> Map.of("sku", l.sku(), "quantity", l.quantity())).toList());
          records.appendEvent(
              id, ReturnState.REQUESTED.eventType(), null, ReturnState.REQUESTED, details);
          orders.recordReturn(
              order.id(),
              new OrderEvent.ReturnProgressed(
                  OrderEvent.ReturnStage.REQUESTED,
                  id.toString(),
                  number,
                  lines.stream()
                      .map(
                          l ->
                              new OrderEvent.ReturnedUnits(l.sku(), l.quantity(), null, null, null))
                      .toList(),
                  null,
                  null),
              reason);
          return records.get(id.toString());
        });
  }

  /**
   * What {@code quantity} returned units of a SKU were paid, drawing them from the order's lines of
   * that SKU in line order after the {@code skip} units already being returned, at each line's
   * amount per unit.
   */
  private static BigDecimal value(OrderView order, String sku, int skip, int quantity, int digits) {
    BigDecimal total = BigDecimal.ZERO;
    int toSkip = skip;
    int left = quantity;
    for (OrderView.Line line : order.lines()) {
      if (!line.sku().equals(sku) || left == 0) {
        continue;
      }
      int available = line.shipped();
      int skipped = Math.min(toSkip, available);
      toSkip -= skipped;
      int take = Math.min(left, available - skipped);
      if (take > 0) {
        total =
            total.add(
                line.amount()
                    .multiply(BigDecimal.valueOf(take))
                    .divide(
                        BigDecimal.valueOf(line.quantity()), 8, java.math.RoundingMode.HALF_EVEN));
        left -= take;
      }
    }
    return total.setScale(digits, java.math.RoundingMode.HALF_EVEN);
  }

  /** How one returned SKU is dispositioned when the return is received. */
  public record Disposition(String sku, String disposition, String location, String lot) {}

  /**
   * Moves a return. RECEIVED needs {@code dispositions} covering every line; REFUNDED needs {@code
   * refundAmount}.
   */
  public ReturnView transition(
      String idOrNumber,
      ReturnState to,
      String reason,
      List<Disposition> dispositions,
      BigDecimal refundAmount) {
    return transactions.inTransaction(
        () -> {
          ReturnRecords.ReturnRow row = records.lockReturn(idOrNumber);
          ReturnState from = ReturnState.valueOf(row.state());
          if (!from.canTransitionTo(to)) {
            throw ApiProblem.conflict(
                    "state-conflict",
                    "Not allowed in the return's current state",
                    "cannot move return "
                        + row.number()
                        + " from "
                        + from
                        + " to "
                        + to
                        + " (allowed next: "
                        + (from.allowedTransitions().isEmpty() ? "none" : from.allowedTransitions())
                        + ")")
                .with("currentState", from)
                .with("allowedTransitions", from.allowedTransitions());
          }
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("returnId", row.id().toString());
          details.put("number", row.number());
          if (to == ReturnState.RECEIVED && !Actors.has("SCOPE_inventory:write")) {
            throw new ApiProblem(
                org.springframework.http.HttpStatus.FORBIDDEN,
                "forbidden",
                "Forbidden",
                "receiving a return puts units back in stock: it needs the inventory:write scope");
          }
          List<OrderEvent.ReturnedUnits> received = null;
          String refunded = null;
          if (to == ReturnState.RECEIVED) {
            received =
                receive(
                    row,
                    dispositions == null || dispositions.isEmpty()
                        ? restockWhereShipped(row)
                        : dispositions);
            details.put("lines", received);
          } else if (to == ReturnState.REFUNDED) {
            refunded = refund(row, refundAmount).toPlainString();
            details.put("refundAmount", refunded);
            details.put("currency", row.currency());
          }
          jdbc.sql(
                  "UPDATE returns SET state = ?, updated_at = ?, version = version + 1 WHERE id = ?")
              .params(to.name(), Timestamp.from(clock.instant()), row.id())
              .update();
          records.appendEvent(row.id(), to.eventType(), from, to, details);
          orders.recordReturn(
              row.orderId(),
              new OrderEvent.ReturnProgressed(
                  OrderEvent.ReturnStage.valueOf(to.name()),
                  row.id().toString(),
                  row.number(),
                  received,
                  refunded,
                  refunded == null ? null : row.currency()),
              reason);
          return records.get(row.id().toString());
        });
  }

  /**
   * The default when a return is received without dispositions: every line goes back to stock at
   * the location and lot its SKU shipped from (the most recent shipment of it).
   */
  private List<Disposition> restockWhereShipped(ReturnRecords.ReturnRow row) {
    return records.lines(row.id()).stream()
        .map(
            l -> {
              var place =
                  fulfillment
                      .lastShippedFrom(row.orderId(), l.sku())
                      .orElseThrow(
                          () ->
                              ApiProblem.unprocessable(
                                  "lines",
                                  "SKU '"
                                      + l.sku()
                                      + "' has no shipment to restock it to; give a disposition"));
              return new Disposition(l.sku(), "RESTOCK", place.location(), place.lot());
            })
        .toList();
  }

  private List<OrderEvent.ReturnedUnits> receive(
      ReturnRecords.ReturnRow row, List<Disposition> dispositions) {
    List<ReturnRecords.LineRow> lines = records.lines(row.id());
    Map<String, Disposition> bySku = new HashMap<>();
    for (int i = 0; i < dispositions.size(); i++) {
      Disposition d = dispositions.get(i);
      String field = "lines[" + i + "]";
      if (d.disposition() == null
          || !(d.disposition().equals("RESTOCK") || d.disposition().equals("SCRAP"))) {
        throw ApiProblem.unprocessable(field + ".disposition", "give RESTOCK or SCRAP");
      }
      if (d.disposition().equals("RESTOCK") && (d.location() == null || d.location().isBlank())) {
        throw ApiProblem.unprocessable(
            field + ".location", "a restocked line needs the location it goes back to");
      }
      bySku.put(d.sku(), d);
    }
    List<OrderEvent.ReturnedUnits> done = new ArrayList<>();
    for (ReturnRecords.LineRow l : lines) {
      Disposition d = bySku.get(l.sku());
      if (d == null) {
        throw ApiProblem.unprocessable(
            "lines", "give a disposition (RESTOCK or SCRAP) for SKU '" + l.sku() + "'");
      }
      if (d.disposition().equals("RESTOCK")) {
        boolean lotControlled =
            catalogue.sku(l.sku()).map(io.orderloop.inventory.SkuInfo::lotControlled).orElse(false);
        java.util.Set<String> shippedLots = fulfillment.shippedLots(row.orderId(), l.sku());
        if (lotControlled
            && !shippedLots.isEmpty()
            && !shippedLots.contains(blankToNull(d.lot()))) {
          throw ApiProblem.unprocessable(
              "lines",
              "SKU '"
                  + l.sku()
                  + "' shipped from lot(s) "
                  + new java.util.TreeSet<>(shippedLots)
                  + "; restock it to one of those, or scrap it");
        }
        inventory.restock(
            l.sku(), d.location(), blankToNull(d.lot()), l.quantity(), "return " + row.number());
      }
      jdbc.sql(
              "UPDATE return_lines SET disposition = ?, location = ?, lot = ? WHERE return_id = ? AND line_no = ?")
          .params(d.disposition(), d.location(), blankToNull(d.lot()), row.id(), l.lineNo())
          .update();
      done.add(
          new OrderEvent.ReturnedUnits(
              l.sku(), l.quantity(), d.disposition(), d.location(), blankToNull(d.lot())));
    }
    return done;
  }

  private BigDecimal refund(ReturnRecords.ReturnRow row, BigDecimal amount) {
    if (amount == null || amount.signum() < 0) {
      throw ApiProblem.unprocessable("refundAmount", "give the refunded amount (0 or more)");
    }
    if (!io.orderloop.common.Currencies.fitsScale(
        amount, java.util.Currency.getInstance(row.currency()))) {
      throw ApiProblem.unprocessable(
          "refundAmount",
          amount.toPlainString() + " has more decimal places than " + row.currency() + " allows");
    }
    BigDecimal value =
        records.lines(row.id()).stream()
            .map(ReturnRecords.LineRow::amount)
            .reduce(BigDecimal.ZERO, BigDecimal::add);
    if (amount.compareTo(value) > 0) {
      throw ApiProblem.unprocessable(
          "refundAmount",
          amount.toPlainString()
              + " is more than the returned units are worth ("
              + value.stripTrailingZeros().toPlainString()
              + " "
              + row.currency()
              + ")");
    }
    jdbc.sql("UPDATE returns SET refund_amount = ? WHERE id = ?").params(amount, row.id()).update();
    return amount;
  }

  public ReturnView get(String idOrNumber) {
    return records.get(idOrNumber);
  }

  /** One customer's returns, by their orders' e-mail, newest first. */
  public List<ReturnView> ofCustomer(String email, int limit) {
    return records.ofCustomer(email, limit);
  }

  public List<ReturnView> forOrder(String orderIdOrNumber) {
    return records.forOrder(orderIdOrNumber);
  }

  public List<ReturnEvent> history(String idOrNumber) {
    return records.history(idOrNumber);
  }

  /** One entry of a return's history. */
  public record ReturnEvent(
      int sequence,
      String type,
      ReturnState fromState,
      ReturnState toState,
      Instant at,
      String actor,
      Map<String, Object> details) {}

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
