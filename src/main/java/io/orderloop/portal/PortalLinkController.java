package io.orderloop.portal;

import io.orderloop.common.Actors;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Operators and integrations issue customers' sign-in links. */
@RestController
class PortalLinkController {

  private final PortalLinks links;

  PortalLinkController(PortalLinks links) {
    this.links = links;
  }

  record LinkRequest(@NotBlank @Size(max = 320) String email) {}

  @Operation(
      operationId = "issuePortalLink",
      summary = "Issue a customer a one-time sign-in link to the portal",
      description =
          "E-mailed to the customer when SMTP is configured (spring.mail.host): the answer then"
              + " has sent true and no url. Otherwise the answer carries the url, to pass on. The"
              + " link works once, for orderloop.portal.link-ttl (30 minutes by default). Needs"
              + " orders:write.")
  @PostMapping("/api/v1/portal-links")
  ResponseEntity<PortalLinks.IssuedLink> issue(@Valid @RequestBody LinkRequest request) {
    return ResponseEntity.status(201).body(links.issue(request.email(), Actors.current()));
  }
}
