package io.orderloop.console;

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

/** Console users by API (scope {@code admin}). */
@RestController
@RequestMapping("/api/v1/console-users")
class ConsoleUserController {

  private final ConsoleUsers users;

  ConsoleUserController(ConsoleUsers users) {
    this.users = users;
  }

  @Operation(
      operationId = "putConsoleUser",
      summary = "Create or change a console user",
      description =
          "role ADMIN, OPERATIONS, FINANCE or CUSTOMER_SERVICE; password (12 to 200 characters)"
              + " needed to create, optional to change (a new one unlocks the account); enabled"
              + " (default true). The password is kept only as a bcrypt hash. 201 when created.")
  @PutMapping("/{email}")
  ResponseEntity<ConsoleUsers.User> put(
      @PathVariable String email, @RequestBody ConsoleUsers.Settings settings) {
    ConsoleUsers.Saved saved = users.put(email, settings);
    return ResponseEntity.status(saved.created() ? HttpStatus.CREATED : HttpStatus.OK)
        .body(saved.user());
  }

  @Operation(operationId = "listConsoleUsers", summary = "List console users")
  @GetMapping
  Map<String, List<ConsoleUsers.User>> list() {
    return Map.of("items", users.list());
  }

  @Operation(operationId = "deleteConsoleUser", summary = "Remove a console user")
  @DeleteMapping("/{email}")
  ResponseEntity<Void> delete(@PathVariable String email) {
    users.delete(email);
    return ResponseEntity.noContent().build();
  }
}
