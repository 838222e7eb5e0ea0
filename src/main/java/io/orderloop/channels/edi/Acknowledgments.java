package io.orderloop.channels.edi;

import io.orderloop.channels.edi.X12Reader.ElementError;
import io.orderloop.channels.edi.X12Reader.SegmentError;
import io.orderloop.channels.edi.X12Writer.Seg;
import java.util.ArrayList;
import java.util.List;

/**
 * 997 functional acknowledgments: one 997 per functional group received, with AK2/AK3/AK4/AK5 per
 * transaction set and AK9 for the group (accepted, accepted with errors noted, partially accepted,
 * rejected).
 */
final class Acknowledgments {

  /** What was decided for one transaction set. */
  record SetResult(
      String type,
      String control,
      String code,
      List<String> setErrors,
      List<SegmentError> errors,
      String detail) {

    boolean accepted() {
      return code.equals("A") || code.equals("E");
    }
  }

  /** What was decided for one functional group. */
  record GroupResult(
      String functionalId,
      String control,
      String declaredCount,
      List<SetResult> sets,
      List<String> groupErrors,
      boolean unsupported) {

    String code() {
      if (unsupported || sets.isEmpty() || !groupErrors.isEmpty()) {
        return "R";
      }
      long accepted = sets.stream().filter(SetResult::accepted).count();
      if (accepted == 0) {
        return "R";
      }
      if (accepted < sets.size()) {
        return "P";
      }
      return sets.stream().anyMatch(s -> s.code().equals("E")) ? "E" : "A";
    }
  }

  private Acknowledgments() {}

  /** The 997 transaction set (between ST and SE) for a group. */
  static X12Writer.Tx ack(GroupResult g, boolean v5) {
    List<Seg> segs = new ArrayList<>();
    segs.add(Seg.of("AK1", g.functionalId(), g.control()));
    if (!g.unsupported()) {
      for (SetResult s : g.sets()) {
        segs.add(Seg.of("AK2", s.type(), s.control()));
        for (SegmentError e : s.errors()) {
          segs.add(Seg.of("AK3", e.tag(), String.valueOf(Math.max(1, e.position())), "", e.code()));
          for (ElementError el : e.elements()) {
            Object position =
                el.component() > 0
                    ? List.of(String.valueOf(el.position()), String.valueOf(el.component()))
                    : String.valueOf(el.position());
            segs.add(
                Seg.of(
                    "AK4",
                    position,
                    el.reference().matches("[0-9]{1,4}") ? el.reference() : "",
                    el.code(),
                    cleanCopy(el.data())));
          }
        }
        List<Object> ak5 = new ArrayList<>();
        ak5.add(s.code());
        List<String> codes = new ArrayList<>(s.setErrors());
        if (s.code().equals("R") && codes.isEmpty() && !s.errors().isEmpty()) {
          codes.add("5");
        }
        codes.stream().distinct().limit(5).forEach(ak5::add);
        segs.add(Seg.of("AK5", ak5.toArray()));
      }
    }
    long accepted = g.sets().stream().filter(SetResult::accepted).count();
    List<Object> ak9 = new ArrayList<>();
    ak9.add(g.code());
    String declared = g.declaredCount().strip();
    ak9.add(
        declared.matches("[0-9]{1,6}")
            ? String.valueOf(Integer.parseInt(declared))
            : String.valueOf(g.sets().size()));
    ak9.add(String.valueOf(g.sets().size()));
    ak9.add(String.valueOf(g.unsupported() ? 0 : accepted));
    List<String> codes = new ArrayList<>(g.groupErrors());
    codes.stream().distinct().limit(5).forEach(ak9::add);
    segs.add(Seg.of("AK9", ak9.toArray()));
    return new X12Writer.Tx("997", segs);
  }

  /** AK404 copies the bad data: printable ASCII only, at most 99 characters. */
  private static String cleanCopy(String data) {
    String s = data == null ? "" : data.replaceAll("[^\\x20-\\x7e]", "?");
    return s.length() > 99 ? s.substring(0, 99) : s;
  }

  /** A 997 in words, for the interchange's report. */
  static String describe(GroupResult g) {
    StringBuilder out = new StringBuilder();
    out.append("group ")
        .append(g.functionalId())
        .append(" ")
        .append(g.control())
        .append(": ")
        .append(
            switch (g.code()) {
              case "A" -> "accepted";
              case "E" -> "accepted, errors noted";
              case "P" -> "partially accepted";
              default -> "rejected";
            });
    if (!g.groupErrors().isEmpty()) {
      out.append(" (AK905 ")
          .append(String.join(", ", g.groupErrors()))
          .append(
              g.unsupported() ? ": not supported" : ": envelope counts or controls do not match")
          .append(")");
    }
    for (SetResult s : g.sets()) {
      out.append("\n  ").append(s.type()).append(" ").append(s.control()).append(": ");
      out.append(s.detail() == null ? s.code() : s.detail());
      for (SegmentError e : s.errors()) {
        out.append("\n    ")
            .append(e.tag())
            .append(" at segment ")
            .append(e.position())
            .append(": ")
            .append(X12Codes.segmentMeaning(e.code()));
        for (ElementError el : e.elements()) {
          out.append("; element ")
              .append(el.position())
              .append(el.component() > 0 ? "-" + el.component() : "")
              .append(el.reference().isEmpty() ? "" : " (" + el.reference() + ")")
              .append(" ")
              .append(X12Codes.elementMeaning(el.code()))
              .append(el.data().isEmpty() ? "" : " '" + cleanCopy(el.data()) + "'");
        }
      }
    }
    return out.toString();
  }
}
