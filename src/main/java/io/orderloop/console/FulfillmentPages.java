package io.orderloop.console;

import io.orderloop.fulfillment.Fulfillment;
import io.orderloop.fulfillment.ShipmentView;
import io.orderloop.inventory.Catalogue;
import io.orderloop.orders.OrderQueries;
import io.orderloop.orders.OrderView;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Fulfillment: the queue per location as a printable pick list (orders released to fulfillment and
 * not held, most urgent first, with lines, lots, quantities and due dates), its CSV, and a packing
 * slip per shipment (cases and pallets for B2B).
 */
@Controller
class FulfillmentPages implements ConsolePage {

  static final int PAGE = 100;

  private final ConsoleUsers users;
  private final Fulfillment fulfillment;
  private final Catalogue catalogue;
  private final OrderQueries orders;

  FulfillmentPages(
      ConsoleUsers users, Fulfillment fulfillment, Catalogue catalogue, OrderQueries orders) {
    this.users = users;
    this.fulfillment = fulfillment;
    this.catalogue = catalogue;
    this.orders = orders;
  }

  @GetMapping("/console/fulfillment")
  String queue(
      Principal principal,
      @RequestParam(required = false) String location,
      @RequestParam(required = false) String cursor,
      Model model) {
    String at = location == null || location.isBlank() ? null : location.strip();
    Fulfillment.QueuePage page = fulfillment.queue(at, cursor, PAGE);
    model.addAttribute("user", users.current(principal));
    model.addAttribute("location", at);
    model.addAttribute("locations", catalogue.locations());
    model.addAttribute("items", page.items());
    model.addAttribute("next", page.nextCursor());
    model.addAttribute("printedAt", users.now());
    return "console/fulfillment";
  }

  @GetMapping("/console/fulfillment.csv")
  void csv(
      Principal principal,
      @RequestParam(required = false) String location,
      HttpServletResponse response)
      throws IOException {
    users.current(principal);
    String at = location == null || location.isBlank() ? null : location.strip();
    try (Csv csv =
        Csv.download(
            response,
            "pick-list.csv",
            "location",
            "order",
            "type",
            "due_by",
            "window_from",
            "window_to",
            "at_risk",
            "line",
            "sku",
            "lot",
            "quantity")) {
      String cursor = null;
      int written = 0;
      do {
        Fulfillment.QueuePage page = fulfillment.queue(at, cursor, 500);
        for (Fulfillment.QueueItem item : page.items()) {
          for (Fulfillment.QueueLine l : item.lines()) {
            csv.row(
                item.location(),
                item.number(),
                item.type(),
                item.dueBy(),
                item.windowFrom(),
                item.windowTo(),
                item.atRisk(),
                l.lineNo(),
                l.sku(),
                l.lot(),
                l.quantity());
          }
        }
        written += page.items().size();
        cursor = page.nextCursor();
      } while (cursor != null && written < OrderList.CSV_LIMIT);
    }
  }

  @GetMapping("/console/shipments/{id}/packing-slip")
  String packingSlip(@PathVariable UUID id, Principal principal, Model model) {
    model.addAttribute("user", users.current(principal));
    ShipmentView shipment = fulfillment.shipment(id);
    OrderView order = orders.get(shipment.orderId().toString());
    model.addAttribute("shipment", shipment);
    model.addAttribute("order", order);
    return "console/packing-slip";
  }
}
