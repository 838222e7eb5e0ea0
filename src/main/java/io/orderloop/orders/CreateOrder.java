package io.orderloop.orders;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/**
 * The one intake command every channel normalises into (REST, and later Shopify, Square and EDI
 * adapters).
 *
 * @param externalId the channel's own order id: the same {@code (channel, externalId)} never makes
 *     two orders
 * @param fulfillmentPolicy defaults to {@code SHIP_PARTIAL} for DTC and {@code SHIP_COMPLETE} for
 *     B2B
 * @param b2b buyer PO, payment terms and delivery window; only for B2B orders
 * @param holdReason put the order on hold at intake (e.g. it needs review): it is stored and its
 *     stock reserved, but it is not released to fulfillment until the hold is released
 */
public record CreateOrder(
    @NotNull Channel channel,
    @Size(max = 255) String externalId,
    @NotNull OrderType type,
    @NotNull @Valid Customer customer,
    @NotNull @Valid Address shipTo,
    @Valid Address billTo,
    @NotBlank String currency,
    FulfillmentPolicy fulfillmentPolicy,
    @NotEmpty @Size(max = MAX_LINES) List<@NotNull @Valid Line> lines,
    @Valid B2b b2b,
    @Size(max = 500) String holdReason) {

  /** Lines one order may have. */
  public static final int MAX_LINES = 500;

  public CreateOrder {
    if (lines != null && lines.size() > MAX_LINES + 1) {
      // Refused anyway (too many lines); keep one too many so the size rule still reports it, but
      // spare validating each of the thousands a hostile body can hold within the size limit.
      lines = new java.util.ArrayList<>(lines.subList(0, MAX_LINES + 1));
    }
  }

  /** The ordering customer. */
  public record Customer(
      @NotBlank @Size(max = 200) String name, @Email @Size(max = 320) String email) {}

  /**
   * One order line.
   *
   * @param quantity units, or cases when {@code unitOfMeasure} is {@code CASE}
   * @param lot pin the line to this lot (regulated or high-value goods)
   */
  public record Line(
      @NotBlank @Size(max = 64) String sku,
      @NotNull @Positive @Max(1_000_000) Integer quantity,
      @NotNull @DecimalMin("0") @Digits(integer = 15, fraction = 4) BigDecimal unitPrice,
      @Size(max = 64) String lot,
      UnitOfMeasure unitOfMeasure) {}

  /** B2B terms carried on the order, without a separate workflow. */
  public record B2b(
      @Size(max = 100) String buyerPo,
      @Pattern(
              regexp = "NET_[0-9]{1,3}|DUE_ON_RECEIPT|PREPAID|COD",
              message = "use NET_<days> (e.g. NET_30), DUE_ON_RECEIPT, PREPAID or COD")
          String paymentTerms,
      @Valid DeliveryWindow deliveryWindow) {}

  /** The dates between which a B2B buyer wants delivery. */
  public record DeliveryWindow(@NotNull LocalDate from, @NotNull LocalDate to) {}
}
