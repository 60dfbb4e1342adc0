package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SurrogateIndexTest {
  private static final String[] PIECES = {"a", "bc", "😀", "🇫🇷", "é", "\n", "x😀y", ""};

  /** Random inserts and removals at code point boundaries; every conversion checked by counting. */
  @Test
  void conversionsMatchCountingTheTextAfterEveryEdit() {
    for (long seed = 0; seed < 200; seed++) {
      Random r = new Random(seed);
      StringBuilder text = new StringBuilder("start 😀 end");
      SurrogateIndex index = new SurrogateIndex();
      index.reset(text);
      for (int step = 0; step < 60; step++) {
        int cps = text.codePointCount(0, text.length());
        int at = text.offsetByCodePoints(0, r.nextInt(cps + 1));
        if (r.nextInt(3) == 0 && at < text.length()) {
          int n = Math.min(1 + r.nextInt(3), text.codePointCount(at, text.length()));
          int end = text.offsetByCodePoints(at, n);
          text.delete(at, end);
          index.removed(at, end - at);
        } else {
          String piece = PIECES[r.nextInt(PIECES.length)];
          text.insert(at, piece);
          index.inserted(at, piece);
        }
        check(text, index, seed);
      }
    }
  }

  private static void check(StringBuilder text, SurrogateIndex index, long seed) {
    int cp = 0;
    for (int offset = 0; offset <= text.length(); ) {
      assertThat(index.toCodePoint(offset)).as("seed %d, offset %d", seed, offset).isEqualTo(cp);
      assertThat(index.toOffset(cp)).as("seed %d, cp %d", seed, cp).isEqualTo(offset);
      if (offset == text.length()) {
        break;
      }
      offset += Character.charCount(text.codePointAt(offset));
      cp++;
    }
  }

  @Test
  void aTextWithoutPairsIsEmptyAndMapsToItself() {
    SurrogateIndex index = new SurrogateIndex();
    index.reset("plain text");
    assertThat(index.isEmpty()).isTrue();
    assertThat(index.toOffset(7)).isEqualTo(7);
    index.inserted(3, "😀");
    assertThat(index.size()).isEqualTo(1);
    assertThat(index.toOffset(4)).isEqualTo(5);
    index.removed(3, 2);
    assertThat(index.isEmpty()).isTrue();
  }
}
