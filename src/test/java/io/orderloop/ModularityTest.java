package io.orderloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * Architecture: modules depend only on what their {@code allowedDependencies} name and on each
 * other's published API (a reach into another module's internals fails {@code verify()}); orders
 * never depends on adapters; only orders reaches the reservation commands; {@code docs/modules} is
 * current.
 */
class ModularityTest {

  private static final String RESERVATIONS = "io.orderloop.inventory.reservations";

  private final ApplicationModules modules = ApplicationModules.of(OrderloopApplication.class);

  @Test
  void modules_respect_their_boundaries() {
    modules.verify();
  }

  @Test
  void the_core_does_not_depend_on_the_edges() {
    assertThat(targets("inventory")).doesNotContain("orders", "security", "fulfillment", "returns");
    assertThat(targets("orders")).doesNotContain("security", "fulfillment", "returns", "events");
  }

  @Test
  void only_the_orders_module_reaches_the_reservation_commands() {
    assertThat(modules.getModuleByName("inventory").orElseThrow().getNamedInterfaces().stream())
        .anyMatch(i -> i.getName().equals("reservations"));
    for (ApplicationModule module : modules) {
      String name = module.getIdentifier().toString();
      if (name.equals("orders") || name.equals("inventory")) {
        continue;
      }
      assertThat(
              module.getDirectDependencies(modules).stream()
                  .map(d -> d.getTargetType().getPackageName()))
          .as(name + " must not use the reservation commands")
          .doesNotContain(RESERVATIONS);
    }
  }

  /**
   * Writes the module documentation into {@code target/modules} and checks {@code docs/modules}
   * holds the same (line order aside: the documenter does not keep one). {@code
   * -Dorderloop.docs.write=true} copies it over.
   */
  @Test
  void the_module_documentation_is_current() throws IOException {
    Path written = Path.of("target/modules");
    new Documenter(modules, Documenter.Options.defaults().withOutputFolder(written.toString()))
        .writeModulesAsPlantUml()
        .writeIndividualModulesAsPlantUml()
        .writeModuleCanvases();
    Path docs = Path.of("docs/modules");
    List<Path> files;
    try (Stream<Path> s = Files.list(written)) {
      files = s.sorted().toList();
    }
    for (Path file : files) {
      Path committed = docs.resolve(file.getFileName());
      if (Boolean.getBoolean("orderloop.docs.write")) {
        Files.copy(file, committed, StandardCopyOption.REPLACE_EXISTING);
      }
      assertThat(Files.exists(committed)).as(committed + " exists").isTrue();
      assertThat(sortedLines(committed))
          .as(committed + " is current; run with -Dorderloop.docs.write=true to rewrite it")
          .isEqualTo(sortedLines(file));
    }
  }

  private List<String> targets(String module) {
    return modules.getModuleByName(module).orElseThrow().getDirectDependencies(modules).stream()
        .map(d -> d.getTargetModule().getIdentifier().toString())
        .toList();
  }

  private static List<String> sortedLines(Path file) throws IOException {
    // The documenter lists a module's items in no fixed order, and the first item of a table cell
    // carries the cell's "|": compare the items, not where they stand.
    return Files.readAllLines(file).stream()
        .map(String::strip)
        .map(l -> l.startsWith("|* ") ? l.substring(1) : l)
        .sorted()
        .toList();
  }
}
