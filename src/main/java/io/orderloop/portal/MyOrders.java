package io.orderloop.portal;

import io.orderloop.common.ApiProblem;
import io.orderloop.fulfillment.Fulfillment;
import io.orderloop.fulfillment.ShipmentView;
import io.orderloop.orders.HistoryEntry;
import io.orderloop.orders.Invoice;
import io.orderloop.orders.OrderQueries;
import io.orderloop.orders.OrderState;
import io.orderloop.orders.OrderView;
import io.orderloop.orders.Orders;
import io.orderloop.returns.ReturnView;
import io.orderloop.returns.Returns;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * A signed-in customer's orders, shipments, invoices and returns, and what they may do: cancel an
 * order before it is released to fulfillment, ask to return delivered units. Every look-up is by
 * the customer's e-mail first: another customer's order, shipment, invoice or return is "not
 * found", exactly like one that does not exist. What a customer sees leaves out the warehouse's
 * business (locations, reservations, actors, internal reasons).
 */
@Service
public class MyOrders {

  static final int PAGE = 25;

  private final OrderQueries queries;
  private final Orders orders;
  private final Fulfillment fulfillment;
  private final Returns returns;

  MyOrders(OrderQueries queries, Orders orders, Fulfillment fulfillment, Returns returns) {
    this.queries = queries;
    this.orders = orders;
    this.fulfillment = fulfillment;
    this.returns = returns;
  }

  /** An order in a customer's list. */
  public record Summary(
      UUID id,
      String number,
      String state,
      String status,
      String total,
      String currency,
      Instant placedAt,
      int items) {
    static Summary of(OrderView o) {
      return new Summary(
          o.id(),
          o.number(),
          o.state().name(),
          MyOrders.status(o.state()),
          o.total().amount().toPlainString(),
          o.currency(),
          o.createdAt(),
          o.lines().stream().mapToInt(OrderView.Line::quantity).sum());
    }
  }

  public record Page(List<Summary> items, String nextCursor) {}

  public record Line(
      int lineNo,
      String sku,
      int quantity,
      String unitPrice,
      String amount,
      int shipped,
      int cancelled,
      int backordered,
      int returnable) {}

  public record Step(Instant at, String type, String status, String detail) {}

  public record Parcel(
      UUID id,
      String carrier,
      String trackingNumber,
      String state,
      Instant shippedAt,
      Instant deliveredAt,
      List<Units> lines) {}

  public record Units(String sku, int quantity) {}

  public record Bill(
      UUID id,
      String number,
      String total,
      String currency,
      String paymentTerms,
      LocalDate issuedOn,
      LocalDate dueOn,
      List<Invoice.Line> lines) {}

  public record Returned(
      UUID id,
      String number,
      String orderNumber,
      String state,
      String reason,
      String refundAmount,
      String currency,
      Instant requestedAt,
      List<Units> lines) {}

  /** One of my orders in full, with what I may do now. */
  public record Detail(
      UUID id,
      String number,
      String state,
      String status,
      Instant placedAt,
      String currency,
      String total,
      Map<String, Object> shipTo,
      String buyerPo,
      List<Line> lines,
      List<Step> timeline,
      List<Parcel> shipments,
      List<Bill> invoices,
      List<Returned> returns,
      boolean canCancel,
      boolean canReturn) {}

  /** My orders, newest first; {@code text} matches the number or my PO. */
  public Page list(String email, String text, String cursor, int limit) {
    OrderQueries.Page page =
        queries.list(
            new OrderQueries.ListQuery(
                    null, null, null, null, null, null, null, text, cursor, limit)
                .forCustomer(email));
    return new Page(page.items().stream().map(Summary::of).toList(), page.nextCursor());
  }

  /** My order by id or number; 404 for any other. */
  public OrderView mine(String email, String idOrNumber) {
    Optional<OrderView> found =
        idOrNumber == null || idOrNumber.isBlank() || idOrNumber.length() > 100
            ? Optional.empty()
            : queries.find(idOrNumber.strip());
    return found
        .filter(o -> owns(email, o))
        .orElseThrow(() -> ApiProblem.notFound("no order '" + clip(idOrNumber) + "'"));
  }

  public Detail detail(String email, String idOrNumber) {
    OrderView o = mine(email, idOrNumber);
    String id = o.id().toString();
    List<ReturnView> rs = returns.forOrder(id);
    java.util.Map<String, Integer> returning = new java.util.HashMap<>();
    rs.stream()
        .filter(r -> !"REJECTED".equals(r.state().name()))
        .flatMap(r -> r.lines().stream())
        .forEach(l -> returning.merge(l.sku(), l.quantity(), Integer::sum));
    boolean returnable = o.state().isReturnable();
    List<Line> lines =
        o.lines().stream()
            .map(
                l -> {
                  int left = 0;
                  if (returnable) {
                    int taken = Math.min(returning.getOrDefault(l.sku(), 0), l.delivered());
                    returning.merge(l.sku(), -taken, Integer::sum);
                    left = l.delivered() - taken;
                  }
                  return new Line(
                      l.lineNo(),
                      l.sku(),
                      l.quantity(),
                      l.unitPrice().toPlainString(),
                      l.amount().toPlainString(),
                      l.shipped(),
                      l.cancelled(),
                      l.backordered(),
                      left);
                })
            .toList();
    Map<String, Object> shipTo = null;
    if (o.shipTo() != null) {
      shipTo = new java.util.LinkedHashMap<>();
      shipTo.put("name", o.shipTo().name());
      shipTo.put("line1", o.shipTo().line1());
      shipTo.put("line2", o.shipTo().line2());
      shipTo.put("city", o.shipTo().city());
      shipTo.put("region", o.shipTo().region());
      shipTo.put("postalCode", o.shipTo().postalCode());
      shipTo.put("country", o.shipTo().country());
    }
    return new Detail(
        o.id(),
        o.number(),
        o.state().name(),
        status(o.state()),
        o.createdAt(),
        o.currency(),
        o.total().amount().toPlainString(),
        shipTo,
        o.b2b() == null ? null : o.b2b().buyerPo(),
        lines,
        timeline(queries.history(id)),
        fulfillment.shipments(id).stream().map(MyOrders::parcel).toList(),
        queries.invoices(id).stream().map(MyOrders::bill).toList(),
        rs.stream().map(MyOrders::returned).toList(),
        canCancel(o),
        lines.stream().anyMatch(l -> l.returnable() > 0));
  }

  /** Before the order is released to fulfillment, a customer may cancel it. */
  static boolean canCancel(OrderView o) {
    return o.state() == OrderState.RECEIVED || o.state() == OrderState.ALLOCATED;
  }

  /** Cancels my whole order, before fulfillment; 409 after. */
  public Detail cancel(String email, String idOrNumber, String reason) {
    OrderView o = mine(email, idOrNumber);
    if (!canCancel(o)) {
      throw ApiProblem.conflict(
              "state-conflict",
              "Too late to cancel here",
              "order "
                  + o.number()
                  + " is "
                  + status(o.state()).toLowerCase(java.util.Locale.ROOT)
                  + ": it can no longer be cancelled here; contact us, or ask for a return once it"
                  + " arrives")
          .with("currentState", o.state());
    }
    String via = io.orderloop.common.Actors.via();
    String why =
        "customer cancelled in the portal"
            + (reason == null || reason.isBlank() ? "" : ": " + reason.strip())
            + (via == null ? "" : " (" + via + ")");
    try {
      // At the version just read: an order released to fulfillment meanwhile is not cancelled here.
      orders.cancel(
          o.id().toString(),
          why,
          List.of(),
          io.orderloop.common.IfMatch.parse("\"" + o.version() + "\""));
    } catch (ApiProblem changed) {
      if (changed.status() != org.springframework.http.HttpStatus.PRECONDITION_FAILED) {
        throw changed;
      }
      throw ApiProblem.conflict(
          "state-conflict",
          "Changed meanwhile",
          "order "
              + o.number()
              + " changed while you were cancelling it: look at it again; once it is being"
              + " prepared it can no longer be cancelled here");
    }
    return detail(email, o.id().toString());
  }

  /** Asks to return delivered units of my order. */
  public Returned requestReturn(
      String email, String idOrNumber, List<Returns.RequestedLine> lines, String reason) {
    OrderView o = mine(email, idOrNumber);
    return returned(returns.create(o.id().toString(), lines, reason));
  }

  /** My returns, newest first. */
  public List<Returned> returns(String email) {
    return returns.ofCustomer(email, 100).stream().map(MyOrders::returned).toList();
  }

  public Returned returnOf(String email, String idOrNumber) {
    ReturnView r;
    try {
      r = returns.get(idOrNumber);
    } catch (ApiProblem notFound) {
      throw ApiProblem.notFound("no return '" + clip(idOrNumber) + "'");
    }
    mineOrNotFound(email, r.orderId(), "no return '" + clip(idOrNumber) + "'");
    return returned(r);
  }

  public Parcel shipment(String email, UUID id) {
    ShipmentView s;
    try {
      s = fulfillment.shipment(id);
    } catch (ApiProblem notFound) {
      throw ApiProblem.notFound("no shipment " + id);
    }
    mineOrNotFound(email, s.orderId(), "no shipment " + id);
    return parcel(s);
  }

  public Bill invoice(String email, UUID id) {
    Invoice i = queries.invoice(id).orElseThrow(() -> ApiProblem.notFound("no invoice " + id));
    mineOrNotFound(email, i.orderId(), "no invoice " + id);
    return bill(i);
  }

  private void mineOrNotFound(String email, UUID orderId, String notFound) {
    if (queries.find(orderId.toString()).filter(o -> owns(email, o)).isEmpty()) {
      throw ApiProblem.notFound(notFound);
    }
  }

  static boolean owns(String email, OrderView o) {
    return email != null
        && o.customer() != null
        && o.customer().email() != null
        && o.customer().email().equalsIgnoreCase(email);
  }

  /** What the state means to a customer. */
  static String status(OrderState state) {
    return switch (state) {
      case RECEIVED -> "Received";
      case ALLOCATED -> "Confirmed";
      case FULFILLMENT_QUEUED -> "Being prepared";
      case PARTIALLY_SHIPPED -> "Partly shipped";
      case SHIPPED -> "Shipped";
      case DELIVERED -> "Delivered";
      case CLOSED -> "Completed";
      case CANCELLED -> "Cancelled";
    };
  }

  /** The steps a customer follows: state changes, shipments, deliveries, returns. */
  static List<Step> timeline(List<HistoryEntry> history) {
    return history.stream()
        .map(
            h -> {
              String detail =
                  switch (h.type()) {
                    case "order.shipment_recorded" ->
                        "Shipped with "
                            + h.details().get("carrier")
                            + ", tracking "
                            + h.details().get("trackingNumber");
                    case "shipment.delivered" -> "A parcel was delivered";
                    case "order.lines_cancelled" -> "Some items were cancelled";
                    case "invoice.issued" -> "Invoice " + h.details().get("number") + " issued";
                    default ->
                        h.type().startsWith("return.")
                            ? "Return " + h.details().get("number") + ": " + h.type().substring(7)
                            : null;
                  };
              if (detail == null && h.toState() == null) {
                return null;
              }
              return new Step(
                  h.at(), h.type(), h.toState() == null ? null : status(h.toState()), detail);
            })
        .filter(java.util.Objects::nonNull)
        .toList();
  }

  private static Parcel parcel(ShipmentView s) {
    return new Parcel(
        s.id(),
        s.carrier(),
        s.trackingNumber(),
        s.state(),
        s.shippedAt(),
        s.deliveredAt(),
        s.lines().stream().map(l -> new Units(l.sku(), l.quantity())).toList());
  }

  private static Bill bill(Invoice i) {
    return new Bill(
        i.id(),
        i.number(),
        i.total().toPlainString(),
        i.currency(),
        i.paymentTerms(),
        i.issuedOn(),
        i.dueOn(),
        i.lines());
  }

  private static Returned returned(ReturnView r) {
    BigDecimal refund = r.refundAmount();
    return new Returned(
        r.id(),
        r.number(),
        r.orderNumber(),
        r.state().name(),
        r.reason(),
        refund == null ? null : refund.toPlainString(),
        r.currency(),
        r.createdAt(),
        r.lines().stream().map(l -> new Units(l.sku(), l.quantity())).toList());
  }

  static String clip(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= 80 ? s : s.substring(0, 80) + "…";
  }
}
