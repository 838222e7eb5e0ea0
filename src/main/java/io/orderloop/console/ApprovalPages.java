package io.orderloop.console;

import io.orderloop.gateway.Approvals;
import java.security.Principal;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Agent actions waiting for a person: the pending ones with what the agent asked and why it waits,
 * approve (carried out at once, as the agent) or refuse with a note; the latest decisions below.
 * Everyone sees them; admins, operations and customer service decide.
 */
@Controller
class ApprovalPages implements ConsolePage {

  static final String PAGE = "/console/approvals";

  private final ConsoleUsers users;
  private final Acting acting;
  private final Approvals approvals;

  ApprovalPages(ConsoleUsers users, Acting acting, Approvals approvals) {
    this.users = users;
    this.acting = acting;
    this.approvals = approvals;
  }

  @GetMapping(PAGE)
  String list(Principal principal, Model model) {
    model.addAttribute("user", users.current(principal));
    model.addAttribute("pending", approvals.list(Approvals.Status.PENDING, 200));
    model.addAttribute(
        "decided",
        approvals.list(null, 100).stream()
            .filter(a -> a.status() != Approvals.Status.PENDING)
            .limit(50)
            .toList());
    return "console/approvals";
  }

  @PostMapping(PAGE + "/{id}/approve")
  String approve(
      @PathVariable UUID id,
      @RequestParam(required = false) String note,
      Principal principal,
      RedirectAttributes flash) {
    acting.require(principal, ConsoleRole::canApprove, "decide approvals");
    return acting.act(PAGE, flash, () -> approvals.approve(id, note), "Approved and carried out.");
  }

  @PostMapping(PAGE + "/{id}/refuse")
  String refuse(
      @PathVariable UUID id,
      @RequestParam(required = false) String note,
      Principal principal,
      RedirectAttributes flash) {
    acting.require(principal, ConsoleRole::canApprove, "decide approvals");
    if (note == null || note.isBlank()) {
      flash.addFlashAttribute("problem", "Say why it is refused: the agent is told.");
      return "redirect:" + PAGE;
    }
    return acting.act(PAGE, flash, () -> approvals.refuse(id, note), "Refused.");
  }
}
