package io.orderloop.console;

import io.orderloop.common.ApiProblem;
import io.orderloop.common.LargeBodyEndpoint;
import io.orderloop.inventory.InventoryImport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * CSV import of SKUs or stock counts in the console: upload (or paste), see every row's outcome and
 * what is wrong before anything is written, then apply (operations, admin). Applying sends the
 * previewed text back and validates it again: all rows are written, or none.
 */
@Controller
class ImportPage implements ConsolePage {

  static final String PREVIEW = "/console/inventory/import/preview";
  static final String APPLY = "/console/inventory/import/apply";

  private final ConsoleUsers users;
  private final Acting acting;
  private final InventoryImport imports;

  ImportPage(ConsoleUsers users, Acting acting, InventoryImport imports) {
    this.users = users;
    this.acting = acting;
    this.imports = imports;
  }

  @GetMapping("/console/inventory/import")
  String form(Principal principal, Model model) {
    acting.require(principal, ConsoleRole::canStock, "import inventory");
    model.addAttribute("user", users.current(principal));
    model.addAttribute("kind", "SKUS");
    return "console/import";
  }

  @PostMapping(PREVIEW)
  String preview(
      Principal principal,
      @RequestParam String kind,
      @RequestParam(required = false) MultipartFile file,
      @RequestParam(required = false) String csv,
      Model model)
      throws IOException {
    acting.require(principal, ConsoleRole::canStock, "import inventory");
    String text =
        file != null && !file.isEmpty()
            ? new String(file.getBytes(), StandardCharsets.UTF_8)
            : csv == null ? "" : csv;
    model.addAttribute("user", users.current(principal));
    model.addAttribute("kind", kind);
    model.addAttribute("csv", text);
    try {
      model.addAttribute("result", imports.preview(kind(kind), text));
    } catch (ApiProblem refused) {
      model.addAttribute("problem", refused.getMessage());
    }
    return "console/import";
  }

  @PostMapping(APPLY)
  String apply(
      Principal principal,
      @RequestParam String kind,
      @RequestParam String csv,
      Model model,
      RedirectAttributes flash) {
    acting.require(principal, ConsoleRole::canStock, "import inventory");
    try {
      InventoryImport.Result done = imports.apply(kind(kind), csv);
      flash.addFlashAttribute(
          "notice", "Imported " + done.rows() + " rows: " + done.actions() + ".");
      return "redirect:/console/inventory";
    } catch (ApiProblem refused) {
      model.addAttribute("user", users.current(principal));
      model.addAttribute("kind", kind);
      model.addAttribute("csv", csv);
      model.addAttribute("problem", refused.getMessage());
      try {
        model.addAttribute("result", imports.preview(kind(kind), csv));
      } catch (ApiProblem unreadable) {
        // the message above says why
      }
      return "console/import";
    }
  }

  private static InventoryImport.Kind kind(String kind) {
    return "STOCK_COUNTS".equals(kind)
        ? InventoryImport.Kind.STOCK_COUNTS
        : InventoryImport.Kind.SKUS;
  }

  /** The import's pages take bodies as large as the import API's (plus a form's encoding). */
  @Configuration(proxyBeanMethods = false)
  static class Limits {
    @Bean
    LargeBodyEndpoint consoleImportPreview() {
      return new LargeBodyEndpoint(PREVIEW, 10L * 1024 * 1024, "4MB for a CSV import");
    }

    @Bean
    LargeBodyEndpoint consoleImportApply() {
      return new LargeBodyEndpoint(APPLY, 10L * 1024 * 1024, "4MB for a CSV import");
    }
  }
}
