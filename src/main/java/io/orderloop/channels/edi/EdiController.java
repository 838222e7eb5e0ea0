package io.orderloop.channels.edi;

import io.orderloop.common.ApiProblem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * X12 by HTTP ({@code POST /channels/edi/x12}, scope {@code edi:write}) and the EDI record: the
 * documents in and out and the interchanges received (scope {@code admin}).
 */
@RestController
class EdiController {

  /** The media type of X12 bodies. */
  static final MediaType X12 = MediaType.parseMediaType("application/edi-x12");

  private final EdiInbound inbound;
  private final EdiDocuments documents;
  private final EdiProperties properties;

  EdiController(EdiInbound inbound, EdiDocuments documents, EdiProperties properties) {
    this.inbound = inbound;
    this.documents = documents;
    this.properties = properties;
  }

  @Operation(
      operationId = "postX12",
      summary = "Send an X12 interchange (850 purchase orders, 997 acknowledgments)",
      description =
          "The body is the interchange as the partner's translator or AS2/SFTP gateway has it, any"
              + " delimiters, with or without a BOM or line breaks; several interchanges may follow"
              + " each other. Answers 200 with the 997 (application/edi-x12) for every functional"
              + " group other than 997s, 204 when there is nothing to acknowledge (the body held"
              + " only 997s). 403 for a sender that is no configured partner (kept, never an"
              + " order), 422 for an interchange not addressed to us or with a trailer that does"
              + " not match its header, 400 for a body that is not readable X12, 413 past"
              + " orderloop.edi.max-interchange-size. A resent interchange (same sender and ISA13)"
              + " is answered with the first one's 997 and takes nothing again.",
      responses =
          @ApiResponse(
              responseCode = "200",
              description = "the 997",
              content =
                  @Content(mediaType = "application/edi-x12", schema = @Schema(type = "string"))))
  @PostMapping(
      path = "/channels/edi/x12",
      consumes = MediaType.ALL_VALUE,
      produces = {"application/edi-x12", MediaType.APPLICATION_PROBLEM_JSON_VALUE})
  ResponseEntity<String> receive(InputStream body) throws IOException {
    long max = properties.maxInterchangeSize().toBytes();
    // One byte past the limit is enough to refuse it (413); the rest is never read into memory.
    byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    EdiInbound.Received received = inbound.receive(bytes, "HTTP");
    if (received.ack().isEmpty()) {
      return ResponseEntity.noContent()
          .header("Orderloop-Edi-Interchanges", ids(received.interchangeIds()))
          .build();
    }
    return ResponseEntity.ok()
        .contentType(X12)
        .header("Orderloop-Edi-Interchanges", ids(received.interchangeIds()))
        .body(received.ack());
  }

  private static String ids(List<Long> ids) {
    return String.join(",", ids.stream().map(String::valueOf).toList());
  }

  @Operation(
      operationId = "listEdiDocuments",
      summary = "List EDI documents in and out",
      description =
          "Newest first. partner, type (850, 997, 855, 856, 810), orderId and direction (IN,"
              + " OUT) filter; before (a document id) pages. Outbound documents are PENDING until"
              + " written, then SENT, and ACCEPTED, ACCEPTED_WITH_ERRORS or REJECTED once the"
              + " partner's 997 names them; inbound 850s are ACCEPTED, ACCEPTED_WITH_ERRORS,"
              + " REJECTED, DUPLICATE (a resend) or CHANGED_RESEND (a resend with other contents,"
              + " not applied).")
  @GetMapping("/api/v1/channels/edi/documents")
  Map<String, Object> list(
      @RequestParam(required = false) String partner,
      @RequestParam(required = false) String type,
      @RequestParam(required = false) UUID orderId,
      @RequestParam(required = false) String direction,
      @RequestParam(required = false) Long before,
      @RequestParam(defaultValue = "50") int limit) {
    if (limit < 1 || limit > 500) {
      throw ApiProblem.unprocessable("limit", "give a limit from 1 to 500");
    }
    if (direction != null && !direction.equals("IN") && !direction.equals("OUT")) {
      throw ApiProblem.unprocessable("direction", "IN or OUT");
    }
    return Map.of("items", documents.list(partner, type, orderId, direction, before, limit));
  }

  @Operation(operationId = "getEdiDocument", summary = "One EDI document")
  @GetMapping("/api/v1/channels/edi/documents/{id}")
  EdiDocuments.Document get(@PathVariable long id) {
    return documents.get(id);
  }

  @Operation(
      operationId = "getEdiDocumentRaw",
      summary = "An EDI document's X12 text",
      description =
          "The whole interchange the document travelled in; 404 while an outbound document is"
              + " still PENDING. Inbound 850s: the interchange as received.")
  @GetMapping(path = "/api/v1/channels/edi/documents/{id}/raw", produces = "application/edi-x12")
  ResponseEntity<byte[]> raw(@PathVariable long id) {
    EdiDocuments.Document d = documents.get(id);
    String raw =
        documents
            .raw(id)
            .or(() -> d.direction().equals("IN") ? interchangeRaw(id) : java.util.Optional.empty())
            .orElseThrow(
                () ->
                    new ApiProblem(
                        HttpStatus.NOT_FOUND,
                        "not-found",
                        "Not found",
                        "document " + id + " is " + d.status() + " and has no X12 text yet"));
    return ResponseEntity.ok().contentType(X12).body(raw.getBytes(StandardCharsets.ISO_8859_1));
  }

  private java.util.Optional<String> interchangeRaw(long documentId) {
    return documents.interchangeOf(documentId).flatMap(documents::interchangeRaw);
  }

  @Operation(
      operationId = "listEdiInterchanges",
      summary = "List interchanges received",
      description =
          "Newest first, with their status: PROCESSED, DUPLICATE, UNKNOWN_SENDER,"
              + " WRONG_RECEIVER, REJECTED (envelope inconsistent), UNREADABLE; the detail is the"
              + " report in words (what each group's 997 said, and why).")
  @GetMapping("/api/v1/channels/edi/interchanges")
  Map<String, Object> interchanges(
      @RequestParam(required = false) String partner,
      @RequestParam(required = false) String status,
      @RequestParam(defaultValue = "50") int limit) {
    if (limit < 1 || limit > 500) {
      throw ApiProblem.unprocessable("limit", "give a limit from 1 to 500");
    }
    return Map.of("items", documents.interchanges(partner, status, limit));
  }

  @Operation(operationId = "getEdiInterchangeRaw", summary = "An interchange as received")
  @GetMapping(path = "/api/v1/channels/edi/interchanges/{id}/raw", produces = "application/edi-x12")
  ResponseEntity<byte[]> interchange(@PathVariable long id) {
    String raw =
        documents
            .interchangeRaw(id)
            .orElseThrow(() -> ApiProblem.notFound("interchange " + id + " kept no text"));
    return ResponseEntity.ok().contentType(X12).body(raw.getBytes(StandardCharsets.ISO_8859_1));
  }
}
