package io.orderloop.console;

import io.orderloop.common.ApiProblem;
import io.orderloop.common.IfMatch;
import java.security.Principal;
import java.util.function.Predicate;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * What every console action does around its work: checks the signed-in user's role on the server (a
 * forged request for a forbidden action is 403 and changes nothing), runs the work, and goes back
 * to the page with a notice, or with the module's refusal in words; a stale version reads "changed
 * since you opened it".
 */
@Component
class Acting {

  static final String STALE =
      "The order changed since you opened it; nothing was done. Look again, then act.";

  private final ConsoleUsers users;

  Acting(ConsoleUsers users) {
    this.users = users;
  }

  /** The signed-in user's role must allow the action, checked here whatever the page showed. */
  ConsoleRole require(Principal principal, Predicate<ConsoleRole> allowed, String what) {
    ConsoleRole role = users.current(principal).role();
    if (!allowed.test(role)) {
      throw new ResponseStatusException(HttpStatus.FORBIDDEN, role.label() + " may not " + what);
    }
    return role;
  }

  /** Runs an action and redirects to {@code page} with its notice or its refusal. */
  String act(String page, RedirectAttributes flash, Runnable action, String done) {
    try {
      action.run();
      flash.addFlashAttribute("notice", done);
    } catch (ApiProblem refused) {
      flash.addFlashAttribute(
          "problem",
          refused.status() == HttpStatus.PRECONDITION_FAILED ? STALE : refused.getMessage());
    }
    return "redirect:" + page;
  }

  static String reasonOr(String reason, String otherwise) {
    return reason == null || reason.isBlank() ? otherwise : reason.strip();
  }

  static IfMatch version(int version) {
    return IfMatch.parse("\"" + version + "\"");
  }

  static String orderPage(String number) {
    return "/console/orders/" + number;
  }
}
