package io.orderloop.channels.edi;

import io.orderloop.common.ApiProblem;
import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** EDI trading partners (scope {@code admin}). */
@RestController
@RequestMapping("/api/v1/channels/edi/partners")
class EdiPartnerController {

  private final EdiPartners partners;

  EdiPartnerController(EdiPartners partners) {
    this.partners = partners;
  }

  @Operation(
      operationId = "putEdiPartner",
      summary = "Configure an EDI trading partner",
      description =
          "isaQualifier/isaId/gsId are the partner's (ISA05/ISA06, GS02 of what they send); an"
              + " interchange is matched to its partner by them, so a sender belongs to one"
              + " partner (409 otherwise). version 004010 or 005010 (default 005010); outbound the"
              + " documents they take back (855, 856, 810); location where their orders ship from;"
              + " paymentTerms the default when an 850 has no ITD; ourIsaQualifier/ourIsaId/ourGsId"
              + " override orderloop.edi.* for this partner; delimiters for what we send (default"
              + " * > ~ ^). 201 when created, 200 when changed.")
  @PutMapping("/{partnerId}")
  ResponseEntity<EdiPartners.Partner> put(
      @PathVariable String partnerId, @RequestBody EdiPartners.Settings settings) {
    EdiPartners.Saved saved = partners.put(partnerId, settings);
    return ResponseEntity.status(saved.created() ? HttpStatus.CREATED : HttpStatus.OK)
        .body(saved.partner());
  }

  @Operation(operationId = "listEdiPartners", summary = "List EDI trading partners")
  @GetMapping
  Map<String, List<EdiPartners.Partner>> list() {
    return Map.of("items", partners.list());
  }

  @Operation(operationId = "getEdiPartner", summary = "Get one EDI trading partner")
  @GetMapping("/{partnerId}")
  EdiPartners.Partner get(@PathVariable String partnerId) {
    return partners
        .find(partnerId)
        .orElseThrow(() -> ApiProblem.notFound("no EDI partner '" + partnerId + "'"));
  }

  @Operation(operationId = "deleteEdiPartner", summary = "Remove an EDI trading partner")
  @DeleteMapping("/{partnerId}")
  ResponseEntity<Void> delete(@PathVariable String partnerId) {
    partners.delete(partnerId);
    return ResponseEntity.noContent().build();
  }
}
