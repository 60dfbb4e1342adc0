package dev.quire.ot.operation;

import static dev.quire.ot.operation.UnicodeSamples.CJK;
import static dev.quire.ot.operation.UnicodeSamples.E_ACUTE;
import static dev.quire.ot.operation.UnicodeSamples.FAMILY;
import static dev.quire.ot.operation.UnicodeSamples.FLAG_FR;
import static dev.quire.ot.operation.UnicodeSamples.GRIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.operation.Component.Delete;
import dev.quire.ot.operation.Component.Insert;
import dev.quire.ot.operation.Component.Retain;
import org.junit.jupiter.api.Test;

class ComponentTest {

  @Test
  void retain_lengthIsItsCount() {
    assertThat(new Retain(7).length()).isEqualTo(7);
    assertThat(new Retain(7).count()).isEqualTo(7);
  }

  @Test
  void retain_refusesZero() {
    assertThatThrownBy(() -> new Retain(0))
        .isInstanceOf(MalformedOperationException.class)
        .hasMessage("retain count must be positive, was 0");
  }

  @Test
  void retain_refusesNegativeCount() {
    assertThatThrownBy(() -> new Retain(-3))
        .isInstanceOf(MalformedOperationException.class)
        .hasMessage("retain count must be positive, was -3");
  }

  @Test
  void retain_acceptsIntegerMaxValue() {
    assertThat(new Retain(Integer.MAX_VALUE).length()).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void retain_toStringIsItsJsonForm() {
    assertThat(new Retain(5)).hasToString("5");
  }

  @Test
  void delete_lengthIsItsCount() {
    assertThat(new Delete(4).length()).isEqualTo(4);
    assertThat(new Delete(4).count()).isEqualTo(4);
  }

  @Test
  void delete_refusesZero() {
    assertThatThrownBy(() -> new Delete(0))
        .isInstanceOf(MalformedOperationException.class)
        .hasMessage("delete count must be positive, was 0");
  }

  @Test
  void delete_refusesNegativeCount() {
    assertThatThrownBy(() -> new Delete(-1))
        .isInstanceOf(MalformedOperationException.class)
        .hasMessage("delete count must be positive, was -1");
  }

  @Test
  void delete_toStringIsNegativeCountLikeOtJs() {
    assertThat(new Delete(3)).hasToString("-3");
  }

  @Test
  void insert_ofKeepsTextAndCountsCodePoints() {
    Insert i = Insert.of("abc");
    assertThat(i.text()).isEqualTo("abc");
    assertThat(i.length()).isEqualTo(3);
  }

  @Test
  void insert_lengthCountsCodePointsNotUtf16Units() {
    assertThat(Insert.of(GRIN).length()).isEqualTo(1);
    assertThat(Insert.of(FLAG_FR).length()).isEqualTo(2);
    assertThat(Insert.of(FAMILY).length()).isEqualTo(5);
    assertThat(Insert.of(E_ACUTE).length()).isEqualTo(2);
    assertThat(Insert.of(CJK).length()).isEqualTo(2);
    assertThat(Insert.of("a" + GRIN + "b" + FLAG_FR).length()).isEqualTo(5);
  }

  @Test
  void insert_refusesEmptyText() {
    assertThatThrownBy(() -> Insert.of(""))
        .isInstanceOf(MalformedOperationException.class)
        .hasMessage("insert text must not be empty");
  }

  @Test
  void insert_refusesNullText() {
    assertThatNullPointerException().isThrownBy(() -> Insert.of(null)).withMessage("text == null");
  }

  @Test
  void insert_refusesLoneHighSurrogate() {
    assertThatThrownBy(() -> Insert.of("ab\uD83D"))
        .isInstanceOf(MalformedOperationException.class)
        .hasMessage("text has an unpaired surrogate U+D83D at UTF-16 index 2");
  }

  @Test
  void insert_refusesLoneLowSurrogate() {
    assertThatThrownBy(() -> Insert.of("\uDE00x"))
        .isInstanceOf(MalformedOperationException.class)
        .hasMessage("text has an unpaired surrogate U+DE00 at UTF-16 index 0");
  }

  @Test
  void insert_refusesSurrogatesInReversedOrder() {
    assertThatThrownBy(() -> Insert.of("\uDE00\uD83D"))
        .isInstanceOf(MalformedOperationException.class)
        .hasMessageContaining("unpaired surrogate U+DE00");
  }

  @Test
  void insert_refusesHighSurrogateFollowedByAnotherHighSurrogate() {
    assertThatThrownBy(() -> Insert.of("\uD83D\uD83D\uDE00"))
        .isInstanceOf(MalformedOperationException.class)
        .hasMessage("text has an unpaired surrogate U+D83D at UTF-16 index 0");
  }

  @Test
  void insert_equalsByText() {
    assertThat(Insert.of("abc")).isEqualTo(Insert.of("abc")).hasSameHashCodeAs(Insert.of("abc"));
    assertThat(Insert.of("abc")).isNotEqualTo(Insert.of("abd"));
    assertThat(Insert.of("abc")).isNotEqualTo("abc");
  }

  @Test
  void insert_toStringIsQuotedText() {
    assertThat(Insert.of("abc")).hasToString("\"abc\"");
  }

  @Test
  void components_ofDifferentKindsWithEqualCountsDiffer() {
    assertThat((Component) new Retain(2)).isNotEqualTo(new Delete(2));
    assertThat(new Retain(2)).isEqualTo(new Retain(2));
    assertThat(new Delete(2)).isEqualTo(new Delete(2));
  }
}
