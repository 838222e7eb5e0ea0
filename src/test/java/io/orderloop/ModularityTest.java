package io.orderloop;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * Architecture: modules depend only on each other's public API, orders never on adapters;
 * docs/modules is current.
 */
class ModularityTest {

  private final ApplicationModules modules = ApplicationModules.of(OrderloopApplication.class);

  @Test
  void modules_respect_their_boundaries() {
    modules.verify();
  }

  @Test
  void the_core_does_not_depend_on_the_edges() {
    var inventory = modules.getModuleByName("inventory").orElseThrow();
    var orders = modules.getModuleByName("orders").orElseThrow();
    assertThat(
            inventory.getDirectDependencies(modules).stream()
                .map(d -> d.getTargetModule().getIdentifier().toString()))
        .doesNotContain("orders", "security");
    assertThat(
            orders.getDirectDependencies(modules).stream()
                .map(d -> d.getTargetModule().getIdentifier().toString()))
        .doesNotContain("security");
  }

  @Test
  void writes_the_module_documentation() {
    new Documenter(modules, Documenter.Options.defaults().withOutputFolder("docs/modules"))
        .writeModulesAsPlantUml()
        .writeIndividualModulesAsPlantUml()
        .writeModuleCanvases();
  }
}
