package io.orderloop.channels.edi;

import io.orderloop.channels.edi.X12Writer.Seg;
import io.orderloop.orders.Address;
import io.orderloop.orders.ChannelOrder;
import io.orderloop.orders.Invoice;
import io.orderloop.orders.OrderView;
import io.orderloop.orders.UnitOfMeasure;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The transaction sets we send a partner, built from the order as it stands: the 855 (per line:
 * accepted, backordered, on hold), the 856 (shipment / order / pack / item with carrier, tracking,
 * cases and lots) and the 810 (terms, due date, lines and a total equal to the invoice's). Lines
 * carry the product ids the 850 sent, so the buyer's system matches them.
 */
final class OutboundDocuments {

  private static final DateTimeFormatter CCYYMMDD = DateTimeFormatter.ofPattern("yyyyMMdd");
  private static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("HHmm");

  private OutboundDocuments() {}

  /** The 850's lines by PO1 reference: their product ids and unit as the buyer sent them. */
  private static Map<String, JsonNode> poLines(JsonNode po) {
    Map<String, JsonNode> lines = new LinkedHashMap<>();
    if (po != null) {
      po.path("lines").forEach(l -> lines.put(l.path("ref").asString(), l));
    }
    return lines;
  }

  private static Map<Integer, String> refs(OrderView order) {
    Map<Integer, String> refs = new HashMap<>();
    if (order.channelOrder() != null) {
      for (ChannelOrder.LineRef r : order.channelOrder().lineRefs()) {
        refs.put(r.lineNo(), r.ref());
      }
    }
    return refs;
  }

  private static void ids(List<Object> elements, JsonNode poLine, String sku) {
    boolean any = false;
    if (poLine != null) {
      for (JsonNode id : poLine.path("ids")) {
        if (elements.size() >= 24) {
          break;
        }
        elements.add(id.path(0).asString());
        elements.add(id.path(1).asString());
        any = true;
      }
    }
    if (!any && sku != null) {
      elements.add("VN"); // our SKU as the vendor's item number
      elements.add(sku);
    }
  }

  /** A quantity in the line's unit when it is whole cases, else in units. */
  private record Qty(String quantity, String unit) {
    static Qty of(int units, OrderView.Line line) {
      if (line.unitOfMeasure() == UnitOfMeasure.CASE
          && line.casePack() > 0
          && units % line.casePack() == 0) {
        return new Qty(String.valueOf(units / line.casePack()), "CA");
      }
      return new Qty(String.valueOf(units), "EA");
    }
  }

  private static String po(OrderView order, JsonNode po) {
    if (po != null && !po.path("po").asString("").isEmpty()) {
      return po.path("po").asString();
    }
    return order.b2b() != null && order.b2b().buyerPo() != null
        ? order.b2b().buyerPo()
        : order.number();
  }

  private static String poDate(OrderView order, JsonNode po) {
    String d = po == null ? "" : po.path("poDate").asString("");
    LocalDate date =
        d.isEmpty() ? order.createdAt().atZone(ZoneOffset.UTC).toLocalDate() : LocalDate.parse(d);
    return CCYYMMDD.format(date);
  }

  private static void party(List<Seg> segs, String qualifier, Address a, EdiPartners.Delimiters d) {
    if (a == null) {
      return;
    }
    String name = a.name() != null ? a.name() : a.company();
    segs.add(Seg.of("N1", qualifier, X12Writer.clean(name == null ? "-" : name, d, 60)));
    if (a.line1() != null) {
      segs.add(Seg.of("N3", X12Writer.clean(a.line1(), d, 55), X12Writer.clean(a.line2(), d, 55)));
    }
    if (a.city() != null) {
      String region = a.region() != null && a.region().length() == 2 ? a.region() : "";
      segs.add(
          Seg.of(
              "N4",
              X12Writer.clean(a.city(), d, 30),
              region,
              X12Writer.clean(a.postalCode(), d, 15),
              a.country() != null && a.country().length() <= 3 ? a.country() : ""));
    }
  }

  /** One 850 line as the orders made from it stand (several orders: an SDQ distribution). */
  private static final class AckLine {
    OrderView.Line line;
    int ordered;
    int accepted;
    int backordered;
    int cancelled;
    String waitingQuantity;
    String waitingUnit;
    java.math.BigDecimal waitingPrice;
  }

  /**
   * 855: each 850 line accepted (IA), backordered (IB), cancelled (IR) or on hold (IH: waiting for
   * a mapping or a person), over every order made from the PO. BAK02 is AD when every line is
   * accepted as ordered, RJ when every line is cancelled, else AC.
   */
  static List<Seg> acknowledgment(
      List<OrderView> orders,
      JsonNode po,
      boolean replace,
      LocalDate today,
      EdiPartners.Delimiters d) {
    OrderView order = orders.getFirst();
    Map<String, JsonNode> sent = poLines(po);
    Map<String, AckLine> byRef = new LinkedHashMap<>();
    sent.keySet().forEach(ref -> byRef.put(ref, new AckLine()));
    for (OrderView o : orders) {
      Map<Integer, String> refs = refs(o);
      for (OrderView.Line l : o.lines()) {
        AckLine a =
            byRef.computeIfAbsent(
                refs.getOrDefault(l.lineNo(), String.valueOf(l.lineNo())), k -> new AckLine());
        a.line = a.line == null ? l : a.line;
        a.ordered += l.quantity();
        a.accepted += l.allocated() + l.shipped();
        a.backordered += l.backordered();
        a.cancelled += l.cancelled();
      }
      if (o.channelOrder() != null) {
        for (ChannelOrder.PendingLine p : o.channelOrder().pendingLines()) {
          AckLine a = byRef.computeIfAbsent(p.ref(), k -> new AckLine());
          JsonNode poLine = sent.get(p.ref());
          a.waitingQuantity =
              a.waitingQuantity == null
                  ? p.quantity()
                  : new java.math.BigDecimal(a.waitingQuantity)
                      .add(new java.math.BigDecimal(p.quantity()))
                      .toPlainString();
          a.waitingUnit = poLine == null ? "EA" : poLine.path("unit").asString("EA");
          a.waitingPrice = p.unitPrice();
        }
      }
    }
    boolean allAccepted = true;
    boolean allCancelled = true;
    List<Seg> lines = new ArrayList<>();
    for (var entry : byRef.entrySet()) {
      String ref = entry.getKey();
      AckLine a = entry.getValue();
      JsonNode poLine = sent.get(ref);
      String lineId = poLine == null ? ref : poLine.path("lineId").asString(ref);
      if (a.line == null && a.waitingQuantity == null) {
        continue; // a line no order took (another store's, or not distributed)
      }
      List<Object> po1;
      if (a.line != null) {
        Qty ordered = Qty.of(a.ordered, a.line);
        po1 = new ArrayList<>(List.of(lineId, ordered.quantity(), ordered.unit()));
        po1.add(
            ordered.unit().equals("CA")
                ? a.line.unitPrice().toPlainString()
                : perUnit(a.line).stripTrailingZeros().toPlainString());
      } else {
        po1 =
            new ArrayList<>(
                List.of(
                    lineId,
                    a.waitingQuantity,
                    a.waitingUnit,
                    a.waitingPrice == null ? "" : a.waitingPrice.toPlainString()));
      }
      po1.add("");
      ids(po1, poLine, a.line == null ? null : a.line.sku());
      lines.add(new Seg("PO1", po1));
      if (a.accepted > 0) {
        Qty q = Qty.of(a.accepted, a.line);
        lines.add(Seg.of("ACK", "IA", q.quantity(), q.unit()));
        allCancelled = false;
      }
      if (a.backordered > 0) {
        Qty q = Qty.of(a.backordered, a.line);
        lines.add(Seg.of("ACK", "IB", q.quantity(), q.unit()));
        allAccepted = false;
        allCancelled = false;
      }
      if (a.cancelled > 0) {
        Qty q = Qty.of(a.cancelled, a.line);
        lines.add(Seg.of("ACK", "IR", q.quantity(), q.unit()));
        allAccepted = false;
      }
      if (a.waitingQuantity != null) {
        lines.add(Seg.of("ACK", "IH", a.waitingQuantity, a.waitingUnit));
        allAccepted = false;
        allCancelled = false;
      }
    }
    String type = allAccepted ? "AD" : allCancelled ? "RJ" : "AC";
    List<Seg> segs = new ArrayList<>();
    segs.add(
        Seg.of(
            "BAK",
            replace ? "05" : "00",
            type,
            X12Writer.clean(po(order, po), d, 22),
            poDate(order, po),
            "",
            "",
            "",
            X12Writer.clean(order.number(), d, 30),
            CCYYMMDD.format(today)));
    segs.add(Seg.of("CUR", "SE", order.currency()));
    party(segs, "ST", order.shipTo(), d);
    segs.addAll(lines);
    segs.add(
        Seg.of("CTT", String.valueOf(lines.stream().filter(x -> x.tag().equals("PO1")).count())));
    return segs;
  }

  /** PO101 as the buyer sent it, for the line the order knows by {@code ref}. */
  private static String lineId(Map<String, JsonNode> sent, String ref) {
    JsonNode poLine = sent.get(ref);
    return poLine == null ? ref : poLine.path("lineId").asString(ref);
  }

  /** The price of one unit: as given for a unit line, derived for a case line. */
  private static BigDecimal perUnit(OrderView.Line l) {
    return l.unitPricePerUnit() != null ? l.unitPricePerUnit() : l.unitPrice();
  }

  /** A shipment as the loop recorded it (the event's payload). */
  record ShipmentData(
      String shipmentId, String carrier, String trackingNumber, List<ShippedLine> lines) {}

  record ShippedLine(int lineNo, String sku, int quantity, String lot) {}

  /** 856: shipment, order, then a pack and an item per line and lot. */
  static List<Seg> shipNotice(
      OrderView order,
      JsonNode po,
      ShipmentData shipment,
      java.time.Instant at,
      EdiPartners.Delimiters d) {
    Map<String, JsonNode> sent = poLines(po);
    Map<Integer, String> refs = refs(order);
    Map<Integer, OrderView.Line> lines = new HashMap<>();
    order.lines().forEach(l -> lines.put(l.lineNo(), l));
    var time = at.atZone(ZoneOffset.UTC);
    List<Seg> segs = new ArrayList<>();
    segs.add(
        Seg.of(
            "BSN",
            "00",
            shipmentReference(shipment.shipmentId()),
            CCYYMMDD.format(time),
            HHMM.format(time),
            "0001"));
    int hl = 1;
    segs.add(Seg.of("HL", "1", "", "S"));
    int cases = 0;
    for (ShippedLine s : shipment.lines()) {
      OrderView.Line l = lines.get(s.lineNo());
      cases += l != null && l.casePack() > 1 ? (s.quantity() + l.casePack() - 1) / l.casePack() : 1;
    }
    segs.add(Seg.of("TD1", "CTN25", String.valueOf(Math.max(1, cases))));
    String carrier = shipment.carrier() == null ? "" : shipment.carrier().strip();
    if (!carrier.isEmpty()) {
      segs.add(
          Seg.of(
              "TD5",
              "",
              carrier.matches("[A-Za-z]{2,4}") ? "2" : "",
              carrier.matches("[A-Za-z]{2,4}") ? carrier.toUpperCase(java.util.Locale.ROOT) : "",
              "",
              X12Writer.clean(carrier, d, 35)));
    }
    if (shipment.trackingNumber() != null && !shipment.trackingNumber().isBlank()) {
      segs.add(Seg.of("REF", "CN", X12Writer.clean(shipment.trackingNumber(), d, 30)));
    }
    segs.add(Seg.of("DTM", "011", CCYYMMDD.format(time)));
    party(segs, "ST", order.shipTo(), d);
    hl++;
    int orderHl = hl;
    segs.add(Seg.of("HL", String.valueOf(orderHl), "1", "O"));
    segs.add(Seg.of("PRF", X12Writer.clean(po(order, po), d, 22), "", "", poDate(order, po)));
    int pack = 0;
    for (ShippedLine s : shipment.lines()) {
      OrderView.Line l = lines.get(s.lineNo());
      String ref = refs.getOrDefault(s.lineNo(), String.valueOf(s.lineNo()));
      hl++;
      int packHl = hl;
      pack++;
      segs.add(Seg.of("HL", String.valueOf(packHl), String.valueOf(orderHl), "P"));
      segs.add(Seg.of("MAN", "CP", X12Writer.clean(shipment.shipmentId() + "-" + pack, d, 45)));
      hl++;
      segs.add(Seg.of("HL", String.valueOf(hl), String.valueOf(packHl), "I"));
      List<Object> lin = new ArrayList<>(List.of(lineId(sent, ref)));
      ids(lin, sent.get(ref), s.sku());
      segs.add(new Seg("LIN", lin));
      Qty q = l == null ? new Qty(String.valueOf(s.quantity()), "EA") : Qty.of(s.quantity(), l);
      segs.add(Seg.of("SN1", lineId(sent, ref), q.quantity(), q.unit()));
      if (l != null && l.casePack() > 1) {
        segs.add(Seg.of("PO4", String.valueOf(l.casePack())));
      }
      if (s.lot() != null && !s.lot().isBlank()) {
        segs.add(Seg.of("REF", "LT", X12Writer.clean(s.lot(), d, 30)));
      }
    }
    segs.add(Seg.of("CTT", String.valueOf(hl)));
    return segs;
  }

  /** BSN02: the shipment's id without its dashes, cut to the 30 characters X12 allows. */
  static String shipmentReference(String shipmentId) {
    String id = shipmentId.replace("-", "");
    return id.length() > 30 ? id.substring(0, 30) : id;
  }

  /** 810: the invoice as issued: terms and due date, a line per billed line, the same total. */
  static List<Seg> invoice(
      OrderView order, JsonNode po, Invoice invoice, EdiPartners.Delimiters d) {
    Map<String, JsonNode> sent = poLines(po);
    Map<Integer, String> refs = refs(order);
    Map<Integer, OrderView.Line> lines = new HashMap<>();
    order.lines().forEach(l -> lines.put(l.lineNo(), l));
    List<Seg> segs = new ArrayList<>();
    segs.add(
        Seg.of(
            "BIG",
            CCYYMMDD.format(invoice.issuedOn()),
            X12Writer.clean(invoice.number(), d, 22),
            poDate(order, po),
            X12Writer.clean(po(order, po), d, 22)));
    segs.add(Seg.of("CUR", "SE", invoice.currency()));
    party(segs, "BT", order.billTo() != null ? order.billTo() : order.shipTo(), d);
    party(segs, "ST", order.shipTo(), d);
    String terms = invoice.paymentTerms();
    Integer net =
        terms != null && terms.startsWith("NET_") ? Integer.valueOf(terms.substring(4)) : null;
    segs.add(
        Seg.of(
            "ITD",
            net != null ? "05" : "01",
            "3",
            "",
            "",
            "",
            CCYYMMDD.format(invoice.dueOn()),
            net == null ? "" : String.valueOf(net),
            "",
            "",
            "",
            "",
            terms == null ? "" : terms.replace('_', ' ')));
    segs.add(Seg.of("DTM", "011", CCYYMMDD.format(invoice.issuedOn())));
    int count = 0;
    for (Invoice.Line il : invoice.lines()) {
      OrderView.Line l = lines.get(il.lineNo());
      String ref = refs.getOrDefault(il.lineNo(), String.valueOf(il.lineNo()));
      String quantity = String.valueOf(il.quantity());
      String unit = "EA";
      BigDecimal price = il.unitPrice();
      if (l != null
          && l.unitOfMeasure() == UnitOfMeasure.CASE
          && l.casePack() > 0
          && il.quantity() % l.casePack() == 0) {
        int cases = il.quantity() / l.casePack();
        BigDecimal perCase = il.amount().divide(BigDecimal.valueOf(cases), 4, RoundingMode.HALF_UP);
        if (perCase.multiply(BigDecimal.valueOf(cases)).compareTo(il.amount()) == 0) {
          quantity = String.valueOf(cases);
          unit = "CA";
          price = perCase;
        }
      }
      List<Object> it1 =
          new ArrayList<>(
              List.of(
                  lineId(sent, ref),
                  quantity,
                  unit,
                  price.stripTrailingZeros().toPlainString(),
                  ""));
      ids(it1, sent.get(ref), il.sku());
      segs.add(new Seg("IT1", it1));
      count++;
    }
    segs.add(
        Seg.of(
            "TDS",
            invoice.total().movePointRight(2).setScale(0, RoundingMode.HALF_UP).toPlainString()));
    segs.add(Seg.of("CTT", String.valueOf(count)));
    return segs;
  }
}
