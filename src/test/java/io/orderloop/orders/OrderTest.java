package io.orderloop.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderloop.common.ApiProblem;
import io.orderloop.inventory.reservations.Demand;
import io.orderloop.inventory.reservations.LineReservation;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Unit: the rules of the {@link Order} aggregate, without Spring or a database. Stock is an
 * in-memory {@link Stock} holding units per SKU, location and lot.
 */
class OrderTest {

  private static final Instant T0 = Instant.parse("2027-03-01T10:00:00Z");

  /** Units on hand per SKU, location and lot, and reservations per order line. */
  static final class MemoryStock implements Stock {
    record Place(String sku, String location, String lot) {}

    record Held(int lineNo, Place place, int quantity) {}

    final Map<Place, Integer> available = new LinkedHashMap<>();
    final List<Held> held = new ArrayList<>();
    final Map<Place, Integer> shipped = new HashMap<>();

    MemoryStock put(String sku, String location, String lot, int units) {
      available.merge(new Place(sku, location, lot), units, Integer::sum);
      return this;
    }

    int available(String sku) {
      return available.entrySet().stream()
          .filter(e -> e.getKey().sku().equals(sku))
          .mapToInt(Map.Entry::getValue)
          .sum();
    }

    int reserved(int lineNo) {
      return held.stream().filter(h -> h.lineNo() == lineNo).mapToInt(Held::quantity).sum();
    }

    @Override
    public List<LineReservation> reserve(UUID orderId, List<Demand> demands) {
      List<LineReservation> out = new ArrayList<>();
      for (Demand d : demands) {
        int left = d.quantity();
        List<LineReservation.Slice> slices = new ArrayList<>();
        for (Map.Entry<Place, Integer> e : available.entrySet()) {
          Place p = e.getKey();
          if (left == 0
              || !p.sku().equals(d.sku())
              || (d.lot() != null && !d.lot().equals(p.lot()))) {
            continue;
          }
          int take = Math.min(left, e.getValue());
          if (take > 0) {
            e.setValue(e.getValue() - take);
            held.add(new Held(d.lineNo(), p, take));
            slices.add(new LineReservation.Slice(p.lot(), p.location(), take));
            left -= take;
          }
        }
        out.add(new LineReservation(d.lineNo(), d.sku(), d.quantity() - left, d.lot(), slices));
      }
      return out;
    }

    private int releaseMatching(
        int lineNo, int quantity, java.util.function.Predicate<Place> which) {
      int left = quantity;
      for (int i = held.size() - 1; i >= 0 && left > 0; i--) {
        Held h = held.get(i);
        if (h.lineNo() != lineNo || !which.test(h.place())) {
          continue;
        }
        int take = Math.min(left, h.quantity());
        available.merge(h.place(), take, Integer::sum);
        held.remove(i);
        if (h.quantity() > take) {
          held.add(i, new Held(lineNo, h.place(), h.quantity() - take));
        }
        left -= take;
      }
      return quantity - left;
    }

    @Override
    public int release(UUID orderId, int lineNo, int quantity, String reason) {
      return releaseMatching(lineNo, quantity, p -> true);
    }

    @Override
    public Map<Integer, Integer> releaseAll(UUID orderId, String reason) {
      Map<Integer, Integer> released = new LinkedHashMap<>();
      for (Held h : List.copyOf(held)) {
        available.merge(h.place(), h.quantity(), Integer::sum);
        released.merge(h.lineNo(), h.quantity(), Integer::sum);
      }
      held.clear();
      return released;
    }

    @Override
    public int releaseElsewhere(
        UUID orderId,
        int lineNo,
        int quantity,
        String keepLot,
        String keepLocation,
        String reason) {
      return releaseMatching(
          lineNo,
          quantity,
          p ->
              !(Objects.equals(p.lot(), keepLot)
                  && (keepLocation == null || keepLocation.equals(p.location()))));
    }

    @Override
    public void reserveAt(
        UUID orderId,
        int lineNo,
        String sku,
        String location,
        String lot,
        int quantity,
        boolean pinned) {
      Place p = new Place(sku, location, lot);
      if (available.getOrDefault(p, 0) < quantity) {
        throw ApiProblem.conflict("insufficient-stock", "Not enough stock there", "too few");
      }
      available.merge(p, -quantity, Integer::sum);
      held.add(new Held(lineNo, p, quantity));
    }

    @Override
    public void markPinned(UUID orderId, int lineNo, boolean pinned) {}

    @Override
    public List<LineReservation.Slice> consume(
        UUID orderId, int lineNo, int quantity, String lot, String reason) {
      List<LineReservation.Slice> out = new ArrayList<>();
      int left = quantity;
      for (Held h : List.copyOf(held)) {
        if (left == 0 || h.lineNo() != lineNo || (lot != null && !lot.equals(h.place().lot()))) {
          continue;
        }
        int take = Math.min(left, h.quantity());
        held.remove(h);
        if (h.quantity() > take) {
          held.add(new Held(lineNo, h.place(), h.quantity() - take));
        }
        shipped.merge(h.place(), take, Integer::sum);
        out.add(new LineReservation.Slice(h.place().lot(), h.place().location(), take));
        left -= take;
      }
      return out;
    }
  }

  private final MemoryStock stock = new MemoryStock();

  private static OrderLine line(int lineNo, String sku, int quantity) {
    return OrderLine.ordered(
        lineNo, sku, quantity, UnitOfMeasure.EACH, 1, null, new BigDecimal("10.00"), null);
  }

  private Order order(FulfillmentPolicy policy, OrderLine... lines) {
    Order o =
        Order.receive(
            Channel.API,
            null,
            OrderType.DTC,
            policy,
            new CreateOrder.Customer("Ada", "ada@example.com"),
            new Address(null, null, "1 Loop Rd", null, "Springfield", null, null, "US", null),
            null,
            "USD",
            null,
            List.of(lines),
            "tester",
            T0);
    o.number = "OL-ORD-2027-0001";
    return o;
  }

  private Order accepted(FulfillmentPolicy policy, OrderLine... lines) {
    Order o = order(policy, lines);
    o.accept(stock, null);
    return o;
  }

  private static List<String> types(Order o) {
    return o.recorded().stream().map(r -> r.event().eventType()).toList();
  }

  /** Ends a command as the repository would, and starts the next one. */
  private static Order next(Order o, Duration closeGrace) {
    o.saved();
    return o.begin("tester", T0.plusSeconds(60), closeGrace);
  }

  @Nested
  class Intake {

    @Test
    void a_ship_complete_order_with_every_unit_reserved_is_allocated() {
      stock.put("A", "EAST", null, 10);
      Order o = accepted(FulfillmentPolicy.SHIP_COMPLETE, line(1, "A", 4));
      assertThat(o.state).isEqualTo(OrderState.ALLOCATED);
      assertThat(o.line(1).allocated).isEqualTo(4);
      assertThat(types(o))
          .containsExactly("order.received", "inventory.reserved", "order.allocated");
      assertThat(o.recorded().getLast().from()).isEqualTo(OrderState.RECEIVED);
    }

    @Test
    void a_ship_complete_order_short_of_stock_waits_in_received_holding_what_it_has() {
      stock.put("A", "EAST", null, 3);
      Order o = accepted(FulfillmentPolicy.SHIP_COMPLETE, line(1, "A", 5));
      assertThat(o.state).isEqualTo(OrderState.RECEIVED);
      assertThat(o.line(1).allocated).isEqualTo(3);
      assertThat(o.line(1).backordered).isEqualTo(2);
      assertThat(types(o))
          .containsExactly("order.received", "inventory.reserved", "order.backordered");
    }

    @Test
    void a_ship_partial_order_is_allocated_with_one_unit_reserved() {
      stock.put("A", "EAST", null, 1);
      Order o = accepted(FulfillmentPolicy.SHIP_PARTIAL, line(1, "A", 5));
      assertThat(o.state).isEqualTo(OrderState.ALLOCATED);
      assertThat(o.line(1).backordered).isEqualTo(4);
    }

    @Test
    void an_order_with_nothing_available_is_received_and_backordered() {
      Order o = accepted(FulfillmentPolicy.SHIP_PARTIAL, line(1, "A", 5));
      assertThat(o.state).isEqualTo(OrderState.RECEIVED);
      assertThat(types(o)).containsExactly("order.received", "order.backordered");
    }

    @Test
    void a_hold_at_intake_is_recorded_and_blocks_release_to_fulfillment() {
      stock.put("A", "EAST", null, 5);
      Order o = order(FulfillmentPolicy.SHIP_PARTIAL, line(1, "A", 5));
      o.accept(stock, " needs review ");
      assertThat(o.holds).extracting(Order.Hold::reason).containsExactly("needs review");
      assertThat(o.allowedTransitions()).containsExactly(OrderState.CANCELLED);
      Order held = next(o, Duration.ZERO);
      assertThatThrownBy(() -> held.requestTransition(stock, OrderState.FULFILLMENT_QUEUED, null))
          .isInstanceOf(ApiProblem.class)
          .hasMessageContaining("on hold (needs review)");
    }
  }

  @Nested
  class Transitions {

    @Test
    void a_move_the_table_does_not_allow_is_refused_and_changes_nothing() {
      stock.put("A", "EAST", null, 5);
      Order o = next(accepted(FulfillmentPolicy.SHIP_PARTIAL, line(1, "A", 5)), Duration.ZERO);
      assertThatThrownBy(() -> o.requestTransition(stock, OrderState.DELIVERED, null))
          .isInstanceOf(ApiProblem.class)
          .satisfies(
              e -> {
                ApiProblem p = (ApiProblem) e;
                assertThat(p.status().value()).isEqualTo(409);
                assertThat(p.properties().get("allowedTransitions"))
                    .isEqualTo(
                        java.util.Set.of(OrderState.FULFILLMENT_QUEUED, OrderState.CANCELLED));
              });
      assertThat(o.state).isEqualTo(OrderState.ALLOCATED);
      assertThat(o.recorded()).isEmpty();
    }

    @Test
    void releasing_to_fulfillment_needs_the_policy_met() {
      stock.put("A", "EAST", null, 2);
      Order o =
          next(
              accepted(FulfillmentPolicy.SHIP_COMPLETE, line(1, "A", 2), line(2, "B", 1)),
              Duration.ZERO);
      assertThat(o.state).isEqualTo(OrderState.RECEIVED);
      assertThatThrownBy(() -> o.requestTransition(stock, OrderState.ALLOCATED, null))
          .hasMessageContaining("1 of B backordered");
      stock.put("B", "EAST", null, 1);
      o.requestTransition(stock, OrderState.ALLOCATED, "stock came");
      assertThat(o.state).isEqualTo(OrderState.ALLOCATED);
    }

    @Test
    void every_state_change_enters_through_the_table_with_its_event() {
      Order o = order(FulfillmentPolicy.SHIP_PARTIAL, line(1, "A", 1));
      assertThatThrownBy(
              () -> o.transitionTo(OrderState.SHIPPED, new OrderEvent.Shipped(null, null), null))
          .isInstanceOf(ApiProblem.class);
      assertThatThrownBy(
              () -> o.transitionTo(OrderState.CANCELLED, new OrderEvent.Shipped(null, null), null))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class Cancellation {

    @Test
    void cancelling_the_whole_order_releases_every_reservation() {
      stock.put("A", "EAST", null, 5);
      Order o = next(accepted(FulfillmentPolicy.SHIP_PARTIAL, line(1, "A", 8)), Duration.ZERO);
      o.cancel(stock, "customer asked", List.of());
      assertThat(o.state).isEqualTo(OrderState.CANCELLED);
      assertThat(o.line(1).cancelled).isEqualTo(8);
      assertThat(stock.available("A")).isEqualTo(5);
      assertThat(types(o)).containsExactly("inventory.released", "order.cancelled");
      assertThat(((OrderEvent.Cancelled) o.recorded().getLast().event()).releasedUnits())
          .isEqualTo(5);
    }

    @Test
    void cancelling_units_takes_backordered_units_before_reserved_ones() {
      stock.put("A", "EAST", null, 5);
      Order o = next(accepted(FulfillmentPolicy.SHIP_PARTIAL, line(1, "A", 8)), Duration.ZERO);
      o.cancel(stock, null, List.of(new Order.CancelLine("A", 4)));
      assertThat(o.line(1).backordered).isZero();
      assertThat(o.line(1).allocated).isEqualTo(4);
      assertThat(o.line(1).cancelled).isEqualTo(4);
      assertThat(stock.available("A")).isEqualTo(1);
      assertThat(o.state).isEqualTo(OrderState.ALLOCATED);
    }

    @Test
    void cancelling_more_than_is_unshipped_is_refused() {
      stock.put("A", "EAST", null, 5);
      Order o = next(accepted(FulfillmentPolicy.SHIP_PARTIAL, line(1, "A", 5)), Duration.ZERO);
      assertThatThrownBy(() -> o.cancel(stock, null, List.of(new Order.CancelLine("A", 6))))
          .hasMessageContaining("only 5 unshipped unit(s)");
      assertThatThrownBy(() -> o.cancel(stock, null, List.of(new Order.CancelLine("Z", 1))))
          .hasMessageContaining("no line for SKU 'Z'");
    }

    @Test
    void cancelling_every_line_cancels_the_order() {
      stock.put("A", "EAST", null, 5);
      Order o = next(accepted(FulfillmentPolicy.SHIP_PARTIAL, line(1, "A", 5)), Duration.ZERO);
      o.cancel(stock, null, List.of(new Order.CancelLine("A", 5)));
      assertThat(o.state).isEqualTo(OrderState.CANCELLED);
    }

    @Test
    void cancelling_the_unshipped_rest_of_a_partly_shipped_order_leaves_it_shipped() {
      stock.put("A", "EAST", null, 3);
      Order o = shippedPartly();
      o.cancel(stock, "rest not needed", List.of());
      assertThat(o.state).isEqualTo(OrderState.SHIPPED);
      assertThat(o.line(1).cancelled).isEqualTo(3);
      assertThat(types(o)).contains("order.lines_cancelled", "order.shipped");
    }

    @Test
    void a_shipped_order_cannot_be_cancelled() {
      stock.put("A", "EAST", null, 5);
      Order o = shippedPartly();
      o.cancel(stock, null, List.of());
      Order shipped = next(o, Duration.ZERO);
      assertThatThrownBy(() -> shipped.cancel(stock, null, List.of()))
          .hasMessageContaining("cannot be cancelled");
    }
  }

  /** An order of 5 A with 2 shipped and 3 still reserved or backordered. */
  private Order shippedPartly() {
    stock.put("A", "EAST", null, 2);
    Order o = next(accepted(FulfillmentPolicy.SHIP_PARTIAL, line(1, "A", 5)), Duration.ZERO);
    o.requestTransition(stock, OrderState.FULFILLMENT_QUEUED, null);
    o.ship(stock, UUID.randomUUID(), "UPS", "1Z", List.of(new Shipment.Line("A", 2, null)));
    assertThat(o.state).isEqualTo(OrderState.PARTIALLY_SHIPPED);
    return next(o, Duration.ZERO);
  }

  @Nested
  class Shipping {

    @Test
    void a_partial_shipment_then_the_rest_moves_through_partially_shipped_to_shipped() {
      stock.put("A", "EAST", null, 5);
      Order o = next(accepted(FulfillmentPolicy.SHIP_PARTIAL, line(1, "A", 5)), Duration.ZERO);
      o.requestTransition(stock, OrderState.FULFILLMENT_QUEUED, null);
      Shipment first =
          o.ship(stock, UUID.randomUUID(), "UPS", "1Z1", List.of(new Shipment.Line("A", 2, null)));
      assertThat(first.units()).hasSize(1);
      assertThat(o.state).isEqualTo(OrderState.PARTIALLY_SHIPPED);
      o.ship(stock, UUID.randomUUID(), "UPS", "1Z2", List.of(new Shipment.Line("A", 3, null)));
      assertThat(o.state).isEqualTo(OrderState.SHIPPED);
      assertThat(o.line(1).shipped).isEqualTo(5);
      assertThat(o.line(1).allocated).isZero();
    }

    @Test
    void only_released_orders_ship_and_never_more_than_reserved() {
      stock.put("A", "EAST", null, 2);
      Order o = next(accepted(FulfillmentPolicy.SHIP_PARTIAL, line(1, "A", 5)), Duration.ZERO);
      UUID id = UUID.randomUUID();
      assertThatThrownBy(
              () -> o.ship(stock, id, "UPS", "1Z", List.of(new Shipment.Line("A", 1, null))))
          .hasMessageContaining("release it to fulfillment first");
      o.requestTransition(stock, OrderState.FULFILLMENT_QUEUED, null);
      assertThatThrownBy(
              () -> o.ship(stock, id, "UPS", "1Z", List.of(new Shipment.Line("A", 3, null))))
          .hasMessageContaining(
              "only 2 allocated unit(s) of SKU 'A' can ship, not 3 (3 backordered)");
    }

    @Test
    void a_held_order_does_not_ship() {
      stock.put("A", "EAST", null, 5);
      Order o = next(accepted(FulfillmentPolicy.SHIP_PARTIAL, line(1, "A", 5)), Duration.ZERO);
      o.requestTransition(stock, OrderState.FULFILLMENT_QUEUED, null);
      o.hold(HoldKind.MANUAL, "address check");
      assertThatThrownBy(
              () ->
                  o.ship(
                      stock,
                      UUID.randomUUID(),
                      "UPS",
                      "1Z",
                      List.of(new Shipment.Line("A", 1, null))))
          .hasMessageContaining("on hold (address check)");
      o.releaseHold(null, "checked");
      o.ship(stock, UUID.randomUUID(), "UPS", "1Z", List.of(new Shipment.Line("A", 5, null)));
      assertThat(o.state).isEqualTo(OrderState.SHIPPED);
    }

    @Test
    void shipping_everything_reserved_by_hand_must_match_the_state_asked_for() {
      stock.put("A", "EAST", null, 2);
      Order o = next(accepted(FulfillmentPolicy.SHIP_PARTIAL, line(1, "A", 5)), Duration.ZERO);
      o.requestTransition(stock, OrderState.FULFILLMENT_QUEUED, null);
      assertThatThrownBy(() -> o.everythingReserved(OrderState.SHIPPED))
          .hasMessageContaining("would leave the order PARTIALLY_SHIPPED, not SHIPPED");
      assertThat(o.everythingReserved(OrderState.PARTIALLY_SHIPPED))
          .containsExactly(new Shipment.Line("A", 2, null));
    }
  }

  @Nested
  class DeliveryAndClose {

    private Order shipped(Duration closeGrace) {
      stock.put("A", "EAST", null, 4);
      Order o = next(accepted(FulfillmentPolicy.SHIP_PARTIAL, line(1, "A", 4)), closeGrace);
      o.requestTransition(stock, OrderState.FULFILLMENT_QUEUED, null);
      return o;
    }

    @Test
    void the_last_delivery_delivers_and_closes_at_once_without_grace() {
      Order o = shipped(Duration.ZERO);
      UUID s1 = UUID.randomUUID();
      UUID s2 = UUID.randomUUID();
      o.ship(stock, s1, "UPS", "1", List.of(new Shipment.Line("A", 2, null)));
      o.ship(stock, s2, "UPS", "2", List.of(new Shipment.Line("A", 2, null)));
      Order d = next(o, Duration.ZERO);
      d.recordDelivery(s1, Map.of(1, 2), T0.plusSeconds(30));
      assertThat(d.state).isEqualTo(OrderState.SHIPPED);
      assertThat(d.deliveredAt).as("not delivered until every shipment is").isNull();
      d.recordDelivery(s2, Map.of(1, 2), T0.plusSeconds(40));
      assertThat(d.state).isEqualTo(OrderState.CLOSED);
      assertThat(d.deliveredAt).isEqualTo(T0.plusSeconds(40));
      assertThat(types(d))
          .containsExactly(
              "shipment.delivered", "shipment.delivered", "order.delivered", "order.closed");
      assertThat(d.recordDelivery(s2, Map.of(1, 2), T0.plusSeconds(50))).isFalse();
    }

    @Test
    void with_a_close_grace_a_delivered_order_waits_to_be_closed() {
      Order o = shipped(Duration.ofDays(2));
      UUID s = UUID.randomUUID();
      o.ship(stock, s, "UPS", "1", List.of(new Shipment.Line("A", 4, null)));
      o.recordDelivery(s, Map.of(1, 4), T0.plusSeconds(30));
      assertThat(o.state).isEqualTo(OrderState.DELIVERED);
      next(o, Duration.ofDays(2)).close();
      assertThat(o.state).isEqualTo(OrderState.CLOSED);
      assertThat(((OrderEvent.Closed) o.recorded().getLast().event()).closeGrace())
          .isEqualTo("PT48H");
    }

    @Test
    void an_operator_may_close_a_delivered_order_before_its_grace() {
      Order o = shipped(Duration.ofDays(2));
      UUID s = UUID.randomUUID();
      o.ship(stock, s, "UPS", "1", List.of(new Shipment.Line("A", 4, null)));
      o.recordDelivery(s, Map.of(1, 4), T0.plusSeconds(30));
      assertThat(o.deliveredAt).isEqualTo(T0.plusSeconds(30));
      Order d = next(o, Duration.ofDays(2));
      d.requestTransition(stock, OrderState.CLOSED, "buyer confirmed");
      assertThat(d.state).isEqualTo(OrderState.CLOSED);
      assertThat(((OrderEvent.Closed) d.recorded().getLast().event()).closeGrace())
          .as("closed by hand, not after a grace")
          .isNull();
      assertThatThrownBy(
              () -> next(d, Duration.ZERO).requestTransition(stock, OrderState.SHIPPED, null))
          .isInstanceOf(ApiProblem.class);
    }

    @Test
    void confirming_delivery_by_hand_counts_every_shipped_unit_delivered() {
      Order o = shipped(Duration.ofHours(1));
      o.ship(stock, UUID.randomUUID(), "UPS", "1", List.of(new Shipment.Line("A", 4, null)));
      Order d = next(o, Duration.ofHours(1));
      d.requestTransition(stock, OrderState.DELIVERED, "called the buyer");
      assertThat(d.state).isEqualTo(OrderState.DELIVERED);
      assertThat(d.line(1).delivered).isEqualTo(4);
      OrderEvent.Delivered e = (OrderEvent.Delivered) d.recorded().getLast().event();
      assertThat(e.confirmedBy()).isEqualTo("transition");
      assertThat(e.deliveredAt()).isEqualTo(T0.plusSeconds(60).toString());
    }
  }

  @Nested
  class AtRisk {

    private Order b2b(LocalDate from, LocalDate to) {
      stock.put("A", "EAST", null, 1);
      Order o =
          Order.receive(
              Channel.API,
              null,
              OrderType.B2B,
              FulfillmentPolicy.SHIP_COMPLETE,
              new CreateOrder.Customer("IRONRIDGE", null),
              new Address(null, null, "400 Foundry Rd", null, "Pittsburgh", null, null, "US", null),
              null,
              "USD",
              new CreateOrder.B2b("PO-1", "NET_30", new CreateOrder.DeliveryWindow(from, to)),
              List.of(line(1, "A", 1)),
              "tester",
              T0);
      o.accept(stock, null);
      return next(o, Duration.ZERO);
    }

    @Test
    void an_open_order_past_its_last_ship_date_is_flagged_once() {
      Order o = b2b(LocalDate.of(2027, 3, 10), LocalDate.of(2027, 3, 14));
      assertThat(o.flagIfAtRisk(LocalDate.of(2027, 3, 14), null)).isFalse();
      assertThat(o.flagIfAtRisk(LocalDate.of(2027, 3, 15), null)).isTrue();
      assertThat(o.flagIfAtRisk(LocalDate.of(2027, 3, 16), null)).isFalse();
      assertThat(o.atRisk).isTrue();
    }

    @Test
    void a_transit_lead_time_moves_the_last_ship_date_before_the_window() {
      Order o = b2b(LocalDate.of(2027, 3, 10), LocalDate.of(2027, 3, 14));
      assertThat(o.shipBy(3)).isEqualTo(LocalDate.of(2027, 3, 7));
      assertThat(o.flagIfAtRisk(LocalDate.of(2027, 3, 8), 3)).isTrue();
    }

    @Test
    void shipping_clears_the_flag() {
      Order o = b2b(LocalDate.of(2027, 3, 10), LocalDate.of(2027, 3, 14));
      o.flagIfAtRisk(LocalDate.of(2027, 3, 20), null);
      o.requestTransition(stock, OrderState.FULFILLMENT_QUEUED, null);
      o.ship(stock, UUID.randomUUID(), "UPS", "1", List.of(new Shipment.Line("A", 1, null)));
      assertThat(o.atRisk).isFalse();
    }
  }

  @Nested
  class Allocation {

    @Test
    void releasing_units_of_an_allocated_ship_complete_order_is_refused() {
      stock.put("A", "EAST", null, 2);
      Order o = next(accepted(FulfillmentPolicy.SHIP_COMPLETE, line(1, "A", 2)), Duration.ZERO);
      assertThatThrownBy(() -> o.reservations().releaseLine(stock, 1, 1, null))
          .hasMessageContaining("without its fulfillment policy SHIP_COMPLETE met");
    }

    @Test
    void pinning_a_lot_releases_other_lots_and_reallocates_from_the_pinned_one() {
      stock.put("A", "EAST", "L1", 3).put("A", "EAST", "L2", 5);
      Order o = next(accepted(FulfillmentPolicy.SHIP_PARTIAL, line(1, "A", 3)), Duration.ZERO);
      o.reservations().pinLine(stock, 1, "L2");
      assertThat(o.line(1).lot).isEqualTo("L2");
      assertThat(o.line(1).allocated).isEqualTo(3);
      assertThat(stock.held).allMatch(h -> h.place().lot().equals("L2"));
      assertThat(types(o)).containsExactly("inventory.lot_pinned", "inventory.reserved");
    }

    @Test
    void backorders_fill_when_stock_arrives_and_move_a_received_order_on() {
      Order o = next(accepted(FulfillmentPolicy.SHIP_COMPLETE, line(1, "A", 3)), Duration.ZERO);
      assertThat(o.reservations().fillBackorders(stock)).isZero();
      assertThat(o.recorded()).isEmpty();
      assertThat(o.lines).as("a fill that reserved nothing writes nothing").noneMatch(l -> l.dirty);
      stock.put("A", "EAST", null, 3);
      assertThat(o.reservations().fillBackorders(stock)).isEqualTo(3);
      assertThat(o.state).isEqualTo(OrderState.ALLOCATED);
    }
  }

  @Test
  void a_return_milestone_is_history_only_and_leaves_the_order_as_it_was() {
    Order o = next(accepted(FulfillmentPolicy.SHIP_PARTIAL, line(1, "A", 1)), Duration.ZERO);
    Instant before = o.updatedAt;
    o.record(
        new OrderEvent.ReturnProgressed(
            OrderEvent.ReturnStage.REQUESTED, "r", "RMA-1", List.of(), null, null),
        null);
    assertThat(o.updatedAt).isEqualTo(before);
    assertThat(o.recorded().getFirst().event().eventType()).isEqualTo("return.requested");
  }

  @Nested
  class Holds {

    @Test
    void holds_of_several_kinds_each_block_until_all_are_released() {
      stock.put("A", "EAST", null, 5);
      Order o = next(accepted(FulfillmentPolicy.SHIP_PARTIAL, line(1, "A", 5)), Duration.ZERO);
      o.hold(HoldKind.UNMAPPED_SKU, "line 2 maps to no SKU");
      o.hold(HoldKind.MANUAL, "fraud review");
      assertThatThrownBy(() -> o.hold(HoldKind.MANUAL, "again"))
          .hasMessageContaining("already on hold (fraud review)");
      assertThatThrownBy(() -> o.releaseHold(HoldKind.PAYMENT_PENDING, null))
          .hasMessageContaining("has no PAYMENT_PENDING hold");
      o.releaseHold(null, "cleared"); // several: the manual one
      assertThat(o.holds).extracting(Order.Hold::kind).containsExactly(HoldKind.UNMAPPED_SKU);
      assertThatThrownBy(() -> o.requestTransition(stock, OrderState.FULFILLMENT_QUEUED, null))
          .hasMessageContaining("UNMAPPED_SKU: line 2 maps to no SKU");
      o.releaseHold(HoldKind.UNMAPPED_SKU, "mapped");
      o.requestTransition(stock, OrderState.FULFILLMENT_QUEUED, null);
      assertThat(o.state).isEqualTo(OrderState.FULFILLMENT_QUEUED);
      assertThat(types(o))
          .containsExactly(
              "order.held",
              "order.held",
              "order.released",
              "order.released",
              "order.fulfillment_queued");
    }

    @Test
    void several_holds_need_the_kind_named_when_none_is_manual() {
      Order o = next(accepted(FulfillmentPolicy.SHIP_PARTIAL, line(1, "A", 1)), Duration.ZERO);
      o.hold(HoldKind.UNMAPPED_SKU, "unmapped");
      o.hold(HoldKind.PAYMENT_PENDING, "not paid");
      assertThatThrownBy(() -> o.releaseHold(null, null)).hasMessageContaining("name the kind");
    }
  }

  @Nested
  class Edits {

    private final OrderEditRules.LineFactory catalogue =
        new OrderEditRules.LineFactory() {
          @Override
          public OrderLine newLine(Orders.LineChange change, int lineNo, String field) {
            return line(lineNo, change.sku(), change.quantity());
          }

          @Override
          public boolean allowsLooseUnits(String sku) {
            return false;
          }
        };

    private OrderEditRules.Editable same(Order o) {
      return OrderEditRules.Editable.of(o);
    }

    @Test
    void more_units_allocate_or_backorder_and_fewer_release() {
      stock.put("A", "EAST", null, 5);
      Order o = next(accepted(FulfillmentPolicy.SHIP_PARTIAL, line(1, "A", 3)), Duration.ZERO);
      o.edit(
          same(o), List.of(new Orders.LineChange(1, null, 7, null, null, null)), stock, catalogue);
      assertThat(o.line(1).quantity).isEqualTo(7);
      assertThat(o.line(1).allocated).isEqualTo(5);
      assertThat(o.line(1).backordered).isEqualTo(2);
      assertThat(o.total).isEqualByComparingTo("70.00");
      assertThat(types(o))
          .startsWith("order.edited")
          .contains("inventory.reserved", "order.backordered");
      Order again = next(o, Duration.ZERO);
      again.edit(
          same(again),
          List.of(new Orders.LineChange(1, null, 2, null, null, null)),
          stock,
          catalogue);
      assertThat(again.line(1).allocated).isEqualTo(2);
      assertThat(again.line(1).backordered).isZero();
      assertThat(stock.available("A")).isEqualTo(3);
    }

    @Test
    void an_edit_that_changes_nothing_records_nothing() {
      stock.put("A", "EAST", null, 5);
      Order o = next(accepted(FulfillmentPolicy.SHIP_PARTIAL, line(1, "A", 3)), Duration.ZERO);
      o.edit(
          same(o), List.of(new Orders.LineChange(1, null, 3, null, null, null)), stock, catalogue);
      assertThat(o.recorded()).isEmpty();
    }

    @Test
    void zero_on_every_line_cancels_the_order() {
      stock.put("A", "EAST", null, 5);
      Order o = next(accepted(FulfillmentPolicy.SHIP_PARTIAL, line(1, "A", 3)), Duration.ZERO);
      o.edit(
          same(o), List.of(new Orders.LineChange(1, null, 0, null, null, null)), stock, catalogue);
      assertThat(o.state).isEqualTo(OrderState.CANCELLED);
      assertThat(stock.available("A")).isEqualTo(5);
    }

    @Test
    void a_ship_complete_order_past_received_cannot_grow_beyond_stock() {
      stock.put("A", "EAST", null, 3);
      Order o = next(accepted(FulfillmentPolicy.SHIP_COMPLETE, line(1, "A", 3)), Duration.ZERO);
      assertThatThrownBy(
              () ->
                  o.edit(
                      same(o),
                      List.of(new Orders.LineChange(1, null, 4, null, null, null)),
                      stock,
                      catalogue))
          .hasMessageContaining("without its fulfillment policy SHIP_COMPLETE met");
    }

    @Test
    void a_partly_shipped_order_waiting_only_on_backorders_takes_notes_and_smaller_quantities() {
      stock.put("A", "EAST", null, 2);
      Order o = next(accepted(FulfillmentPolicy.SHIP_PARTIAL, line(1, "A", 5)), Duration.ZERO);
      o.requestTransition(stock, OrderState.FULFILLMENT_QUEUED, null);
      o.ship(stock, UUID.randomUUID(), "UPS", "1", List.of(new Shipment.Line("A", 2, null)));
      Order p = next(o, Duration.ZERO);
      assertThat(p.line(1).allocated).isZero();
      p.edit(
          new OrderEditRules.Editable(p.shipTo, p.billTo, p.customer, "call first", p.b2b),
          List.of(),
          stock,
          catalogue);
      p.edit(
          same(p), List.of(new Orders.LineChange(1, null, 4, null, null, null)), stock, catalogue);
      assertThat(p.line(1).backordered).isEqualTo(2);
      assertThat(p.state).isEqualTo(OrderState.PARTIALLY_SHIPPED);
    }

    @Test
    void an_edit_cannot_grow_an_order_past_the_line_limit() {
      List<OrderLine> many = new ArrayList<>();
      for (int i = 1; i <= CreateOrder.MAX_LINES; i++) {
        many.add(line(i, "A", 1));
      }
      Order o =
          next(
              accepted(FulfillmentPolicy.SHIP_PARTIAL, many.toArray(OrderLine[]::new)),
              Duration.ZERO);
      assertThatThrownBy(
              () ->
                  o.edit(
                      same(o),
                      List.of(
                          new Orders.LineChange(null, "B", 1, new BigDecimal("1.00"), null, null)),
                      stock,
                      catalogue))
          .hasMessageContaining("at most 500 lines");
    }

    @Test
    void the_address_cannot_change_once_units_shipped_but_notes_can() {
      stock.put("A", "EAST", null, 3);
      Order o = shippedPartly();
      OrderEditRules.Editable moved =
          new OrderEditRules.Editable(
              new Address(null, null, "9 Other St", null, "Elsewhere", null, null, "US", null),
              o.billTo,
              o.customer,
              o.notes,
              o.b2b);
      assertThatThrownBy(() -> o.edit(moved, List.of(), stock, catalogue))
          .hasMessageContaining("has shipped units");
      OrderEditRules.Editable noted =
          new OrderEditRules.Editable(o.shipTo, o.billTo, o.customer, "call first", o.b2b);
      o.edit(noted, List.of(), stock, catalogue);
      assertThat(o.notes).isEqualTo("call first");
    }
  }
}
