package io.orderloop.orders;

import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Customers' personal data (scope {@code admin}). */
@RestController
@RequestMapping("/api/v1/customers")
class CustomerController {

  private final CustomerErasure erasure;

  CustomerController(CustomerErasure erasure) {
    this.erasure = erasure;
  }

  record ErasureRequest(@NotBlank @Size(max = 320) String email) {}

  @Operation(
      operationId = "eraseCustomer",
      summary = "Forget a customer: pseudonymise their personal data on every order",
      description =
          """
          Replaces the name, e-mail, phone numbers and address lines of the customer with this e-mail
          address by a stable pseudonym on their orders, order and return history, the stored event
          feed and stored idempotent responses; SKUs, quantities, amounts, dates, country and region
          stay. Emits one `customer.erased` event and records who erased whom (by pseudonym) and
          when. Events already delivered to receivers cannot be recalled.""")
  @PostMapping("/erasure")
  @ResponseStatus(HttpStatus.OK)
  CustomerErasure.Erasure erase(@Valid @RequestBody ErasureRequest request) {
    return erasure.erase(request.email());
  }
}
