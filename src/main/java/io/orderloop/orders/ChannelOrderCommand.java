package io.orderloop.orders;

import java.math.BigDecimal;
import java.util.List;

/**
 * A channel order as a channel adapter read it: the intake command's fields, the channel's lines
 * (with the SKU each maps to, when it maps), and what the channel says about payment and
 * cancellation. Used for a new order and for an update alike: {@link ChannelOrders} decides which.
 *
 * @param revision orders updates (Shopify's {@code updated_at} in milliseconds × 4 plus the topic's
 *     rank within the second, Square's {@code version}); an update not newer than the order's
 *     changes nothing
 * @param paymentPending the channel has not captured or authorised payment: the order is held
 *     {@code PAYMENT_PENDING} until an update says it is paid
 * @param cancelled the channel cancelled the order: what has not shipped is cancelled
 * @param cleaned text the adapter had to clean (control characters): the order is held {@code
 *     CHANNEL_DATA} naming it, so a person looks before it ships
 * @param review what else a person must check before the order ships (an EDI ship-to store not in
 *     the partner's list): the order is held {@code CHANNEL_DATA} with these reasons
 * @param notes what the channel said beyond the loop's fields (EDI: terms text, carrier routing,
 *     charges, messages), kept as the order's notes
 */
public record ChannelOrderCommand(
    Channel channel,
    String externalId,
    String account,
    String displayNumber,
    long revision,
    OrderType type,
    CreateOrder.Customer customer,
    Address shipTo,
    Address billTo,
    String currency,
    CreateOrder.B2b b2b,
    List<Line> lines,
    List<ChannelOrder.Charge> charges,
    String paymentStatus,
    boolean paymentPending,
    boolean cancelled,
    String cancelReason,
    List<String> cleaned,
    List<String> review,
    String notes) {

  public ChannelOrderCommand {
    lines = List.copyOf(lines);
    charges = charges == null ? List.of() : List.copyOf(charges);
    cleaned = cleaned == null ? List.of() : List.copyOf(cleaned);
    review = review == null ? List.of() : List.copyOf(review);
  }

  /** A store channel's order (Shopify, Square): no review reasons, no notes. */
  public ChannelOrderCommand(
      Channel channel,
      String externalId,
      String account,
      String displayNumber,
      long revision,
      OrderType type,
      CreateOrder.Customer customer,
      Address shipTo,
      Address billTo,
      String currency,
      CreateOrder.B2b b2b,
      List<Line> lines,
      List<ChannelOrder.Charge> charges,
      String paymentStatus,
      boolean paymentPending,
      boolean cancelled,
      String cancelReason,
      List<String> cleaned) {
    this(
        channel,
        externalId,
        account,
        displayNumber,
        revision,
        type,
        customer,
        shipTo,
        billTo,
        currency,
        b2b,
        lines,
        charges,
        paymentStatus,
        paymentPending,
        cancelled,
        cancelReason,
        cleaned,
        List.of(),
        null);
  }

  /**
   * A channel line that ships.
   *
   * @param ref the channel's line id
   * @param channelSku the SKU text the channel sent (may be blank)
   * @param sku our SKU it maps to (by its text or an alias), or null when it maps to none
   * @param quantity as the channel sent it: a whole number above zero is taken, anything else is
   *     kept aside ({@link ChannelOrder.Problem#NOT_TAKEN})
   * @param unitPrice in the order's currency, before discounts (finance reads the discounts from
   *     the charges); null when the channel sent none the loop can use (the line is kept aside)
   * @param otherCode a second code an alias may name (Square: the catalog object id when the line
   *     goes by its variation's SKU)
   * @param removed the channel removed the line (Shopify's {@code current_quantity} 0): not a line
   *     to take, and a line already taken is cancelled
   * @param unitOfMeasure what the quantity counts: units (null or {@code EACH}) or cases ({@code
   *     CASE}, EDI's {@code CA}); the price is per that unit
   * @param refusal why the adapter cannot take the line as it is (an EDI unit the loop does not
   *     sell in): the line waits aside with this detail, mapped or not
   * @param casePack the units per case the channel states (EDI's PO4): a case line whose SKU comes
   *     in other cases waits aside, also when it is mapped later
   * @param codes every code an alias may name for the line (EDI: each product id, qualified and
   *     bare); {@code channelSku} and {@code otherCode} answer too
   */
  public record Line(
      String ref,
      String channelSku,
      String title,
      String sku,
      String quantity,
      BigDecimal unitPrice,
      String otherCode,
      boolean removed,
      UnitOfMeasure unitOfMeasure,
      String refusal,
      Integer casePack,
      List<String> codes) {

    public Line {
      codes = codes == null ? List.of() : List.copyOf(codes);
    }

    public Line(
        String ref,
        String channelSku,
        String title,
        String sku,
        String quantity,
        BigDecimal unitPrice,
        String otherCode,
        boolean removed) {
      this(
          ref,
          channelSku,
          title,
          sku,
          quantity,
          unitPrice,
          otherCode,
          removed,
          null,
          null,
          null,
          null);
    }

    public Line(
        String ref,
        String channelSku,
        String title,
        String sku,
        String quantity,
        BigDecimal unitPrice) {
      this(ref, channelSku, title, sku, quantity, unitPrice, null, false, null, null, null, null);
    }
  }
}
