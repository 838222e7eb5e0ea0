package io.orderloop.gateway;

import io.orderloop.orders.Orders;
import java.util.ArrayList;
import java.util.List;

/** Arguments the acting tools share, checked before anything is looked up. */
final class Arguments {

  private Arguments() {}

  /** Units of one SKU. */
  record Units(String sku, Integer quantity) {}

  static String reason(String reason) {
    if (reason == null || reason.isBlank()) {
      throw new ToolError("reason: say why, e.g. 'customer asked'");
    }
    if (reason.length() > 500) {
      throw new ToolError("reason: at most 500 characters");
    }
    return reason.strip();
  }

  static List<Orders.CancelLine> lines(List<Units> lines) {
    if (lines == null) {
      return List.of();
    }
    if (lines.size() > 200) {
      throw new ToolError("lines: at most 200");
    }
    List<Orders.CancelLine> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Units u = lines.get(i);
      if (u == null || u.sku() == null || u.sku().isBlank() || u.sku().length() > 64) {
        throw new ToolError("lines[" + i + "].sku: give the SKU code");
      }
      if (u.quantity() == null || u.quantity() < 1 || u.quantity() > 1_000_000) {
        throw new ToolError("lines[" + i + "].quantity: 1 to 1,000,000");
      }
      out.add(new Orders.CancelLine(u.sku().strip(), u.quantity()));
    }
    return out;
  }
}
