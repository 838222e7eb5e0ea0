package io.orderloop.console;

import io.orderloop.orders.Channel;
import io.orderloop.orders.OrderQueries;
import io.orderloop.orders.OrderState;
import io.orderloop.orders.OrderType;
import io.orderloop.orders.OrderView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The board: a column per state with its exact count (the kept counts, never a count over orders)
 * and its newest cards, the closed states collapsed to their counts, and lanes of held and at-risk
 * orders; filtered by channel, type and text.
 */
@Component
class Board {

  /** Cards shown per column or lane. */
  static final int CARDS = 25;

  /** States shown as columns, in the loop's order; the others are collapsed. */
  static final List<OrderState> OPEN =
      List.of(
          OrderState.RECEIVED,
          OrderState.ALLOCATED,
          OrderState.FULFILLMENT_QUEUED,
          OrderState.PARTIALLY_SHIPPED,
          OrderState.SHIPPED,
          OrderState.DELIVERED);

  /** A card: what an operator scans for. */
  record Card(
      String id,
      String number,
      String badge,
      String total,
      String age,
      boolean atRisk,
      String hold,
      String customer) {}

  /**
   * A column or lane: its title, its count (null for lanes: "more" is shown instead), its cards.
   */
  record Column(
      String state, String label, Long count, List<Card> cards, boolean more, boolean collapsed) {}

  /** The filters as chosen, echoed into the form. */
  record Filters(Channel channel, OrderType type, String location, String text) {
    /**
     * The counts follow channel and type (the kept counts); location and text narrow cards only.
     */
    public boolean counted() {
      return channel != null || type != null;
    }

    public boolean narrowed() {
      return location != null || (text != null && !text.isBlank());
    }

    public boolean any() {
      return channel != null
          || type != null
          || location != null
          || (text != null && !text.isBlank());
    }
  }

  record View(List<Column> lanes, List<Column> columns, long total, Filters filters) {}

  private final OrderQueries orders;

  Board(OrderQueries orders) {
    this.orders = orders;
  }

  View view(Filters f, Instant now) {
    Map<OrderState, Long> counts = orders.stateCounts(f.channel(), f.type());
    String text = f.text() == null || f.text().isBlank() ? null : f.text().strip();
    List<Column> lanes = new ArrayList<>();
    lanes.add(lane("HELD", "Held", page(null, null, true, f, text), now));
    lanes.add(lane("AT_RISK", "At risk", page(null, true, null, f, text), now));
    List<Column> columns = new ArrayList<>();
    for (OrderState s : OPEN) {
      OrderQueries.Page page = page(s, null, null, f, text);
      columns.add(
          new Column(
              s.name(),
              label(s),
              counts.getOrDefault(s, 0L),
              cards(page, now),
              page.nextCursor() != null,
              false));
    }
    for (OrderState s : OrderState.values()) {
      if (!OPEN.contains(s)) {
        columns.add(
            new Column(s.name(), label(s), counts.getOrDefault(s, 0L), List.of(), false, true));
      }
    }
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    return new View(lanes, columns, total, f);
  }

  private OrderQueries.Page page(
      OrderState state, Boolean atRisk, Boolean onHold, Filters f, String text) {
    return orders.list(
        new OrderQueries.ListQuery(
            atRisk,
            onHold,
            state,
            f.channel(),
            f.type(),
            null,
            null,
            text,
            null,
            CARDS,
            f.location()));
  }

  private static Column lane(String key, String label, OrderQueries.Page page, Instant now) {
    return new Column(key, label, null, cards(page, now), page.nextCursor() != null, false);
  }

  private static List<Card> cards(OrderQueries.Page page, Instant now) {
    return page.items().stream().map(o -> card(o, now)).toList();
  }

  static Card card(OrderView o, Instant now) {
    String badge =
        o.channel().name().charAt(0)
            + o.channel().name().substring(1).toLowerCase(Locale.ROOT)
            + (o.type() == OrderType.B2B ? " · B2B" : "");
    return new Card(
        o.id().toString(),
        o.number(),
        badge,
        Format.money(o.total().amount(), o.total().currency()),
        age(Duration.between(o.createdAt(), now)),
        o.atRisk(),
        o.hold() == null ? null : o.hold().kind().name().replace('_', ' ').toLowerCase(Locale.ROOT),
        o.customer() == null ? null : o.customer().name());
  }

  static String age(Duration d) {
    if (d.isNegative() || d.toMinutes() < 1) {
      return "now";
    }
    if (d.toHours() < 1) {
      return d.toMinutes() + " min";
    }
    if (d.toDays() < 2) {
      return d.toHours() + " h";
    }
    return d.toDays() + " d";
  }

  static String label(OrderState s) {
    return switch (s) {
      case FULFILLMENT_QUEUED -> "In fulfillment";
      default -> {
        String words = s.name().replace('_', ' ').toLowerCase(Locale.ROOT);
        yield Character.toUpperCase(words.charAt(0)) + words.substring(1);
      }
    };
  }
}
