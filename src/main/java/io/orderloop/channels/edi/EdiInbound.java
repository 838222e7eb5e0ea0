package io.orderloop.channels.edi;

import io.orderloop.channels.edi.Acknowledgments.GroupResult;
import io.orderloop.channels.edi.Acknowledgments.SetResult;
import io.orderloop.channels.edi.X12Reader.SegmentError;
import io.orderloop.common.ApiProblem;
import io.orderloop.common.Transactions;
import io.orderloop.orders.ChannelOrderCommand;
import io.orderloop.orders.ChannelOrders;
import io.orderloop.orders.OrderView;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * X12 in: an interchange (or several) from a trading partner, by HTTP or from the inbound folder.
 * Each is kept; its sender must be a configured partner (else 403, kept for an operator, never an
 * order) and, when checked, it must be addressed to us. Every functional group is answered with a
 * 997; each 850 that passes becomes one B2B order (one per SDQ store), idempotent per {@code (EDI,
 * {partnerId}:{PO})}; a resent PO changes nothing, a changed resend is recorded and not applied.
 * Partners' 997s mark our 855s, 856s and 810s accepted or rejected.
 */
@Service
public class EdiInbound {

  private static final Logger log = LoggerFactory.getLogger(EdiInbound.class);

  /**
   * What receiving did: the 997s to answer with (empty when there is nothing to acknowledge), the
   * interchanges kept, and a report in words.
   */
  public record Received(
      String ack, List<Long> interchangeIds, String report, List<PartnerAck> acks) {}

  /** The 997s answering one interchange, for its partner. */
  public record PartnerAck(String partnerId, long interchangeId, String text) {}

  private final EdiPartners partners;
  private final EdiDocuments documents;
  private final PurchaseOrders purchaseOrders;
  private final ChannelOrders orders;
  private final Transactions transactions;
  private final EdiProperties properties;
  private final JsonMapper json;

  EdiInbound(
      EdiPartners partners,
      EdiDocuments documents,
      PurchaseOrders purchaseOrders,
      ChannelOrders orders,
      Transactions transactions,
      EdiProperties properties,
      JsonMapper json) {
    this.partners = partners;
    this.documents = documents;
    this.purchaseOrders = purchaseOrders;
    this.orders = orders;
    this.transactions = transactions;
    this.properties = properties;
    this.json = json;
  }

  /**
   * Receives a body of X12. 413 when larger than {@code max-interchange-size}, 400 when it is not
   * readable X12, 403 for a sender that is no partner, 422 for an interchange not addressed to us
   * or whose trailer does not match its header; in each case nothing becomes an order.
   */
  public Received receive(byte[] body, String source) {
    return receive(body, source, null);
  }

  /**
   * As {@link #receive(byte[], String)}, for a file in a partner's folder: its interchanges must
   * come from that partner (else 422, nothing processed).
   */
  Received receive(byte[] body, String source, String folderPartner) {
    if (body.length > properties.maxInterchangeSize().toBytes()) {
      throw new ApiProblem(
          HttpStatus.CONTENT_TOO_LARGE,
          "edi-too-large",
          "Interchange too large",
          "the interchange is "
              + body.length
              + " bytes; at most "
              + properties.maxInterchangeSize().toBytes()
              + " are taken (orderloop.edi.max-interchange-size): split it");
    }
    String raw = new String(body, StandardCharsets.ISO_8859_1);
    String bodySha = sha256(body);
    List<X12Reader.Interchange> read;
    try {
      read = X12Reader.read(body);
    } catch (X12Reader.Unreadable e) {
      documents.receive(
          null, null, null, null, null, source, "UNREADABLE", e.getMessage(), raw, bodySha);
      throw new ApiProblem(
          HttpStatus.BAD_REQUEST, "edi-unreadable", "Unreadable X12", e.getMessage());
    }
    // Every sender must be a partner, and every interchange for us, before anything is taken.
    List<EdiPartners.Partner> from = new ArrayList<>();
    for (X12Reader.Interchange i : read) {
      Optional<EdiPartners.Partner> partner = partners.bySender(i.senderQualifier, i.senderId);
      if (partner.isEmpty()) {
        String sender = i.senderQualifier + "/" + i.senderId;
        documents.receive(
            null,
            i.senderQualifier,
            i.senderId,
            i.receiverId,
            i.control,
            source,
            "UNKNOWN_SENDER",
            "no trading partner has sender " + sender,
            raw,
            bodySha);
        log.warn(
            "EDI interchange {} from unknown sender {} kept, not processed", i.control, sender);
        throw new ApiProblem(
            HttpStatus.FORBIDDEN,
            "edi-unknown-sender",
            "Unknown EDI sender",
            "no trading partner is configured for sender '"
                + i.senderId
                + "' (qualifier "
                + i.senderQualifier
                + "); the interchange is kept for an operator and was not processed; configure"
                + " the partner with PUT /api/v1/channels/edi/partners/{partnerId}");
      }
      EdiPartners.Partner p = partner.get();
      String ours = partners.ourIsaId(p);
      String problem = null;
      if (properties.checkReceiver() && !ours.equalsIgnoreCase(i.receiverId)) {
        problem =
            "the interchange is addressed to '"
                + i.receiverId
                + "' (ISA08) but we are '"
                + ours
                + "' to partner "
                + p.partnerId();
      } else if (folderPartner != null && !folderPartner.equals(p.partnerId())) {
        problem =
            "the file is in partner "
                + folderPartner
                + "'s folder but its sender "
                + i.senderQualifier
                + "/"
                + i.senderId
                + " is partner "
                + p.partnerId()
                + "'s";
      } else if (!i.problems.isEmpty()) {
        problem = "the interchange envelope is inconsistent: " + String.join("; ", i.problems);
      }
      if (problem != null) {
        documents.receive(
            p.partnerId(),
            i.senderQualifier,
            i.senderId,
            i.receiverId,
            i.control,
            source,
            problem.contains("ISA08") ? "WRONG_RECEIVER" : "REJECTED",
            problem,
            raw,
            bodySha);
        throw ApiProblem.unprocessable(null, problem + "; nothing was processed");
      }
      from.add(p);
    }
    StringBuilder ack = new StringBuilder();
    List<PartnerAck> acks = new ArrayList<>();
    StringBuilder report = new StringBuilder();
    List<Long> ids = new ArrayList<>();
    for (int n = 0; n < read.size(); n++) {
      X12Reader.Interchange i = read.get(n);
      EdiPartners.Partner p = from.get(n);
      Optional<String> earlier = documents.ackOfProcessed(p.partnerId(), i.control, bodySha);
      if (earlier.isPresent()) {
        ids.add(
            documents.receive(
                p.partnerId(),
                i.senderQualifier,
                i.senderId,
                i.receiverId,
                i.control,
                source,
                "DUPLICATE",
                "interchange control number "
                    + i.control
                    + " was already processed; answered with its 997, nothing taken again",
                read.size() == 1 ? raw : null,
                bodySha));
        ack.append(earlier.get());
        if (!earlier.get().isEmpty()) {
          acks.add(new PartnerAck(p.partnerId(), ids.getLast(), earlier.get()));
        }
        report.append("interchange ").append(i.control).append(": duplicate, already processed\n");
        continue;
      }
      long id =
          documents.receive(
              p.partnerId(),
              i.senderQualifier,
              i.senderId,
              i.receiverId,
              i.control,
              source,
              "RECEIVED",
              null,
              raw,
              bodySha);
      ids.add(id);
      String answer = process(i, p, id, report);
      ack.append(answer);
      if (!answer.isEmpty()) {
        acks.add(new PartnerAck(p.partnerId(), id, answer));
      }
      documents.finishInterchange(id, "PROCESSED", report.toString(), answer);
    }
    return new Received(ack.toString(), ids, report.toString().strip(), acks);
  }

  /** One interchange's groups: 850s taken, 997s matched; answers its 997 interchange. */
  private String process(
      X12Reader.Interchange i, EdiPartners.Partner p, long interchangeId, StringBuilder report) {
    report.append("interchange ").append(i.control).append(" from ").append(p.partnerId());
    report.append('\n');
    List<GroupResult> results = new ArrayList<>();
    for (X12Reader.Group g : i.groups) {
      if (g.functionalId.equals("FA")) {
        report.append(matchAcks(g, p)).append('\n');
        continue; // a 997 is not acknowledged
      }
      GroupResult result = group(g, p, interchangeId, i.usage.equals("T"));
      results.add(result);
      report.append(Acknowledgments.describe(result)).append('\n');
    }
    if (results.isEmpty()) {
      return "";
    }
    long control = partners.nextControl(p.partnerId());
    boolean v5 = p.version().startsWith("005");
    List<X12Writer.Tx> sets = results.stream().map(r -> Acknowledgments.ack(r, v5)).toList();
    String text =
        X12Writer.write(
            partners.envelopeTo(p, control, documents.now(), i.usage.equals("T")), "FA", sets);
    for (int n = 0; n < results.size(); n++) {
      GroupResult r = results.get(n);
      documents.insert(
          new EdiDocuments.NewDocument(
              p.partnerId(),
              "OUT",
              "997",
              interchangeId,
              String.format("%09d", control),
              Long.toString(control),
              X12Writer.transactionControl(n + 1),
              null,
              null,
              r.functionalId() + " " + r.control(),
              "SENT",
              Acknowledgments.describe(r),
              null,
              null,
              text));
    }
    return text;
  }

  private GroupResult group(
      X12Reader.Group g, EdiPartners.Partner p, long interchangeId, boolean test) {
    List<String> groupErrors = new ArrayList<>(g.groupErrors);
    // The 004010 and 005010 families (their industry variants such as 004010VICS, and the
    // releases between, whose 850 segments we map are the same).
    boolean supportedVersion = g.version.matches("00(4|5)0[0-9]0.*");
    if (!g.functionalId.equals("PO") || !supportedVersion) {
      List<SetResult> sets =
          g.transactions.stream()
              .map(
                  t ->
                      new SetResult(
                          t.type, t.control, "R", List.of("1"), List.of(), "not supported"))
              .toList();
      return new GroupResult(
          g.functionalId,
          g.control,
          g.declaredCount,
          sets,
          List.of(g.functionalId.equals("PO") ? "2" : "1"),
          true);
    }
    List<SetResult> sets = new ArrayList<>();
    for (X12Reader.Transaction t : g.transactions) {
      if (!groupErrors.isEmpty()) {
        // The group's trailer does not match its contents: it may be cut or padded; none of it
        // is taken.
        sets.add(
            record(
                t,
                g,
                p,
                interchangeId,
                "",
                "R",
                List.of(),
                List.of(),
                "the group's trailer (GE) does not match its contents: nothing in it is taken"));
        continue;
      }
      sets.add(transaction(t, g, p, interchangeId, test));
    }
    return new GroupResult(g.functionalId, g.control, g.declaredCount, sets, groupErrors, false);
  }

  /** One 850: checked, mapped, taken; what its AK2 … AK5 say. */
  private SetResult transaction(
      X12Reader.Transaction t,
      X12Reader.Group g,
      EdiPartners.Partner p,
      long interchangeId,
      boolean test) {
    if (!t.type.equals("850")) {
      return new SetResult(
          t.type, t.control, "R", List.of("1"), List.of(), "transaction set not supported");
    }
    String po = Optional.ofNullable(t.first("BEG")).map(b -> b.el(3).strip()).orElse("");
    boolean reject =
        t.tooLarge
            || !t.setErrors.isEmpty()
            || t.missingMandatory
            || t.errorTags.stream().anyMatch(PurchaseOrders.MAPPED::contains);
    if (t.tooLarge) {
      return rejected(
          t,
          g,
          p,
          interchangeId,
          po,
          List.of(),
          "more than " + X12Reader.MAX_SEGMENTS + " segments: too large for one purchase order");
    }
    if (reject) {
      return rejected(
          t,
          g,
          p,
          interchangeId,
          po,
          t.setErrors,
          t.setErrors.isEmpty()
              ? "segments the order is made from have errors"
              : "the trailer (SE) does not match the set");
    }
    PurchaseOrders.Mapped mapped;
    try {
      mapped = purchaseOrders.map(t, p);
    } catch (PurchaseOrders.Refused refused) {
      List<SegmentError> errors = new ArrayList<>(t.errors);
      if (refused.error != null) {
        errors.addFirst(refused.error);
      }
      return record(t, g, p, interchangeId, po, "R", List.of(), errors, refused.getMessage());
    }
    List<SegmentError> noted = new ArrayList<>(t.errors);
    noted.addAll(mapped.warnings());
    String code = noted.isEmpty() ? "A" : "E";
    String sha = sha256(t);
    if (test && !p.takeTestInterchanges()) {
      String detail =
          mapped.summary()
              + ": a test interchange (ISA15 T), checked and acknowledged, not taken as an order"
              + " (the partner's takeTestInterchanges is off)";
      insert850(t, g, p, interchangeId, mapped, "TEST", detail, null, List.of());
      return new SetResult(t.type, t.control, code, List.of(), noted, detail);
    }
    if (mapped.purpose().equals("01")) {
      Optional<String> existing =
          documents.firstAccepted(p.partnerId(), mapped.po()).map(d -> orderNumbers(d));
      String detail =
          "the buyer cancels PO "
              + mapped.po()
              + " (BEG01 01): not taken as an order; "
              + existing
                  .map(n -> "its order " + n + " stands until a person cancels it")
                  .orElse("no order was made from it");
      insert850(t, g, p, interchangeId, mapped, "CANCELLATION_REQUESTED", detail, null, List.of());
      log.warn("EDI partner {} cancels PO {}: {}", p.partnerId(), mapped.po(), detail);
      return new SetResult(t.type, t.control, code, List.of(), noted, detail);
    }
    Optional<EdiDocuments.Received> first = documents.firstAccepted(p.partnerId(), mapped.po());
    if (first.isPresent()) {
      boolean same = sha.equals(first.get().contentSha256());
      String detail =
          same
              ? "PO "
                  + mapped.po()
                  + " was received before (document "
                  + first.get().id()
                  + "): no second order"
              : "PO "
                  + mapped.po()
                  + " was received before (document "
                  + first.get().id()
                  + ") with other contents: this changed resend is recorded, not applied; the order"
                  + " stays as first received — agree changes with the buyer and edit the order";
      insert850(
          t,
          g,
          p,
          interchangeId,
          mapped,
          same ? "DUPLICATE" : "CHANGED_RESEND",
          detail,
          sha,
          first.get().payload() == null ? List.of() : orderRefs(first.get()));
      if (!same) {
        log.warn("EDI partner {} resent PO {} with changes; not applied", p.partnerId(), po);
      }
      return new SetResult(t.type, t.control, code, List.of(), noted, detail);
    }
    try {
      return transactions.inTransaction(
          () -> {
            List<OrderView> made = new ArrayList<>();
            boolean created = false;
            for (ChannelOrderCommand c : mapped.orders()) {
              ChannelOrders.Taken taken = orders.take(c);
              created |= taken.outcome() == ChannelOrders.Outcome.CREATED;
              made.add(taken.order());
            }
            if (!created) {
              // The same PO arrived at the same moment by another way, which took it first.
              String detail =
                  "PO " + mapped.po() + " was taken at the same moment: no second order";
              insert850(
                  t,
                  g,
                  p,
                  interchangeId,
                  mapped,
                  "DUPLICATE",
                  detail,
                  null,
                  made.stream().map(o -> new String[] {o.id().toString(), o.number()}).toList());
              return new SetResult(t.type, t.control, code, List.of(), noted, detail);
            }
            String detail =
                mapped.summary()
                    + " → "
                    + String.join(", ", made.stream().map(OrderView::number).toList());
            insert850(
                t,
                g,
                p,
                interchangeId,
                mapped,
                code.equals("A") ? "ACCEPTED" : "ACCEPTED_WITH_ERRORS",
                detail,
                sha,
                made.stream().map(o -> new String[] {o.id().toString(), o.number()}).toList());
            return new SetResult(t.type, t.control, code, List.of(), noted, detail);
          });
    } catch (ApiProblem refused) {
      return record(
          t,
          g,
          p,
          interchangeId,
          po,
          "R",
          List.of(),
          t.errors,
          "PO " + mapped.po() + " cannot become an order: " + refused.getMessage());
    }
  }

  private static String orderNumbers(EdiDocuments.Received first) {
    return String.join(", ", orderRefs(first).stream().map(r -> r[1]).toList());
  }

  private static List<String[]> orderRefs(EdiDocuments.Received first) {
    List<String[]> refs = new ArrayList<>();
    first
        .payload()
        .path("orders")
        .forEach(
            o -> refs.add(new String[] {o.path("id").asString(), o.path("number").asString()}));
    return refs;
  }

  private SetResult rejected(
      X12Reader.Transaction t,
      X12Reader.Group g,
      EdiPartners.Partner p,
      long interchangeId,
      String po,
      List<String> setErrors,
      String why) {
    return record(t, g, p, interchangeId, po, "R", setErrors, t.errors, why);
  }

  private SetResult record(
      X12Reader.Transaction t,
      X12Reader.Group g,
      EdiPartners.Partner p,
      long interchangeId,
      String po,
      String code,
      List<String> setErrors,
      List<SegmentError> errors,
      String why) {
    SetResult result =
        new SetResult(
            t.type,
            t.control,
            code,
            setErrors,
            errors.size() > X12Reader.MAX_ERRORS ? errors.subList(0, X12Reader.MAX_ERRORS) : errors,
            why);
    documents.insert(
        new EdiDocuments.NewDocument(
            p.partnerId(),
            "IN",
            t.type,
            interchangeId,
            null,
            g.control,
            t.control,
            null,
            null,
            po.isEmpty() ? null : po,
            "REJECTED",
            Acknowledgments.describe(
                new GroupResult(
                    g.functionalId, g.control, g.declaredCount, List.of(result), List.of(), false)),
            null,
            null,
            null));
    return result;
  }

  private void insert850(
      X12Reader.Transaction t,
      X12Reader.Group g,
      EdiPartners.Partner p,
      long interchangeId,
      PurchaseOrders.Mapped mapped,
      String status,
      String detail,
      String sha,
      List<String[]> made) {
    ObjectNode payload = json.createObjectNode();
    payload.put("po", mapped.po());
    payload.put("poDate", mapped.poDate() == null ? null : mapped.poDate().toString());
    payload.put("purpose", mapped.purpose());
    payload.set("lines", json.valueToTree(mapped.lines()));
    ArrayNode ids = payload.putArray("orderIds");
    ArrayNode list = payload.putArray("orders");
    for (String[] o : made) {
      ids.add(o[0]);
      list.addObject().put("id", o[0]).put("number", o[1]);
    }
    documents.insert(
        new EdiDocuments.NewDocument(
            p.partnerId(),
            "IN",
            "850",
            interchangeId,
            null,
            g.control,
            t.control,
            made.isEmpty() ? null : java.util.UUID.fromString(made.getFirst()[0]),
            made.isEmpty() ? null : made.getFirst()[1],
            mapped.po(),
            status,
            detail,
            payload,
            status.equals("ACCEPTED") || status.equals("ACCEPTED_WITH_ERRORS") ? sha : null,
            null));
  }

  /** A partner's 997 group: each AK2/AK5 (or the AK9 for the whole group) marks our document. */
  private String matchAcks(X12Reader.Group g, EdiPartners.Partner p) {
    StringBuilder out = new StringBuilder("997s from ").append(p.partnerId()).append(':');
    for (X12Reader.Transaction t : g.transactions) {
      String groupControl = null;
      String set = null;
      int matched = 0;
      boolean anySet = false;
      for (X12Reader.Segment s : t.segments) {
        switch (s.tag()) {
          case "AK1" -> groupControl = s.el(2).strip();
          case "AK2" -> set = s.el(2).strip();
          case "AK5" -> {
            anySet = true;
            matched += mark(p, groupControl, set, s.el(1).strip(), t);
          }
          case "AK9" -> {
            if (!anySet && groupControl != null) {
              matched += mark(p, groupControl, null, s.el(1).strip(), t);
            }
          }
          default -> {}
        }
      }
      out.append(" group ").append(groupControl).append(": ").append(matched).append(" matched;");
    }
    return out.toString();
  }

  private int mark(
      EdiPartners.Partner p, String group, String set, String code, X12Reader.Transaction ack) {
    if (group == null) {
      return 0;
    }
    String status =
        switch (code) {
          case "A" -> "ACCEPTED";
          case "E" -> "ACCEPTED_WITH_ERRORS";
          default -> "REJECTED";
        };
    return documents.acknowledge(
        p.partnerId(), group, set, status, "the partner's 997 (" + ack.control + ") says " + code);
  }

  private static String sha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sha256(X12Reader.Transaction t) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (X12Reader.Segment s : t.segments) {
        md.update(s.tag().getBytes(StandardCharsets.UTF_8));
        for (List<String> e : s.elements()) {
          md.update((byte) 1);
          for (String c : e) {
            md.update((byte) 2);
            md.update(c.getBytes(StandardCharsets.UTF_8));
          }
        }
        md.update((byte) 0);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
