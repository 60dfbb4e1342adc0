package dev.quire.editor.ui.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.operation.TextOperation;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AuthorSpansTest {
  private static final int ALICE = 0;
  private static final int BOB = 1;
  private static final int CHEN = 2;

  private static TextOperation splice(int length, int at, int delete, String insert) {
    return TextOperation.splice(length, at, delete, insert);
  }

  @Test
  void inserts_areAttributedToTheirAuthorAndNeighboursMerge() {
    AuthorSpans s = new AuthorSpans();
    s.apply(splice(0, 0, 0, "hello"), ALICE);
    s.apply(splice(5, 5, 0, " world"), ALICE);
    s.apply(splice(11, 5, 0, ","), BOB);
    assertThat(s.snapshot().toString()).isEqualTo("[5x0, 1x1, 6x0]");
    assertThat(s.length()).isEqualTo(12);
  }

  @Test
  void deletes_removeAcrossRunsAndRejoinTheSameAuthor() {
    AuthorSpans s = new AuthorSpans();
    s.apply(splice(0, 0, 0, "aaaa"), ALICE);
    s.apply(splice(4, 2, 0, "bb"), BOB);
    assertThat(s.snapshot().toString()).isEqualTo("[2x0, 2x1, 2x0]");
    s.apply(splice(6, 2, 2, ""), CHEN); // deletes carry no author: Bob's text goes
    assertThat(s.snapshot().toString()).isEqualTo("[4x0]");
    s.apply(splice(4, 1, 2, ""), BOB);
    assertThat(s.snapshot().toString()).isEqualTo("[2x0]");
  }

  @Test
  void astralCharacters_countAsOneCodePointEach() {
    String text = "a😀b🇫🇷c👩‍💻";
    AuthorSpans s = new AuthorSpans();
    s.apply(splice(0, 0, 0, text), ALICE);
    int length = text.codePointCount(0, text.length());
    assertThat(s.length()).isEqualTo(length);
    s.apply(splice(length, 2, 0, "🎉"), BOB); // between 😀 and b
    s.apply(splice(length + 1, 5, 2, ""), CHEN); // the flag's two regional indicators
    Attribution a = s.snapshot();
    assertThat(a.toString()).isEqualTo("[2x0, 1x1, 5x0]");
    String after = "a😀🎉bc👩‍💻";
    assertThat(a.length()).isEqualTo(after.codePointCount(0, after.length()));
    // UTF-16 run starts for painting: 'a' + 😀 is 3 chars, 🎉 two more.
    assertThat(a.charStarts(after)).containsExactly(0, 3, 5, after.length());
  }

  @Test
  void charStarts_refusesATextOfAnotherLength() {
    AuthorSpans s = new AuthorSpans();
    s.apply(splice(0, 0, 0, "abc"), ALICE);
    assertThatThrownBy(() -> s.snapshot().charStarts("ab"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 code points");
  }

  @Test
  void apply_refusesAnOperationForAnotherLengthAndChangesNothing() {
    AuthorSpans s = new AuthorSpans();
    s.apply(splice(0, 0, 0, "abc"), ALICE);
    assertThatThrownBy(() -> s.apply(splice(4, 0, 0, "x"), BOB))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("base length 4")
        .hasMessageContaining("length 3");
    assertThat(s.snapshot().toString()).isEqualTo("[3x0]");
  }

  @Test
  void snapshot_restartsReplayAtTheSamePlace() {
    AuthorSpans s = new AuthorSpans();
    s.apply(splice(0, 0, 0, "one two"), ALICE);
    s.apply(splice(7, 3, 1, "-"), BOB);
    AuthorSpans resumed = new AuthorSpans(s.snapshot());
    s.apply(splice(7, 0, 0, ">"), CHEN);
    resumed.apply(splice(7, 0, 0, ">"), CHEN);
    assertThat(resumed.snapshot()).isEqualTo(s.snapshot());
    assertThat(s.snapshot().toString()).isEqualTo("[1x2, 3x0, 1x1, 3x0]");
  }

  /** Random edits by three authors, against a list holding the author of every code point. */
  @Test
  void randomEdits_matchAPerCharacterModel() {
    String[] pieces = {"a", "bc", "😀", "🇫🇷", "e\u0301", "\n", "xyz", "👩‍💻"};
    for (long seed = 1; seed <= 40; seed++) {
      Random rnd = new Random(seed);
      AuthorSpans spans = new AuthorSpans();
      List<Integer> model = new ArrayList<>();
      for (int step = 0; step < 300; step++) {
        int length = model.size();
        int at = rnd.nextInt(length + 1);
        int delete = rnd.nextInt(4) == 0 ? rnd.nextInt(Math.min(6, length - at) + 1) : 0;
        String insert = rnd.nextInt(5) == 0 ? "" : pieces[rnd.nextInt(pieces.length)];
        int author = rnd.nextInt(3);
        spans.apply(splice(length, at, delete, insert), author);
        model.subList(at, at + delete).clear();
        for (int i = 0; i < insert.codePointCount(0, insert.length()); i++) {
          model.add(at, author);
        }
        if (step % 50 == 49) {
          spans = new AuthorSpans(spans.snapshot()); // resuming from a snapshot changes nothing
        }
      }
      Attribution a = spans.snapshot();
      assertThat(a.length()).as("seed %d", seed).isEqualTo(model.size());
      for (int i = 0; i < model.size(); i++) {
        assertThat(a.authorAt(i)).as("seed %d, code point %d", seed, i).isEqualTo(model.get(i));
      }
      for (int r = 1; r < a.runCount(); r++) {
        assertThat(a.runAuthor(r)).isNotEqualTo(a.runAuthor(r - 1));
      }
    }
  }

  @Test
  void attribution_refusesEmptyRunsAndMismatchedArrays() {
    assertThatThrownBy(() -> new Attribution(new int[] {0}, new int[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("length 0");
    assertThatThrownBy(() -> new Attribution(new int[] {1, 2}, new int[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 run lengths but 1");
  }
}
