package io.orderloop.channels.edi;

import io.xlate.edi.schema.EDISchemaException;
import io.xlate.edi.schema.Schema;
import io.xlate.edi.schema.SchemaFactory;
import io.xlate.edi.stream.EDIInputFactory;
import io.xlate.edi.stream.EDIStreamException;
import io.xlate.edi.stream.EDIStreamReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads X12 interchanges with StAEDI into segments grouped by interchange, group and transaction,
 * with every validation error StAEDI reports placed where a 997 names it: the envelope's control
 * counts and references, and for an 850 its segments and elements against {@code edi/x12-850.xml}.
 * Any delimiters the ISA declares, a UTF-8 BOM, line breaks around and inside segments, several
 * interchanges per stream. The whole stream is read before anything is done with it: a stream that
 * breaks off part way is {@link Unreadable}, and nothing of it is used.
 */
final class X12Reader {

  /** Segments kept per transaction: past this the transaction is refused as too large. */
  static final int MAX_SEGMENTS = 20_000;

  /** PO1 lines past which a set is not validated against the schema (it is refused anyway). */
  static final int MAX_VALIDATED_LINES = io.orderloop.orders.CreateOrder.MAX_LINES;

  /** AK3 segment errors noted per transaction (the 997 stays readable). */
  static final int MAX_ERRORS = 100;

  static final Schema PO_SCHEMA = schema("edi/x12-850.xml");
  static final Schema FA_SCHEMA = schema("edi/x12-997.xml");

  /** The stream cannot be read as X12 at all, or breaks off: nothing of it is used. */
  static final class Unreadable extends Exception {
    Unreadable(String message) {
      super(message);
    }
  }

  /** One segment: its tag, its position in its transaction (ST is 1), its elements' components. */
  record Segment(String tag, int position, List<List<String>> elements) {
    /** Element {@code i} (1-based), its first component; "" when absent. */
    String el(int i) {
      return comp(i, 1);
    }

    /** Component {@code c} (1-based) of element {@code i}; "" when absent. */
    String comp(int i, int c) {
      if (i < 1 || i > elements.size()) {
        return "";
      }
      List<String> e = elements.get(i - 1);
      return c <= e.size() && e.get(c - 1) != null ? e.get(c - 1) : "";
    }
  }

  /** An element error, as AK4 gives it. */
  record ElementError(int position, int component, String reference, String code, String data) {}

  /** A segment error, as AK3 gives it; {@code code} is AK304. */
  record SegmentError(String tag, int position, String code, List<ElementError> elements) {}

  /** A transaction set (ST … SE). */
  static final class Transaction {
    String type = "";
    String control = "";
    int stPosition;
    final List<Segment> segments = new ArrayList<>();
    final List<SegmentError> errors = new ArrayList<>();

    /** AK502 codes for the set as a whole (trailer count or control mismatch). */
    final List<String> setErrors = new ArrayList<>();

    boolean tooLarge;

    /** Every segment that had an error, also past {@link #MAX_ERRORS}. */
    final java.util.Set<String> errorTags = new java.util.HashSet<>();

    /** A mandatory segment is missing (also past {@link #MAX_ERRORS}). */
    boolean missingMandatory;

    Segment first(String tag) {
      return segments.stream().filter(s -> s.tag().equals(tag)).findFirst().orElse(null);
    }
  }

  /** A functional group (GS … GE). */
  static final class Group {
    String functionalId = "";
    String senderId = "";
    String receiverId = "";
    String control = "";
    String version = "";
    String declaredCount = "";
    final List<Transaction> transactions = new ArrayList<>();

    /** AK905 codes for the group as a whole. */
    final List<String> groupErrors = new ArrayList<>();
  }

  /** An interchange (ISA … IEA). */
  static final class Interchange {
    String senderQualifier = "";
    String senderId = "";
    String receiverQualifier = "";
    String receiverId = "";
    String version = "";
    String control = "";
    String usage = "";
    final List<Group> groups = new ArrayList<>();

    /** Envelope problems (IEA count or control mismatch), for the person reading the report. */
    final List<String> problems = new ArrayList<>();
  }

  private X12Reader() {}

  static List<Interchange> read(byte[] data) throws Unreadable {
    int start = 0;
    if (data.length >= 3
        && (data[0] & 0xff) == 0xEF
        && (data[1] & 0xff) == 0xBB
        && (data[2] & 0xff) == 0xBF) {
      start = 3; // a UTF-8 byte order mark, which StAEDI does not skip
    }
    while (start < data.length && Character.isWhitespace(data[start])) {
      start++;
    }
    if (data.length - start < 106 || data[start] != 'I' || data[start + 1] != 'S') {
      throw new Unreadable(
          "the body is not an X12 interchange: it must start with a 106-character ISA segment");
    }
    EDIInputFactory factory = EDIInputFactory.newFactory();
    factory.setProperty(EDIInputFactory.EDI_IGNORE_EXTRANEOUS_CHARACTERS, true);
    factory.setProperty(EDIInputFactory.EDI_VALIDATE_CONTROL_CODE_VALUES, false);
    // StAEDI's schema validation takes time growing with the square of a loop's repetitions (10,000
    // PO1 lines: minutes). A first pass without transaction schemas counts each set's PO1s; the
    // second validates only the sets an order can hold (more lines are refused anyway).
    List<Interchange> out = new ArrayList<>();
    List<Integer> lineCounts = new ArrayList<>();
    List<Interchange> first = new ArrayList<>();
    String charset = utf8(data, start) ? "UTF-8" : "ISO-8859-1";
    try (InputStream in = new ByteArrayInputStream(data, start, data.length - start);
        EDIStreamReader reader = factory.createEDIStreamReader(in, charset)) {
      new X12Pass(reader, first, null, lineCounts).run();
    } catch (EDIStreamException | RuntimeException e) {
      throw new Unreadable(describe(e, out));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (InputStream in = new ByteArrayInputStream(data, start, data.length - start);
        EDIStreamReader reader = factory.createEDIStreamReader(in, charset)) {
      X12Pass second = new X12Pass(reader, out, lineCounts, null);
      // One interchange: its envelope schema comes from the cache (StAEDI takes one per reader).
      second.cacheControl = first.size() == 1;
      second.run();
    } catch (EDIStreamException | RuntimeException e) {
      throw new Unreadable(describe(e, out));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (out.isEmpty()) {
      throw new Unreadable("no interchange (ISA … IEA) found");
    }
    return out;
  }

  /**
   * Whether the bytes are UTF-8; X12 is meant to be plain ASCII, but names arrive in UTF-8 or in
   * Latin-1, and a Latin-1 byte must not make the whole interchange unreadable.
   */
  private static boolean utf8(byte[] data, int start) {
    try {
      java.nio.charset.StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(data, start, data.length - start));
      return true;
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
  }

  private static String describe(Exception e, List<Interchange> read) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    // StAEDI's messages name the offset, segment and element ("EDIE003 - Invalid processing
    // state at offset 108; …"): kept as they are, they tell the sender where to look.
    return "the X12 could not be read"
        + (read.isEmpty() ? "" : " after " + read.size() + " complete interchange(s)")
        + ": "
        + message;
  }

  private static final java.util.Map<String, Schema> CONTROL =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** StAEDI's X12 envelope schema for the ISA's version, loaded once per version. */
  static Schema controlSchema(String[] version) {
    if (version == null || version.length == 0 || version[0] == null) {
      return null;
    }
    return CONTROL.computeIfAbsent(
        version[0],
        v -> {
          try {
            return SchemaFactory.newFactory()
                .getControlSchema(io.xlate.edi.stream.EDIStreamConstants.Standards.X12, version);
          } catch (EDISchemaException e) {
            return null;
          }
        });
  }

  private static Schema schema(String resource) {
    try (InputStream in = X12Reader.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the classpath");
      }
      return SchemaFactory.newFactory().createSchema(in);
    } catch (IOException | EDISchemaException e) {
      throw new IllegalStateException("cannot load the X12 schema " + resource, e);
    }
  }
}
