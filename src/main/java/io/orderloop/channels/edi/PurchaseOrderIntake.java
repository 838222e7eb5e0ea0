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
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One 850 of an interchange into the loop: refused when a segment the order is made from has
 * errors, mapped ({@link PurchaseOrders}), recorded as a test, a cancellation, a resend or a
 * changed resend, or taken as its orders in one transaction; every outcome is a document and a line
 * of the 997.
 */
@Component
class PurchaseOrderIntake {

  private static final Logger log = LoggerFactory.getLogger(PurchaseOrderIntake.class);

  private final EdiDocuments documents;
  private final org.springframework.jdbc.core.simple.JdbcClient jdbc;
  private final PurchaseOrders purchaseOrders;
  private final ChannelOrders orders;
  private final Transactions transactions;
  private final JsonMapper json;

  PurchaseOrderIntake(
      EdiDocuments documents,
      org.springframework.jdbc.core.simple.JdbcClient jdbc,
      PurchaseOrders purchaseOrders,
      ChannelOrders orders,
      Transactions transactions,
      JsonMapper json) {
    this.documents = documents;
    this.jdbc = jdbc;
    this.purchaseOrders = purchaseOrders;
    this.orders = orders;
    this.transactions = transactions;
    this.json = json;
  }

  /** One 850: checked, mapped, taken; what its AK2 … AK5 say. */
  SetResult transaction(
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
    } catch (RuntimeException unexpected) {
      // A value the mapping did not expect: this set is refused, the rest of the body goes on.
      log.warn("EDI PO {} of {} could not be mapped", po, p.partnerId(), unexpected);
      return record(
          t,
          g,
          p,
          interchangeId,
          po,
          "R",
          List.of(),
          t.errors,
          "PO " + po + " could not be read as an order: " + unexpected);
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
    try {
      return transactions.inTransaction(
          () -> {
            // One PO of a partner at a time: a resend arriving with the original (two files read
            // at once) waits for it, then sees it.
            jdbc.sql("SELECT true FROM pg_advisory_xact_lock(hashtext(?))")
                .param("edi-po:" + p.partnerId() + ":" + mapped.po())
                .query(Boolean.class)
                .single();
            Optional<EdiDocuments.Received> first =
                documents.firstAccepted(p.partnerId(), mapped.po());
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
                log.warn(
                    "EDI partner {} resent PO {} with changes; not applied", p.partnerId(), po);
              }
              return new SetResult(t.type, t.control, code, List.of(), noted, detail);
            }

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

  SetResult record(
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
