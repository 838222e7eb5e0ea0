package io.orderloop.channels.edi;

import io.orderloop.channels.edi.Acknowledgments.GroupResult;
import io.orderloop.channels.edi.Acknowledgments.SetResult;
import io.orderloop.common.ApiProblem;
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
  private final PurchaseOrderIntake intake;
  private final PartnerAcknowledgments partnerAcks;
  private final EdiProperties properties;

  EdiInbound(
      EdiPartners partners,
      EdiDocuments documents,
      PurchaseOrderIntake intake,
      PartnerAcknowledgments partnerAcks,
      EdiProperties properties) {
    this.partners = partners;
    this.documents = documents;
    this.intake = intake;
    this.partnerAcks = partnerAcks;
    this.properties = properties;
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
        keep(
            i,
            null,
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
        keep(
            i,
            p.partnerId(),
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
            keep(
                i,
                p.partnerId(),
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
      long id = keep(i, p.partnerId(), source, "RECEIVED", null, raw, bodySha);
      ids.add(id);
      StringBuilder own = new StringBuilder();
      String answer = process(i, p, id, own);
      report.append(own);
      ack.append(answer);
      if (!answer.isEmpty()) {
        acks.add(new PartnerAck(p.partnerId(), id, answer));
      }
      documents.finishInterchange(id, "PROCESSED", own.toString(), answer);
    }
    return new Received(ack.toString(), ids, report.toString().strip(), acks);
  }

  /** Keeps an interchange as received, with its sender and control number. */
  private long keep(
      X12Reader.Interchange i,
      String partnerId,
      String source,
      String status,
      String detail,
      String raw,
      String sha) {
    return documents.receive(
        partnerId,
        i.senderQualifier,
        i.senderId,
        i.receiverId,
        i.control,
        source,
        status,
        detail,
        raw,
        sha);
  }

  /** One interchange's groups: 850s taken, 997s matched; answers its 997 interchange. */
  private String process(
      X12Reader.Interchange i, EdiPartners.Partner p, long interchangeId, StringBuilder report) {
    report.append("interchange ").append(i.control).append(" from ").append(p.partnerId());
    report.append('\n');
    List<GroupResult> results = new ArrayList<>();
    for (X12Reader.Group g : i.groups) {
      if (g.functionalId.equals("FA")) {
        report.append(partnerAcks.match(g, p)).append('\n');
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
            intake.record(
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
      sets.add(intake.transaction(t, g, p, interchangeId, test));
    }
    return new GroupResult(g.functionalId, g.control, g.declaredCount, sets, groupErrors, false);
  }

  private static String sha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
