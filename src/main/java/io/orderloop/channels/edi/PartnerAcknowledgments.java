package io.orderloop.channels.edi;

import org.springframework.stereotype.Component;

/**
 * Partners' 997s for what we sent: each AK2/AK5 (or, without AK2s, the AK9) marks our 855, 856 or
 * 810 accepted, accepted with errors or rejected.
 */
@Component
class PartnerAcknowledgments {

  private final EdiDocuments documents;
  private final io.micrometer.core.instrument.MeterRegistry meters;

  PartnerAcknowledgments(
      EdiDocuments documents, io.micrometer.core.instrument.MeterRegistry meters) {
    this.documents = documents;
    this.meters = meters;
  }

  /** A partner's 997 group: each AK2/AK5 (or the AK9 for the whole group) marks our document. */
  String match(X12Reader.Group g, EdiPartners.Partner p) {
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
    int marked =
        documents.acknowledge(
            p.partnerId(),
            group,
            set,
            status,
            "the partner's 997 (" + ack.control + ") says " + code);
    if (marked > 0) {
      // What partners say of our documents: a rising count of rejections is worth an alert.
      meters
          .counter(
              "orderloop.edi.acknowledgments",
              "partner",
              p.partnerId(),
              "status",
              status.toLowerCase(java.util.Locale.ROOT))
          .increment(marked);
    }
    return marked;
  }
}
