package io.orderloop.inventory.reservations;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.inventory.reservations.AllocationPlanner.Plan;
import io.orderloop.inventory.reservations.AllocationPlanner.StockRow;
import io.orderloop.inventory.reservations.AllocationPlanner.Take;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Unit: the allocation rules, without a database. */
class AllocationPlannerTest {

  private static final LocalDate TODAY = LocalDate.of(2026, 3, 1);

  private static StockRow row(
      long id,
      String sku,
      String location,
      int priority,
      String lot,
      LocalDate expires,
      int available,
      boolean lotControlled) {
    return new StockRow(
        id,
        sku,
        location,
        priority,
        lot,
        expires,
        TODAY.minusDays(30 - id),
        available,
        lotControlled);
  }

  @Test
  void lot_controlled_stock_is_taken_earliest_expiry_first_and_expired_lots_never() {
    List<StockRow> rows =
        List.of(
            row(1, "A", "W1", 1, "L-LATE", TODAY.plusDays(90), 5, true),
            row(2, "A", "W1", 1, "L-EXPIRED", TODAY.minusDays(1), 50, true),
            row(3, "A", "W1", 1, "L-SOON", TODAY.plusDays(10), 3, true));
    Plan plan = AllocationPlanner.plan(List.of(new Demand(1, "A", 6, null)), rows, TODAY, Set.of());
    assertThat(plan.takes()).containsExactly(new Take(1, 3, 3), new Take(1, 1, 3));
  }

  @Test
  void a_lot_expiring_today_is_still_allocated() {
    List<StockRow> rows = List.of(row(1, "A", "W1", 1, "L-TODAY", TODAY, 2, true));
    Plan plan = AllocationPlanner.plan(List.of(new Demand(1, "A", 2, null)), rows, TODAY, Set.of());
    assertThat(plan.takes()).containsExactly(new Take(1, 1, 2));
  }

  @Test
  void one_location_that_fills_the_whole_order_wins_over_a_higher_priority_one_that_does_not() {
    List<StockRow> rows =
        List.of(
            row(1, "A", "NEAR", 1, null, null, 10, false),
            row(2, "B", "NEAR", 1, null, null, 1, false),
            row(3, "A", "FAR", 5, null, null, 10, false),
            row(4, "B", "FAR", 5, null, null, 10, false));
    Plan plan =
        AllocationPlanner.plan(
            List.of(new Demand(1, "A", 4, null), new Demand(2, "B", 4, null)),
            rows,
            TODAY,
            Set.of());
    assertThat(plan.takes()).containsExactly(new Take(1, 3, 4), new Take(2, 4, 4));
  }

  @Test
  void without_a_single_location_lines_split_across_locations_by_priority() {
    List<StockRow> rows =
        List.of(
            row(1, "A", "SECOND", 2, null, null, 4, false),
            row(2, "A", "FIRST", 1, null, null, 3, false));
    Plan plan = AllocationPlanner.plan(List.of(new Demand(1, "A", 6, null)), rows, TODAY, Set.of());
    assertThat(plan.takes()).containsExactly(new Take(1, 2, 3), new Take(1, 1, 3));
  }

  @Test
  void a_pinned_line_takes_only_its_lot_and_leaves_the_rest_short() {
    List<StockRow> rows =
        List.of(
            row(1, "A", "W1", 1, "L1", TODAY.plusDays(5), 10, true),
            row(2, "A", "W1", 1, "L2", TODAY.plusDays(50), 2, true));
    Plan plan = AllocationPlanner.plan(List.of(new Demand(1, "A", 5, "L2")), rows, TODAY, Set.of());
    assertThat(plan.takes()).containsExactly(new Take(1, 2, 2));
    assertThat(plan.pinnedLots()).containsEntry(1, "L2");
  }

  @Test
  void a_sku_requiring_a_pinned_lot_gets_its_fefo_lot_pinned_and_never_a_second_lot() {
    List<StockRow> rows =
        List.of(
            row(1, "A", "W1", 1, "L-LATE", TODAY.plusDays(50), 10, true),
            row(2, "A", "W1", 1, "L-SOON", TODAY.plusDays(5), 2, true));
    Plan plan =
        AllocationPlanner.plan(List.of(new Demand(1, "A", 5, null)), rows, TODAY, Set.of("A"));
    assertThat(plan.pinnedLots()).containsEntry(1, "L-SOON");
    assertThat(plan.takes()).containsExactly(new Take(1, 2, 2));
  }

  @Test
  void two_lines_of_one_sku_never_take_the_same_unit_twice() {
    List<StockRow> rows = List.of(row(1, "A", "W1", 1, null, null, 5, false));
    Plan plan =
        AllocationPlanner.plan(
            List.of(new Demand(1, "A", 4, null), new Demand(2, "A", 4, null)),
            rows,
            TODAY,
            Set.of());
    assertThat(plan.takes()).containsExactly(new Take(1, 1, 4), new Take(2, 1, 1));
  }

  @Test
  void non_lot_stock_is_taken_first_received_first() {
    List<StockRow> rows =
        List.of(
            new StockRow(7, "A", "W1", 1, null, null, TODAY.minusDays(1), 5, false),
            new StockRow(9, "A", "W1", 1, "OLD", null, TODAY.minusDays(20), 5, false));
    Plan plan = AllocationPlanner.plan(List.of(new Demand(1, "A", 6, null)), rows, TODAY, Set.of());
    assertThat(plan.takes()).containsExactly(new Take(1, 9, 5), new Take(1, 7, 1));
  }
}
