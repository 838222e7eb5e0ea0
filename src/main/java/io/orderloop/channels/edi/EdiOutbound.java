package io.orderloop.channels.edi;

import io.orderloop.common.Transactions;
import io.orderloop.orders.Invoice;
import io.orderloop.orders.OrderEvent;
import io.orderloop.orders.OrderEventRecorded;
import io.orderloop.orders.OrderQueries;
import io.orderloop.orders.OrderView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Documents for partners from the loop's events, through an outbox: the order's transaction records
 * what to send ({@code PENDING}: an 855 when the order is taken, again when waiting lines join it;
 * an 856 per shipment; an 810 per invoice), and a worker writes each, in order per order, with the
 * partner's next control number, keeps its X12 and puts it in {@code
 * orderloop.edi.outbound-dir/{partner}/}. A failure is retried with backoff and never blocks the
 * loop.
 */
@Component
class EdiOutbound {

  private static final Logger log = LoggerFactory.getLogger(EdiOutbound.class);
  private static final int MAX_ATTEMPTS = 10;

  private final JdbcClient jdbc;
  private final EdiPartners partners;
  private final EdiDocuments documents;
  private final OrderQueries orders;
  private final Transactions transactions;
  private final EdiProperties properties;
  private final JsonMapper json;

  EdiOutbound(
      JdbcClient jdbc,
      EdiPartners partners,
      EdiDocuments documents,
      OrderQueries orders,
      Transactions transactions,
      EdiProperties properties,
      JsonMapper json) {
    this.jdbc = jdbc;
    this.partners = partners;
    this.documents = documents;
    this.orders = orders;
    this.transactions = transactions;
    this.properties = properties;
    this.json = json;
  }

  /** Records the document an order event calls for, in the event's transaction. */
  @EventListener
  void on(OrderEventRecorded e) {
    ObjectNode payload = json.createObjectNode();
    String type;
    String partnerId;
    switch (e.event()) {
      case OrderEvent.Received r when "EDI".equals(r.channel()) && r.externalId() != null -> {
        // Intake's allocation is settled when the worker reads the order, after this commit.
        type = "855";
        partnerId = r.externalId().substring(0, Math.max(0, r.externalId().indexOf(':')));
      }
      case OrderEvent.ChannelLinesMapped m -> {
        type = "855";
        payload.put("replace", true);
        partnerId = ediPartnerOf(e.orderId());
      }
      case OrderEvent.ShipmentRecorded s -> {
        type = "856";
        partnerId = ediPartnerOf(e.orderId());
        payload.set("shipment", json.valueToTree(s));
      }
      case OrderEvent.InvoiceIssued i -> {
        type = "810";
        partnerId = ediPartnerOf(e.orderId());
        payload.put("invoiceId", i.invoiceId());
      }
      default -> {
        return;
      }
    }
    if (partnerId == null || partnerId.isEmpty()) {
      return;
    }
    Optional<EdiPartners.Partner> partner = partners.find(partnerId);
    if (partner.isEmpty() || !partner.get().outbound().contains(Integer.valueOf(type))) {
      return;
    }
    documents.insert(
        new EdiDocuments.NewDocument(
            partnerId,
            "OUT",
            type,
            null,
            null,
            null,
            null,
            e.orderId(),
            e.orderNumber(),
            null,
            "PENDING",
            null,
            payload,
            null,
            null));
  }

  private String ediPartnerOf(UUID orderId) {
    return jdbc.sql(
            "SELECT channel_order ->> 'account' FROM orders WHERE id = ? AND channel = 'EDI'")
        .param(orderId)
        .query(String.class)
        .optional()
        .orElse(null);
  }

  @Scheduled(
      fixedDelayString = "${orderloop.edi.poll-interval:PT2S}",
      initialDelayString = "${orderloop.edi.poll-interval:PT2S}")
  void writeDue() {
    for (int n = 0; n < 500; n++) {
      if (!writeOne()) {
        return;
      }
    }
  }

  /** Writes the next due document, if any: answers whether there was one. */
  boolean writeOne() {
    record Due(
        long id, String partnerId, String type, UUID orderId, String payload, int attempts) {}
    return transactions.inTransaction(
        () -> {
          Instant now = documents.now();
          Optional<Due> due =
              jdbc.sql(
                      """
                      SELECT d.id, d.partner_id, d.type, d.order_id, d.payload::text AS payload, d.attempts
                      FROM edi_documents d
                      WHERE d.direction = 'OUT' AND d.status IN ('PENDING', 'FAILED') AND d.next_attempt_at <= ?
                        AND NOT EXISTS (SELECT 1 FROM edi_documents e
                                        WHERE e.order_id = d.order_id AND e.direction = 'OUT' AND e.id < d.id
                                          AND e.status IN ('PENDING', 'FAILED'))
                      ORDER BY d.next_attempt_at, d.id LIMIT 1 FOR UPDATE SKIP LOCKED""")
                  .param(Timestamp.from(now))
                  .query(
                      (rs, i) ->
                          new Due(
                              rs.getLong("id"),
                              rs.getString("partner_id"),
                              rs.getString("type"),
                              rs.getObject("order_id", UUID.class),
                              rs.getString("payload"),
                              rs.getInt("attempts")))
                  .optional();
          if (due.isEmpty()) {
            return false;
          }
          Due d = due.get();
          try {
            write(d.id(), d.partnerId(), d.type(), d.orderId(), json.readTree(d.payload()), now);
          } catch (RuntimeException | IOException failed) {
            int attempts = d.attempts() + 1;
            boolean giveUp = attempts >= MAX_ATTEMPTS;
            log.warn(
                "EDI {} {} for order {} not written (attempt {}): {}",
                d.type(),
                d.id(),
                d.orderId(),
                attempts,
                failed.toString());
            jdbc.sql(
                    """
                    UPDATE edi_documents SET status = ?, attempts = ?, next_attempt_at = ?, detail = ?
                    WHERE id = ?""")
                .params(
                    giveUp ? "GAVE_UP" : "FAILED",
                    attempts,
                    giveUp
                        ? null
                        : Timestamp.from(
                            now.plus(
                                Duration.ofSeconds(Math.min(600, 1L << Math.min(attempts, 9))))),
                    "could not write it: " + failed.getMessage(),
                    d.id())
                .update();
          }
          return true;
        });
  }

  private void write(
      long id, String partnerId, String type, UUID orderId, JsonNode payload, Instant now)
      throws IOException {
    EdiPartners.Partner partner =
        partners
            .find(partnerId)
            .orElseThrow(() -> new IllegalStateException("partner " + partnerId + " was removed"));
    OrderView order = orders.get(orderId.toString());
    JsonNode po = documents.purchaseOrderOf(orderId).orElse(null);
    EdiPartners.Delimiters delimiters = partner.delimiters();
    String reference;
    List<X12Writer.Seg> segments;
    String functionalId;
    switch (type) {
      case "855" -> {
        functionalId = "PR";
        reference = order.b2b() == null ? order.number() : order.b2b().buyerPo();
        segments =
            OutboundDocuments.acknowledgment(
                order,
                po,
                payload.path("replace").asBoolean(false),
                now.atZone(ZoneOffset.UTC).toLocalDate(),
                delimiters);
      }
      case "856" -> {
        functionalId = "SH";
        JsonNode s = payload.path("shipment");
        OutboundDocuments.ShipmentData shipment =
            new OutboundDocuments.ShipmentData(
                s.path("shipmentId").asString(),
                s.path("carrier").asString(null),
                s.path("trackingNumber").asString(null),
                json.readerForListOf(OutboundDocuments.ShippedLine.class)
                    .readValue(s.path("lines")));
        reference = shipment.shipmentId();
        segments = OutboundDocuments.shipNotice(order, po, shipment, now, delimiters);
      }
      case "810" -> {
        functionalId = "IN";
        String invoiceId = payload.path("invoiceId").asString();
        Invoice invoice =
            orders.invoices(orderId.toString()).stream()
                .filter(i -> i.id().toString().equals(invoiceId))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no invoice " + invoiceId));
        reference = invoice.number();
        segments = OutboundDocuments.invoice(order, po, invoice, delimiters);
      }
      default -> throw new IllegalStateException("no EDI document type " + type);
    }
    long control = partners.nextControl(partnerId);
    String text =
        X12Writer.write(
            partners.envelopeTo(partner, control, now),
            functionalId,
            List.of(new X12Writer.Tx(type, segments)));
    String file = writeFile(partnerId, type, control, text);
    jdbc.sql(
            """
            UPDATE edi_documents SET status = 'SENT', raw = ?, interchange_control = ?, group_control = ?,
                control_number = ?, reference = ?, written_at = ?, attempts = attempts + 1,
                next_attempt_at = NULL, detail = ?
            WHERE id = ?""")
        .params(
            text,
            String.format("%09d", control),
            Long.toString(control),
            X12Writer.transactionControl(1),
            reference,
            Timestamp.from(now),
            file == null ? "written" : "written to " + file,
            id)
        .update();
  }

  /** Into the partner's outbound folder, whole or not at all (a temporary file, then a move). */
  private String writeFile(String partnerId, String type, long control, String text)
      throws IOException {
    Path dir = properties.outboundDir();
    if (dir == null) {
      return null;
    }
    Path folder = dir.resolve(partnerId);
    Files.createDirectories(folder);
    Path target = folder.resolve(type + "-" + String.format("%09d", control) + ".x12");
    Path temp = folder.resolve("." + target.getFileName() + ".tmp");
    Files.writeString(temp, text, StandardCharsets.US_ASCII);
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return target.toString();
  }
}
