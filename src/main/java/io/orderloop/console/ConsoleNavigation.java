package io.orderloop.console;

import io.orderloop.gateway.Approvals;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What every console page's bar shows beyond its links: how many agent actions wait for a person (a
 * count on a small partial index).
 */
@ControllerAdvice(assignableTypes = ConsolePage.class)
class ConsoleNavigation {

  private final Approvals approvals;

  ConsoleNavigation(Approvals approvals) {
    this.approvals = approvals;
  }

  @ModelAttribute("pendingApprovals")
  long pendingApprovals() {
    return approvals.pendingCount();
  }
}
