package dev.quire.ot.text;

import static dev.quire.ot.operation.UnicodeSamples.CJK;
import static dev.quire.ot.operation.UnicodeSamples.E_ACUTE;
import static dev.quire.ot.operation.UnicodeSamples.FAMILY;
import static dev.quire.ot.operation.UnicodeSamples.FLAG_FR;
import static dev.quire.ot.operation.UnicodeSamples.GRIN;
import static dev.quire.ot.operation.UnicodeSamples.REGIONAL_R;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.operation.MalformedOperationException;
import dev.quire.ot.operation.OperationMismatchException;
import dev.quire.ot.operation.TextOperation;
import org.junit.jupiter.api.Test;

class GapBufferTest {

  @Test
  void newBuffer_isEmpty() {
    GapBuffer buf = new GapBuffer();
    assertThat(buf.length()).isZero();
    assertThat(buf.charLength()).isZero();
    assertThat(buf).hasToString("");
  }

  @Test
  void constructor_keepsInitialText() {
    GapBuffer buf = new GapBuffer("hello");
    assertThat(buf).hasToString("hello");
    assertThat(buf.length()).isEqualTo(5);
    assertThat(buf.charLength()).isEqualTo(5);
  }

  @Test
  void constructor_countsAstralCharactersAsOneCodePoint() {
    GapBuffer buf = new GapBuffer("a" + GRIN + FLAG_FR + FAMILY);
    assertThat(buf.length()).isEqualTo(1 + 1 + 2 + 5);
    assertThat(buf.charLength()).isEqualTo(1 + 2 + 4 + 8);
  }

  @Test
  void constructor_refusesUnpairedSurrogate() {
    assertThatThrownBy(() -> new GapBuffer("ab\uD800"))
        .isInstanceOf(MalformedOperationException.class)
        .hasMessage("text has an unpaired surrogate U+D800 at UTF-16 index 2");
  }

  @Test
  void constructor_refusesNull() {
    assertThatNullPointerException().isThrownBy(() -> new GapBuffer(null));
  }

  @Test
  void insert_atStartMiddleAndEnd() {
    GapBuffer buf = new GapBuffer("bd");
    buf.insert(0, "a");
    buf.insert(2, "c");
    buf.insert(4, "e");
    assertThat(buf).hasToString("abcde");
    assertThat(buf.length()).isEqualTo(5);
  }

  @Test
  void insert_afterAstralCharactersUsesCodePointPositions() {
    GapBuffer buf = new GapBuffer(GRIN + GRIN);
    buf.insert(1, "x");
    assertThat(buf).hasToString(GRIN + "x" + GRIN);
    buf.insert(3, FLAG_FR);
    assertThat(buf).hasToString(GRIN + "x" + GRIN + FLAG_FR);
    assertThat(buf.length()).isEqualTo(5);
    assertThat(buf.charLength()).isEqualTo(9);
  }

  @Test
  void insert_astralIntoPlainText() {
    GapBuffer buf = new GapBuffer("abc");
    buf.insert(1, FAMILY);
    assertThat(buf).hasToString("a" + FAMILY + "bc");
    assertThat(buf.length()).isEqualTo(8);
    buf.insert(8, "z");
    assertThat(buf).hasToString("a" + FAMILY + "bcz");
  }

  @Test
  void insert_emptyTextChangesNothing() {
    GapBuffer buf = new GapBuffer("abc");
    buf.insert(1, "");
    assertThat(buf).hasToString("abc");
  }

  @Test
  void insert_refusesPositionBeyondTheEnd() {
    GapBuffer buf = new GapBuffer("abc");
    assertThatThrownBy(() -> buf.insert(4, "x"))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("range at 4 of 0 outside a text of 3 code points");
  }

  @Test
  void insert_refusesNegativePosition() {
    GapBuffer buf = new GapBuffer("abc");
    assertThatThrownBy(() -> buf.insert(-1, "x"))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("range at -1 of 0 outside a text of 3 code points");
  }

  @Test
  void insert_refusesPositionCountedInUtf16Units() {
    GapBuffer buf = new GapBuffer(GRIN);
    assertThatThrownBy(() -> buf.insert(2, "x"))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("range at 2 of 0 outside a text of 1 code points");
    assertThat(buf).hasToString(GRIN);
  }

  @Test
  void insert_refusesUnpairedSurrogateAndLeavesTextUnchanged() {
    GapBuffer buf = new GapBuffer("abc");
    assertThatThrownBy(() -> buf.insert(1, "\uDE00"))
        .isInstanceOf(MalformedOperationException.class)
        .hasMessageContaining("unpaired surrogate U+DE00");
    assertThat(buf).hasToString("abc");
  }

  @Test
  void delete_removesCodePoints() {
    GapBuffer buf = new GapBuffer("abcdef");
    buf.delete(1, 2);
    assertThat(buf).hasToString("adef");
    buf.delete(3, 1);
    assertThat(buf).hasToString("ade");
    buf.delete(0, 3);
    assertThat(buf).hasToString("");
    assertThat(buf.length()).isZero();
  }

  @Test
  void delete_removesWholeSurrogatePairs() {
    GapBuffer buf = new GapBuffer("a" + GRIN + "b" + FLAG_FR + "c");
    buf.delete(1, 1);
    assertThat(buf).hasToString("ab" + FLAG_FR + "c");
    buf.delete(2, 1);
    assertThat(buf).hasToString("ab" + REGIONAL_R + "c");
    assertThat(buf.length()).isEqualTo(4);
    assertThat(buf.charLength()).isEqualTo(5);
  }

  @Test
  void delete_acrossMixedText() {
    GapBuffer buf = new GapBuffer("x" + E_ACUTE + CJK + FAMILY + "y");
    buf.delete(2, 8); // combining mark, CJK, the family
    assertThat(buf).hasToString("xey");
  }

  @Test
  void delete_zeroCodePointsChangesNothing() {
    GapBuffer buf = new GapBuffer("abc");
    buf.delete(3, 0);
    assertThat(buf).hasToString("abc");
  }

  @Test
  void delete_refusesRangePastTheEnd() {
    GapBuffer buf = new GapBuffer("abc");
    assertThatThrownBy(() -> buf.delete(2, 2))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("range at 2 of 2 outside a text of 3 code points");
    assertThat(buf).hasToString("abc");
  }

  @Test
  void delete_refusesNegativeCount() {
    GapBuffer buf = new GapBuffer("abc");
    assertThatThrownBy(() -> buf.delete(1, -1))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("range at 1 of -1 outside a text of 3 code points");
  }

  @Test
  void delete_refusesNegativePosition() {
    GapBuffer buf = new GapBuffer("abc");
    assertThatThrownBy(() -> buf.delete(-1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void delete_refusesHugeCountWithoutOverflow() {
    GapBuffer buf = new GapBuffer("abc");
    assertThatThrownBy(() -> buf.delete(1, Integer.MAX_VALUE))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(buf).hasToString("abc");
  }

  @Test
  void delete_lastSurrogatePairThenPlainEditsStillWork() {
    GapBuffer buf = new GapBuffer("ab" + GRIN + "cd");
    buf.delete(2, 1);
    assertThat(buf).hasToString("abcd");
    buf.insert(0, "0");
    buf.insert(5, "5");
    buf.delete(2, 1);
    assertThat(buf).hasToString("0acd5");
    assertThat(buf.length()).isEqualTo(5);
    assertThat(buf.charLength()).isEqualTo(5);
  }

  @Test
  void substring_takesCodePointRanges() {
    GapBuffer buf = new GapBuffer("a" + GRIN + "b" + FLAG_FR + "c");
    assertThat(buf.substring(0, 0)).isEmpty();
    assertThat(buf.substring(1, 2)).isEqualTo(GRIN);
    assertThat(buf.substring(1, 3)).isEqualTo(GRIN + "b");
    assertThat(buf.substring(3, 5)).isEqualTo(FLAG_FR);
    assertThat(buf.substring(0, 6)).isEqualTo("a" + GRIN + "b" + FLAG_FR + "c");
    assertThat(buf.substring(6, 6)).isEmpty();
  }

  @Test
  void substring_ofPlainText() {
    GapBuffer buf = new GapBuffer("hello");
    buf.insert(2, "XX"); // the gap now sits inside the text
    assertThat(buf.substring(1, 5)).isEqualTo("eXXl");
  }

  @Test
  void substring_refusesNegativeStart() {
    GapBuffer buf = new GapBuffer("abc");
    assertThatThrownBy(() -> buf.substring(-1, 2))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("range [-1, 2) outside a text of 3 code points");
  }

  @Test
  void substring_refusesEndBeforeStart() {
    GapBuffer buf = new GapBuffer("abc");
    assertThatThrownBy(() -> buf.substring(2, 1))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("range [2, 1) outside a text of 3 code points");
  }

  @Test
  void substring_refusesEndBeyondTheText() {
    GapBuffer buf = new GapBuffer(GRIN);
    assertThatThrownBy(() -> buf.substring(0, 2))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("range [0, 2) outside a text of 1 code points");
  }

  @Test
  void growing_beyondInitialCapacityOneCharacterAtATime() {
    GapBuffer buf = new GapBuffer();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      String piece = i % 7 == 0 ? GRIN : String.valueOf((char) ('a' + i % 26));
      buf.insert(buf.length(), piece);
      expected.append(piece);
    }
    assertThat(buf).hasToString(expected.toString());
    assertThat(buf.charLength()).isEqualTo(expected.length());
    assertThat(buf.length()).isEqualTo(expected.codePointCount(0, expected.length()));
  }

  @Test
  void growing_byOneInsertMuchLargerThanTheCapacity() {
    GapBuffer buf = new GapBuffer("<>");
    String big = "x".repeat(100_000) + GRIN;
    buf.insert(1, big);
    assertThat(buf).hasToString("<" + big + ">");
    assertThat(buf.length()).isEqualTo(100_003);
  }

  @Test
  void growing_whileTheGapIsInTheMiddle() {
    GapBuffer buf = new GapBuffer("abcdefghijklmnop"); // fills the minimum capacity
    buf.insert(8, "-".repeat(40));
    buf.insert(4, FAMILY.repeat(10));
    assertThat(buf).hasToString("abcd" + FAMILY.repeat(10) + "efgh" + "-".repeat(40) + "ijklmnop");
  }

  @Test
  void editsFarFromTheGap_plainText() {
    GapBuffer buf = new GapBuffer("0123456789".repeat(100));
    buf.insert(1000, "END");
    buf.insert(0, "START");
    buf.delete(500, 10);
    buf.insert(994, "!");
    buf.delete(0, 5);
    buf.insert(3, "?");
    StringBuilder expected = new StringBuilder("0123456789".repeat(100));
    expected.append("END");
    expected.insert(0, "START");
    expected.delete(500, 510);
    expected.insert(994, "!");
    expected.delete(0, 5);
    expected.insert(3, "?");
    assertThat(buf).hasToString(expected.toString());
  }

  @Test
  void editsFarFromTheGap_withAstralCharacters() {
    String unit = "ab" + GRIN + "c" + FLAG_FR;
    GapBuffer buf = new GapBuffer(unit.repeat(200)); // 6 code points per unit
    buf.insert(1200, FAMILY); // the very end
    buf.insert(0, GRIN); // the very start
    buf.delete(601, 6); // one whole unit in the middle
    buf.insert(3, "x"); // near the start: "ab" of the first unit precede it
    String expected = GRIN + "ab" + "x" + GRIN + "c" + FLAG_FR + unit.repeat(198) + FAMILY;
    assertThat(buf).hasToString(expected);
    assertThat(buf.length()).isEqualTo(expected.codePointCount(0, expected.length()));
    assertThat(buf.substring(1193, 1196)).isEqualTo("c" + FLAG_FR);
    assertThat(buf.substring(1196, 1201)).isEqualTo(FAMILY);
    assertThat(buf.substring(2, 5)).isEqualTo("bx" + GRIN);
  }

  @Test
  void apply_appliesAnOperation() {
    GapBuffer buf = new GapBuffer("hello world");
    buf.apply(OperationCodec.fromJson("[6, \"there\", -5]"));
    assertThat(buf).hasToString("hello there");
    buf.apply(OperationCodec.fromJson("[\"oh, \", 11]"));
    assertThat(buf).hasToString("oh, hello there");
  }

  @Test
  void apply_withAstralText() {
    GapBuffer buf = new GapBuffer("a" + GRIN + "b");
    buf.apply(OperationCodec.fromJson("[1, \"" + FLAG_FR + "\", -1, 1]"));
    assertThat(buf).hasToString("a" + FLAG_FR + "b");
    assertThat(buf.length()).isEqualTo(4);
  }

  @Test
  void apply_severalEditsInOneOperation() {
    GapBuffer buf = new GapBuffer("abcdef");
    TextOperation op = OperationCodec.fromJson("[\"<\", 1, -1, 1, \"X\", -2, 1, \">\"]");
    buf.apply(op);
    assertThat(buf).hasToString(op.apply("abcdef")).hasToString("<acXf>");
  }

  @Test
  void apply_refusesWrongBaseLengthAndLeavesTextUnchanged() {
    GapBuffer buf = new GapBuffer("abc");
    TextOperation op = OperationCodec.fromJson("[\"x\", -4]");
    assertThatThrownBy(() -> buf.apply(op))
        .isInstanceOf(OperationMismatchException.class)
        .hasMessage("operation's base length 4 does not match the buffer's length 3");
    assertThat(buf).hasToString("abc");
    assertThat(buf.length()).isEqualTo(3);
  }

  @Test
  void apply_refusesOperationMadeForUtf16Length() {
    GapBuffer buf = new GapBuffer(GRIN);
    TextOperation op = OperationCodec.fromJson("[1, \"x\", 1]");
    assertThatThrownBy(() -> buf.apply(op))
        .isInstanceOf(OperationMismatchException.class)
        .hasMessage("operation's base length 2 does not match the buffer's length 1");
    assertThat(buf).hasToString(GRIN);
  }

  @Test
  void apply_emptyOperationOnEmptyBuffer() {
    GapBuffer buf = new GapBuffer();
    buf.apply(TextOperation.identity(0));
    assertThat(buf).hasToString("");
  }
}
