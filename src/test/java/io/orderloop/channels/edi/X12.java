package io.orderloop.channels.edi;

import static org.assertj.core.api.Assertions.assertThat;

import io.xlate.edi.stream.EDIInputFactory;
import io.xlate.edi.stream.EDIStreamEvent;
import io.xlate.edi.stream.EDIStreamReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test X12: interchanges assembled segment by segment with their envelopes and counts (as a
 * partner's translator would send them), and documents read back with StAEDI.
 */
final class X12 {

  private X12() {}

  /** An interchange of one PO group with these transaction sets (segments without ST/SE). */
  static String interchange(
      String senderQualifier,
      String senderId,
      String receiverId,
      String control,
      String version,
      List<List<String>> sets) {
    return interchange(senderQualifier, senderId, receiverId, control, version, "PO", sets);
  }

  static String interchange(
      String senderQualifier,
      String senderId,
      String receiverId,
      String control,
      String version,
      String functionalId,
      List<List<String>> sets) {
    boolean v5 = version.startsWith("005");
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "ISA*00*          *00*          *%s*%-15s*ZZ*%-15s*260301*1200*%s*%s*%09d*0*P*>~%n",
            senderQualifier,
            senderId,
            receiverId,
            v5 ? "^" : "U",
            v5 ? "00501" : "00401",
            Long.parseLong(control)));
    out.append("GS*")
        .append(functionalId)
        .append("*")
        .append(senderId)
        .append("*ORDERLOOP*20260301*1200*")
        .append(Long.parseLong(control))
        .append("*X*")
        .append(version)
        .append("~\n");
    int n = 0;
    for (List<String> set : sets) {
      n++;
      String st = String.format("%04d", n);
      out.append("ST*").append(set.isEmpty() ? "850" : type(set)).append("*").append(st);
      out.append("~\n");
      for (String s : body(set)) {
        out.append(s).append("~\n");
      }
      out.append("SE*").append(body(set).size() + 2).append("*").append(st).append("~\n");
    }
    out.append("GE*").append(sets.size()).append("*").append(Long.parseLong(control));
    out.append("~\n");
    out.append(String.format("IEA*1*%09d~%n", Long.parseLong(control)));
    return out.toString();
  }

  /** A set's type: "850" unless its first entry is {@code #997} and the like. */
  private static String type(List<String> set) {
    return set.getFirst().startsWith("#") ? set.getFirst().substring(1) : "850";
  }

  private static List<String> body(List<String> set) {
    return !set.isEmpty() && set.getFirst().startsWith("#") ? set.subList(1, set.size()) : set;
  }

  /** A document's segments as read back by StAEDI, each as {@code TAG*el*el}; errors fail. */
  static List<String> readBack(String x12) {
    EDIInputFactory factory = EDIInputFactory.newFactory();
    factory.setProperty(EDIInputFactory.EDI_VALIDATE_CONTROL_STRUCTURE, true);
    List<String> segments = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    try (EDIStreamReader r =
        factory.createEDIStreamReader(
            new ByteArrayInputStream(x12.getBytes(StandardCharsets.US_ASCII)))) {
      StringBuilder seg = null;
      int lastPosition = 0;
      while (r.hasNext()) {
        EDIStreamEvent e = r.next();
        switch (e) {
          case START_SEGMENT -> {
            seg = new StringBuilder(r.getText());
            lastPosition = 0;
          }
          case ELEMENT_DATA -> {
            int position = r.getLocation().getElementPosition();
            int component = r.getLocation().getComponentPosition();
            if (component > 1) {
              seg.append(':');
            } else {
              while (lastPosition < position) {
                seg.append('*');
                lastPosition++;
              }
            }
            seg.append(r.getText());
          }
          case END_SEGMENT -> segments.add(seg.toString().replaceAll("\\*+$", ""));
          case SEGMENT_ERROR, ELEMENT_DATA_ERROR, ELEMENT_OCCURRENCE_ERROR ->
              errors.add(
                  r.getErrorType() + " at " + r.getLocation().getSegmentTag() + " " + r.getText());
          default -> {}
        }
      }
    } catch (Exception e) {
      throw new AssertionError("StAEDI cannot read back:\n" + x12, e);
    }
    assertThat(errors).as("StAEDI's errors reading back:\n" + x12).isEmpty();
    return segments;
  }
}
