package io.orderloop.orders;

import static io.orderloop.orders.OrderState.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Unit: the state table allows exactly the moves of SPEC §1, walked over every pair of states. */
class OrderStateTest {

  /** SPEC §1 written out independently of the enum's own table. */
  private static final Map<OrderState, Set<OrderState>> SPEC =
      Map.of(
          RECEIVED, EnumSet.of(ALLOCATED, CANCELLED),
          ALLOCATED, EnumSet.of(FULFILLMENT_QUEUED, CANCELLED),
          FULFILLMENT_QUEUED, EnumSet.of(PARTIALLY_SHIPPED, SHIPPED, CANCELLED),
          PARTIALLY_SHIPPED, EnumSet.of(SHIPPED),
          SHIPPED, EnumSet.of(DELIVERED),
          DELIVERED, EnumSet.of(CLOSED),
          CLOSED, EnumSet.noneOf(OrderState.class),
          CANCELLED, EnumSet.noneOf(OrderState.class));

  static Stream<Arguments> everyPairOfStates() {
    List<Arguments> pairs = new ArrayList<>();
    for (OrderState from : OrderState.values()) {
      for (OrderState to : OrderState.values()) {
        pairs.add(Arguments.of(from, to, SPEC.get(from).contains(to)));
      }
    }
    return pairs.stream();
  }

  @ParameterizedTest(name = "{0} → {1} allowed: {2}")
  @MethodSource("everyPairOfStates")
  void a_move_is_allowed_exactly_when_the_spec_lists_it(
      OrderState from, OrderState to, boolean allowed) {
    assertThat(from.canTransitionTo(to)).isEqualTo(allowed);
    assertThat(from.allowedTransitions().contains(to)).isEqualTo(allowed);
  }

  @Test
  void every_state_is_in_the_table_and_only_closed_and_cancelled_are_terminal() {
    assertThat(SPEC.keySet()).containsExactlyInAnyOrder(OrderState.values());
    for (OrderState s : OrderState.values()) {
      assertThat(s.isTerminal()).as(s.name()).isEqualTo(s == CLOSED || s == CANCELLED);
    }
  }

  @Test
  void no_state_moves_to_itself_and_nothing_moves_back_to_received() {
    for (OrderState s : OrderState.values()) {
      assertThat(s.canTransitionTo(s)).as(s.name()).isFalse();
      assertThat(s.canTransitionTo(RECEIVED)).as(s.name()).isFalse();
    }
  }

  @Test
  void cancellation_is_allowed_only_before_anything_ships() {
    assertThat(Stream.of(OrderState.values()).filter(s -> s.canTransitionTo(CANCELLED)))
        .containsExactlyInAnyOrder(RECEIVED, ALLOCATED, FULFILLMENT_QUEUED);
  }

  @Test
  void event_types_name_the_state_entered() {
    assertThat(FULFILLMENT_QUEUED.eventType()).isEqualTo("order.fulfillment_queued");
    assertThat(PARTIALLY_SHIPPED.eventType()).isEqualTo("order.partially_shipped");
  }
}
