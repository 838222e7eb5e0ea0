package io.orderloop.inventory;

import io.orderloop.common.ApiProblem;
import io.orderloop.common.Transactions;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvSchema;

/**
 * CSV imports of SKUs (with case packs and pallets) and of stock counts, validated row by row. A
 * preview writes nothing and says, per row, what applying would do or what is wrong; applying
 * validates again and writes every row in one transaction, or none when any row is wrong.
 *
 * <p>SKUs: columns {@code sku, name, case_pack, pallet_quantity, lot_controlled,
 * requires_pinned_lot, allows_loose_units} (a header row names them, in any order; {@code casePack}
 * spellings are accepted; only {@code sku} and, for a new SKU, {@code name} are required; a blank
 * cell keeps the SKU's current value; an unknown column is refused). Stock counts: {@code sku,
 * location, lot, counted, expires_on}: each row sets on hand at that location (and lot) to what was
 * counted, with an ADJUSTMENT movement of the difference (reason {@code CYCLE_COUNT}), on hand read
 * under the row's lock; a count below what is reserved for orders is refused; {@code expires_on}
 * dates a lot the count finds.
 */
@Service
public class InventoryImport {

  /** Rows one import may hold. */
  public static final int MAX_ROWS = 10_000;

  static final List<String> SKU_COLUMNS =
      List.of(
          "sku",
          "name",
          "case_pack",
          "pallet_quantity",
          "lot_controlled",
          "requires_pinned_lot",
          "allows_loose_units");
  static final List<String> COUNT_COLUMNS =
      List.of("sku", "location", "lot", "counted", "expires_on");

  private static final CsvMapper CSV = CsvMapper.builder().build();

  private final Catalogue catalogue;
  private final StockLedger ledger;
  private final JdbcClient jdbc;
  private final Transactions transactions;

  InventoryImport(
      Catalogue catalogue, StockLedger ledger, JdbcClient jdbc, Transactions transactions) {
    this.catalogue = catalogue;
    this.ledger = ledger;
    this.jdbc = jdbc;
    this.transactions = transactions;
  }

  /** What an import is about. */
  public enum Kind {
    SKUS,
    STOCK_COUNTS
  }

  /**
   * One data row (1 is the first row under the header): its key, what applying does ({@code
   * CREATE}, {@code UPDATE}, {@code ADJUST}, {@code UNCHANGED}, or {@code INVALID}), the change in
   * words, and what is wrong with it.
   */
  public record Row(int row, String key, String action, String change, List<String> problems) {}

  /** The outcome: applied or only previewed, counts per action and every row. */
  public record Result(
      Kind kind,
      boolean applied,
      int rows,
      int invalid,
      Map<String, Integer> actions,
      List<Row> items) {}

  /** A data row: its number (1 is the first line under the header) and its non-blank cells. */
  record Line(int row, Map<String, String> values) {}

  public Result preview(Kind kind, String csv) {
    return transactions.inTransaction(() -> check(kind, read(kind, csv)));
  }

  /**
   * Validates again and writes every row, all in one transaction; with any row wrong, nothing is
   * written and the answer is a 422 whose {@code rows} lists the wrong rows.
   */
  public Result apply(Kind kind, String csv) {
    return transactions.inTransaction(
        () -> {
          List<Line> rows = read(kind, csv);
          Result checked = check(kind, rows);
          if (checked.invalid() > 0) {
            throw ApiProblem.unprocessable(
                    "csv",
                    checked.invalid()
                        + " of "
                        + checked.rows()
                        + " rows are wrong; nothing was imported: mend them and import again")
                .with(
                    "rows", checked.items().stream().filter(r -> !r.problems().isEmpty()).toList());
          }
          // Every write joins this transaction: a failure on any row rolls back all of them.
          for (int i = 0; i < rows.size(); i++) {
            Row r = checked.items().get(i);
            if (kind == Kind.SKUS) {
              if (!"UNCHANGED".equals(r.action())) {
                catalogue.putSku(withExisting(rows.get(i).values()).orElseThrow());
              }
            } else if ("ADJUST".equals(r.action())) {
              Count c = count(rows.get(i).values(), new ArrayList<>()).orElseThrow();
              // On hand read under the row's lock: the count sets it, whatever committed since the
              // preview or the check above.
              int delta = c.counted() - lockedOnHand(c);
              if (delta != 0) {
                ledger.adjust(
                    new StockLedger.Adjustment(
                        c.sku(),
                        c.location(),
                        c.lot(),
                        delta,
                        StockLedger.AdjustmentReason.CYCLE_COUNT,
                        "stock count import",
                        c.expiresOn()));
              }
            }
          }
          return new Result(kind, true, checked.rows(), 0, checked.actions(), checked.items());
        });
  }

  private Result check(Kind kind, List<Line> rows) {
    List<Row> items = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Map<String, Integer> actions = new LinkedHashMap<>();
    int invalid = 0;
    for (Line line : rows) {
      Row r =
          kind == Kind.SKUS
              ? checkSku(line.row(), line.values(), seen)
              : checkCount(line.row(), line.values(), seen);
      items.add(r);
      actions.merge(r.action(), 1, Integer::sum);
      if (!r.problems().isEmpty()) {
        invalid++;
      }
    }
    return new Result(kind, false, rows.size(), invalid, actions, items);
  }

  private Row checkSku(int n, Map<String, String> values, Set<String> seen) {
    List<String> problems = new ArrayList<>();
    String code = values.get("sku");
    Optional<SkuInfo> existing =
        code == null || SkuRules.codeProblem(code) != null ? Optional.empty() : catalogue.sku(code);
    Optional<SkuInfo> sku = sku(merged(values, existing), problems);
    if (code != null && !seen.add(code)) {
      problems.add("sku: " + code + " is on an earlier row too");
    }
    if (!problems.isEmpty()) {
      return new Row(n, code, "INVALID", null, problems);
    }
    SkuInfo s = sku.orElseThrow();
    if (existing.isEmpty()) {
      return new Row(n, code, "CREATE", describe(s), problems);
    }
    if (existing.get().equals(s)) {
      return new Row(n, code, "UNCHANGED", describe(s), problems);
    }
    return new Row(n, code, "UPDATE", describe(existing.get()) + " → " + describe(s), problems);
  }

  private Row checkCount(int n, Map<String, String> values, Set<String> seen) {
    List<String> problems = new ArrayList<>();
    Optional<Count> count = count(values, problems);
    String key =
        values.get("sku")
            + "@"
            + values.get("location")
            + (values.get("lot") == null ? "" : "/" + values.get("lot"));
    if (!seen.add(key)) {
      problems.add("this SKU, location and lot are on an earlier row too");
    }
    if (!problems.isEmpty() || count.isEmpty()) {
      return new Row(n, key, "INVALID", null, problems);
    }
    Count c = count.get();
    int onHand = onHand(c);
    int reserved = reserved(c);
    if (c.counted() < reserved) {
      problems.add(
          "counted: "
              + c.counted()
              + " is below the "
              + reserved
              + " units reserved for orders here; release or cancel those first");
      return new Row(n, key, "INVALID", null, problems);
    }
    int delta = c.counted() - onHand;
    return delta == 0
        ? new Row(n, key, "UNCHANGED", "on hand " + onHand, problems)
        : new Row(
            n,
            key,
            "ADJUST",
            "on hand " + onHand + " → " + c.counted() + " (" + (delta > 0 ? "+" : "") + delta + ")",
            problems);
  }

  /** A blank cell keeps the SKU's current value (a new SKU takes the defaults). */
  private static Map<String, String> merged(
      Map<String, String> values, Optional<SkuInfo> existing) {
    Map<String, String> v = new LinkedHashMap<>(values);
    existing.ifPresent(
        e -> {
          v.putIfAbsent("name", e.name());
          v.putIfAbsent("case_pack", Integer.toString(e.casePack()));
          if (e.palletQuantity() != null) {
            v.putIfAbsent("pallet_quantity", Integer.toString(e.palletQuantity()));
          }
          v.putIfAbsent("lot_controlled", Boolean.toString(e.lotControlled()));
          v.putIfAbsent("requires_pinned_lot", Boolean.toString(e.requiresPinnedLot()));
          v.putIfAbsent("allows_loose_units", Boolean.toString(e.allowsLooseUnits()));
        });
    return v;
  }

  private Optional<SkuInfo> withExisting(Map<String, String> values) {
    return sku(merged(values, catalogue.sku(values.get("sku"))), new ArrayList<>());
  }

  private Optional<SkuInfo> sku(Map<String, String> v, List<String> problems) {
    if (v.get("sku") == null) {
      problems.add("sku: missing");
      return Optional.empty();
    }
    Integer casePack = positive(v, "case_pack", problems);
    Integer pallet = positive(v, "pallet_quantity", problems);
    Boolean lot = bool(v, "lot_controlled", problems);
    Boolean pin = bool(v, "requires_pinned_lot", problems);
    Boolean loose = bool(v, "allows_loose_units", problems);
    if (!problems.isEmpty()) {
      return Optional.empty();
    }
    SkuInfo s =
        new SkuInfo(
            v.get("sku"),
            v.get("name"),
            casePack == null ? 1 : casePack,
            pallet,
            Boolean.TRUE.equals(lot),
            Boolean.TRUE.equals(pin),
            Boolean.TRUE.equals(loose));
    SkuRules.problems(s).forEach(p -> problems.add(p.toString()));
    return problems.isEmpty() ? Optional.of(s) : Optional.empty();
  }

  private record Count(String sku, String location, String lot, LocalDate expiresOn, int counted) {}

  private Optional<Count> count(Map<String, String> v, List<String> problems) {
    String sku = v.get("sku");
    String location = v.get("location");
    String lot = v.get("lot");
    Optional<SkuInfo> info = Optional.empty();
    if (sku == null) {
      problems.add("sku: missing");
    } else {
      info = catalogue.sku(sku);
      if (info.isEmpty()) {
        problems.add("sku: no SKU '" + sku + "' (import it first)");
      }
    }
    if (location == null) {
      problems.add("location: missing");
    } else if (catalogue.location(location).isEmpty()) {
      problems.add("location: no location '" + location + "'");
    }
    Integer counted = null;
    String raw = v.get("counted");
    if (raw == null || !raw.matches("\\d{1,9}")) {
      problems.add("counted: give the units counted, a whole number of 0 or more");
    } else {
      counted = Integer.parseInt(raw);
    }
    LocalDate expires = null;
    if (v.get("expires_on") != null) {
      try {
        expires = LocalDate.parse(v.get("expires_on"));
      } catch (DateTimeParseException e) {
        problems.add("expires_on: give a date as YYYY-MM-DD");
      }
    }
    if (info.isPresent()) {
      if (info.get().lotControlled() && lot == null) {
        problems.add("lot: " + sku + " is kept per lot: give the lot counted");
      } else if (!info.get().lotControlled() && (lot != null || expires != null)) {
        problems.add("lot: " + sku + " is not kept per lot: leave lot and expires_on empty");
      } else if (lot != null && expires != null) {
        LocalDate known = lotExpiry(sku, lot);
        if (known != null && !known.equals(expires)) {
          problems.add(
              "expires_on: lot "
                  + lot
                  + " of "
                  + sku
                  + " expires on "
                  + known
                  + ", not "
                  + expires);
        }
      }
    }
    return problems.isEmpty()
        ? Optional.of(new Count(sku, location, lot, expires, counted))
        : Optional.empty();
  }

  private int onHand(Count c) {
    return stockRow(c, "on_hand");
  }

  private int lockedOnHand(Count c) {
    return jdbc.sql(
            "SELECT s.on_hand FROM stock s LEFT JOIN lots l ON l.id = s.lot_id"
                + " WHERE s.sku = ? AND s.location = ? AND l.code IS NOT DISTINCT FROM ?"
                + " FOR UPDATE OF s")
        .params(c.sku(), c.location(), c.lot())
        .query(Integer.class)
        .optional()
        .orElse(0);
  }

  private LocalDate lotExpiry(String sku, String lot) {
    return jdbc.sql("SELECT expires_on FROM lots WHERE sku = ? AND code = ?")
        .params(sku, lot)
        .query(LocalDate.class)
        .optional()
        .orElse(null);
  }

  private int reserved(Count c) {
    return stockRow(c, "reserved");
  }

  private int stockRow(Count c, String column) {
    return jdbc.sql(
            "SELECT coalesce(sum(s."
                + column
                + "), 0) FROM stock s LEFT JOIN lots l ON l.id = s.lot_id"
                + " WHERE s.sku = ? AND s.location = ? AND l.code IS NOT DISTINCT FROM ?")
        .params(c.sku(), c.location(), c.lot())
        .query(Integer.class)
        .single();
  }

  private static Integer positive(Map<String, String> v, String key, List<String> problems) {
    String s = v.get(key);
    if (s == null) {
      return null;
    }
    if (!s.matches("\\d{1,9}") || Integer.parseInt(s) < 1) {
      problems.add(key + ": give a whole number of 1 or more");
      return null;
    }
    return Integer.parseInt(s);
  }

  private static Boolean bool(Map<String, String> v, String key, List<String> problems) {
    String s = v.get(key);
    if (s == null) {
      return null;
    }
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "y", "1" -> true;
      case "false", "no", "n", "0" -> false;
      default -> {
        problems.add(key + ": give true or false");
        yield null;
      }
    };
  }

  private static String describe(SkuInfo s) {
    return s.name()
        + (s.casePack() > 1 ? ", case of " + s.casePack() : "")
        + (s.palletQuantity() != null ? ", pallet of " + s.palletQuantity() : "")
        + (s.lotControlled() ? ", lots" : "")
        + (s.requiresPinnedLot() ? ", pinned" : "")
        + (s.allowsLooseUnits() ? ", loose units" : "");
  }

  /**
   * The CSV's rows as header-named values, blank cells left out, each with its number (blank lines
   * are counted, so the numbers match the file). A column the import does not know is refused: it
   * would otherwise be dropped without a word.
   */
  static List<Line> read(Kind kind, String csv) {
    if (csv == null || csv.isBlank()) {
      throw ApiProblem.unprocessable("csv", "the CSV is empty: give a header row and data rows");
    }
    String text = csv.startsWith("\uFEFF") ? csv.substring(1) : csv;
    List<String> known = kind == Kind.SKUS ? SKU_COLUMNS : COUNT_COLUMNS;
    List<Line> rows = new ArrayList<>();
    try (MappingIterator<Map<String, String>> it =
        CSV.readerForMapOf(String.class)
            .with(CsvSchema.emptySchema().withHeader())
            .readValues(text)) {
      int number = 0;
      boolean headerChecked = false;
      while (it.hasNextValue()) {
        Map<String, String> raw = it.nextValue();
        number++;
        if (!headerChecked) {
          for (String header : raw.keySet()) {
            if (!known.contains(column(header))) {
              throw ApiProblem.unprocessable(
                  "csv",
                  "unknown column '"
                      + header.strip()
                      + "': the columns are "
                      + String.join(", ", known)
                      + " (in any order; leave out the ones you do not set)");
            }
          }
          headerChecked = true;
        }
        Map<String, String> row = new LinkedHashMap<>();
        raw.forEach(
            (k, v) -> {
              if (v != null && !v.isBlank()) {
                row.put(column(k), v.strip());
              }
            });
        if (row.isEmpty()) {
          continue;
        }
        if (rows.size() == MAX_ROWS) {
          throw ApiProblem.unprocessable(
              "csv", "more than " + MAX_ROWS + " rows: split the file and import each part");
        }
        rows.add(new Line(number, row));
      }
    } catch (JacksonException e) {
      throw ApiProblem.unprocessable(
          "csv",
          "the CSV could not be read"
              + (e.getLocation() == null ? "" : " near line " + e.getLocation().getLineNr())
              + ": "
              + e.getOriginalMessage());
    }
    if (rows.isEmpty()) {
      throw ApiProblem.unprocessable("csv", "the CSV has a header but no data rows");
    }
    return rows;
  }

  /**
   * A header as its column: trimmed, {@code casePack} or {@code Case Pack} as {@code case_pack}.
   */
  static String column(String header) {
    return header
        .strip()
        .replaceAll("([a-z0-9])([A-Z])", "$1_$2")
        .toLowerCase(Locale.ROOT)
        .replaceAll("[\\s_\\-]+", "_");
  }
}
