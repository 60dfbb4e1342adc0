package dev.quire.ot.operation;

import static dev.quire.ot.operation.UnicodeSamples.ACUTE;
import static dev.quire.ot.operation.UnicodeSamples.CJK;
import static dev.quire.ot.operation.UnicodeSamples.CLEF;
import static dev.quire.ot.operation.UnicodeSamples.E_ACUTE;
import static dev.quire.ot.operation.UnicodeSamples.FAMILY;
import static dev.quire.ot.operation.UnicodeSamples.FLAG_FR;
import static dev.quire.ot.operation.UnicodeSamples.GIRL;
import static dev.quire.ot.operation.UnicodeSamples.GRIN;
import static dev.quire.ot.operation.UnicodeSamples.REGIONAL_F;
import static dev.quire.ot.operation.UnicodeSamples.REGIONAL_R;
import static dev.quire.ot.operation.UnicodeSamples.WOMAN;
import static dev.quire.ot.operation.UnicodeSamples.ZWJ;
import static dev.quire.ot.operation.UnicodeSamples.assertWellFormed;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Positions and lengths are code points: emoji, flags, ZWJ sequences, combining marks and CJK mixed
 * with ASCII. Cutting inside a grapheme (between regional indicators, at a ZWJ, before a combining
 * mark) is allowed, cutting inside a surrogate pair is impossible.
 */
class UnicodeTest {

  private static TextOperation.Builder b() {
    return TextOperation.builder();
  }

  @Test
  void insertAfterEmoji_positionCountsEmojiAsOne() {
    TextOperation op = b().retain(2).insert("X").retain(1).build();
    assertThat(op.apply("a" + GRIN + "b")).isEqualTo("a" + GRIN + "Xb");
  }

  @Test
  void deleteEmoji_removesBothSurrogates() {
    TextOperation op = b().retain(1).delete(1).retain(1).build();
    assertThat(op.apply("a" + GRIN + "b")).isEqualTo("ab");
  }

  @Test
  void insertEmoji_targetLengthGrowsByOne() {
    TextOperation op = b().retain(3).insert(GRIN).build();
    assertThat(op.targetLength()).isEqualTo(4);
    assertThat(op.apply("abc")).isEqualTo("abc" + GRIN);
  }

  @Test
  void flag_isTwoCodePoints_deletingOneLeavesALoneRegionalIndicator() {
    // Positions are code points, not graphemes: a flag can be cut in half, and what is left is
    // still valid Unicode (a lone regional indicator).
    assertThat(b().delete(1).retain(1).build().apply(FLAG_FR)).isEqualTo(REGIONAL_R);
    assertThat(b().retain(1).delete(1).build().apply(FLAG_FR)).isEqualTo(REGIONAL_F);
  }

  @Test
  void flag_insertBetweenRegionalIndicators() {
    String result = b().retain(1).insert("-").retain(1).build().apply(FLAG_FR);
    assertThat(result).isEqualTo(REGIONAL_F + "-" + REGIONAL_R);
    assertWellFormed(result);
  }

  @Test
  void zwjSequence_isFiveCodePoints_deletingAJoinerSplitsTheFamily() {
    assertThat(CodePoints.count(FAMILY)).isEqualTo(5);
    TextOperation op = b().retain(1).delete(1).retain(3).build();
    assertThat(op.apply(FAMILY)).isEqualTo(WOMAN + WOMAN + ZWJ + GIRL);
  }

  @Test
  void zwjSequence_insertAtEveryPositionStaysWellFormed() {
    for (int at = 0; at <= 5; at++) {
      String result = b().retain(at).insert(GRIN).retain(5 - at).build().apply(FAMILY);
      assertWellFormed(result);
      assertThat(CodePoints.count(result)).isEqualTo(6);
    }
  }

  @Test
  void combiningMark_isItsOwnCodePoint() {
    assertThat(b().retain(1).delete(1).build().apply(E_ACUTE)).isEqualTo("e");
    assertThat(b().retain(1).insert(ACUTE).build().apply("e")).isEqualTo(E_ACUTE);
  }

  @Test
  void combiningMark_insertBetweenBaseAndMark() {
    assertThat(b().retain(1).insert("x").retain(1).build().apply(E_ACUTE)).isEqualTo("ex" + ACUTE);
  }

  @Test
  void cjk_mixedWithAscii() {
    TextOperation op = TextOperation.splice(5, 1, 2, "\u8A9E"); // 語
    assertThat(op.apply("a" + CJK + "bc")).isEqualTo("a\u8A9Ebc");
  }

  @Test
  void mixedText_spliceAtEveryPositionKeepsCharactersWhole() {
    String doc = "a" + GRIN + CJK + FLAG_FR + E_ACUTE + FAMILY + CLEF + "z";
    int n = CodePoints.count(doc);
    assertThat(n).isEqualTo(15);
    for (int at = 0; at <= n; at++) {
      for (int del = 0; at + del <= n; del++) {
        TextOperation op = TextOperation.splice(n, at, del, GRIN);
        String result = op.apply(doc);
        assertWellFormed(result);
        assertThat(CodePoints.count(result)).isEqualTo(op.targetLength());
        String expected = CodePoints.prefix(doc, at) + GRIN + CodePoints.suffix(doc, at + del);
        assertThat(result).isEqualTo(expected);
        TextOperation inverse = op.invert(doc);
        assertWellFormed(inverse.toString());
        assertThat(inverse.apply(result)).isEqualTo(doc);
      }
    }
  }

  @Test
  void compose_secondDeletesOneCodePointOfAnInsertedFlag() {
    TextOperation a = b().insert(GRIN + FLAG_FR).build(); // 3 code points
    TextOperation second = b().retain(1).delete(1).retain(1).build();
    TextOperation c = a.compose(second);
    assertThat(c.components()).containsExactly(Component.Insert.of(GRIN + REGIONAL_R));
    assertThat(c.targetLength()).isEqualTo(2);
  }

  @Test
  void compose_secondKeepsAPrefixOfAnInsertedZwjSequence() {
    TextOperation a = b().insert(FAMILY).build();
    TextOperation second = b().retain(2).delete(3).build();
    TextOperation c = a.compose(second);
    assertThat(c.components()).containsExactly(Component.Insert.of(WOMAN + ZWJ));
    assertWellFormed(c.apply(""));
  }

  @Test
  void compose_cutsInsertsOfAstralTextAtEveryPosition() {
    String inserted = GRIN + CLEF + FLAG_FR + FAMILY; // 9 code points
    TextOperation a = b().retain(1).insert(inserted).retain(1).build();
    for (int at = 0; at <= 10; at++) {
      for (int del = 0; at + del <= 11; del++) {
        TextOperation second = TextOperation.splice(11, at, del, "");
        TextOperation c = a.compose(second);
        String result = c.apply("<>");
        assertWellFormed(result);
        assertThat(result).isEqualTo(second.apply(a.apply("<>")));
        for (Component comp : c.components()) {
          if (comp instanceof Component.Insert ins) {
            assertWellFormed(ins.text());
            assertThat(ins.length()).isEqualTo(CodePoints.count(ins.text()));
          }
        }
      }
    }
  }

  @Test
  void transform_withAstralText() {
    String doc = GRIN + GRIN;
    TextOperation a = b().retain(1).insert("X").retain(1).build();
    TextOperation del = b().retain(1).delete(1).build();
    TransformedPair pair = TextOperation.transform(a, del);
    assertThat(pair.aPrime()).hasToString("[1, \"X\"]");
    assertThat(pair.bPrime()).hasToString("[2, -1]");
    assertThat(pair.bPrime().apply(a.apply(doc))).isEqualTo(GRIN + "X");
    assertThat(pair.aPrime().apply(del.apply(doc))).isEqualTo(GRIN + "X");
  }

  @Test
  void transform_insertInsertTieWithEmojiKeepsOrderAndPairs() {
    TextOperation a = b().retain(1).insert(FLAG_FR).retain(1).build();
    TextOperation c = b().retain(1).insert(FAMILY).retain(1).build();
    TransformedPair pair = TextOperation.transform(a, c);
    String doc = CJK;
    String expected = CJK.substring(0, 1) + FLAG_FR + FAMILY + CJK.substring(1);
    assertThat(pair.bPrime().apply(a.apply(doc))).isEqualTo(expected);
    assertThat(pair.aPrime().apply(c.apply(doc))).isEqualTo(expected);
  }

  @Test
  void invert_deleteOfPartOfAZwjSequence() {
    TextOperation op = b().retain(2).delete(2).retain(1).build();
    TextOperation inverse = op.invert(FAMILY);
    assertThat(inverse.components())
        .containsExactly(
            new Component.Retain(2), Component.Insert.of(WOMAN + ZWJ), new Component.Retain(1));
    assertThat(inverse.apply(op.apply(FAMILY))).isEqualTo(FAMILY);
  }
}
