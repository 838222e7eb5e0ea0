package io.orderloop.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Unit: which text the API refuses, and how channel text is cleaned instead. */
class TextRulesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a\u0000b",
        "a\u0007b",
        "a\u001b[31m",
        "a\tb",
        "a\r\nb",
        "a\u007fb",
        "a\u0085b",
        "a\u202eb",
        "a\u2066b",
        "a\ud800b",
        "\udc00"
      })
  void control_bidi_and_unpaired_surrogate_characters_are_refused(String text) {
    assertThat(TextRules.problem(text)).isNotNull().contains("U+");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"Ada Lovelace", "Zoë Ångström", "東京都", "emoji 📦 ok", "O'Brien & Sons", ""})
  void ordinary_text_in_any_script_passes(String text) {
    assertThat(TextRules.problem(text)).isNull();
    assertThat(TextRules.strip(text)).isEqualTo(text);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "'Ada\r\nLovelace' | 'Ada Lovelace'",
        "'Ada\t\tLovelace' | 'Ada Lovelace'",
        "'\u001b[31mRed' | '[31mRed'",
        "'evil\u202etxt.exe' | 'eviltxt.exe'",
        "'lone\ud800 surrogate' | 'lone surrogate'",
        "'  padded\u0000 ' | 'padded'",
        "'box 📦\u0007' | 'box 📦'"
      })
  void channel_text_is_cleaned_by_a_fixed_rule(String raw, String cleaned) {
    assertThat(TextRules.strip(raw)).isEqualTo(cleaned);
    assertThat(TextRules.problem(TextRules.strip(raw))).isNull();
  }
}
