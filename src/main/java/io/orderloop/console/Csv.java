package io.orderloop.console;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A CSV download (RFC 4180: comma-separated, CRLF, fields quoted when they hold a comma, quote or
 * line break). A cell that a spreadsheet would run as a formula ({@code = + - @} first, or a tab or
 * carriage return) is prefixed with an apostrophe, so an order's customer name cannot become a
 * formula on an operator's machine.
 */
final class Csv implements AutoCloseable {

  private final PrintWriter out;

  private Csv(PrintWriter out) {
    this.out = out;
  }

  static Csv download(HttpServletResponse response, String filename, String... header)
      throws IOException {
    response.setContentType("text/csv; charset=UTF-8");
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.setHeader("Content-Disposition", "attachment; filename=\"" + filename + "\"");
    Csv csv = new Csv(response.getWriter());
    csv.row(List.of((Object[]) header));
    return csv;
  }

  void row(List<?> cells) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        line.append(',');
      }
      line.append(cell(cells.get(i)));
    }
    out.write(line.append("\r\n").toString());
  }

  void row(Object... cells) {
    row(java.util.Arrays.asList(cells));
  }

  static String cell(Object value) {
    if (value == null) {
      return "";
    }
    String s = value.toString();
    if (!s.isEmpty() && !(value instanceof Number) && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
      s = "'" + s;
    }
    if (s.indexOf(',') >= 0
        || s.indexOf('"') >= 0
        || s.indexOf('\n') >= 0
        || s.indexOf('\r') >= 0) {
      s = '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }

  @Override
  public void close() {
    out.flush();
  }
}
