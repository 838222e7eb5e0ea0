package io.orderloop.orders;

import io.orderloop.common.Actors;
import io.orderloop.common.ApiProblem;
import io.orderloop.common.Currencies;
import io.orderloop.common.Transactions;
import io.orderloop.inventory.Demand;
import io.orderloop.inventory.Inventory;
import io.orderloop.inventory.LineReservation;
import io.orderloop.inventory.SkuInfo;
import io.orderloop.orders.OrderRepository.LineRecord;
import io.orderloop.orders.OrderRepository.OrderRecord;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/**
 * The orders module's API: intake, the loop's moves, cancellation and the queries.
 *
 * <p>Each command runs in one transaction holding the order's row lock: the state change, the line
 * quantities, the reservations and every history event commit together or not at all. Rejections
 * are {@link ApiProblem}s: 404 for an unknown order, 409 for a move the state table does not allow
 * (with {@code currentState} and {@code allowedTransitions}), 412 for a stale {@code If-Match}
 * version, 422 for a request that breaks a rule.
 *
 * <p>History event types written here: {@code order.received}, {@code inventory.reserved}, {@code
 * inventory.lot_pinned}, {@code order.backordered}, {@code inventory.released}, {@code
 * order.lines_cancelled}, {@code order.shipment_recorded}, and {@code order.<state>} for every
 * state entered.
 */
@Service
public class Orders {

  private final OrderRepository repository;
  private final Inventory inventory;
  private final Transactions transactions;
  private final OrderProperties properties;
  private final Clock clock;
  private final OrderLoop loop;
  private final OrderExecution execution;
  private final org.springframework.context.ApplicationEventPublisher events;

  /** The largest order total the database stores (numeric(19,4)). */
  private static final BigDecimal MAX_TOTAL = new BigDecimal("99999999999999");

  Orders(
      OrderRepository repository,
      Inventory inventory,
      Transactions transactions,
      OrderProperties properties,
      Clock clock,
      OrderLoop loop,
      OrderExecution execution,
      org.springframework.context.ApplicationEventPublisher events) {
    this.repository = repository;
    this.inventory = inventory;
    this.transactions = transactions;
    this.properties = properties;
    this.clock = clock;
    this.loop = loop;
    this.execution = execution;
    this.events = events;
  }

  /**
   * The result of intake: the order, and whether this call created it (false: the channel order
   * existed).
   */
  public record Intake(OrderView order, boolean created) {}

  // ------------------------------------------------------------------ intake

  /**
   * Accepts an order: validates it against the catalogue, stores it as RECEIVED, reserves stock for
   * every line in the same transaction, records backorders, and moves it to ALLOCATED when its
   * fulfillment policy is met. A repeated {@code (channel, externalId)} returns the existing order
   * and changes nothing.
   */
  public Intake create(CreateOrder command) {
    return transactions.inTransaction(
        () -> {
          String externalId =
              command.externalId() == null || command.externalId().isBlank()
                  ? null
                  : command.externalId().strip();
          if (externalId != null) {
            Optional<UUID> existing = repository.idByExternalId(command.channel(), externalId);
            if (existing.isPresent()) {
              return new Intake(view(existing.get()), false);
            }
          }
          OrderRecord order = validate(command);
          String actor = Actors.current();
          int year = order.createdAt.atZone(ZoneOffset.UTC).getYear();
          Optional<String> inserted =
              repository.insert(order, properties.numberPrefix(), year, actor);
          if (inserted.isEmpty()) {
            // A concurrent request with the same channel order id committed first: that order is
            // the answer.
            UUID existing = repository.idByExternalId(command.channel(), externalId).orElseThrow();
            return new Intake(view(existing), false);
          }
          repository.deferWrites(order.id, inserted.get());
          Map<String, Object> received = new LinkedHashMap<>();
          received.put("channel", order.channel.name());
          received.put("externalId", order.externalId);
          received.put("type", order.type.name());
          received.put("fulfillmentPolicy", order.policy.name());
          received.put("total", order.total.toPlainString() + " " + order.currency);
          received.put(
              "lines",
              order.lines.stream()
                  .map(l -> Map.of("lineNo", l.lineNo, "sku", l.sku, "quantity", l.quantity))
                  .toList());
          repository.appendEvent(
              order.id,
              OrderState.RECEIVED.eventType(),
              null,
              OrderState.RECEIVED,
              order.createdAt,
              actor,
              null,
              received);
          allocateOpenUnits(order, actor, true);
          repository.insertLines(order);
          if (command.holdReason() != null && !command.holdReason().isBlank()) {
            repository.setHold(order.id, command.holdReason().strip(), actor, order.createdAt);
            repository.appendEvent(
                order.id,
                "order.held",
                null,
                null,
                order.createdAt,
                actor,
                command.holdReason().strip(),
                Map.of("atIntake", true));
          }
          if (policyMet(order)) {
            transitionTo(
                order,
                OrderState.ALLOCATED,
                actor,
                null,
                Map.of("fulfillmentPolicy", order.policy.name()));
          }
          repository.writeDeferred(order.id);
          return new Intake(view(order.id), true);
        });
  }

  private OrderRecord validate(CreateOrder c) {
    Currency currency;
    try {
      currency = Currencies.require(c.currency());
    } catch (IllegalArgumentException e) {
      throw ApiProblem.unprocessable("currency", e.getMessage());
    }
    if (c.b2b() != null && c.type() != OrderType.B2B) {
      throw ApiProblem.unprocessable(
          "b2b",
          "B2B terms (buyer PO, payment terms, delivery window) only apply to "
              + "orders of type B2B");
    }
    if (c.b2b() != null
        && c.b2b().deliveryWindow() != null
        && c.b2b().deliveryWindow().to().isBefore(c.b2b().deliveryWindow().from())) {
      throw ApiProblem.unprocessable(
          "b2b.deliveryWindow",
          "the window ends ("
              + c.b2b().deliveryWindow().to()
              + ") before it starts ("
              + c.b2b().deliveryWindow().from()
              + ")");
    }
    if (c.b2b() != null && c.b2b().deliveryWindow() != null) {
      for (java.time.LocalDate d :
          List.of(c.b2b().deliveryWindow().from(), c.b2b().deliveryWindow().to())) {
        if (d.getYear() < 2000 || d.getYear() > 2999) {
          throw ApiProblem.unprocessable(
              "b2b.deliveryWindow", d + " is not a plausible delivery date (years 2000 to 2999)");
        }
      }
    }
    Map<String, SkuInfo> skus =
        inventory.skus(c.lines().stream().map(CreateOrder.Line::sku).toList());
    OrderRecord o = new OrderRecord();
    o.id = UUID.randomUUID();
    o.channel = c.channel();
    o.externalId =
        c.externalId() == null || c.externalId().isBlank() ? null : c.externalId().strip();
    o.type = c.type();
    o.state = OrderState.RECEIVED;
    o.policy =
        c.fulfillmentPolicy() != null
            ? c.fulfillmentPolicy()
            : FulfillmentPolicy.defaultFor(c.type());
    o.customer = new CreateOrder.Customer(c.customer().name().strip(), c.customer().email());
    o.shipTo = c.shipTo();
    o.billTo = c.billTo();
    o.currency = c.currency();
    o.b2b = c.b2b();
    o.createdAt = clock.instant();
    o.updatedAt = o.createdAt;
    BigDecimal total = BigDecimal.ZERO;
    for (int i = 0; i < c.lines().size(); i++) {
      CreateOrder.Line line = c.lines().get(i);
      String field = "lines[" + i + "]";
      SkuInfo sku = skus.get(line.sku());
      if (sku == null) {
        throw ApiProblem.unprocessable(
            field + ".sku",
            "unknown SKU '"
                + line.sku()
                + "'; create it with PUT /api/v1/skus/{sku} or correct the line");
      }
      if (!Currencies.fitsScale(line.unitPrice(), currency)) {
        throw ApiProblem.unprocessable(
            field + ".unitPrice",
            line.unitPrice().toPlainString()
                + " has more decimal "
                + "places than "
                + currency.getCurrencyCode()
                + " allows ("
                + currency.getDefaultFractionDigits()
                + ")");
      }
      UnitOfMeasure uom = line.unitOfMeasure() == null ? UnitOfMeasure.EACH : line.unitOfMeasure();
      long units =
          uom == UnitOfMeasure.CASE ? (long) line.quantity() * sku.casePack() : line.quantity();
      if (units > 1_000_000) {
        throw ApiProblem.unprocessable(field + ".quantity", "at most 1,000,000 units per line");
      }
      if (o.type == OrderType.B2B
          && uom == UnitOfMeasure.EACH
          && sku.casePack() > 1
          && units % sku.casePack() != 0
          && !sku.allowsLooseUnits()) {
        throw ApiProblem.unprocessable(
            field + ".quantity",
            units
                + " units of SKU '"
                + sku.code()
                + "' is not a whole number of cases of "
                + sku.casePack()
                + "; order a multiple of "
                + sku.casePack()
                + " or give the quantity in cases (unitOfMeasure CASE)");
      }
      String lot = line.lot() == null || line.lot().isBlank() ? null : line.lot().strip();
      if (lot != null && !inventory.lotExists(sku.code(), lot)) {
        throw ApiProblem.unprocessable(
            field + ".lot", "SKU '" + sku.code() + "' has no lot '" + lot + "'");
      }
      BigDecimal unitPrice =
          uom == UnitOfMeasure.CASE
              ? line.unitPrice()
                  .divide(BigDecimal.valueOf(sku.casePack()), 4, java.math.RoundingMode.HALF_EVEN)
              : line.unitPrice();
      o.lines.add(
          new LineRecord(
              i + 1,
              sku.code(),
              (int) units,
              uom,
              sku.casePack(),
              unitPrice,
              lot,
              lot != null,
              0,
              (int) units,
              0,
              0));
      o.lines.getLast().palletQuantity = sku.palletQuantity();
      o.lines.getLast().lineAmount = line.unitPrice().multiply(BigDecimal.valueOf(line.quantity()));
      total = total.add(line.unitPrice().multiply(BigDecimal.valueOf(line.quantity())));
    }
    if (total.compareTo(MAX_TOTAL) > 0) {
      throw ApiProblem.unprocessable(
          "lines", "the order total " + total.toPlainString() + " is larger than an order can be");
    }
    o.total = total;
    return o;
  }

  // ------------------------------------------------------------------ queries

  public Optional<OrderView> find(String idOrNumber) {
    return repository
        .resolve(idOrNumber)
        .flatMap(id -> repository.load(id, false))
        .map(OrderRepository::view);
  }

  public OrderView get(String idOrNumber) {
    return find(idOrNumber).orElseThrow(() -> notFound(idOrNumber));
  }

  public List<OrderEvent> history(String idOrNumber) {
    UUID id = repository.resolve(idOrNumber).orElseThrow(() -> notFound(idOrNumber));
    return repository.events(id);
  }

  /**
   * Filters of the order list; null fields do not filter. {@code text} matches number, customer and
   * buyer PO.
   */
  public record ListQuery(
      Boolean atRisk,
      Boolean onHold,
      OrderState state,
      Channel channel,
      OrderType type,
      Instant createdFrom,
      Instant createdTo,
      String text,
      String cursor,
      int limit) {}

  /**
   * One page of orders, newest first, and the cursor of the next page ({@code null} on the last).
   */
  public record Page(List<OrderView> items, String nextCursor) {}

  public Page list(ListQuery q) {
    OrderRepository.Cursor after = null;
    if (q.cursor() != null && !q.cursor().isBlank()) {
      after = OrderRepository.Cursor.decode(q.cursor());
      if (after == null) {
        throw ApiProblem.badRequest(
            "cursor: not a cursor this service issued; start again without it");
      }
    }
    String text = q.text() == null || q.text().isBlank() ? null : q.text().strip();
    List<OrderRecord> rows =
        repository.page(
            new OrderRepository.ListFilter(
                q.atRisk(),
                q.onHold(),
                q.state(),
                q.channel(),
                q.type(),
                q.createdFrom(),
                q.createdTo(),
                text),
            after,
            q.limit() + 1);
    String next = null;
    if (rows.size() > q.limit()) {
      rows = rows.subList(0, q.limit());
      OrderRecord last = rows.getLast();
      next = new OrderRepository.Cursor(last.createdAt, last.id).encode();
    }
    return new Page(rows.stream().map(OrderRepository::view).toList(), next);
  }

  // ------------------------------------------------------------------ the loop

  /**
   * Moves an order to {@code to}. Allowed moves come from {@link OrderState}; some need their work
   * done on the way: ALLOCATED first tries to reserve backordered units and needs the fulfillment
   * policy met; SHIPPED and PARTIALLY_SHIPPED ship every reserved unit (shipments with carriers and
   * tracking arrive with the execution module) and must match what that leaves; CANCELLED cancels
   * the whole order.
   *
   * @param expectedVersion the client's {@code If-Match} version, or {@code null}
   */
  public OrderView transition(
      String idOrNumber, OrderState to, String reason, Integer expectedVersion) {
    return transactions.inTransaction(
        () -> {
          OrderRecord order = lockForCommand(idOrNumber, expectedVersion);
          String actor = Actors.current();
          if (!order.state.canTransitionTo(to)) {
            throw stateConflict(order, "cannot move from " + order.state + " to " + to);
          }
          if (order.holdReason != null
              && (to == OrderState.FULFILLMENT_QUEUED
                  || to == OrderState.SHIPPED
                  || to == OrderState.PARTIALLY_SHIPPED)) {
            throw OrderLoop.onHold(order, "move it to " + to);
          }
          switch (to) {
            case CANCELLED -> cancelWhole(order, reason, actor);
            case DELIVERED -> {
              // Confirmed by hand: every shipped unit counts as delivered.
              for (LineRecord l : order.lines) {
                l.delivered = l.shipped;
                repository.updateLine(order.id, l);
              }
              transitionTo(order, to, actor, reason, Map.of("confirmedBy", "transition"));
              events.publishEvent(new OrderDeliveryConfirmed(order.id, order.deliveredAt));
            }
            case ALLOCATED -> {
              allocateOpenUnits(order, actor, false);
              if (!policyMet(order)) {
                throw stateConflict(
                    order,
                    "fulfillment policy "
                        + order.policy
                        + " is not met: "
                        + describeBackorders(order)
                        + "; receive stock or cancel the short lines");
              }
              transitionTo(
                  order, to, actor, reason, Map.of("fulfillmentPolicy", order.policy.name()));
            }
            case FULFILLMENT_QUEUED -> {
              if (!policyMet(order)) {
                throw stateConflict(
                    order,
                    "fulfillment policy "
                        + order.policy
                        + " is not met ("
                        + describeBackorders(order)
                        + "); nothing can be released to fulfillment");
              }
              transitionTo(order, to, actor, reason, Map.of());
            }
            case SHIPPED, PARTIALLY_SHIPPED -> shipAllReserved(order, to, reason, actor);
            default -> transitionTo(order, to, actor, reason, Map.of());
          }
          repository.bumpVersion(order.id, clock.instant());
          return view(order.id);
        });
  }

  /** A quantity of one SKU to cancel. */
  public record CancelLine(String sku, int quantity) {}

  /**
   * Cancels the whole order ({@code lines} empty) or some unshipped units. Whole: from RECEIVED,
   * ALLOCATED or FULFILLMENT_QUEUED → CANCELLED; from PARTIALLY_SHIPPED the unshipped rest is
   * cancelled → SHIPPED. Lines: backordered units go first, then reserved ones, whose reservations
   * are released; an order left with nothing open is CANCELLED (or SHIPPED when part of it
   * shipped).
   */
  public OrderView cancel(
      String idOrNumber, String reason, List<CancelLine> lines, Integer expectedVersion) {
    return transactions.inTransaction(
        () -> {
          OrderRecord order = lockForCommand(idOrNumber, expectedVersion);
          String actor = Actors.current();
          if (lines == null || lines.isEmpty()) {
            if (order.state.canTransitionTo(OrderState.CANCELLED)) {
              cancelWhole(order, reason, actor);
            } else if (order.state == OrderState.PARTIALLY_SHIPPED) {
              cancelUnshippedRest(order, reason, actor);
            } else {
              throw stateConflict(order, "an order in " + order.state + " cannot be cancelled");
            }
          } else {
            cancelLines(order, reason, lines, actor);
          }
          repository.bumpVersion(order.id, clock.instant());
          return view(order.id);
        });
  }

  // ------------------------------------------------------------------ allocation

  /**
   * The allocation panel of an order, per line: units of the SKU available before this order's
   * reservations, reserved for this line, available after (now), and where the reservations are.
   */
  public record AllocationView(
      UUID orderId,
      String number,
      OrderState state,
      FulfillmentPolicy fulfillmentPolicy,
      List<LineAllocation> lines) {

    /** One line of the panel. */
    public record LineAllocation(
        int lineNo,
        String sku,
        int quantity,
        int allocated,
        int backordered,
        int shipped,
        int cancelled,
        String lot,
        boolean pinned,
        int availableBefore,
        int reserved,
        int availableAfter,
        List<Reservation> reservations) {}

    /** Units of one lot at one location held for the line. */
    public record Reservation(String lot, String location, int quantity, boolean pinned) {}
  }

  public AllocationView allocation(String idOrNumber) {
    UUID id = repository.resolve(idOrNumber).orElseThrow(() -> notFound(idOrNumber));
    OrderRecord order = repository.load(id, false).orElseThrow(() -> notFound(idOrNumber));
    List<Inventory.ReservationView> reservations = inventory.reservations(id);
    Map<String, Integer> heldBySku = new LinkedHashMap<>();
    reservations.forEach(r -> heldBySku.merge(r.sku(), r.quantity(), Integer::sum));
    Map<String, Integer> availableNow = new LinkedHashMap<>();
    order.lines.forEach(l -> availableNow.computeIfAbsent(l.sku, inventory::allocatable));
    List<AllocationView.LineAllocation> lines = new ArrayList<>();
    for (LineRecord l : order.lines) {
      List<AllocationView.Reservation> held =
          reservations.stream()
              .filter(r -> r.lineNo() == l.lineNo)
              .map(
                  r ->
                      new AllocationView.Reservation(
                          r.lot(), r.location(), r.quantity(), r.pinned()))
              .toList();
      int reserved = held.stream().mapToInt(AllocationView.Reservation::quantity).sum();
      int after = availableNow.get(l.sku);
      lines.add(
          new AllocationView.LineAllocation(
              l.lineNo,
              l.sku,
              l.quantity,
              l.allocated,
              l.backordered,
              l.shipped,
              l.cancelled,
              l.lot,
              l.lotPinned,
              after + heldBySku.getOrDefault(l.sku, 0),
              reserved,
              after,
              held));
    }
    return new AllocationView(order.id, order.number, order.state, order.policy, lines);
  }

  /**
   * Re-runs allocation for the order's backordered units; an order in RECEIVED whose policy is now
   * met moves to ALLOCATED. Refused (409) for orders no longer open.
   */
  public OrderView rerunAllocation(String idOrNumber, Integer expectedVersion) {
    return transactions.inTransaction(
        () -> {
          OrderRecord order = lockForCommand(idOrNumber, expectedVersion);
          requireOpen(order, "re-run allocation for");
          String actor = Actors.current();
          int reserved = allocateOpenUnits(order, actor, false);
          repository.appendEvent(
              order.id,
              "order.allocation_rerun",
              null,
              null,
              clock.instant(),
              actor,
              null,
              Map.of("reservedUnits", reserved));
          moveToAllocatedIfMet(order, actor);
          repository.bumpVersion(order.id, clock.instant());
          return view(order.id);
        });
  }

  /**
   * Fills an order's backorders from stock that arrived, as the system actor. Skips an order
   * another transaction holds (the next fill or sweep comes back to it); returns the units
   * reserved.
   */
  int fillBackorders(UUID id) {
    return transactions.inTransaction(
        () -> {
          Optional<OrderRecord> locked = repository.loadIfUnlocked(id);
          if (locked.isEmpty() || !isOpen(locked.get().state)) {
            return 0;
          }
          OrderRecord order = locked.get();
          int reserved = allocateOpenUnits(order, Actors.SYSTEM, false);
          if (reserved > 0) {
            moveToAllocatedIfMet(order, Actors.SYSTEM);
            repository.bumpVersion(order.id, clock.instant());
          }
          return reserved;
        });
  }

  /**
   * Releases reserved units of one line back to stock; they become backordered (and waiting
   * backorders, this order's included, may take the stock again by priority). Refused (409) when it
   * would leave an order past RECEIVED without its fulfillment policy met.
   */
  public OrderView releaseLine(
      String idOrNumber, int lineNo, Integer quantity, String reason, Integer expectedVersion) {
    return transactions.inTransaction(
        () -> {
          OrderRecord order = lockForCommand(idOrNumber, expectedVersion);
          requireOpen(order, "release reservations of");
          LineRecord line = requireLine(order, lineNo);
          int q = quantity == null ? line.allocated : quantity;
          if (q <= 0 || q > line.allocated) {
            throw ApiProblem.unprocessable(
                "quantity",
                "line "
                    + lineNo
                    + " holds "
                    + line.allocated
                    + " reserved unit(s); cannot release "
                    + q);
          }
          String actor = Actors.current();
          int released = inventory.release(order.id, lineNo, q, "released by operator");
          line.allocated -= released;
          line.backordered += released;
          repository.updateLine(order.id, line);
          repository.appendEvent(
              order.id,
              "inventory.released",
              null,
              null,
              clock.instant(),
              actor,
              reason,
              Map.of(
                  "lines",
                  List.of(Map.of("lineNo", lineNo, "sku", line.sku, "quantity", released))));
          requirePolicyStillMet(order, "releasing these units");
          repository.bumpVersion(order.id, clock.instant());
          return view(order.id);
        });
  }

  /**
   * Pins a line to a lot: reservations on other lots are released and the line is re-allocated from
   * that lot only (what it lacks is backordered against it). Refused (422) for a SKU that is not
   * lot-controlled or an unknown lot.
   */
  public OrderView pinLine(String idOrNumber, int lineNo, String lot, Integer expectedVersion) {
    return transactions.inTransaction(
        () -> {
          OrderRecord order = lockForCommand(idOrNumber, expectedVersion);
          requireOpen(order, "pin lots of");
          LineRecord line = requireLine(order, lineNo);
          SkuInfo sku = inventory.sku(line.sku).orElseThrow();
          if (!sku.lotControlled()) {
            throw ApiProblem.unprocessable(
                "lot", "SKU '" + line.sku + "' is not lot-controlled: there is no lot to pin");
          }
          if (!inventory.lotExists(line.sku, lot)) {
            throw ApiProblem.unprocessable(
                "lot", "SKU '" + line.sku + "' has no lot '" + lot + "'");
          }
          String actor = Actors.current();
          int released =
              inventory.releaseElsewhere(
                  order.id, lineNo, line.allocated, lot, null, "lot re-pinned");
          line.allocated -= released;
          line.backordered += released;
          line.lot = lot;
          line.lotPinned = true;
          inventory.markPinned(order.id, lineNo, true);
          repository.updateLine(order.id, line);
          repository.appendEvent(
              order.id,
              "inventory.lot_pinned",
              null,
              null,
              clock.instant(),
              actor,
              "pinned by operator",
              Map.of(
                  "lines",
                  List.of(
                      Map.of(
                          "lineNo",
                          lineNo,
                          "sku",
                          line.sku,
                          "lot",
                          lot,
                          "releasedUnits",
                          released))));
          allocateOpenUnits(order, actor, false);
          requirePolicyStillMet(order, "pinning this lot");
          moveToAllocatedIfMet(order, actor);
          repository.bumpVersion(order.id, clock.instant());
          return view(order.id);
        });
  }

  /**
   * Unpins a line; its reservations stay where they are. Refused (422) when the SKU requires a
   * pinned lot.
   */
  public OrderView unpinLine(String idOrNumber, int lineNo, Integer expectedVersion) {
    return transactions.inTransaction(
        () -> {
          OrderRecord order = lockForCommand(idOrNumber, expectedVersion);
          requireOpen(order, "unpin lots of");
          LineRecord line = requireLine(order, lineNo);
          if (!line.lotPinned) {
            throw ApiProblem.unprocessable("lineNo", "line " + lineNo + " is not pinned to a lot");
          }
          if (inventory.sku(line.sku).map(SkuInfo::requiresPinnedLot).orElse(false)) {
            throw ApiProblem.unprocessable(
                "lineNo", "SKU '" + line.sku + "' requires a pinned lot; pin another lot instead");
          }
          String lot = line.lot;
          line.lot = null;
          line.lotPinned = false;
          inventory.markPinned(order.id, lineNo, false);
          repository.updateLine(order.id, line);
          repository.appendEvent(
              order.id,
              "inventory.lot_unpinned",
              null,
              null,
              clock.instant(),
              Actors.current(),
              null,
              Map.of("lines", List.of(Map.of("lineNo", lineNo, "sku", line.sku, "lot", lot))));
          repository.bumpVersion(order.id, clock.instant());
          return view(order.id);
        });
  }

  /**
   * Moves reserved units of a line to another location and/or lot: releases them where they are and
   * reserves the same quantity at the target in one transaction, or changes nothing (409 when the
   * target lacks stock, 422 when the line is pinned to another lot or holds fewer units elsewhere).
   */
  public OrderView moveReservation(
      String idOrNumber,
      int lineNo,
      int quantity,
      String toLocation,
      String toLot,
      Integer expectedVersion) {
    return transactions.inTransaction(
        () -> {
          OrderRecord order = lockForCommand(idOrNumber, expectedVersion);
          requireOpen(order, "move reservations of");
          LineRecord line = requireLine(order, lineNo);
          if (line.lotPinned && !java.util.Objects.equals(toLot, line.lot)) {
            throw ApiProblem.unprocessable(
                "lot",
                "line " + lineNo + " is pinned to lot " + line.lot + "; unpin or re-pin it first");
          }
          int released =
              inventory.releaseElsewhere(
                  order.id, lineNo, quantity, toLot, toLocation, "moved by operator");
          if (released < quantity) {
            throw ApiProblem.unprocessable(
                "quantity",
                "line "
                    + lineNo
                    + " holds only "
                    + released
                    + " reserved unit(s) outside the target; cannot move "
                    + quantity);
          }
          inventory.reserveAt(
              order.id, lineNo, line.sku, toLocation, toLot, quantity, line.lotPinned);
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("lineNo", lineNo);
          details.put("sku", line.sku);
          details.put("quantity", quantity);
          details.put("toLocation", toLocation);
          details.put("toLot", toLot);
          repository.appendEvent(
              order.id,
              "inventory.reservation_moved",
              null,
              null,
              clock.instant(),
              Actors.current(),
              null,
              details);
          repository.bumpVersion(order.id, clock.instant());
          return view(order.id);
        });
  }

  private static boolean isOpen(OrderState state) {
    return state == OrderState.RECEIVED
        || state == OrderState.ALLOCATED
        || state == OrderState.FULFILLMENT_QUEUED
        || state == OrderState.PARTIALLY_SHIPPED;
  }

  private void requireOpen(OrderRecord order, String action) {
    if (!isOpen(order.state)) {
      throw stateConflict(order, "cannot " + action + " an order in " + order.state);
    }
  }

  private static LineRecord requireLine(OrderRecord order, int lineNo) {
    return order.lines.stream()
        .filter(l -> l.lineNo == lineNo)
        .findFirst()
        .orElseThrow(
            () ->
                ApiProblem.unprocessable(
                    "lineNo", "order " + order.number + " has no line " + lineNo));
  }

  private void requirePolicyStillMet(OrderRecord order, String what) {
    if (order.state != OrderState.RECEIVED && !policyMet(order)) {
      throw stateConflict(
          order,
          what
              + " would leave the order without its fulfillment policy "
              + order.policy
              + " met ("
              + describeBackorders(order)
              + "); cancel lines instead");
    }
  }

  private void moveToAllocatedIfMet(OrderRecord order, String actor) {
    if (order.state == OrderState.RECEIVED && policyMet(order)) {
      transitionTo(
          order,
          OrderState.ALLOCATED,
          actor,
          null,
          Map.of("fulfillmentPolicy", order.policy.name()));
    }
  }

  // ------------------------------------------------------------------ internals

  /**
   * The one place a state changes: checks the table, writes the state and appends the history
   * event. Callers hold the order's row lock.
   */
  private void transitionTo(
      OrderRecord order, OrderState to, String actor, String reason, Map<String, Object> details) {
    loop.transitionTo(order, to, actor, reason, details);
  }

  private OrderRecord lockForCommand(String idOrNumber, Integer expectedVersion) {
    return loop.lockForCommand(idOrNumber, expectedVersion);
  }

  /**
   * Reserves what it can for every backordered unit, updating lines and history; returns the units
   * reserved. At intake the remaining backorder is always recorded; later runs record only what
   * changed. At intake the lines are not written here: the caller inserts them afterwards, with
   * their first allocation.
   */
  private int allocateOpenUnits(OrderRecord order, String actor, boolean atIntake) {
    List<Demand> demands = new ArrayList<>();
    for (LineRecord l : order.lines) {
      if (l.backordered > 0) {
        demands.add(new Demand(l.lineNo, l.sku, l.backordered, l.lot));
      }
    }
    if (demands.isEmpty()) {
      return 0;
    }
    List<LineReservation> reservations = inventory.reserve(order.id, demands);
    int total = reservations.stream().mapToInt(LineReservation::reserved).sum();
    List<Map<String, Object>> reserved = new ArrayList<>();
    List<Map<String, Object>> pinned = new ArrayList<>();
    List<LineRecord> changed = new ArrayList<>();
    for (LineReservation r : reservations) {
      LineRecord line = line(order, r.lineNo());
      if (r.pinnedLot() != null && !r.pinnedLot().equals(line.lot)) {
        line.lot = r.pinnedLot();
        line.lotPinned = true;
        pinned.add(Map.of("lineNo", line.lineNo, "sku", line.sku, "lot", r.pinnedLot()));
      }
      line.allocated += r.reserved();
      line.backordered -= r.reserved();
      changed.add(line);
      for (LineReservation.Slice s : r.slices()) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("lineNo", line.lineNo);
        entry.put("sku", line.sku);
        entry.put("quantity", s.quantity());
        entry.put("location", s.location());
        entry.put("lot", s.lot());
        entry.put("pinned", line.lotPinned);
        reserved.add(entry);
      }
    }
    if (!atIntake) {
      repository.updateLines(order.id, changed);
    }
    Instant now = clock.instant();
    if (!pinned.isEmpty()) {
      repository.appendEvent(
          order.id,
          "inventory.lot_pinned",
          null,
          null,
          now,
          actor,
          "SKU requires a pinned lot",
          Map.of("lines", pinned));
    }
    if (!reserved.isEmpty()) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("reservations", reserved);
      if (order.state == OrderState.FULFILLMENT_QUEUED
          || order.state == OrderState.PARTIALLY_SHIPPED) {
        details.put("joinsFulfillmentQueue", true);
      }
      repository.appendEvent(order.id, "inventory.reserved", null, null, now, actor, null, details);
    }
    List<Map<String, Object>> short_ =
        order.lines.stream()
            .filter(l -> l.backordered > 0)
            .map(
                l ->
                    Map.<String, Object>of(
                        "lineNo", l.lineNo, "sku", l.sku, "backordered", l.backordered))
            .toList();
    if (!short_.isEmpty() && (atIntake || !reserved.isEmpty())) {
      repository.appendEvent(
          order.id,
          "order.backordered",
          null,
          null,
          now,
          actor,
          "not enough available stock",
          Map.of("lines", short_));
    }
    return total;
  }

  private boolean policyMet(OrderRecord order) {
    return OrderLoop.policyMet(order);
  }

  private void cancelWhole(OrderRecord order, String reason, String actor) {
    Map<Integer, Integer> released = inventory.releaseAll(order.id, "order cancelled");
    recordRelease(order, released, reason, actor);
    for (LineRecord l : order.lines) {
      l.cancelled += l.allocated + l.backordered;
      l.allocated = 0;
      l.backordered = 0;
      repository.updateLine(order.id, l);
    }
    transitionTo(
        order, OrderState.CANCELLED, actor, reason, Map.of("releasedUnits", sum(released)));
  }

  private void cancelUnshippedRest(OrderRecord order, String reason, String actor) {
    Map<Integer, Integer> released = inventory.releaseAll(order.id, "unshipped rest cancelled");
    recordRelease(order, released, reason, actor);
    List<Map<String, Object>> cancelled = new ArrayList<>();
    for (LineRecord l : order.lines) {
      int open = l.allocated + l.backordered;
      if (open > 0) {
        cancelled.add(Map.of("lineNo", l.lineNo, "sku", l.sku, "quantity", open));
      }
      l.cancelled += open;
      l.allocated = 0;
      l.backordered = 0;
      repository.updateLine(order.id, l);
    }
    repository.appendEvent(
        order.id,
        "order.lines_cancelled",
        null,
        null,
        clock.instant(),
        actor,
        reason,
        Map.of("lines", cancelled));
    transitionTo(order, OrderState.SHIPPED, actor, reason, Map.of("unshippedRestCancelled", true));
  }

  private void cancelLines(
      OrderRecord order, String reason, List<CancelLine> requested, String actor) {
    if (!order.state.allowsLineCancellation()) {
      throw stateConflict(order, "lines of an order in " + order.state + " cannot be cancelled");
    }
    List<Map<String, Object>> cancelled = new ArrayList<>();
    Map<Integer, Integer> releasedTotal = new LinkedHashMap<>();
    for (int i = 0; i < requested.size(); i++) {
      CancelLine c = requested.get(i);
      String field = "lines[" + i + "]";
      List<LineRecord> matching = order.lines.stream().filter(l -> l.sku.equals(c.sku())).toList();
      if (matching.isEmpty()) {
        throw ApiProblem.unprocessable(
            field + ".sku", "order " + order.number + " has no line for SKU '" + c.sku() + "'");
      }
      int cancellable = matching.stream().mapToInt(l -> l.allocated + l.backordered).sum();
      if (c.quantity() > cancellable) {
        throw ApiProblem.unprocessable(
            field + ".quantity",
            "only "
                + cancellable
                + " unshipped unit(s) of SKU '"
                + c.sku()
                + "' can be cancelled, not "
                + c.quantity());
      }
      // Backordered units of every matching line go first, then reserved ones.
      int left = c.quantity();
      Map<Integer, Integer> perLine = new LinkedHashMap<>();
      for (LineRecord l : matching) {
        int fromBackorder = Math.min(left, l.backordered);
        if (fromBackorder > 0) {
          l.backordered -= fromBackorder;
          left -= fromBackorder;
          perLine.merge(l.lineNo, fromBackorder, Integer::sum);
        }
      }
      for (LineRecord l : matching) {
        int fromReserved = Math.min(left, l.allocated);
        if (fromReserved > 0) {
          int released = inventory.release(order.id, l.lineNo, fromReserved, "line cancelled");
          if (released != fromReserved) {
            throw new IllegalStateException(
                "line "
                    + l.lineNo
                    + " of "
                    + order.number
                    + " shows "
                    + l.allocated
                    + " allocated but holds fewer reserved units");
          }
          releasedTotal.merge(l.lineNo, released, Integer::sum);
          l.allocated -= fromReserved;
          left -= fromReserved;
          perLine.merge(l.lineNo, fromReserved, Integer::sum);
        }
      }
      for (Map.Entry<Integer, Integer> e : perLine.entrySet()) {
        LineRecord l = OrderLoop.line(order, e.getKey());
        l.cancelled += e.getValue();
        repository.updateLine(order.id, l);
        cancelled.add(Map.of("lineNo", l.lineNo, "sku", l.sku, "quantity", e.getValue()));
      }
    }
    recordRelease(order, releasedTotal, reason, actor);
    repository.appendEvent(
        order.id,
        "order.lines_cancelled",
        null,
        null,
        clock.instant(),
        actor,
        reason,
        Map.of("lines", cancelled));
    boolean nothingOpen = order.lines.stream().allMatch(l -> l.allocated + l.backordered == 0);
    boolean anyShipped = order.lines.stream().anyMatch(l -> l.shipped > 0);
    if (nothingOpen && !anyShipped) {
      transitionTo(order, OrderState.CANCELLED, actor, reason, Map.of("allLinesCancelled", true));
    } else if (nothingOpen && order.state == OrderState.PARTIALLY_SHIPPED) {
      transitionTo(
          order, OrderState.SHIPPED, actor, reason, Map.of("unshippedRestCancelled", true));
    } else if (order.state == OrderState.RECEIVED && policyMet(order)) {
      transitionTo(
          order,
          OrderState.ALLOCATED,
          actor,
          null,
          Map.of("fulfillmentPolicy", order.policy.name()));
    } else if (order.state == OrderState.ALLOCATED
        || order.state == OrderState.FULFILLMENT_QUEUED) {
      requirePolicyStillMet(order, "cancelling these units");
    }
  }

  /**
   * The operator's shortcut: ships every reserved unit as one shipment with carrier {@code MANUAL},
   * through the same path as {@code POST …/shipments} (ledger, shipment record, B2B invoice). The
   * requested state must be the one that leaves.
   */
  private void shipAllReserved(
      OrderRecord order, OrderState requested, String reason, String actor) {
    Map<String, Integer> perSku = new LinkedHashMap<>();
    order.lines.stream()
        .filter(l -> l.allocated > 0)
        .forEach(l -> perSku.merge(l.sku, l.allocated, Integer::sum));
    if (perSku.isEmpty()) {
      throw stateConflict(order, "nothing is reserved to ship: " + describeBackorders(order));
    }
    boolean complete =
        order.lines.stream().allMatch(l -> l.open() == l.allocated) && !perSku.isEmpty();
    OrderState result = complete ? OrderState.SHIPPED : OrderState.PARTIALLY_SHIPPED;
    if (result != requested) {
      throw stateConflict(
          order,
          "shipping every reserved unit would leave the order "
              + result
              + ", not "
              + requested
              + (complete ? "" : ": " + describeBackorders(order)));
    }
    List<OrderExecution.ShipLine> lines = new ArrayList<>();
    perSku.forEach((sku, q) -> lines.add(new OrderExecution.ShipLine(sku, q, null)));
    execution.recordShipment(UUID.randomUUID(), order.id.toString(), "MANUAL", "none", lines, null);
  }

  private void recordRelease(
      OrderRecord order, Map<Integer, Integer> released, String reason, String actor) {
    if (released.isEmpty()) {
      return;
    }
    List<Map<String, Object>> lines =
        released.entrySet().stream()
            .map(
                e ->
                    Map.<String, Object>of(
                        "lineNo",
                        e.getKey(),
                        "sku",
                        line(order, e.getKey()).sku,
                        "quantity",
                        e.getValue()))
            .toList();
    repository.appendEvent(
        order.id,
        "inventory.released",
        null,
        null,
        clock.instant(),
        actor,
        reason,
        Map.of("lines", lines));
  }

  private static String describeBackorders(OrderRecord order) {
    String lines =
        order.lines.stream()
            .filter(l -> l.backordered > 0)
            .map(l -> l.backordered + " of " + l.sku + " backordered")
            .collect(Collectors.joining(", "));
    return lines.isEmpty() ? "no units are backordered" : lines;
  }

  private static LineRecord line(OrderRecord order, int lineNo) {
    return order.lines.stream().filter(l -> l.lineNo == lineNo).findFirst().orElseThrow();
  }

  private static int sum(Map<Integer, Integer> m) {
    return m.values().stream().mapToInt(Integer::intValue).sum();
  }

  private OrderView view(UUID id) {
    return repository.load(id, false).map(OrderRepository::view).orElseThrow();
  }

  private static ApiProblem notFound(String idOrNumber) {
    return ApiProblem.notFound("no order with id or number '" + idOrNumber + "'");
  }

  private static ApiProblem stateConflict(OrderRecord order, String detail) {
    return OrderLoop.stateConflict(order, detail);
  }
}
