package dev.quire.ot.operation;

import static dev.quire.ot.operation.UnicodeSamples.CJK;
import static dev.quire.ot.operation.UnicodeSamples.E_ACUTE;
import static dev.quire.ot.operation.UnicodeSamples.FAMILY;
import static dev.quire.ot.operation.UnicodeSamples.FLAG_FR;
import static dev.quire.ot.operation.UnicodeSamples.GRIN;
import static dev.quire.ot.operation.UnicodeSamples.REGIONAL_F;
import static dev.quire.ot.operation.UnicodeSamples.REGIONAL_R;
import static dev.quire.ot.operation.UnicodeSamples.WOMAN;
import static dev.quire.ot.operation.UnicodeSamples.ZWJ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CodePointsTest {

  @Test
  void count_countsCodePoints() {
    assertThat(CodePoints.count("")).isZero();
    assertThat(CodePoints.count("abc")).isEqualTo(3);
    assertThat(CodePoints.count(GRIN)).isEqualTo(1);
    assertThat(CodePoints.count(FLAG_FR)).isEqualTo(2);
    assertThat(CodePoints.count(FAMILY)).isEqualTo(5);
    assertThat(CodePoints.count(E_ACUTE)).isEqualTo(2);
    assertThat(CodePoints.count(CJK)).isEqualTo(2);
    assertThat(CodePoints.count("a" + GRIN + CJK + FAMILY)).isEqualTo(9);
  }

  @Test
  void count_takesAnyCharSequence() {
    assertThat(CodePoints.count(new StringBuilder("x").append(GRIN))).isEqualTo(2);
  }

  @Test
  void charIndex_mapsCodePointToUtf16Index() {
    String s = "a" + GRIN + "b" + FLAG_FR + "c";
    assertThat(CodePoints.charIndex(s, 0)).isZero();
    assertThat(CodePoints.charIndex(s, 1)).isEqualTo(1);
    assertThat(CodePoints.charIndex(s, 2)).isEqualTo(3);
    assertThat(CodePoints.charIndex(s, 3)).isEqualTo(4);
    assertThat(CodePoints.charIndex(s, 4)).isEqualTo(6);
    assertThat(CodePoints.charIndex(s, 5)).isEqualTo(8);
    assertThat(CodePoints.charIndex(s, 6)).isEqualTo(9); // the end
  }

  @Test
  void charIndex_isIdentityForPlainText() {
    assertThat(CodePoints.charIndex("hello", 0)).isZero();
    assertThat(CodePoints.charIndex("hello", 3)).isEqualTo(3);
    assertThat(CodePoints.charIndex("hello", 5)).isEqualTo(5);
  }

  @Test
  void charIndex_refusesPositionBeyondTheText() {
    assertThatThrownBy(() -> CodePoints.charIndex("ab", 3))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> CodePoints.charIndex(GRIN, -1))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void charIndex_refusesCodePointEqualToUtf16LengthWhenTextHasSurrogatePairs() {
    // "a" + GRIN is 3 UTF-16 units but only 2 code points: code point 3 does not exist.
    assertThatThrownBy(() -> CodePoints.charIndex("a" + GRIN, 3))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> CodePoints.charIndex(GRIN, 2))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void prefix_takesWholeCodePoints() {
    String s = GRIN + "x" + FLAG_FR;
    assertThat(CodePoints.prefix(s, 0)).isEmpty();
    assertThat(CodePoints.prefix(s, 1)).isEqualTo(GRIN);
    assertThat(CodePoints.prefix(s, 2)).isEqualTo(GRIN + "x");
    assertThat(CodePoints.prefix(s, 3)).isEqualTo(GRIN + "x" + REGIONAL_F);
    assertThat(CodePoints.prefix(s, 4)).isEqualTo(s);
  }

  @Test
  void suffix_dropsWholeCodePoints() {
    String s = GRIN + "x" + FLAG_FR;
    assertThat(CodePoints.suffix(s, 0)).isEqualTo(s);
    assertThat(CodePoints.suffix(s, 1)).isEqualTo("x" + FLAG_FR);
    assertThat(CodePoints.suffix(s, 3)).isEqualTo(REGIONAL_R);
    assertThat(CodePoints.suffix(s, 4)).isEmpty();
  }

  @Test
  void prefixAndSuffix_cutZwjSequenceAtCodePoints() {
    assertThat(CodePoints.prefix(FAMILY, 2)).isEqualTo(WOMAN + ZWJ);
    assertThat(CodePoints.suffix(FAMILY, 2)).isEqualTo(FAMILY.substring(3));
  }

  @Test
  void prefix_refusesMoreCodePointsThanTheTextHas() {
    assertThatThrownBy(() -> CodePoints.prefix("ab", 3))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void requireWellFormed_acceptsWellFormedText() {
    assertThatCode(() -> CodePoints.requireWellFormed("")).doesNotThrowAnyException();
    assertThatCode(() -> CodePoints.requireWellFormed("a" + GRIN + FAMILY + E_ACUTE + CJK))
        .doesNotThrowAnyException();
  }

  @Test
  void requireWellFormed_refusesLoneHighSurrogateAtTheEnd() {
    assertThatThrownBy(() -> CodePoints.requireWellFormed("abc\uD800"))
        .isInstanceOf(MalformedOperationException.class)
        .hasMessage("text has an unpaired surrogate U+D800 at UTF-16 index 3");
  }

  @Test
  void requireWellFormed_refusesLoneLowSurrogateAfterAPair() {
    assertThatThrownBy(() -> CodePoints.requireWellFormed(GRIN + "\uDFFF"))
        .isInstanceOf(MalformedOperationException.class)
        .hasMessage("text has an unpaired surrogate U+DFFF at UTF-16 index 2");
  }

  @Test
  void countWellFormed_countsCodePointsOfWellFormedText() {
    assertThat(CodePoints.countWellFormed("")).isZero();
    assertThat(CodePoints.countWellFormed("ab" + GRIN + FAMILY)).isEqualTo(8);
  }

  @Test
  void countWellFormed_refusesHighSurrogateFollowedByPlainChar() {
    assertThatThrownBy(() -> CodePoints.countWellFormed("\uD83Dx"))
        .isInstanceOf(MalformedOperationException.class)
        .hasMessage("text has an unpaired surrogate U+D83D at UTF-16 index 0");
  }
}
