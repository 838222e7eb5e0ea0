package io.orderloop.gateway;

import io.orderloop.common.ApiProblem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Agent actions waiting for a person, over HTTP: list, read, approve, refuse. */
@RestController
@RequestMapping("/api/v1/approvals")
class ApprovalController {

  private final Approvals approvals;

  ApprovalController(Approvals approvals) {
    this.approvals = approvals;
  }

  record Items(List<Approvals.Approval> items) {}

  @Operation(
      operationId = "listApprovals",
      summary = "List agent actions held for approval, newest first",
      description =
          "An agent's order beyond its key's spending limits, or its cancellation of a B2B order"
              + " past ALLOCATED, waits here. Needs orders:read.")
  @GetMapping
  Items list(
      @Parameter(description = "PENDING (default), APPROVED, REFUSED or ALL")
          @RequestParam(defaultValue = "PENDING")
          String status,
      @RequestParam(defaultValue = "50") int limit) {
    if (limit < 1 || limit > 200) {
      throw ApiProblem.badRequest("limit: 1 to 200");
    }
    Approvals.Status s = null;
    if (!"ALL".equalsIgnoreCase(status)) {
      try {
        s = Approvals.Status.valueOf(status.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw ApiProblem.badRequest("status: one of PENDING, APPROVED, REFUSED, ALL");
      }
    }
    return new Items(approvals.list(s, limit));
  }

  @Operation(operationId = "getApproval", summary = "An approval")
  @GetMapping("/{id}")
  Approvals.Approval get(@PathVariable UUID id) {
    return approvals.get(id);
  }

  record Decision(@Size(max = 500) String note) {}

  record Refusal(@NotBlank @Size(max = 500) String note) {}

  @Operation(
      operationId = "approveApproval",
      summary = "Approve: the agent's action is carried out now",
      description =
          "Places the order or cancels as the agent asked, as the agent (history notes who"
              + " approved). 409 when already decided, or when the loop no longer allows the"
              + " action (the approval stays pending). Needs orders:write.")
  @PostMapping("/{id}/approve")
  Approvals.Approval approve(
      @PathVariable UUID id, @Valid @RequestBody(required = false) Decision decision) {
    return approvals.approve(id, decision == null ? null : decision.note());
  }

  @Operation(
      operationId = "refuseApproval",
      summary = "Refuse: nothing is done; the agent sees the note",
      description = "Needs orders:write.")
  @PostMapping("/{id}/refuse")
  Approvals.Approval refuse(@PathVariable UUID id, @Valid @RequestBody Refusal refusal) {
    return approvals.refuse(id, refusal.note());
  }
}
