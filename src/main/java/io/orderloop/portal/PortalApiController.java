package io.orderloop.portal;

import io.orderloop.common.ApiProblem;
import io.orderloop.returns.Returns;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The customer API: a customer's own orders, shipments, invoices and returns, with a portal
 * session's bearer token. Anything not theirs is 404, as if it did not exist.
 */
@RestController
@RequestMapping("/api/v1/portal")
@Tag(name = "Customer portal", description = "A signed-in customer's own orders")
class PortalApiController {

  private final PortalLinks links;
  private final MyOrders mine;

  PortalApiController(PortalLinks links, MyOrders mine) {
    this.links = links;
    this.mine = mine;
  }

  record SignIn(@NotBlank @Size(max = 200) String token) {}

  @Operation(
      operationId = "openPortalSession",
      summary = "Trade a one-time sign-in link's token for a customer session",
      description =
          "The token is the link's 'token' query parameter; a link works once. 401 when it is"
              + " unknown, used or expired.")
  @PostMapping("/sessions")
  ResponseEntity<PortalLinks.PortalSession> open(@Valid @RequestBody SignIn signIn) {
    return ResponseEntity.status(201).body(links.redeem(signIn.token()));
  }

  @Operation(operationId = "closePortalSession", summary = "Sign out: end this session")
  @DeleteMapping("/sessions/current")
  ResponseEntity<Void> close(HttpServletRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    links.end(header.substring(7).strip());
    return ResponseEntity.noContent().build();
  }

  @Operation(operationId = "portalMe", summary = "Who is signed in")
  @GetMapping("/me")
  Map<String, String> me(Authentication auth) {
    return Map.of("email", PortalCustomer.email(auth));
  }

  @Operation(
      operationId = "listMyOrders",
      summary = "My orders, newest first",
      description = "'text' matches the order number or my PO.")
  @GetMapping("/orders")
  MyOrders.Page orders(
      Authentication auth,
      @RequestParam(required = false) @Size(max = 100) String text,
      @RequestParam(required = false) String cursor,
      @RequestParam(defaultValue = "25") int limit) {
    if (limit < 1 || limit > 100) {
      throw ApiProblem.badRequest("limit: 1 to 100");
    }
    if (text != null && text.length() > 100) {
      throw ApiProblem.badRequest("text: at most 100 characters");
    }
    return mine.list(PortalCustomer.email(auth), text, cursor, limit);
  }

  @Operation(
      operationId = "getMyOrder",
      summary = "One of my orders: lines, timeline, shipments, invoices, returns")
  @GetMapping("/orders/{idOrNumber}")
  MyOrders.Detail order(Authentication auth, @PathVariable String idOrNumber) {
    return mine.detail(PortalCustomer.email(auth), idOrNumber);
  }

  record Cancel(@Size(max = 500) String reason) {}

  @Operation(
      operationId = "cancelMyOrder",
      summary = "Cancel my order before it is prepared",
      description = "Only while Received or Confirmed; 409 once it is being prepared.")
  @PostMapping("/orders/{idOrNumber}/cancel")
  MyOrders.Detail cancel(
      Authentication auth,
      @PathVariable String idOrNumber,
      @Valid @RequestBody(required = false) Cancel cancel) {
    return mine.cancel(
        PortalCustomer.email(auth), idOrNumber, cancel == null ? null : cancel.reason());
  }

  record ReturnLine(@NotBlank @Size(max = 64) String sku, @NotNull @Positive Integer quantity) {}

  record ReturnRequest(
      @NotEmpty @Size(max = 100) List<@NotNull @Valid ReturnLine> lines,
      @NotBlank @Size(max = 500) String reason) {}

  @Operation(operationId = "requestMyReturn", summary = "Ask to return delivered items of my order")
  @PostMapping("/orders/{idOrNumber}/returns")
  ResponseEntity<MyOrders.Returned> requestReturn(
      Authentication auth,
      @PathVariable String idOrNumber,
      @Valid @RequestBody ReturnRequest request) {
    MyOrders.Returned r =
        mine.requestReturn(
            PortalCustomer.email(auth),
            idOrNumber,
            request.lines().stream()
                .map(l -> new Returns.RequestedLine(l.sku(), l.quantity()))
                .toList(),
            request.reason());
    return ResponseEntity.created(URI.create("/api/v1/portal/returns/" + r.id())).body(r);
  }

  @Operation(operationId = "getMyShipment", summary = "A shipment of my order, with tracking")
  @GetMapping("/shipments/{id}")
  MyOrders.Parcel shipment(Authentication auth, @PathVariable String id) {
    return mine.shipment(PortalCustomer.email(auth), uuid(id, "no shipment " + id));
  }

  @Operation(operationId = "getMyInvoice", summary = "An invoice of my B2B order")
  @GetMapping("/invoices/{id}")
  MyOrders.Bill invoice(Authentication auth, @PathVariable String id) {
    return mine.invoice(PortalCustomer.email(auth), uuid(id, "no invoice " + id));
  }

  record ReturnList(List<MyOrders.Returned> items) {}

  @Operation(operationId = "listMyReturns", summary = "My returns, newest first")
  @GetMapping("/returns")
  ReturnList returns(Authentication auth) {
    return new ReturnList(mine.returns(PortalCustomer.email(auth)));
  }

  @Operation(operationId = "getMyReturn", summary = "One of my returns")
  @GetMapping("/returns/{idOrNumber}")
  MyOrders.Returned returnOf(Authentication auth, @PathVariable String idOrNumber) {
    return mine.returnOf(PortalCustomer.email(auth), idOrNumber);
  }

  private static UUID uuid(String id, String notFound) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.notFound(MyOrders.clip(notFound));
    }
  }
}
