package io.orderloop.console;

import jakarta.servlet.http.HttpServletResponse;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.server.ResponseStatusException;

/**
 * The console's errors as pages, not JSON problems: an unknown order is a 404 page with a way back,
 * anything unexpected a 500 page with a reference to quote (the details go to the log only).
 */
@ControllerAdvice(assignableTypes = ConsolePage.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConsoleErrors {

  private static final Logger log = LoggerFactory.getLogger(ConsoleErrors.class);

  @ExceptionHandler(ResponseStatusException.class)
  String status(ResponseStatusException e, Model model, HttpServletResponse response) {
    response.setStatus(e.getStatusCode().value());
    model.addAttribute("status", e.getStatusCode().value());
    model.addAttribute("message", e.getReason() == null ? "Not found" : e.getReason());
    return "console/error";
  }

  /** A module's refusal outside an action's own handling (an unknown order, say). */
  @ExceptionHandler(io.orderloop.common.ApiProblem.class)
  String refused(io.orderloop.common.ApiProblem e, Model model, HttpServletResponse response) {
    response.setStatus(e.status().value());
    model.addAttribute("status", e.status().value());
    model.addAttribute("message", e.getMessage());
    return "console/error";
  }

  /** A form that lacks a field or carries one of the wrong kind: a forged or broken request. */
  @ExceptionHandler({
    org.springframework.web.bind.MissingServletRequestParameterException.class,
    org.springframework.web.method.annotation.MethodArgumentTypeMismatchException.class
  })
  String badForm(Exception e, Model model, HttpServletResponse response) {
    response.setStatus(HttpStatus.BAD_REQUEST.value());
    model.addAttribute("status", 400);
    model.addAttribute(
        "message", "The form was incomplete or malformed; reload the page and try again.");
    return "console/error";
  }

  @ExceptionHandler(Exception.class)
  String unexpected(Exception e, Model model, HttpServletResponse response) {
    String reference = UUID.randomUUID().toString();
    log.error("console page failed (reference {})", reference, e);
    response.setStatus(HttpStatus.INTERNAL_SERVER_ERROR.value());
    model.addAttribute("status", 500);
    model.addAttribute(
        "message", "Something went wrong on our side. Quote reference " + reference + ".");
    return "console/error";
  }
}
