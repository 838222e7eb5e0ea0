package io.orderloop.inventory;

import java.util.ArrayList;
import java.util.List;

/** The rules a SKU must meet, shared by the SKU API and the CSV import. */
final class SkuRules {

  static final String CODE = "[A-Za-z0-9][A-Za-z0-9._/-]{0,63}";

  private SkuRules() {}

  /** One broken rule: the field and what to do about it. */
  record Problem(String field, String detail) {
    @Override
    public String toString() {
      return field + ": " + detail;
    }
  }

  static String codeProblem(String code) {
    return code != null && code.matches(CODE)
        ? null
        : "'"
            + code
            + "' is not a valid code: use 1 to 64 letters, digits, '.', '_', '/' or '-',"
            + " starting with a letter or digit";
  }

  static List<Problem> problems(SkuInfo s) {
    List<Problem> problems = new ArrayList<>();
    String code = codeProblem(s.code());
    if (code != null) {
      problems.add(new Problem("sku", code));
    }
    if (s.name() == null || s.name().isBlank()) {
      problems.add(new Problem("name", "give the SKU a name"));
    } else if (s.name().length() > 200) {
      problems.add(new Problem("name", "at most 200 characters"));
    }
    if (s.casePack() < 1) {
      problems.add(new Problem("casePack", "a case holds at least 1 unit"));
    }
    if (s.palletQuantity() != null
        && (s.palletQuantity() < 1
            || (s.casePack() >= 1 && s.palletQuantity() % s.casePack() != 0))) {
      problems.add(
          new Problem(
              "palletQuantity",
              "a pallet must hold whole cases: "
                  + s.palletQuantity()
                  + " is not a multiple of casePack "
                  + s.casePack()));
    }
    if (s.requiresPinnedLot() && !s.lotControlled()) {
      problems.add(
          new Problem("requiresPinnedLot", "only a lot-controlled SKU can require a pinned lot"));
    }
    return problems;
  }
}
