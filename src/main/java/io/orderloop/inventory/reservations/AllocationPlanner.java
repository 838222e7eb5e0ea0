package io.orderloop.inventory.reservations;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides which stock rows serve which order lines; pure, so its rules are tested without a
 * database.
 *
 * <ul>
 *   <li>Expired lots (expiry before today) and empty rows are never used.
 *   <li>Lot order: lot-controlled SKUs earliest expiry first (FEFO), others earliest received first
 *       (FIFO).
 *   <li>A line that names a lot only takes that lot. A SKU that requires pinning gets its FEFO lot
 *       pinned.
 *   <li>Prefer one location that fills the whole order, then one location that fills the line, then
 *       split across locations by priority (lower number first).
 * </ul>
 */
final class AllocationPlanner {

  private AllocationPlanner() {}

  /** A lockable stock row as the planner sees it. */
  record StockRow(
      long id,
      String sku,
      String location,
      int locationPriority,
      String lot,
      LocalDate expiresOn,
      LocalDate receivedOn,
      int available,
      boolean lotControlled) {}

  /** Take {@code quantity} units from stock row {@code stockId} for line {@code lineNo}. */
  record Take(int lineNo, long stockId, int quantity) {}

  /** The plan: takes, and the lot each line ends up pinned to (if any). */
  record Plan(List<Take> takes, Map<Integer, String> pinnedLots) {}

  static Plan plan(
      List<Demand> demands, List<StockRow> rows, LocalDate today, Set<String> skusRequiringPin) {
    List<StockRow> usable =
        rows.stream()
            .filter(r -> r.available() > 0)
            .filter(r -> r.expiresOn() == null || !r.expiresOn().isBefore(today))
            .sorted(lotOrder())
            .toList();
    Map<Long, Integer> left = new HashMap<>();
    usable.forEach(r -> left.put(r.id(), r.available()));

    Map<Integer, String> pinned = new LinkedHashMap<>();
    for (Demand d : demands) {
      if (d.lot() != null) {
        pinned.put(d.lineNo(), d.lot());
      } else if (skusRequiringPin.contains(d.sku())) {
        usable.stream()
            .filter(r -> r.sku().equals(d.sku()) && r.lot() != null)
            .findFirst()
            .ifPresent(r -> pinned.put(d.lineNo(), r.lot()));
      }
    }

    List<Take> takes = new ArrayList<>();
    String wholeOrderLocation = locationFillingAll(demands, usable, pinned, left);
    for (Demand d : demands) {
      if (d.quantity() <= 0) {
        continue;
      }
      List<StockRow> candidates =
          usable.stream()
              .filter(r -> r.sku().equals(d.sku()))
              .filter(
                  r ->
                      !pinned.containsKey(d.lineNo())
                          || Objects.equals(pinned.get(d.lineNo()), r.lot()))
              .toList();
      String location =
          wholeOrderLocation != null
              ? wholeOrderLocation
              : locationFilling(d.quantity(), candidates, left);
      List<StockRow> ordered = new ArrayList<>(candidates);
      if (location != null) {
        String preferred = location;
        ordered.sort(Comparator.comparing((StockRow r) -> !r.location().equals(preferred)));
      } else {
        ordered.sort(
            Comparator.comparingInt(StockRow::locationPriority).thenComparing(StockRow::location));
      }
      int wanted = d.quantity();
      for (StockRow r : ordered) {
        if (wanted == 0) {
          break;
        }
        int take = Math.min(wanted, left.get(r.id()));
        if (take > 0) {
          takes.add(new Take(d.lineNo(), r.id(), take));
          left.merge(r.id(), -take, Integer::sum);
          wanted -= take;
        }
      }
    }
    return new Plan(takes, pinned);
  }

  /**
   * Lot order within a location: FEFO for lot-controlled rows, FIFO otherwise; the row id breaks
   * ties.
   */
  private static Comparator<StockRow> lotOrder() {
    Comparator<StockRow> fefo =
        Comparator.comparing(StockRow::expiresOn, Comparator.nullsLast(Comparator.naturalOrder()));
    return Comparator.<StockRow, Integer>comparing(r -> r.lotControlled() ? 0 : 1)
        .thenComparing((a, b) -> a.lotControlled() && b.lotControlled() ? fefo.compare(a, b) : 0)
        .thenComparing(StockRow::receivedOn, Comparator.nullsLast(Comparator.naturalOrder()))
        .thenComparingLong(StockRow::id);
  }

  private static String locationFillingAll(
      List<Demand> demands,
      List<StockRow> usable,
      Map<Integer, String> pinned,
      Map<Long, Integer> left) {
    for (String location : locationsByPriority(usable)) {
      Map<Long, Integer> scratch = new HashMap<>(left);
      boolean fills = true;
      for (Demand d : demands) {
        int wanted = d.quantity();
        for (StockRow r : usable) {
          if (wanted == 0) {
            break;
          }
          if (r.location().equals(location)
              && r.sku().equals(d.sku())
              && (!pinned.containsKey(d.lineNo())
                  || Objects.equals(pinned.get(d.lineNo()), r.lot()))) {
            int take = Math.min(wanted, scratch.get(r.id()));
            scratch.merge(r.id(), -take, Integer::sum);
            wanted -= take;
          }
        }
        if (wanted > 0) {
          fills = false;
          break;
        }
      }
      if (fills) {
        return location;
      }
    }
    return null;
  }

  private static String locationFilling(
      int quantity, List<StockRow> candidates, Map<Long, Integer> left) {
    for (String location : locationsByPriority(candidates)) {
      int total =
          candidates.stream()
              .filter(r -> r.location().equals(location))
              .mapToInt(r -> left.get(r.id()))
              .sum();
      if (total >= quantity) {
        return location;
      }
    }
    return null;
  }

  private static List<String> locationsByPriority(List<StockRow> rows) {
    Map<String, Integer> priority = new HashMap<>();
    rows.forEach(r -> priority.put(r.location(), r.locationPriority()));
    Set<String> sorted =
        new TreeSet<>(Comparator.comparingInt((String l) -> priority.get(l)).thenComparing(l -> l));
    sorted.addAll(priority.keySet());
    return List.copyOf(sorted);
  }
}
