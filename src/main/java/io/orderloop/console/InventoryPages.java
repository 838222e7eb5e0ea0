package io.orderloop.console;

import io.orderloop.inventory.Catalogue;
import io.orderloop.inventory.SkuInfo;
import io.orderloop.inventory.StockLedger;
import io.orderloop.inventory.StockView;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.time.LocalDate;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Inventory: SKUs with on hand, reserved and available (at one location, or below a threshold),
 * their CSV; a SKU's lots with expiry per location and its movements ledger (and its CSV); receipts
 * and adjustments (operations and admin).
 */
@Controller
class InventoryPages implements ConsolePage {

  static final int PAGE = 100;

  private final ConsoleUsers users;
  private final Catalogue catalogue;
  private final StockLedger ledger;
  private final Acting acting;
  private final io.orderloop.inventory.StockReconciliation reconciliation;

  InventoryPages(
      ConsoleUsers users,
      Catalogue catalogue,
      StockLedger ledger,
      Acting acting,
      io.orderloop.inventory.StockReconciliation reconciliation) {
    this.users = users;
    this.catalogue = catalogue;
    this.ledger = ledger;
    this.acting = acting;
    this.reconciliation = reconciliation;
  }

  @GetMapping("/console/inventory")
  String list(
      Principal principal,
      @RequestParam(required = false) String location,
      @RequestParam(required = false) Integer below,
      @RequestParam(required = false) String after,
      Model model) {
    String at = blankToNull(location);
    List<StockLedger.StockSummary> rows = ledger.stockList(at, below, blankToNull(after), PAGE);
    model.addAttribute("user", users.current(principal));
    model.addAttribute("rows", rows);
    model.addAttribute("location", at);
    model.addAttribute("below", below);
    model.addAttribute("locations", catalogue.locations());
    model.addAttribute("next", rows.size() == PAGE ? rows.getLast().sku() : null);
    return "console/inventory";
  }

  @GetMapping("/console/inventory.csv")
  void csv(
      Principal principal,
      @RequestParam(required = false) String location,
      @RequestParam(required = false) Integer below,
      HttpServletResponse response)
      throws IOException {
    users.current(principal);
    String at = blankToNull(location);
    try (Csv csv =
        Csv.download(
            response, "inventory.csv", "sku", "name", "on_hand", "reserved", "available")) {
      String after = null;
      int written = 0;
      List<StockLedger.StockSummary> rows;
      do {
        rows = ledger.stockList(at, below, after, 1000);
        for (StockLedger.StockSummary r : rows) {
          csv.row(r.sku(), r.name(), r.onHand(), r.reserved(), r.available());
        }
        written += rows.size();
        after = rows.isEmpty() ? null : rows.getLast().sku();
      } while (rows.size() == 1000 && written < OrderList.CSV_LIMIT);
    }
  }

  /**
   * The stock invariants checked now, in one consistent read: reserved equals the active
   * reservations, on hand ≥ reserved ≥ 0, the ledger adds up (a whole-table read: run on demand).
   */
  @GetMapping("/console/inventory/reconciliation")
  String reconciliation(Principal principal, Model model) {
    model.addAttribute("user", users.current(principal));
    model.addAttribute("r", reconciliation.reconcile());
    return "console/reconciliation";
  }

  @GetMapping("/console/inventory/{sku}")
  String sku(
      @PathVariable String sku,
      Principal principal,
      @RequestParam(required = false) Long before,
      Model model) {
    ConsoleUsers.User user = users.current(principal);
    SkuInfo info =
        catalogue
            .sku(sku)
            .orElseThrow(
                () -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no SKU '" + sku + "'"));
    StockView stock = ledger.stock(sku).orElse(new StockView(sku, 0, 0, 0, List.of()));
    List<StockLedger.Movement> movements = ledger.movements(sku, before, PAGE);
    model.addAttribute("user", user);
    model.addAttribute("sku", info);
    model.addAttribute("stock", stock);
    model.addAttribute("movements", movements);
    model.addAttribute("next", movements.size() == PAGE ? movements.getLast().id() : null);
    model.addAttribute("locations", catalogue.locations());
    model.addAttribute("reasons", StockLedger.AdjustmentReason.values());
    model.addAttribute("canStock", user.role().canStock());
    return "console/sku";
  }

  @GetMapping("/console/inventory/{sku}/movements.csv")
  void movementsCsv(@PathVariable String sku, Principal principal, HttpServletResponse response)
      throws IOException {
    users.current(principal);
    try (Csv csv =
        Csv.download(
            response,
            "movements-" + sku.replaceAll("[^A-Za-z0-9._-]", "_") + ".csv",
            "id",
            "at",
            "kind",
            "location",
            "lot",
            "on_hand_delta",
            "reserved_delta",
            "reason",
            "order_id",
            "actor")) {
      Long before = null;
      int written = 0;
      List<StockLedger.Movement> rows;
      do {
        rows = ledger.movements(sku, before, 1000);
        for (StockLedger.Movement m : rows) {
          csv.row(
              m.id(),
              m.at(),
              m.kind(),
              m.location(),
              m.lot(),
              m.onHandDelta(),
              m.reservedDelta(),
              m.reason(),
              m.orderId(),
              m.actor());
        }
        written += rows.size();
        before = rows.isEmpty() ? null : rows.getLast().id();
      } while (rows.size() == 1000 && written < OrderList.CSV_LIMIT);
    }
  }

  @PostMapping("/console/inventory/{sku}/receipts")
  String receive(
      @PathVariable String sku,
      @RequestParam String location,
      @RequestParam(required = false) String lot,
      @RequestParam(required = false) LocalDate expiresOn,
      @RequestParam int quantity,
      @RequestParam(required = false) String reason,
      Principal principal,
      RedirectAttributes flash) {
    acting.require(principal, ConsoleRole::canStock, "receive stock");
    return acting.act(
        page(sku),
        flash,
        () ->
            ledger.receive(
                new StockLedger.Receipt(
                    sku,
                    location,
                    blankToNull(lot),
                    expiresOn,
                    quantity,
                    Acting.reasonOr(reason, "received in the console"))),
        quantity + " received at " + location + ".");
  }

  @PostMapping("/console/inventory/{sku}/adjustments")
  String adjust(
      @PathVariable String sku,
      @RequestParam String location,
      @RequestParam(required = false) String lot,
      @RequestParam int quantity,
      @RequestParam StockLedger.AdjustmentReason reason,
      @RequestParam(required = false) String note,
      Principal principal,
      RedirectAttributes flash) {
    acting.require(principal, ConsoleRole::canStock, "adjust stock");
    return acting.act(
        page(sku),
        flash,
        () ->
            ledger.adjust(
                new StockLedger.Adjustment(
                    sku, location, blankToNull(lot), quantity, reason, blankToNull(note))),
        "Adjusted " + (quantity > 0 ? "+" : "") + quantity + " at " + location + ".");
  }

  private static String page(String sku) {
    return "/console/inventory/"
        + org.springframework.web.util.UriUtils.encodePathSegment(
            sku, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
