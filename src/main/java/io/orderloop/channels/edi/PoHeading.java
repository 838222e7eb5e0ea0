package io.orderloop.channels.edi;

import io.orderloop.channels.edi.X12Reader.Segment;
import io.orderloop.orders.Address;
import io.orderloop.orders.CreateOrder;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An 850's heading as the order's fields, and the small readers of X12 values the mapping shares.
 */
final class PoHeading {

  private static final DateTimeFormatter CCYYMMDD = DateTimeFormatter.BASIC_ISO_DATE;

  final Map<String, Party> parties;
  final String currency;
  final String terms;
  final CreateOrder.DeliveryWindow window;
  final String email;

  private PoHeading(
      Map<String, Party> parties,
      String currency,
      String terms,
      CreateOrder.DeliveryWindow window,
      String email) {
    this.parties = parties;
    this.currency = currency;
    this.terms = terms;
    this.window = window;
    this.email = email;
  }

  /**
   * The heading's parties (N1 with N2/N3/N4), currency (CUR, else USD), terms (ITD07 net days, else
   * the partner's), delivery window (DTM) and buyer e-mail (PER EM); what has no field of its own
   * (discounts, terms text, other dates, TD5, SAC, MSG, N9, REF) is added to {@code notes}.
   */
  static PoHeading read(List<Segment> heading, EdiPartners.Partner partner, List<String> notes) {
    // Parties.
    Map<String, Party> parties = new LinkedHashMap<>();
    Party current = null;
    for (Segment s : heading) {
      switch (s.tag()) {
        case "N1" -> {
          current = new Party(s.el(1), s.el(2), s.el(3), s.el(4));
          parties.putIfAbsent(s.el(1), current);
        }
        case "N2" -> {
          if (current != null) {
            current.company = join(s.el(1), s.el(2));
          }
        }
        case "N3" -> {
          if (current != null) {
            current.line1 = current.line1 == null ? s.el(1) : current.line1;
            current.line2 = blank(s.el(2)) ? current.line2 : s.el(2);
          }
        }
        case "N4" -> {
          if (current != null) {
            current.city = s.el(1);
            current.region = s.el(2);
            current.postal = s.el(3);
            current.country = s.el(4);
          }
        }
        default -> current = s.tag().startsWith("N") ? current : null;
      }
    }

    String currency = "USD";
    Segment cur = first(heading, "CUR");
    if (cur != null && !cur.el(2).isBlank()) {
      currency = cur.el(2).strip();
    }

    // Terms.
    String terms = partner.paymentTerms();
    for (Segment itd : all(heading, "ITD")) {
      Integer net = integer(itd.el(7));
      if (net != null && net >= 0 && net <= 999) {
        terms = net == 0 ? "DUE_ON_RECEIPT" : "NET_" + net;
      }
      BigDecimal discount = decimal(itd.el(3));
      Integer discountDays = integer(itd.el(5));
      if (discount != null && discountDays != null) {
        notes.add(
            "terms: "
                + discount.stripTrailingZeros().toPlainString()
                + " % discount within "
                + discountDays
                + " days"
                + (net == null ? "" : ", net " + net));
      }
      if (!blank(itd.el(12))) {
        notes.add("terms text: " + itd.el(12).strip());
      }
    }

    // Dates.
    Map<String, LocalDate> dates = new LinkedHashMap<>();
    for (Segment dtm : all(heading, "DTM")) {
      LocalDate d = date(dtm.el(2));
      if (d != null) {
        dates.putIfAbsent(dtm.el(1).strip(), d);
      }
    }
    CreateOrder.DeliveryWindow window = window(dates);
    dates.forEach(
        (q, d) -> {
          if (!Set.of("064", "063", "002", "037", "038", "010").contains(q)) {
            notes.add("date " + q + ": " + d);
          }
        });

    // Notes from what the loop has no field for.
    for (Segment s : heading) {
      switch (s.tag()) {
        case "TD5" ->
            notes.add(
                "routing: "
                    + String.join(
                        " ",
                        List.of(s.el(3), s.el(4), s.el(5)).stream()
                            .filter(x -> !blank(x))
                            .toList()));
        case "SAC" ->
            notes.add(
                "charge "
                    + s.el(1)
                    + " "
                    + s.el(2)
                    + (blank(s.el(5)) ? "" : " amount " + s.el(5))
                    + (blank(s.el(15)) ? "" : " " + s.el(15)));
        case "MSG" -> notes.add("message: " + s.el(1));
        case "N9" -> notes.add("reference " + s.el(1) + " " + s.el(2) + " " + s.el(3));
        case "REF" -> notes.add("reference " + s.el(1) + " " + s.el(2));
        default -> {}
      }
    }

    // The buyer's contact e-mail (PER … EM), so the order can be found, and erased, by it.
    String email = null;
    for (Segment per : all(heading, "PER")) {
      for (int i = 3; i + 1 <= 9 && email == null; i += 2) {
        String value = per.el(i + 1).strip();
        if (per.el(i).strip().equals("EM")
            && value.length() <= 320
            && value.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
          email = value;
        }
      }
    }
    return new PoHeading(parties, currency, terms, window, email);
  }

  /** 064/063 (deliver not before/after), else 002 (delivery requested), else 037/038, else 010. */
  static CreateOrder.DeliveryWindow window(Map<String, LocalDate> d) {
    for (String[] pair : new String[][] {{"064", "063"}, {"002", "002"}, {"037", "038"}}) {
      LocalDate from = d.get(pair[0]);
      LocalDate to = d.get(pair[1]);
      if (from != null || to != null) {
        return new CreateOrder.DeliveryWindow(
            Objects.requireNonNullElse(from, to), Objects.requireNonNullElse(to, from));
      }
    }
    LocalDate ship = d.get("010");
    return ship == null ? null : new CreateOrder.DeliveryWindow(ship, ship);
  }

  static Address shipTo(Party st, EdiPartners.Partner partner, List<String> review) {
    if (st == null) {
      review.add("the PO names no ship-to (N1*ST); set the ship-to, then release the hold");
      return new Address(partner.name(), null, null, null, null, null, null, null, null);
    }
    if (st.line1 == null && !blank(st.code)) {
      Address stored = storeAddress(partner, st.code.strip());
      if (stored != null) {
        return stored;
      }
      review.add(
          "ship-to location '"
              + st.code.strip()
              + "' has no address in the PO and is not in partner "
              + partner.partnerId()
              + "'s stores; add it, set the ship-to, then release the hold");
    }
    return st.address();
  }

  static Address storeAddress(EdiPartners.Partner partner, String code) {
    return partner.stores() == null ? null : partner.stores().get(code);
  }

  /** An N1 loop's party. */
  static final class Party {
    final String qualifier;
    final String name;
    final String code;
    String company;
    String line1;
    String line2;
    String city;
    String region;
    String postal;
    String country;

    Party(String qualifier, String name, String idQualifier, String code) {
      this.qualifier = qualifier;
      this.name = name;
      this.code = code;
    }

    Address address() {
      return new Address(
          cut(name, 200),
          cut(company, 200),
          cut(line1, 300),
          cut(line2, 300),
          cut(city, 200),
          cut(region, 200),
          cut(postal, 40),
          blank(country) ? (blank(region) ? null : "US") : cut(country, 60),
          null);
    }
  }

  static Segment first(List<Segment> segments, String tag) {
    return segments.stream().filter(s -> s.tag().equals(tag)).findFirst().orElse(null);
  }

  static List<Segment> all(List<Segment> segments, String tag) {
    return segments.stream().filter(s -> s.tag().equals(tag)).toList();
  }

  static LocalDate date(String ccyymmdd) {
    if (ccyymmdd == null || !ccyymmdd.strip().matches("[0-9]{8}")) {
      return null;
    }
    try {
      return LocalDate.parse(ccyymmdd.strip(), CCYYMMDD);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static Integer integer(String s) {
    return s == null || !s.strip().matches("[0-9]{1,6}") ? null : Integer.valueOf(s.strip());
  }

  static BigDecimal decimal(String s) {
    if (s == null || !s.strip().matches("-?[0-9]{0,15}(\\.[0-9]{0,6})?") || s.strip().isEmpty()) {
      return null;
    }
    try {
      BigDecimal v = new BigDecimal(s.strip());
      return v.signum() < 0 ? null : v;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  static String join(String a, String b) {
    return blank(b) ? a : a + " " + b;
  }

  static String cut(String s, int max) {
    if (blank(s)) {
      return null;
    }
    String v = s.strip();
    return v.length() > max ? v.substring(0, max) : v;
  }
}
