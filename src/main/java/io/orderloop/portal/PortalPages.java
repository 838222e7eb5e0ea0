package io.orderloop.portal;

import io.orderloop.common.ApiProblem;
import io.orderloop.returns.Returns;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The portal's pages: sign in with a link (the link opens a page with a button, so a mail scanner
 * that follows links does not use it up), my orders, one order with its timeline, shipments and
 * tracking, invoices and returns, cancel before it is prepared, ask for a return, my returns, an
 * invoice to print.
 */
@Controller
class PortalPages {

  private final PortalLinks links;
  private final MyOrders mine;
  private final HttpSessionSecurityContextRepository contexts;

  PortalPages(PortalLinks links, MyOrders mine, HttpSessionSecurityContextRepository contexts) {
    this.links = links;
    this.mine = mine;
    this.contexts = contexts;
  }

  /** An order's page, the number encoded (a path is no place for a template's braces). */
  static String orderPage(String number) {
    return "/portal/orders/"
        + org.springframework.web.util.UriUtils.encodePathSegment(
            number, java.nio.charset.StandardCharsets.UTF_8);
  }

  @GetMapping("/portal/sign-in")
  String signInPage(@RequestParam(required = false) String token, Model model) {
    model.addAttribute("token", token == null ? "" : token);
    return "portal/sign-in";
  }

  @PostMapping("/portal/sign-in")
  String signIn(
      @RequestParam(required = false) String token,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    PortalLinks.Used used;
    try {
      used = links.use(token);
    } catch (ApiProblem invalid) {
      response.setStatus(HttpStatus.UNAUTHORIZED.value());
      model.addAttribute("token", "");
      model.addAttribute("problem", invalid.getMessage());
      return "portal/sign-in";
    }
    request.getSession(true);
    request.changeSessionId(); // a new session id for the signed-in customer
    SecurityContext context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(new PortalCustomer(used.email(), used.issuedBy()));
    SecurityContextHolder.setContext(context);
    contexts.saveContext(context, request, response);
    return "redirect:/portal";
  }

  @GetMapping("/portal/signed-out")
  String signedOut() {
    return "portal/signed-out";
  }

  @PostMapping("/portal/sign-out")
  String signOut(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    if (session != null) {
      session.removeAttribute(PortalSecurity.CONTEXT_KEY);
    }
    SecurityContextHolder.clearContext();
    return "redirect:/portal/signed-out?bye";
  }

  @GetMapping("/portal")
  String orders(
      Authentication auth,
      @RequestParam(required = false) String text,
      @RequestParam(required = false) String cursor,
      Model model) {
    String email = PortalCustomer.email(auth);
    String q = text == null || text.isBlank() ? null : MyOrders.clip(text.strip());
    model.addAttribute("email", email);
    model.addAttribute("text", q == null ? "" : q);
    model.addAttribute("page", mine.list(email, q, cursor, MyOrders.PAGE));
    return "portal/orders";
  }

  @GetMapping("/portal/orders/{number}")
  String order(Authentication auth, @PathVariable String number, Model model) {
    String email = PortalCustomer.email(auth);
    model.addAttribute("email", email);
    model.addAttribute("o", mine.detail(email, number));
    return "portal/order";
  }

  @PostMapping("/portal/orders/{number}/cancel")
  String cancel(
      Authentication auth,
      @PathVariable String number,
      @RequestParam(required = false) String reason,
      RedirectAttributes flash) {
    try {
      MyOrders.Detail o = mine.cancel(PortalCustomer.email(auth), number, reason);
      flash.addFlashAttribute("notice", "Order " + o.number() + " is cancelled.");
    } catch (ApiProblem refused) {
      if (refused.status() == HttpStatus.NOT_FOUND) {
        throw refused;
      }
      flash.addFlashAttribute("problem", refused.getMessage());
    }
    return "redirect:" + orderPage(number);
  }

  @PostMapping("/portal/orders/{number}/returns")
  String requestReturn(
      Authentication auth,
      @PathVariable String number,
      @RequestParam(name = "sku", required = false) List<String> skus,
      @RequestParam(name = "quantity", required = false) List<String> quantities,
      @RequestParam(required = false) String reason,
      RedirectAttributes flash) {
    List<Returns.RequestedLine> lines = new ArrayList<>();
    for (int i = 0;
        skus != null && quantities != null && i < skus.size() && i < quantities.size();
        i++) {
      String q = quantities.get(i) == null ? "" : quantities.get(i).strip();
      if (q.isEmpty() || q.equals("0")) {
        continue;
      }
      try {
        int n = Integer.parseInt(q);
        if (n > 0) {
          lines.add(new Returns.RequestedLine(skus.get(i), n));
        }
      } catch (NumberFormatException e) {
        flash.addFlashAttribute("problem", "Give whole numbers of items to return.");
        return "redirect:" + orderPage(number);
      }
    }
    if (lines.isEmpty() || reason == null || reason.isBlank() || reason.length() > 500) {
      flash.addFlashAttribute(
          "problem", "Choose how many of which items to return, and tell us why.");
      return "redirect:" + orderPage(number);
    }
    try {
      MyOrders.Returned r =
          mine.requestReturn(PortalCustomer.email(auth), number, lines, reason.strip());
      flash.addFlashAttribute(
          "notice", "Return " + r.number() + " requested. We will tell you what happens next.");
    } catch (ApiProblem refused) {
      if (refused.status() == HttpStatus.NOT_FOUND) {
        throw refused;
      }
      flash.addFlashAttribute("problem", refused.getMessage());
    }
    return "redirect:" + orderPage(number);
  }

  @GetMapping("/portal/returns")
  String returns(Authentication auth, Model model) {
    String email = PortalCustomer.email(auth);
    model.addAttribute("email", email);
    model.addAttribute("returns", mine.returns(email));
    return "portal/returns";
  }

  @GetMapping("/portal/invoices/{id}")
  String invoice(Authentication auth, @PathVariable String id, Model model) {
    String email = PortalCustomer.email(auth);
    UUID uuid;
    try {
      uuid = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.notFound("no invoice " + MyOrders.clip(id));
    }
    model.addAttribute("email", email);
    model.addAttribute("i", mine.invoice(email, uuid));
    return "portal/invoice";
  }

  /** The portal's errors as pages: "not found" reveals nothing; the unexpected, a reference. */
  @ControllerAdvice(assignableTypes = PortalPages.class)
  @org.springframework.core.annotation.Order(org.springframework.core.Ordered.HIGHEST_PRECEDENCE)
  static class Errors {

    private static final Logger log = LoggerFactory.getLogger(Errors.class);

    @ExceptionHandler(ApiProblem.class)
    String refused(ApiProblem e, Model model, HttpServletResponse response) {
      response.setStatus(e.status().value());
      model.addAttribute("status", e.status().value());
      model.addAttribute(
          "message",
          e.status() == HttpStatus.NOT_FOUND ? "We could not find that." : e.getMessage());
      return "portal/error";
    }

    @ExceptionHandler(Exception.class)
    String unexpected(Exception e, Model model, HttpServletResponse response) {
      String reference = UUID.randomUUID().toString().substring(0, 8);
      log.error("portal page failed (reference {})", reference, e);
      response.setStatus(500);
      model.addAttribute("status", 500);
      model.addAttribute(
          "message", "Something went wrong on our side. Quote reference " + reference + ".");
      return "portal/error";
    }
  }
}
