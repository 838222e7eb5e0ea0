package io.orderloop.orders;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.Locale;

/**
 * The public contract of an order's history: one record per event type. A command on an order
 * yields a list of these; the repository saves each as a history entry (its JSON is the entry's
 * {@code details}) and publishes it as {@link OrderEventRecorded}, from which the outbox derives
 * the CloudEvent ({@code type} from {@link Type}, {@code data.details} from the record). {@code
 * docs/events.md} lists exactly these types (a test keeps the two in step).
 */
public sealed interface OrderEvent {

  /** The CloudEvents and history type of an event record. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @interface Type {
    String value();

    /** One line for the documentation: what happened. */
    String doc();
  }

  /** The event's type, e.g. {@code order.received}. */
  @JsonIgnore
  default String eventType() {
    return typeOf(getClass());
  }

  static String typeOf(Class<?> record) {
    Type type = record.getAnnotation(Type.class);
    if (type == null) {
      throw new IllegalStateException(record + " has no @OrderEvent.Type");
    }
    return type.value();
  }

  // ------------------------------------------------------------------ parts

  /** Units of one order line. */
  record LineUnits(int lineNo, String sku, int quantity) {}

  /** Units of one order line reserved at one location and lot. */
  record ReservedUnits(
      int lineNo, String sku, int quantity, String location, String lot, boolean pinned) {}

  /** Units of one order line still waiting for stock. */
  record BackorderedUnits(int lineNo, String sku, int backordered) {}

  /** A line pinned to a lot; {@code releasedUnits} reserved elsewhere were let go. */
  record PinnedLine(
      int lineNo,
      String sku,
      String lot,
      @JsonInclude(JsonInclude.Include.NON_NULL) Integer releasedUnits) {}

  /** Units of one SKU returned; how they were dispositioned once received. */
  record ReturnedUnits(
      String sku,
      int quantity,
      @JsonInclude(JsonInclude.Include.NON_NULL) String disposition,
      @JsonInclude(JsonInclude.Include.NON_NULL) String location,
      @JsonInclude(JsonInclude.Include.NON_NULL) String lot) {}

  /** Units of one order line that left, from one lot and location. */
  record ShippedUnits(int lineNo, String sku, int quantity, String lot, String location) {}

  // ------------------------------------------------------------------ intake and allocation

  @Type(
      value = "order.received",
      doc =
          "An order was accepted and stored (state RECEIVED): channel, external id, type, policy, total, lines.")
  record Received(
      String channel,
      String externalId,
      String type,
      String fulfillmentPolicy,
      String total,
      List<LineUnits> lines)
      implements OrderEvent {}

  @Type(
      value = "inventory.reserved",
      doc = "Stock was reserved for lines of the order: per line, location, lot and quantity.")
  record Reserved(
      List<ReservedUnits> reservations,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean joinsFulfillmentQueue)
      implements OrderEvent {}

  @Type(value = "order.backordered", doc = "Some units could not be reserved and wait for stock.")
  record Backordered(List<BackorderedUnits> lines) implements OrderEvent {}

  @Type(value = "inventory.lot_pinned", doc = "Lines were pinned to a lot.")
  record LotPinned(List<PinnedLine> lines) implements OrderEvent {}

  @Type(value = "inventory.lot_unpinned", doc = "Lines were unpinned from their lot.")
  record LotUnpinned(List<PinnedLine> lines) implements OrderEvent {}

  @Type(value = "inventory.released", doc = "Reserved units went back to available stock.")
  record Released(List<LineUnits> lines) implements OrderEvent {}

  @Type(
      value = "inventory.reservation_moved",
      doc = "Reserved units of a line moved to another location or lot.")
  record ReservationMoved(int lineNo, String sku, int quantity, String toLocation, String toLot)
      implements OrderEvent {}

  @Type(
      value = "order.allocation_rerun",
      doc = "An operator re-ran allocation for the backordered units.")
  record AllocationRerun(int reservedUnits) implements OrderEvent {}

  @Type(value = "order.lines_cancelled", doc = "Unshipped units of some lines were cancelled.")
  record LinesCancelled(List<LineUnits> lines) implements OrderEvent {}

  @Type(
      value = "order.edited",
      doc = "The order was edited: the fields that changed, before and after.")
  record Edited(java.util.Map<String, Object> before, java.util.Map<String, Object> after)
      implements OrderEvent {}

  // ------------------------------------------------------------------ holds and risk

  @Type(
      value = "order.held",
      doc = "The order was put on hold (of a kind): it is not released nor shipped.")
  record Held(
      String kind,
      @JsonInclude(JsonInclude.Include.NON_NULL) String state,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean atIntake)
      implements OrderEvent {}

  @Type(value = "order.released", doc = "A hold of the order was released.")
  record HoldReleased(String kind, String heldFor) implements OrderEvent {}

  @Type(
      value = "order.at_risk",
      doc = "A B2B order was not shipped by the last day its delivery window allows.")
  record AtRisk(String shipBy, String windowFrom, String windowTo, String state)
      implements OrderEvent {}

  // ------------------------------------------------------------------ execution

  @Type(
      value = "order.shipment_recorded",
      doc = "Units left in a shipment: carrier, tracking number, lines with lot and location.")
  record ShipmentRecorded(
      String shipmentId, String carrier, String trackingNumber, List<ShippedUnits> lines)
      implements OrderEvent {}

  @Type(
      value = "invoice.issued",
      doc = "A B2B shipment was invoiced: number, total, currency, terms and due date.")
  record InvoiceIssued(
      String invoiceId,
      String number,
      String total,
      String currency,
      String paymentTerms,
      String dueOn,
      String shipmentId)
      implements OrderEvent {}

  @Type(value = "shipment.delivered", doc = "A shipment of the order was confirmed delivered.")
  record ShipmentDelivered(String shipmentId, String deliveredAt) implements OrderEvent {}

  @Type(
      value = "order.channel_lines_mapped",
      doc =
          "Channel lines that waited for a SKU mapping joined the order's lines (an alias was"
              + " added).")
  record ChannelLinesMapped(String channelSku, List<LineUnits> lines) implements OrderEvent {}

  // ------------------------------------------------------------------ states entered

  /** An event that records entering a state; its history entry carries from and to. */
  sealed interface StateEntered extends OrderEvent {
    @JsonIgnore
    OrderState state();
  }

  @Type(
      value = "order.allocated",
      doc = "The fulfillment policy is met by reservations (state ALLOCATED).")
  record Allocated(String fulfillmentPolicy) implements StateEntered {
    public OrderState state() {
      return OrderState.ALLOCATED;
    }
  }

  @Type(value = "order.fulfillment_queued", doc = "The order was released to fulfillment.")
  record FulfillmentQueued() implements StateEntered {
    public OrderState state() {
      return OrderState.FULFILLMENT_QUEUED;
    }
  }

  @Type(
      value = "order.partially_shipped",
      doc = "Some units shipped; the rest are reserved or backordered.")
  record PartiallyShipped(String shipmentId) implements StateEntered {
    public OrderState state() {
      return OrderState.PARTIALLY_SHIPPED;
    }
  }

  @Type(value = "order.shipped", doc = "Every unit not cancelled has shipped.")
  record Shipped(
      @JsonInclude(JsonInclude.Include.NON_NULL) String shipmentId,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean unshippedRestCancelled)
      implements StateEntered {
    public OrderState state() {
      return OrderState.SHIPPED;
    }
  }

  @Type(value = "order.delivered", doc = "Every shipment is confirmed delivered.")
  record Delivered(
      @JsonInclude(JsonInclude.Include.NON_NULL) String shipmentId,
      @JsonInclude(JsonInclude.Include.NON_NULL) String confirmedBy,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean allShipmentsDelivered,
      @JsonInclude(JsonInclude.Include.NON_NULL) String deliveredAt)
      implements StateEntered {
    public OrderState state() {
      return OrderState.DELIVERED;
    }
  }

  @Type(value = "order.closed", doc = "The loop is complete (after the close grace).")
  record Closed(@JsonInclude(JsonInclude.Include.NON_NULL) String closeGrace)
      implements StateEntered {
    public OrderState state() {
      return OrderState.CLOSED;
    }
  }

  @Type(value = "order.cancelled", doc = "The order was cancelled; its reservations released.")
  record Cancelled(
      @JsonInclude(JsonInclude.Include.NON_NULL) Integer releasedUnits,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean allLinesCancelled)
      implements StateEntered {
    public OrderState state() {
      return OrderState.CANCELLED;
    }
  }

  // ------------------------------------------------------------------ returns

  /**
   * An event another module records on the order's history without changing the order: its version
   * does not move.
   */
  sealed interface HistoryOnly extends OrderEvent {}

  /**
   * A channel changed an order that has shipped (or is closed): the change is on record, not
   * applied; an operator decides.
   */
  @Type(
      value = "order.channel_change_not_applied",
      doc =
          "The channel changed the order after part of it shipped: recorded and flagged, not"
              + " applied.")
  record ChannelChangeNotApplied(long channelRevision, List<String> changes)
      implements HistoryOnly {}

  /**
   * An agent asked for something on this order that a person must approve first (a cancellation of
   * a B2B order past ALLOCATED): nothing changed yet. Recorded by the gateway.
   */
  @Type(
      value = "order.approval_requested",
      doc =
          "An agent's action on the order waits for a person's approval (nothing changed yet):"
              + " the approval, the action, why it waits.")
  record ApprovalRequested(String approvalId, String action, String why) implements HistoryOnly {}

  /** A person decided an agent's held action on this order. Recorded by the gateway. */
  @Type(
      value = "order.approval_decided",
      doc = "A person approved or refused an agent's held action on the order.")
  record ApprovalDecided(String approvalId, String action, String decision, String note)
      implements HistoryOnly {}

  /** A return's stage, as recorded on its order. */
  enum ReturnStage {
    REQUESTED,
    AUTHORIZED,
    RECEIVED,
    REFUNDED,
    CLOSED,
    REJECTED;

    public String eventType() {
      return "return." + name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A return of the order reached a stage ({@code return.requested}, {@code return.authorized},
   * {@code return.received}, {@code return.refunded}, {@code return.closed}, {@code
   * return.rejected}): recorded by the returns module on the order's history.
   */
  @Type(value = "return.*", doc = "A return of the order reached a stage.")
  record ReturnProgressed(
      @JsonIgnore ReturnStage stage,
      String returnId,
      String number,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<ReturnedUnits> lines,
      @JsonInclude(JsonInclude.Include.NON_NULL) String refundAmount,
      @JsonInclude(JsonInclude.Include.NON_NULL) String currency)
      implements HistoryOnly {
    @Override
    public String eventType() {
      return stage.eventType();
    }
  }

  /** Every event record, for documentation and tests. */
  static List<Class<?>> types() {
    return List.of(OrderEvent.class.getPermittedSubclasses()).stream()
        .<Class<?>>mapMulti(
            (c, out) -> {
              if (c.isInterface()) {
                for (Class<?> sub : c.getPermittedSubclasses()) {
                  out.accept(sub);
                }
              } else {
                out.accept(c);
              }
            })
        .toList();
  }
}
