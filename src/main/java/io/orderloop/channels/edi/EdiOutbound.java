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
        String[] key = r.externalId().split(":", 3);
        partnerId = key[0];
        if (key.length == 3 && sdqAcknowledged(partnerId, key[1])) {
          return; // one 855 answers the PO, over all its store orders
        }
        payload.put("po", key.length > 1 ? key[1] : null);
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

  /** Whether an 855 for this PO is already on its way (another store order of an SDQ PO). */
  private boolean sdqAcknowledged(String partnerId, String po) {
    return jdbc.sql(
                """
            SELECT count(*) FROM edi_documents
            WHERE partner_id = ? AND direction = 'OUT' AND type = '855' AND payload ->> 'po' = ?""")
            .params(partnerId, po)
            .query(Long.class)
            .single()
        > 0;
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
        break;
      }
    }
    fileMissing();
  }

  /** Writes the next due document, if any: answers whether there was one. */
  boolean writeOne() {
    record Due(
        long id, String partnerId, String type, UUID orderId, String payload, int attempts) {}
    Written[] written = new Written[1];
    boolean found =
        transactions.inTransaction(
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
                written[0] =
                    write(
                        d.id(),
                        d.partnerId(),
                        d.type(),
                        d.orderId(),
                        json.readTree(d.payload()),
                        now);
              } catch (RuntimeException failed) {
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
                                    Duration.ofSeconds(
                                        Math.min(600, 1L << Math.min(attempts, 9))))),
                        "could not write it: " + failed.getMessage(),
                        d.id())
                    .update();
              }
              return true;
            });
    if (written[0] != null) {
      // After the commit: the control number is the document's for good, so the file never
      // carries a number that could be handed out again.
      file(written[0]);
    }
    return found;
  }

  /** Puts a written document in the partner's folder and notes it; a failure is tried again. */
  private void file(Written w) {
    try {
      Path file = writeFile(w);
      if (file != null) {
        jdbc.sql("UPDATE edi_documents SET detail = ?, filed_at = ? WHERE id = ?")
            .params("written to " + file, Timestamp.from(documents.now()), w.id())
            .update();
      }
    } catch (IOException | RuntimeException e) {
      log.warn("EDI document {} kept but not yet in the outbound folder", w.id(), e);
      jdbc.sql("UPDATE edi_documents SET detail = ? WHERE id = ?")
          .params("kept (served by the API); not yet in the outbound folder: " + e, w.id())
          .update();
    }
  }

  /**
   * Documents written in the last day that never reached the outbound folder (the instance stopped
   * right after the commit, or the folder failed): put there now.
   */
  void fileMissing() {
    if (properties.outboundDir() == null) {
      return;
    }
    Instant now = documents.now();
    jdbc.sql(
            """
            SELECT id, partner_id, type, interchange_control, raw FROM edi_documents
            WHERE direction = 'OUT' AND type <> '997' AND raw IS NOT NULL AND filed_at IS NULL
              AND written_at BETWEEN ? AND ? ORDER BY id LIMIT 100""")
        .params(
            Timestamp.from(now.minus(Duration.ofDays(1))),
            Timestamp.from(now.minus(Duration.ofSeconds(30))))
        .query(
            (rs, n) ->
                new Written(
                    rs.getLong("id"),
                    rs.getString("partner_id"),
                    rs.getString("type"),
                    Long.parseLong(rs.getString("interchange_control")),
                    rs.getString("raw")))
        .list()
        .forEach(this::file);
  }

  /** A document given its control number, to put in the partner's folder after the commit. */
  private record Written(long id, String partnerId, String type, long control, String text) {}

  private Written write(
      long id, String partnerId, String type, UUID orderId, JsonNode payload, Instant now) {
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
        List<OrderView> all = new java.util.ArrayList<>();
        if (po != null && po.path("orderIds").size() > 1) {
          po.path("orderIds").forEach(o -> all.add(orders.get(o.asString())));
        } else {
          all.add(order);
        }
        segments =
            OutboundDocuments.acknowledgment(
                all,
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
            "written",
            id)
        .update();
    return new Written(id, partnerId, type, control, text);
  }

  /** Into the partner's outbound folder, whole or not at all (a temporary file, then a move). */
  private Path writeFile(Written w) throws IOException {
    Path dir = properties.outboundDir();
    if (dir == null) {
      return null;
    }
    Path folder = dir.resolve(w.partnerId());
    Files.createDirectories(folder);
    Path target = folder.resolve(w.type() + "-" + String.format("%09d", w.control()) + ".x12");
    Path temp = folder.resolve("." + target.getFileName() + ".tmp");
    Files.writeString(temp, w.text(), StandardCharsets.US_ASCII);
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return target;
  }
}
