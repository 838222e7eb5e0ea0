package io.orderloop.channels.edi;

import io.xlate.edi.schema.EDISchemaException;
import io.xlate.edi.schema.Schema;
import io.xlate.edi.schema.SchemaFactory;
import io.xlate.edi.stream.EDIOutputFactory;
import io.xlate.edi.stream.EDIStreamConstants;
import io.xlate.edi.stream.EDIStreamException;
import io.xlate.edi.stream.EDIStreamWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an X12 interchange with StAEDI: one functional group of one or more transaction sets, with
 * the partner's delimiters, the envelope ids of both sides, and the control counts (SE01, GE01,
 * IEA01), which StAEDI leaves to the caller.
 */
final class X12Writer {

  /**
   * Who sends to whom, in which version and with which delimiters.
   *
   * @param version {@code 004010} or {@code 005010}
   * @param control the interchange's control number (ISA13 and GS06)
   * @param test a test interchange (ISA15 {@code T}), as the one it answers
   */
  record Envelope(
      String senderQualifier,
      String senderId,
      String receiverQualifier,
      String receiverId,
      String senderGs,
      String receiverGs,
      String version,
      EdiPartners.Delimiters delimiters,
      long control,
      Instant at,
      boolean test) {}

  /**
   * A segment to write: its tag and elements; an element is a {@code String} or, for a composite, a
   * {@code List<String>} of components. Trailing empty elements are dropped.
   */
  record Seg(String tag, List<Object> elements) {
    static Seg of(String tag, Object... elements) {
      List<Object> list = new ArrayList<>();
      for (Object e : elements) {
        list.add(e == null ? "" : e);
      }
      while (!list.isEmpty() && "".equals(list.getLast())) {
        list.removeLast();
      }
      return new Seg(tag, list);
    }
  }

  /** A transaction set: its type (ST01) and its segments between ST and SE. */
  record Tx(String type, List<Seg> segments) {}

  private static final DateTimeFormatter YYMMDD = DateTimeFormatter.ofPattern("yyMMdd");
  private static final DateTimeFormatter CCYYMMDD = DateTimeFormatter.ofPattern("yyyyMMdd");
  private static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("HHmm");

  private static final Schema CONTROL_00401 = control("00401");
  private static final Schema CONTROL_00501 = control("00501");

  private X12Writer() {}

  /** StAEDI's X12 envelope schema: the writer checks what it writes against it. */
  private static Schema control(String version) {
    try {
      return SchemaFactory.newFactory()
          .getControlSchema(EDIStreamConstants.Standards.X12, new String[] {version});
    } catch (EDISchemaException e) {
      throw new IllegalStateException("no X12 control schema for " + version, e);
    }
  }

  /** ST02 of the {@code index}-th set (from 1) of a group: unique within it, as X12 asks. */
  static String transactionControl(int index) {
    return String.format("%04d", index);
  }

  static String write(Envelope env, String functionalId, List<Tx> sets) {
    EdiPartners.Delimiters d = env.delimiters();
    char segment = d.segment().equals(EdiPartners.NEWLINE) ? '\n' : d.segment().charAt(0);
    boolean v5 = env.version().startsWith("005");
    EDIOutputFactory factory = EDIOutputFactory.newFactory();
    factory.setProperty(EDIStreamConstants.Delimiters.SEGMENT, segment);
    factory.setProperty(EDIStreamConstants.Delimiters.DATA_ELEMENT, d.element().charAt(0));
    factory.setProperty(EDIStreamConstants.Delimiters.COMPONENT_ELEMENT, d.component().charAt(0));
    if (v5) {
      factory.setProperty(EDIStreamConstants.Delimiters.REPETITION, d.repetition().charAt(0));
    }
    var at = env.at().atZone(ZoneOffset.UTC);
    String isa13 = String.format("%09d", env.control());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (EDIStreamWriter w = factory.createEDIStreamWriter(bytes, "US-ASCII")) {
      w.setControlSchema(v5 ? CONTROL_00501 : CONTROL_00401);
      w.startInterchange();
      segment(
          w,
          d,
          Seg.of(
              "ISA",
              "00",
              " ".repeat(10),
              "00",
              " ".repeat(10),
              env.senderQualifier(),
              pad(env.senderId()),
              env.receiverQualifier(),
              pad(env.receiverId()),
              YYMMDD.format(at),
              HHMM.format(at),
              v5 ? d.repetition() : "U",
              v5 ? "00501" : "00401",
              isa13,
              "0",
              env.test() ? "T" : "P",
              d.component()));
      segment(
          w,
          d,
          Seg.of(
              "GS",
              functionalId,
              env.senderGs(),
              env.receiverGs(),
              CCYYMMDD.format(at),
              HHMM.format(at),
              Long.toString(env.control()),
              "X",
              env.version()));
      int index = 0;
      for (Tx tx : sets) {
        index++;
        String st02 = transactionControl(index);
        segment(w, d, Seg.of("ST", tx.type(), st02));
        for (Seg s : tx.segments()) {
          segment(w, s, d);
        }
        segment(w, d, Seg.of("SE", Integer.toString(tx.segments().size() + 2), st02));
      }
      segment(w, d, Seg.of("GE", Integer.toString(sets.size()), Long.toString(env.control())));
      segment(w, d, Seg.of("IEA", "1", isa13));
      w.endInterchange();
    } catch (EDIStreamException | RuntimeException e) {
      throw new IllegalStateException("cannot write the X12 document: " + e.getMessage(), e);
    }
    return bytes.toString(StandardCharsets.US_ASCII);
  }

  /**
   * Writes a segment. Every value but the ISA's (built from checked settings) is made safe first: a
   * value copied from what a partner sent, or typed by a person, may hold one of the delimiters of
   * this interchange (which would cut it) or characters X12's basic set does not have.
   */
  private static void segment(EDIStreamWriter w, Seg s, EdiPartners.Delimiters d)
      throws EDIStreamException {
    boolean raw = s.tag().equals("ISA");
    w.writeStartSegment(s.tag());
    for (Object e : s.elements()) {
      if (e instanceof List<?> components) {
        w.writeStartElement();
        for (Object c : components) {
          w.writeComponent(raw ? String.valueOf(c) : safe(String.valueOf(c), d));
        }
        w.endElement();
      } else if (e.toString().isEmpty()) {
        w.writeEmptyElement();
      } else {
        String v = raw ? e.toString() : safe(e.toString(), d);
        if (!raw && v.isBlank()) {
          w.writeEmptyElement();
        } else {
          w.writeElement(v);
        }
      }
    }
    w.writeEndSegment();
  }

  private static void segment(EDIStreamWriter w, EdiPartners.Delimiters d, Seg s)
      throws EDIStreamException {
    segment(w, s, d);
  }

  /** A value with delimiters and control characters blanked and letters outside ASCII folded. */
  static String safe(String value, EdiPartners.Delimiters d) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      String one = String.valueOf(c);
      if (c < 0x20
          || one.equals(d.element())
          || one.equals(d.component())
          || one.equals(d.segment())
          || one.equals(d.repetition())) {
        out.append(' ');
      } else if (c > 0x7e) {
        String folded =
            java.text.Normalizer.normalize(one, java.text.Normalizer.Form.NFD)
                .replaceAll("[^\\x20-\\x7e]", "");
        out.append(folded.isEmpty() ? "?" : folded);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String pad(String id) {
    return String.format("%-15s", id);
  }

  /**
   * Text fit for an X12 element: the partner's delimiters and control characters removed, cut to
   * {@code max} characters. Names and addresses come from people; a delimiter inside one would cut
   * the document.
   */
  static String clean(String text, EdiPartners.Delimiters d, int max) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < max; i++) {
      char c = text.charAt(i);
      String s = String.valueOf(c);
      if (c < 0x20
          || c > 0x7e
          || s.equals(d.element())
          || s.equals(d.component())
          || s.equals(d.segment())
          || s.equals(d.repetition())) {
        if (c > 0x7e && Character.isLetter(c)) {
          out.append(
              java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD)
                  .replaceAll("[^\\x20-\\x7e]", ""));
        } else {
          out.append(' ');
        }
      } else {
        out.append(c);
      }
    }
    return out.toString().strip();
  }
}
