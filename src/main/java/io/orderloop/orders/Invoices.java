package io.orderloop.orders;

import io.orderloop.common.Currencies;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Invoices of B2B shipments: issued in the shipment's command (amounts from the order's lines, due
 * date from its payment terms) and read back for finance.
 */
@Component
class Invoices {

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final OrderProperties properties;

  Invoices(JdbcClient jdbc, JsonMapper json, OrderProperties properties) {
    this.jdbc = jdbc;
    this.json = json;
    this.properties = properties;
  }

  /**
   * Issues the invoice of a shipment of a B2B order and records {@code invoice.issued} on it. Each
   * line's invoices always add up to its ordered amount (cumulative rounding at the currency's
   * scale).
   */
  Invoice issue(Order order, Shipment shipment) {
    Map<Integer, Integer> quantities = new LinkedHashMap<>();
    shipment.units().forEach(u -> quantities.merge(u.lineNo(), u.quantity(), Integer::sum));
    int digits = Currencies.digits(order.currency);
    List<Invoice.Line> lines = new ArrayList<>();
    BigDecimal total = BigDecimal.ZERO.setScale(digits);
    for (Map.Entry<Integer, Integer> e : quantities.entrySet()) {
      OrderLine line = order.line(e.getKey());
      int before = line.shipped - e.getValue();
      BigDecimal amount =
          share(line.lineAmount, line.shipped, line.quantity, digits)
              .subtract(share(line.lineAmount, before, line.quantity, digits));
      lines.add(
          new Invoice.Line(
              line.lineNo,
              line.sku,
              e.getValue(),
              Currencies.atLeastScale(line.unitPrice, order.currency),
              amount));
      total = total.add(amount);
    }
    LocalDate issuedOn = LocalDate.ofInstant(order.now(), ZoneOffset.UTC);
    String terms = order.b2b == null ? null : order.b2b.paymentTerms();
    LocalDate dueOn = issuedOn.plusDays(termDays(terms));
    UUID id = UUID.randomUUID();
    String number =
        jdbc.sql(
                """
                INSERT INTO invoices (id, number, order_id, shipment_id, currency, total_amount, payment_terms,
                                      issued_on, due_on, lines, created_at)
                VALUES (:id, orderloop_number(:prefix, 'INV', :year, nextval('invoice_number_seq')),
                        :order, :shipment, :currency, :total, :terms, :issued, :due, :lines::jsonb, :now)
                RETURNING number""")
            .param("id", id)
            .param("prefix", properties.numberPrefix())
            .param("year", String.valueOf(issuedOn.getYear()))
            .param("order", order.id)
            .param("shipment", shipment.id())
            .param("currency", order.currency)
            .param("total", total)
            .param("terms", terms)
            .param("issued", issuedOn)
            .param("due", dueOn)
            .param("lines", json.writeValueAsString(lines))
            .param("now", Timestamp.from(order.now()))
            .query(String.class)
            .single();
    order.record(
        new OrderEvent.InvoiceIssued(
            id.toString(),
            number,
            total.toPlainString(),
            order.currency,
            terms,
            dueOn.toString(),
            shipment.id().toString()),
        null);
    return new Invoice(
        id, number, order.id, shipment.id(), order.currency, total, terms, issuedOn, dueOn, lines);
  }

  /** {@code amount × part / whole}, rounded half-even to the currency's digits. */
  static BigDecimal share(BigDecimal amount, int part, int whole, int digits) {
    return amount
        .multiply(BigDecimal.valueOf(part))
        .divide(BigDecimal.valueOf(whole), digits, RoundingMode.HALF_EVEN);
  }

  /** Days until an invoice is due: {@code NET_<days>}; any other terms are due on issue. */
  static int termDays(String terms) {
    if (terms != null && terms.startsWith("NET_")) {
      return Integer.parseInt(terms.substring(4));
    }
    return 0;
  }

  List<Invoice> ofOrder(UUID orderId) {
    return select(" WHERE order_id = ? ORDER BY created_at, number", orderId);
  }

  java.util.Optional<Invoice> byId(UUID id) {
    return select(" WHERE id = ?", id).stream().findFirst();
  }

  private List<Invoice> select(String where, UUID param) {
    return jdbc.sql(
            """
            SELECT id, number, order_id, shipment_id, currency, total_amount, payment_terms, issued_on, due_on,
                   lines::text AS lines
            FROM invoices """
                + where)
        .param(param)
        .query(
            (rs, n) -> {
              String currency = rs.getString("currency");
              return new Invoice(
                  rs.getObject("id", UUID.class),
                  rs.getString("number"),
                  rs.getObject("order_id", UUID.class),
                  rs.getObject("shipment_id", UUID.class),
                  currency,
                  Currencies.atScale(rs.getBigDecimal("total_amount"), currency),
                  rs.getString("payment_terms"),
                  rs.getObject("issued_on", LocalDate.class),
                  rs.getObject("due_on", LocalDate.class),
                  json
                      .readValue(rs.getString("lines"), new TypeReference<List<Invoice.Line>>() {})
                      .stream()
                      .map(
                          l ->
                              new Invoice.Line(
                                  l.lineNo(),
                                  l.sku(),
                                  l.quantity(),
                                  Currencies.atLeastScale(l.unitPrice(), currency),
                                  Currencies.atScale(l.amount(), currency)))
                      .toList());
            })
        .list();
  }
}
