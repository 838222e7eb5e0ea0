package io.orderloop.channels.edi;

import io.xlate.edi.schema.Schema;
import io.xlate.edi.stream.EDIStreamEvent;
import io.xlate.edi.stream.EDIStreamException;
import io.xlate.edi.stream.EDIStreamReader;
import io.xlate.edi.stream.EDIStreamValidationError;
import io.xlate.edi.stream.Location;
import java.util.ArrayList;
import java.util.List;

/** One pass of {@link X12Reader} over a stream, building its interchanges. */
final class X12Pass {
  private final EDIStreamReader r;
  private final List<X12Reader.Interchange> out;
  private X12Reader.Interchange interchange;
  private X12Reader.Group group;
  private X12Reader.Transaction tx;
  private String tag;
  private List<List<String>> elements;
  private List<String> composite;
  private boolean inComposite;
  private final List<Pending> pending = new ArrayList<>();

  /** Second pass: each set's PO1 count from the first, in order; null on the first pass. */
  private final List<Integer> validate;

  /** First pass: where each set's PO1 count goes; null on the second. */
  private final List<Integer> count;

  private int sets;
  boolean cacheControl;

  /** An element error, waiting for its segment to end so it joins that segment's AK3. */
  private record Pending(String tag, int position, X12Reader.ElementError error) {}

  X12Pass(
      EDIStreamReader r,
      List<X12Reader.Interchange> out,
      List<Integer> validate,
      List<Integer> count) {
    this.r = r;
    this.out = out;
    this.validate = validate;
    this.count = count;
  }

  void run() throws EDIStreamException {
    while (r.hasNext()) {
      EDIStreamEvent event = r.next();
      switch (event) {
        case START_INTERCHANGE -> {
          interchange = new X12Reader.Interchange();
          // StAEDI would read its envelope schema again for every read: given, it is not.
          Schema control = cacheControl ? X12Reader.controlSchema(r.getVersion()) : null;
          if (control != null) {
            r.setControlSchema(control);
          }
        }
        case END_INTERCHANGE -> {
          out.add(interchange);
          interchange = null;
        }
        case START_GROUP -> {
          group = new X12Reader.Group();
          if (interchange != null) {
            interchange.groups.add(group);
          }
        }
        case END_GROUP -> group = null;
        case START_TRANSACTION -> {
          tx = new X12Reader.Transaction();
          if (group != null) {
            group.transactions.add(tx);
          } else if (interchange != null) {
            interchange.problems.add("a transaction set (ST) outside a functional group (GS)");
          }
        }
        case END_TRANSACTION -> tx = null;
        case START_SEGMENT -> {
          tag = r.getText();
          elements = new ArrayList<>();
          if ("ST".equals(tag) && tx != null) {
            tx.stPosition = r.getLocation().getSegmentPosition();
          }
        }
        case START_COMPOSITE -> {
          inComposite = true;
          composite = new ArrayList<>();
          place(r.getLocation().getElementPosition(), composite);
        }
        case END_COMPOSITE -> inComposite = false;
        case ELEMENT_DATA -> element(r.getText(), r.getLocation());
        case END_SEGMENT -> endSegment();
        case SEGMENT_ERROR -> segmentError(r.getErrorType(), r.getReferenceCode(), r.getText());
        case ELEMENT_DATA_ERROR, ELEMENT_OCCURRENCE_ERROR ->
            elementError(r.getErrorType(), r.getReferenceCode(), r.getText(), r.getLocation());
        default -> {}
      }
    }
  }

  private void place(int position, List<String> value) {
    while (elements.size() < position - 1) {
      elements.add(List.of());
    }
    if (elements.size() == position - 1) {
      elements.add(value);
    }
  }

  private void element(String text, Location loc) {
    String value = text == null ? "" : text;
    if (inComposite) {
      int c = Math.max(1, loc.getComponentPosition());
      while (composite.size() < c - 1) {
        composite.add("");
      }
      composite.add(value);
      return;
    }
    int position = loc.getElementPosition();
    // A repetition of an element already seen is not kept: the first occurrence is what is read.
    if (position > elements.size()) {
      List<String> single = new ArrayList<>(1);
      single.add(value);
      place(position, single);
    }
    if ("ST".equals(tag) && position == 1 && tx != null) {
      // StAEDI's own transaction type is unreliable past the first set (1.26.0): read ST01.
      tx.type = value;
      int set = sets++;
      if (count != null) {
        count.add(0);
      } else {
        // Set for every set (StAEDI keeps the last one): none past the lines an order holds.
        boolean validated =
            set < validate.size() && validate.get(set) <= X12Reader.MAX_VALIDATED_LINES;
        r.setTransactionSchema(
            !validated
                ? null
                : switch (value) {
                  case "850" -> X12Reader.PO_SCHEMA;
                  case "997" -> X12Reader.FA_SCHEMA;
                  default -> null;
                });
      }
    }
  }

  private void endSegment() {
    if (count != null) {
      if ("PO1".equals(tag) && !count.isEmpty()) {
        count.set(count.size() - 1, count.getLast() + 1);
      }
      return;
    }
    X12Reader.Segment segment =
        new X12Reader.Segment(
            tag, tx == null ? 0 : position(r.getLocation()), List.copyOf(elements));
    switch (tag) {
      case "ISA" -> {
        interchange.senderQualifier = segment.el(5).strip();
        interchange.senderId = segment.el(6).strip();
        interchange.receiverQualifier = segment.el(7).strip();
        interchange.receiverId = segment.el(8).strip();
        interchange.version = segment.el(12).strip();
        interchange.control = segment.el(13).strip();
        interchange.usage = segment.el(15).strip();
      }
      case "GS" -> {
        if (group != null) {
          group.functionalId = segment.el(1).strip();
          group.senderId = segment.el(2).strip();
          group.receiverId = segment.el(3).strip();
          group.control = segment.el(6).strip();
          group.version = segment.el(8).strip();
        }
      }
      case "GE" -> {
        if (group != null) {
          group.declaredCount = segment.el(1).strip();
        }
      }
      case "ST" -> {
        if (tx != null) {
          tx.control = segment.el(2).strip();
        }
      }
      case "SE", "IEA" -> {}
      default -> {
        if (tx != null) {
          if (tx.segments.size() < X12Reader.MAX_SEGMENTS) {
            tx.segments.add(segment);
          } else {
            tx.tooLarge = true;
          }
        }
      }
    }
    flushElementErrors();
  }

  private X12Reader.Transaction lastTransaction() {
    if (tx != null) {
      return tx;
    }
    X12Reader.Group g = group != null ? group : lastGroup();
    return g == null || g.transactions.isEmpty() ? null : g.transactions.getLast();
  }

  private X12Reader.Group lastGroup() {
    return interchange == null || interchange.groups.isEmpty()
        ? null
        : interchange.groups.getLast();
  }

  private int position(Location loc) {
    return tx == null ? 0 : loc.getSegmentPosition() - tx.stPosition + 1;
  }

  private void segmentError(EDIStreamValidationError error, String reference, String text) {
    if (error == EDIStreamValidationError.MANDATORY_SEGMENT_MISSING && reference != null) {
      // A missing trailer: the envelope's own error, whatever set or group is open.
      switch (reference) {
        case "SE" -> {
          X12Reader.Transaction last = lastTransaction();
          if (last != null) {
            last.setErrors.add("2");
          }
          return;
        }
        case "GE" -> {
          X12Reader.Group last = group != null ? group : lastGroup();
          if (last != null) {
            last.groupErrors.add("3");
          }
          return;
        }
        case "IEA", "GS", "ST" -> {
          if (interchange != null) {
            interchange.problems.add("the " + reference + " segment is missing");
          }
          return;
        }
        default -> {}
      }
    }
    if (tx == null) {
      return;
    }
    String code = X12Codes.segmentCode(error);
    if (code == null) {
      return; // data element errors arrive one by one, with their segment
    }
    if (code.equals("6") && "850".equals(tx.type) && X12Codes.STANDARD_850.contains(text)) {
      return; // a standard 850 segment the order is not made from: passed over
    }
    String missing =
        error == EDIStreamValidationError.MANDATORY_SEGMENT_MISSING
                || error == EDIStreamValidationError.CONDITIONAL_REQUIRED_SEGMENT_MISSING
            ? reference
            : null;
    String segmentTag = missing != null ? missing : text;
    tx.errorTags.add(segmentTag == null ? "" : segmentTag);
    tx.missingMandatory |= missing != null;
    if (tx.errors.size() < X12Reader.MAX_ERRORS) {
      tx.errors.add(
          new X12Reader.SegmentError(
              segmentTag, position(r.getLocation()), code, new ArrayList<>()));
    }
  }

  private void elementError(
      EDIStreamValidationError error, String reference, String text, Location loc) {
    String segmentTag = loc.getSegmentTag();
    int position = loc.getElementPosition();
    switch (segmentTag == null ? "" : segmentTag) {
      case "SE" -> {
        if (tx != null && X12Codes.isControl(error)) {
          tx.setErrors.add(
              error == EDIStreamValidationError.CONTROL_COUNT_DOES_NOT_MATCH_ACTUAL_COUNT
                  ? "4"
                  : "3");
        }
        return;
      }
      case "GE" -> {
        if (group != null && X12Codes.isControl(error)) {
          group.groupErrors.add(
              error == EDIStreamValidationError.CONTROL_COUNT_DOES_NOT_MATCH_ACTUAL_COUNT
                  ? "5"
                  : "4");
        }
        return;
      }
      case "IEA" -> {
        if (interchange != null && X12Codes.isControl(error)) {
          interchange.problems.add(
              error == EDIStreamValidationError.CONTROL_COUNT_DOES_NOT_MATCH_ACTUAL_COUNT
                  ? "IEA01 '" + text + "' is not the number of groups in the interchange"
                  : "IEA02 '" + text + "' does not match ISA13 '" + interchange.control + "'");
        }
        return;
      }
      case "ISA", "GS", "ST" -> {
        return; // envelope element formats (old-style dates and the like) are not held against it
      }
      default -> {}
    }
    if (tx == null) {
      return;
    }
    pending.add(
        new Pending(
            segmentTag,
            position(loc),
            new X12Reader.ElementError(
                position,
                Math.max(0, loc.getComponentPosition()),
                reference == null ? "" : reference.replaceFirst("^E0*", ""),
                X12Codes.elementCode(error),
                text == null ? "" : text)));
  }

  private void flushElementErrors() {
    if (pending.isEmpty() || tx == null) {
      pending.clear();
      return;
    }
    Pending first = pending.getFirst();
    tx.errorTags.add(first.tag() == null ? "" : first.tag());
    List<X12Reader.ElementError> errors = new ArrayList<>();
    for (Pending p : pending) {
      if (errors.size() < 99) {
        errors.add(p.error());
      }
    }
    if (tx.errors.size() < X12Reader.MAX_ERRORS) {
      tx.errors.add(new X12Reader.SegmentError(first.tag(), first.position(), "8", errors));
    }
    pending.clear();
  }
}
