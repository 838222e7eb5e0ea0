package io.orderloop.inventory.reservations;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.inventory.reservations.AllocationPlanner.Plan;
import io.orderloop.inventory.reservations.AllocationPlanner.StockRow;
import io.orderloop.inventory.reservations.AllocationPlanner.Take;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Property-based: random stock, lots and orders in; the allocation invariants out. */
class AllocationPlannerProperties {

  private static final LocalDate TODAY = LocalDate.of(2026, 6, 1);
  private static final List<String> SKUS = List.of("A", "B", "C");
  private static final List<String> LOTS = List.of("L1", "L2", "L3");
  private static final List<String> LOCATIONS = List.of("W1", "W2", "W3");

  record Scenario(List<StockRow> rows, List<Demand> demands, Set<String> requirePin) {}

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<StockRow> row =
        Combinators.combine(
                Arbitraries.of(SKUS),
                Arbitraries.of(LOCATIONS),
                Arbitraries.of(LOTS).injectNull(0.3),
                Arbitraries.integers().between(-20, 200).injectNull(0.2),
                Arbitraries.integers().between(0, 30),
                Arbitraries.integers().between(0, 60))
            .as(
                (sku, location, lot, expiresIn, available, age) ->
                    new StockRow(
                        0,
                        sku,
                        location,
                        LOCATIONS.indexOf(location),
                        lot,
                        lot == null || expiresIn == null ? null : TODAY.plusDays(expiresIn),
                        TODAY.minusDays(age),
                        available,
                        lot != null));
    Arbitrary<Demand> demand =
        Combinators.combine(
                Arbitraries.of(SKUS),
                Arbitraries.integers().between(1, 40),
                Arbitraries.of(LOTS).injectNull(0.7))
            .as((sku, quantity, lot) -> new Demand(0, sku, quantity, lot));
    return Combinators.combine(
            row.list().ofMaxSize(12),
            demand.list().ofMinSize(1).ofMaxSize(5),
            Arbitraries.of(SKUS).set().ofMaxSize(2))
        .as(
            (rows, demands, pin) -> {
              List<StockRow> numbered = new ArrayList<>();
              Set<String> seen = new HashSet<>();
              for (StockRow r : rows) {
                // One row per SKU × location × lot, as the database guarantees.
                if (seen.add(r.sku() + "|" + r.location() + "|" + r.lot())) {
                  numbered.add(
                      new StockRow(
                          numbered.size() + 1,
                          r.sku(),
                          r.location(),
                          r.locationPriority(),
                          r.lot(),
                          r.expiresOn(),
                          r.receivedOn(),
                          r.available(),
                          r.lotControlled()));
                }
              }
              List<Demand> lines = new ArrayList<>();
              for (int i = 0; i < demands.size(); i++) {
                Demand d = demands.get(i);
                lines.add(new Demand(i + 1, d.sku(), d.quantity(), d.lot()));
              }
              return new Scenario(numbered, lines, pin);
            });
  }

  private static Map<Long, StockRow> byId(List<StockRow> rows) {
    Map<Long, StockRow> m = new HashMap<>();
    rows.forEach(r -> m.put(r.id(), r));
    return m;
  }

  @Property(tries = 500)
  void never_takes_more_than_a_row_has_or_a_line_wants_and_never_an_expired_lot(
      @ForAll("scenarios") Scenario s) {
    Plan plan = AllocationPlanner.plan(s.demands(), s.rows(), TODAY, s.requirePin());
    Map<Long, StockRow> rows = byId(s.rows());
    Map<Long, Integer> takenPerRow = new HashMap<>();
    Map<Integer, Integer> takenPerLine = new HashMap<>();
    for (Take t : plan.takes()) {
      assertThat(t.quantity()).isPositive();
      StockRow row = rows.get(t.stockId());
      Demand d = s.demands().get(t.lineNo() - 1);
      assertThat(row.sku()).isEqualTo(d.sku());
      assertThat(row.expiresOn() == null || !row.expiresOn().isBefore(TODAY))
          .as("expired lot used")
          .isTrue();
      takenPerRow.merge(t.stockId(), t.quantity(), Integer::sum);
      takenPerLine.merge(t.lineNo(), t.quantity(), Integer::sum);
    }
    takenPerRow.forEach((id, q) -> assertThat(q).isLessThanOrEqualTo(rows.get(id).available()));
    for (Demand d : s.demands()) {
      assertThat(takenPerLine.getOrDefault(d.lineNo(), 0)).isLessThanOrEqualTo(d.quantity());
    }
  }

  @Property(tries = 500)
  void a_pinned_line_is_served_only_from_its_lot(@ForAll("scenarios") Scenario s) {
    Plan plan = AllocationPlanner.plan(s.demands(), s.rows(), TODAY, s.requirePin());
    Map<Long, StockRow> rows = byId(s.rows());
    for (Demand d : s.demands()) {
      if (d.lot() != null) {
        assertThat(plan.pinnedLots()).containsEntry(d.lineNo(), d.lot());
      }
    }
    for (Take t : plan.takes()) {
      String pinned = plan.pinnedLots().get(t.lineNo());
      if (pinned != null) {
        assertThat(rows.get(t.stockId()).lot()).isEqualTo(pinned);
      }
    }
  }

  @Property(tries = 500)
  void a_short_line_leaves_no_usable_unit_behind(@ForAll("scenarios") Scenario s) {
    Plan plan = AllocationPlanner.plan(s.demands(), s.rows(), TODAY, s.requirePin());
    Map<Long, Integer> left = new HashMap<>();
    s.rows().forEach(r -> left.put(r.id(), r.available()));
    Map<Integer, Integer> taken = new HashMap<>();
    for (Take t : plan.takes()) {
      left.merge(t.stockId(), -t.quantity(), Integer::sum);
      taken.merge(t.lineNo(), t.quantity(), Integer::sum);
    }
    for (Demand d : s.demands()) {
      if (taken.getOrDefault(d.lineNo(), 0) < d.quantity()) {
        String pinned = plan.pinnedLots().get(d.lineNo());
        int usableLeft =
            s.rows().stream()
                .filter(r -> r.sku().equals(d.sku()))
                .filter(r -> r.expiresOn() == null || !r.expiresOn().isBefore(TODAY))
                .filter(r -> pinned == null || Objects.equals(pinned, r.lot()))
                .mapToInt(r -> left.get(r.id()))
                .sum();
        assertThat(usableLeft)
            .as("line %s is short while usable stock is left", d.lineNo())
            .isZero();
      }
    }
  }

  @Property(tries = 300)
  void within_one_location_lot_controlled_stock_goes_earliest_expiry_first(
      @ForAll("scenarios") Scenario s) {
    Plan plan = AllocationPlanner.plan(s.demands(), s.rows(), TODAY, s.requirePin());
    Map<Long, StockRow> rows = byId(s.rows());
    Map<Long, Integer> left = new HashMap<>();
    s.rows().forEach(r -> left.put(r.id(), r.available()));
    plan.takes().forEach(t -> left.merge(t.stockId(), -t.quantity(), Integer::sum));
    for (Take t : plan.takes()) {
      StockRow used = rows.get(t.stockId());
      if (!used.lotControlled()
          || used.expiresOn() == null
          || plan.pinnedLots().containsKey(t.lineNo())) {
        continue;
      }
      // No unpinned line leaves an earlier-expiring usable lot of the same SKU at the same location
      // untouched.
      boolean earlierLeft =
          s.rows().stream()
              .filter(r -> r.sku().equals(used.sku()) && r.location().equals(used.location()))
              .filter(r -> r.expiresOn() != null && !r.expiresOn().isBefore(TODAY))
              .filter(r -> r.expiresOn().isBefore(used.expiresOn()))
              .anyMatch(r -> left.get(r.id()) > 0);
      assertThat(earlierLeft).as("a later lot was used while an earlier one had stock").isFalse();
    }
  }
}
