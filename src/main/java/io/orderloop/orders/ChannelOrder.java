package io.orderloop.orders;

import java.math.BigDecimal;
import java.util.List;

/**
 * What a channel order carries beyond the loop's own fields, kept with the order.
 *
 * @param account the shop domain or merchant id the order came from
 * @param displayNumber the channel's own number for people (Shopify's {@code #1001})
 * @param revision orders the channel's updates: an update with a revision not above this one
 *     changes nothing (Shopify's {@code updated_at} in milliseconds × 4 plus the topic's rank,
 *     Square's {@code version})
 * @param lineRefs which channel line is which of the order's lines
 * @param pendingLines channel lines not in the loop: a SKU that maps to nothing yet, or a line the
 *     loop cannot take as it is; the order is held while any is waiting
 * @param charges what the channel charged beyond the loop's lines, kept for finance: shipping,
 *     discounts (negative), lines that ship nothing (gift cards, tips, digital goods)
 * @param paymentStatus the channel's payment status as last seen (e.g. {@code paid}, {@code
 *     pending})
 */
public record ChannelOrder(
    String account,
    String displayNumber,
    long revision,
    List<LineRef> lineRefs,
    List<PendingLine> pendingLines,
    List<Charge> charges,
    String paymentStatus) {

  public ChannelOrder {
    lineRefs = lineRefs == null ? List.of() : List.copyOf(lineRefs);
    pendingLines = pendingLines == null ? List.of() : List.copyOf(pendingLines);
    charges = charges == null ? List.of() : List.copyOf(charges);
  }

  /** The channel's line {@code ref} is the order's line {@code lineNo}. */
  public record LineRef(String ref, int lineNo) {}

  /** Why a channel line is not in the loop. */
  public enum Problem {
    /** Its SKU text maps to none of ours and has no alias: adding the alias takes it in. */
    UNMAPPED_SKU,
    /** The loop cannot take it as it is (quantity 0 or fractional, not whole cases, …). */
    NOT_TAKEN
  }

  /**
   * A channel line waiting outside the loop.
   *
   * @param quantity as the channel sent it (a decimal string for Square)
   * @param unitPrice in the order's currency
   * @param detail what is wrong, for the operator
   * @param otherCode a second code an alias may name (Square's catalog object id)
   * @param unitOfMeasure what the quantity counts when not units ({@code CASE}); null for units
   * @param casePack the units per case the channel stated, checked when the line is taken in
   * @param codes further codes an alias may name (EDI product ids)
   */
  public record PendingLine(
      String ref,
      String channelSku,
      String title,
      String quantity,
      BigDecimal unitPrice,
      Problem problem,
      String detail,
      String otherCode,
      UnitOfMeasure unitOfMeasure,
      Integer casePack,
      List<String> codes) {

    /** Whether an alias for {@code code} maps this line. */
    boolean answersTo(String code) {
      return code.equals(channelSku)
          || code.equals(otherCode)
          || (codes != null && codes.contains(code));
    }
  }

  /** What a charge is for. */
  public enum ChargeKind {
    SHIPPING,
    DISCOUNT,
    NOT_SHIPPED_ITEM
  }

  /**
   * A charge kept for finance.
   *
   * @param amount in the order's currency; discounts are negative
   */
  public record Charge(
      ChargeKind kind, String ref, String title, String sku, int quantity, BigDecimal amount) {}

  ChannelOrder withRevision(long r) {
    return new ChannelOrder(
        account, displayNumber, r, lineRefs, pendingLines, charges, paymentStatus);
  }

  ChannelOrder with(
      List<LineRef> refs, List<PendingLine> pending, List<Charge> charges, String payment) {
    return new ChannelOrder(account, displayNumber, revision, refs, pending, charges, payment);
  }
}
