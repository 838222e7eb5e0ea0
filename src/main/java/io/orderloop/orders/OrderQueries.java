package io.orderloop.orders;

import io.orderloop.common.ApiProblem;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * Reading orders: one by id or number, the filtered list, history, invoices, and the orders in
 * fulfillment. Nothing here changes an order.
 *
 * <p>Rejects: 404 unknown order; 400 a cursor this service did not issue.
 */
@Service
public class OrderQueries {

  private final OrderRepository repository;
  private final OrderFinder finder;
  private final OrderHistory history;
  private final Invoices invoices;
  private final OrderStateCounts counts;

  OrderQueries(
      OrderRepository repository,
      OrderFinder finder,
      OrderHistory history,
      Invoices invoices,
      OrderStateCounts counts) {
    this.repository = repository;
    this.finder = finder;
    this.history = history;
    this.invoices = invoices;
    this.counts = counts;
  }

  /** Orders in each state, exact (from the kept counts, not a count over orders). */
  public java.util.Map<OrderState, Long> stateCounts(Channel channel, OrderType type) {
    return counts.counts(channel, type);
  }

  public Optional<OrderView> find(String idOrNumber) {
    return repository
        .resolve(idOrNumber)
        .flatMap(id -> repository.load(id, false))
        .map(OrderView::of);
  }

  public OrderView get(String idOrNumber) {
    return find(idOrNumber).orElseThrow(() -> OrderCommands.notFound(idOrNumber));
  }

  public List<HistoryEntry> history(String idOrNumber) {
    return history.of(id(idOrNumber));
  }

  public List<Invoice> invoices(String idOrNumber) {
    return invoices.ofOrder(id(idOrNumber));
  }

  /** An invoice by its id. */
  public Optional<Invoice> invoice(UUID id) {
    return invoices.byId(id);
  }

  private UUID id(String idOrNumber) {
    return repository.resolve(idOrNumber).orElseThrow(() -> OrderCommands.notFound(idOrNumber));
  }

  /**
   * Filters of the order list; null fields do not filter. {@code text} matches number, customer and
   * buyer PO; {@code location} keeps orders with units reserved at that location; {@code
   * customerEmail} keeps one customer's orders.
   */
  public record ListQuery(
      Boolean atRisk,
      Boolean onHold,
      OrderState state,
      Channel channel,
      OrderType type,
      Instant createdFrom,
      Instant createdTo,
      String text,
      String cursor,
      int limit,
      String location,
      String customerEmail) {

    public ListQuery(
        Boolean atRisk,
        Boolean onHold,
        OrderState state,
        Channel channel,
        OrderType type,
        Instant createdFrom,
        Instant createdTo,
        String text,
        String cursor,
        int limit,
        String location) {
      this(
          atRisk,
          onHold,
          state,
          channel,
          type,
          createdFrom,
          createdTo,
          text,
          cursor,
          limit,
          location,
          null);
    }

    /** The same filters, kept to one customer's orders (by e-mail, any case). */
    public ListQuery forCustomer(String email) {
      return new ListQuery(
          atRisk,
          onHold,
          state,
          channel,
          type,
          createdFrom,
          createdTo,
          text,
          cursor,
          limit,
          location,
          email);
    }

    public ListQuery(
        Boolean atRisk,
        Boolean onHold,
        OrderState state,
        Channel channel,
        OrderType type,
        Instant createdFrom,
        Instant createdTo,
        String text,
        String cursor,
        int limit) {
      this(atRisk, onHold, state, channel, type, createdFrom, createdTo, text, cursor, limit, null);
    }
  }

  /** One page of orders and the cursor of the next page ({@code null} on the last). */
  public record Page(List<OrderView> items, String nextCursor) {}

  /** One page of orders, newest first. */
  public Page list(ListQuery q) {
    OrderFinder.Cursor after = cursor(q.cursor(), "; start again without it");
    String text = q.text() == null || q.text().isBlank() ? null : q.text().strip();
    List<Order> rows = finder.page(q, text, after, q.limit() + 1);
    String next = null;
    if (rows.size() > q.limit()) {
      rows = rows.subList(0, q.limit());
      next = new OrderFinder.Cursor(rows.getLast().createdAt, rows.getLast().id).encode();
    }
    return new Page(rows.stream().map(OrderView::of).toList(), next);
  }

  /** Orders in FULFILLMENT_QUEUED or PARTIALLY_SHIPPED and not on hold, most urgent first. */
  public Page inFulfillment(String cursor, int limit) {
    List<Order> rows = finder.inFulfillment(cursor(cursor, ""), limit + 1);
    String next = null;
    if (rows.size() > limit) {
      rows = rows.subList(0, limit);
      next = new OrderFinder.Cursor(OrderFinder.due(rows.getLast()), rows.getLast().id).encode();
    }
    return new Page(rows.stream().map(OrderView::of).toList(), next);
  }

  private static OrderFinder.Cursor cursor(String cursor, String hint) {
    if (cursor == null || cursor.isBlank()) {
      return null;
    }
    OrderFinder.Cursor c = OrderFinder.Cursor.decode(cursor);
    if (c == null) {
      throw ApiProblem.badRequest("cursor: not a cursor this service issued" + hint);
    }
    return c;
  }
}
