package io.orderloop.channels.edi;

import io.orderloop.channels.SkuAliases;
import io.orderloop.channels.edi.X12Reader.ElementError;
import io.orderloop.channels.edi.X12Reader.Segment;
import io.orderloop.channels.edi.X12Reader.SegmentError;
import io.orderloop.orders.Address;
import io.orderloop.orders.Channel;
import io.orderloop.orders.ChannelOrderCommand;
import io.orderloop.orders.CreateOrder;
import io.orderloop.orders.OrderType;
import io.orderloop.orders.UnitOfMeasure;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * An X12 850 purchase order as the loop's channel orders: BEG03 is the buyer's PO (BEG05 its date);
 * N1 ST/BT/BY with N2/N3/N4 the ship-to, bill-to and buyer; PO1 the lines (quantity, unit {@code
 * EA} or {@code CA}, unit price, product ids resolved through the partner's SKU aliases, PO4's case
 * pack, which the order model checks against the SKU's); DTM 064/063, 002, 037/038 and 010 the
 * delivery window; ITD the payment terms; CUR the currency; CTT the line count, checked; SAC, TD5,
 * MSG, N9 and the terms' text kept as notes. SDQ store distributions make one order per store. A PO
 * the loop cannot take at all is refused with the segment to blame.
 */
@Component
class PurchaseOrders {

  /** Segments whose contents become the order: an error in one of them rejects the PO. */
  static final Set<String> MAPPED =
      Set.of("BEG", "CUR", "DTM", "ITD", "N1", "N2", "N3", "N4", "PO1", "PO4", "CTT", "SDQ");

  private static final DateTimeFormatter CCYYMMDD = DateTimeFormatter.BASIC_ISO_DATE;
  private static final int MAX_LINES = CreateOrder.MAX_LINES;

  /**
   * One PO1 line as the partner sent it, echoed in the 855, 856 and 810: {@code ref} is unique in
   * the PO (PO101, or PO101#n when PO101 repeats or is empty), {@code lineId} is PO101 as sent.
   */
  record PoLine(
      String ref,
      String lineId,
      String quantity,
      String unit,
      String price,
      List<List<String>> ids,
      String title,
      Integer pack) {}

  /** An 850 the loop can take: the orders it makes (one, or one per SDQ store). */
  record Mapped(
      String po,
      LocalDate poDate,
      String purpose,
      List<ChannelOrderCommand> orders,
      List<PoLine> lines,
      String summary,
      List<SegmentError> warnings) {}

  /** An 850 the loop cannot take: why, and the segment to name in the 997 when there is one. */
  static final class Refused extends Exception {
    final transient SegmentError error;

    Refused(String message, SegmentError error) {
      super(message);
      this.error = error;
    }
  }

  private final SkuAliases aliases;

  PurchaseOrders(SkuAliases aliases) {
    this.aliases = aliases;
  }

  Mapped map(X12Reader.Transaction tx, EdiPartners.Partner partner) throws Refused {
    Segment beg = tx.first("BEG");
    if (beg == null || beg.el(3).isBlank()) {
      throw new Refused(
          "the PO has no BEG segment with a PO number (BEG03)",
          new SegmentError("BEG", beg == null ? 2 : beg.position(), "3", List.of()));
    }
    String po = beg.el(3).strip();
    LocalDate poDate = PoHeading.date(beg.el(5));
    List<String> notes = new ArrayList<>();
    notes.add("EDI PO " + po + (poDate == null ? "" : " of " + poDate) + " from " + partner.name());
    if (beg.el(1).equals("01")) {
      notes.add("BEG01 01: the partner marks this PO as a cancellation");
    } else if (beg.el(1).equals("05")) {
      notes.add("BEG01 05: the partner marks this PO as a replacement");
    }

    // Heading (before the first PO1) and the lines with what follows each.
    List<Segment> heading = new ArrayList<>();
    List<List<Segment>> lineLoops = new ArrayList<>();
    Segment ctt = null;
    for (Segment s : tx.segments) {
      if (s.tag().equals("PO1")) {
        lineLoops.add(new ArrayList<>(List.of(s)));
      } else if (s.tag().equals("CTT")) {
        ctt = s;
      } else if (lineLoops.isEmpty()) {
        heading.add(s);
      } else if (ctt == null) {
        lineLoops.getLast().add(s);
      }
    }
    if (lineLoops.isEmpty()) {
      throw new Refused(
          "PO " + po + " has no PO1 lines",
          new SegmentError("PO1", beg.position() + 1, "3", List.of()));
    }
    if (lineLoops.size() > MAX_LINES) {
      Segment over = lineLoops.get(MAX_LINES).getFirst();
      throw new Refused(
          "PO "
              + po
              + " has "
              + lineLoops.size()
              + " PO1 lines; an order takes at most "
              + MAX_LINES
              + ": ask the buyer to split it",
          new SegmentError("PO1", over.position(), "4", List.of()));
    }
    Integer declared = ctt == null ? null : PoHeading.integer(ctt.el(1));
    // A CTT that does not count the PO1s (the envelope's own counts matched): accepted with the
    // error noted in the 997, and the order held until a person has checked the lines.
    List<SegmentError> warnings = new ArrayList<>();
    List<String> checks = new ArrayList<>();
    if (ctt != null
        && !ctt.el(1).isBlank()
        && !Integer.valueOf(lineLoops.size()).equals(declared)) {
      warnings.add(
          new SegmentError(
              "CTT", ctt.position(), "8", List.of(new ElementError(1, 0, "354", "7", ctt.el(1)))));
      checks.add(
          "CTT01 says "
              + ctt.el(1).strip()
              + " line(s) but PO "
              + po
              + " has "
              + lineLoops.size()
              + " PO1 segments; check with the buyer that no line is missing or extra");
    }

    PoHeading head = PoHeading.read(heading, partner, notes);
    Map<String, PoHeading.Party> parties = head.parties;
    String currency = head.currency;
    String terms = head.terms;
    CreateOrder.DeliveryWindow window = head.window;

    // Lines, keyed by their place in the PO (PO101 need not be unique; it is echoed back).
    List<PoLine> lines = new ArrayList<>();
    Map<String, Map<String, BigDecimal>> sdq = new LinkedHashMap<>();
    List<String> codes = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    int n = 0;
    for (List<Segment> loop : lineLoops) {
      n++;
      Segment po1 = loop.getFirst();
      String lineId = po1.el(1).strip();
      String ref = lineId.isEmpty() || !seen.add(lineId) ? lineId + "#" + n : lineId;
      List<List<String>> ids = new ArrayList<>();
      for (int i = 6; i + 1 <= 25; i += 2) {
        if (!PoHeading.blank(po1.el(i)) && !PoHeading.blank(po1.el(i + 1))) {
          ids.add(List.of(po1.el(i).strip(), po1.el(i + 1).strip()));
        }
      }
      String title = null;
      Integer pack = null;
      for (Segment s : loop) {
        if (s.tag().equals("PID") && title == null && !PoHeading.blank(s.el(5))) {
          title = s.el(5).strip();
        }
        if (s.tag().equals("PO4") && pack == null) {
          pack = PoHeading.integer(s.el(1));
        }
        if (s.tag().equals("SDQ")) {
          distribute(s, po1, po, sdq.computeIfAbsent(ref, k -> new LinkedHashMap<>()));
        }
      }
      lines.add(
          new PoLine(
              ref,
              lineId,
              po1.el(2).strip(),
              po1.el(3).strip(),
              po1.el(4).strip(),
              ids,
              title,
              pack));
      ids.forEach(id -> codes.add(id.get(0) + ":" + id.get(1)));
    }
    // What the stores take of a line may not exceed it; the rest goes to the ship-to.
    Map<String, String> remainder = new LinkedHashMap<>();
    for (PoLine l : lines) {
      BigDecimal ordered = PoHeading.decimal(l.quantity());
      Map<String, BigDecimal> stores = sdq.getOrDefault(l.ref(), Map.of());
      BigDecimal distributed = stores.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
      if (ordered != null && distributed.compareTo(ordered) > 0) {
        Segment po1 = lineLoops.get(lines.indexOf(l)).getFirst();
        throw new Refused(
            "PO "
                + po
                + " line "
                + l.lineId()
                + " orders "
                + l.quantity()
                + " but its SDQ distributes "
                + distributed.toPlainString(),
            new SegmentError(
                "SDQ",
                po1.position() + 1,
                "8",
                List.of(new ElementError(4, 0, "380", "7", distributed.toPlainString()))));
      }
      if (stores.isEmpty()) {
        // The ship-to takes it as sent; a quantity the loop cannot read waits there, not dropped.
        remainder.put(l.ref(), l.quantity());
      } else if (ordered != null && distributed.compareTo(ordered) < 0) {
        remainder.put(l.ref(), ordered.subtract(distributed).toPlainString());
      }
    }

    // SKUs through the partner's aliases.
    String channel = "edi:" + partner.partnerId();
    Map<String, String> resolved = aliases.resolveAll(channel, codes);
    Map<String, String> skuOf = new LinkedHashMap<>();
    for (PoLine l : lines) {
      for (List<String> id : l.ids()) {
        String sku = resolved.get(id.get(0) + ":" + id.get(1));
        if (sku != null) {
          skuOf.put(l.ref(), sku);
          break;
        }
      }
    }

    PoHeading.Party buyer =
        parties.getOrDefault("BY", parties.getOrDefault("BT", parties.getOrDefault("ST", null)));
    String customerName =
        buyer != null && !PoHeading.blank(buyer.name) ? buyer.name.strip() : partner.name();
    CreateOrder.Customer customer =
        new CreateOrder.Customer(PoHeading.cut(customerName, 200), head.email);
    PoHeading.Party billParty = parties.get("BT");
    Address billTo = billParty == null ? null : billParty.address();
    PoHeading.Party shipParty = parties.get("ST");

    String notesText = String.join("\n", notes);
    if (notesText.length() > 4000) {
      notesText = notesText.substring(0, 3997) + "...";
    }
    CreateOrder.B2b b2b = new CreateOrder.B2b(po, terms, window);
    List<ChannelOrderCommand> orders = new ArrayList<>();
    if (sdq.isEmpty() || !remainder.isEmpty()) {
      // The ship-to's order: every line without a store distribution, and what the stores leave.
      List<String> review = new ArrayList<>(checks);
      Address shipTo = PoHeading.shipTo(shipParty, partner, review);
      Map<String, String> quantities = new LinkedHashMap<>();
      quantities.putAll(remainder);
      orders.add(
          command(
              partner,
              keyPart(po),
              po,
              customer,
              shipTo,
              billTo,
              currency,
              b2b,
              lines(lines, skuOf, sdq.isEmpty() ? null : quantities),
              review,
              notesText));
    }
    // One order per store, each with the store's quantity of every line distributed to it.
    Map<String, Map<String, String>> byStore = new LinkedHashMap<>();
    sdq.forEach(
        (ref, stores) ->
            stores.forEach(
                (store, q) ->
                    byStore
                        .computeIfAbsent(store, k -> new LinkedHashMap<>())
                        .put(ref, q.toPlainString())));
    for (var store : byStore.entrySet()) {
      List<String> review = new ArrayList<>(checks);
      Address shipTo = PoHeading.storeAddress(partner, store.getKey());
      if (shipTo == null) {
        review.add(
            "SDQ store '"
                + store.getKey()
                + "' is not in partner "
                + partner.partnerId()
                + "'s stores; add it (PUT the partner with stores) and correct the ship-to");
        shipTo = PoHeading.shipTo(shipParty, partner, new ArrayList<>());
      }
      orders.add(
          command(
              partner,
              keyPart(po) + ":" + keyPart(store.getKey()),
              po + " / store " + store.getKey(),
              customer,
              shipTo,
              billTo,
              currency,
              b2b,
              lines(lines, skuOf, store.getValue()),
              review,
              notesText + "\nstore " + store.getKey()));
    }
    String summary =
        "PO "
            + po
            + ": "
            + lines.size()
            + " line(s)"
            + (orders.size() > 1 ? ", " + orders.size() + " store orders" : "")
            + (window == null ? "" : ", window " + window.from() + "–" + window.to())
            + (terms == null ? "" : ", terms " + terms);
    return new Mapped(po, poDate, beg.el(1), orders, lines, summary, warnings);
  }

  private static ChannelOrderCommand command(
      EdiPartners.Partner partner,
      String key,
      String display,
      CreateOrder.Customer customer,
      Address shipTo,
      Address billTo,
      String currency,
      CreateOrder.B2b b2b,
      List<ChannelOrderCommand.Line> lines,
      List<String> review,
      String notes) {
    return new ChannelOrderCommand(
        Channel.EDI,
        partner.partnerId() + ":" + key,
        partner.partnerId(),
        display,
        1,
        OrderType.B2B,
        customer,
        shipTo,
        billTo,
        currency,
        b2b,
        lines,
        List.of(),
        null,
        false,
        false,
        null,
        List.of(),
        review,
        notes);
  }

  /**
   * A PO number or store code as part of an order key ({@code {partnerId}:{PO}:{store}}): a ':' in
   * it (possible where ':' is not a delimiter) is written %3A, and '%' as %25, so no two keys meet.
   */
  static String keyPart(String value) {
    return value.replace("%", "%25").replace(":", "%3A");
  }

  /** The loop's lines for the PO's lines, with only these quantities when {@code only} is given. */
  private static List<ChannelOrderCommand.Line> lines(
      List<PoLine> lines, Map<String, String> skuOf, Map<String, String> only) {
    List<ChannelOrderCommand.Line> out = new ArrayList<>();
    for (PoLine l : lines) {
      String quantity = only == null ? l.quantity() : only.get(l.ref());
      if (quantity == null) {
        continue;
      }
      UnitOfMeasure uom = unit(l.unit());
      String refusal =
          uom == null
              ? "unit '"
                  + l.unit()
                  + "' is not one the loop takes: EA (each) or CA (case); ask the buyer to"
                  + " restate the line"
              : null;
      List<String> first = l.ids().isEmpty() ? null : l.ids().getFirst();
      List<String> codes = new ArrayList<>();
      for (List<String> id : l.ids()) {
        codes.add(id.get(0) + ":" + id.get(1));
        codes.add(id.get(1));
      }
      out.add(
          new ChannelOrderCommand.Line(
              l.ref(),
              first == null ? "" : first.get(0) + ":" + first.get(1),
              l.title(),
              skuOf.get(l.ref()),
              quantity,
              PoHeading.decimal(l.price()),
              first == null ? null : first.get(1),
              false,
              uom,
              refusal,
              uom == UnitOfMeasure.CASE ? l.pack() : null,
              codes));
    }
    return out;
  }

  /** An SDQ segment's store quantities, added to {@code into}; refused when unreadable. */
  private static void distribute(Segment sdq, Segment po1, String po, Map<String, BigDecimal> into)
      throws Refused {
    String unit = sdq.el(1).strip();
    if (!unit.isEmpty() && !unit.equals(po1.el(3).strip())) {
      throw new Refused(
          "PO "
              + po
              + " line "
              + po1.el(1)
              + ": SDQ distributes in '"
              + unit
              + "' but the line is in '"
              + po1.el(3)
              + "'",
          new SegmentError(
              "SDQ", sdq.position(), "8", List.of(new ElementError(1, 0, "355", "7", unit))));
    }
    for (int i = 3; i + 1 <= 22; i += 2) {
      String store = sdq.el(i).strip();
      if (store.isEmpty()) {
        continue;
      }
      BigDecimal q = PoHeading.decimal(sdq.el(i + 1));
      if (q == null) {
        throw new Refused(
            "PO " + po + ": SDQ store '" + store + "' has no quantity the loop can read",
            new SegmentError(
                "SDQ",
                sdq.position(),
                "8",
                List.of(new ElementError(i + 1, 0, "380", "1", sdq.el(i + 1)))));
      }
      into.merge(store, q, BigDecimal::add);
    }
  }

  static UnitOfMeasure unit(String code) {
    return switch (code == null ? "" : code.strip()) {
      case "EA", "UN", "PC", "" -> UnitOfMeasure.EACH;
      case "CA", "CS" -> UnitOfMeasure.CASE;
      default -> null;
    };
  }
}
