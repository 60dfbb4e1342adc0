package dev.quire.editor.ui.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.cursor.Selection;
import dev.quire.ot.operation.TextOperation;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RestoreTest {

  @Test
  void change_replacesOnlyWhatDiffers() {
    Restore.Change c = Restore.change("the quick brown fox", "the slow brown fox");
    assertThat(c.operation().apply("the quick brown fox")).isEqualTo("the slow brown fox");
    assertThat(c.hunks()).allSatisfy(h -> assertThat(h.position()).isBetween(4, 9));
    assertThat(c.hunks().stream().mapToInt(Restore.Hunk::deleted).sum()).isLessThanOrEqualTo(5);
  }

  @Test
  void change_atBothEnds_retainsTheMiddleAndTheCaretsInIt() {
    String middle = "the middle, which nobody changes\n".repeat(5);
    String current = "head line\n" + middle + "tail line\n";
    String target = "HEAD line\n" + middle + "TAIL line\n";
    Restore.Change c = Restore.change(current, target);
    assertThat(c.hunks())
        .containsExactly(
            new Restore.Hunk(0, 4, "HEAD"), new Restore.Hunk(10 + middle.length(), 4, "TAIL"));
    int caret = 10 + middle.indexOf("nobody");
    assertThat(Selection.caret(caret).transform(c.operation(), false).head()).isEqualTo(caret);
  }

  @Test
  void change_ofLinesInserted_keepsTheLinesAround() {
    String current = "a\nb\nc\nd\n";
    String target = "a\nb\nnew\nc\nd\n";
    Restore.Change c = Restore.change(current, target);
    assertThat(c.hunks()).containsExactly(new Restore.Hunk(4, 0, "new\n"));
  }

  @Test
  void change_countsCodePointsAndNeverSplitsASurrogatePair() {
    // 😀 (U+1F600) and 😁 (U+1F601) share their high surrogate.
    String from = "a😀b";
    String to = "a😁b";
    Restore.Change c = Restore.change(from, to);
    assertThat(c).isEqualTo(new Restore.Change(3, List.of(new Restore.Hunk(1, 1, "😁"))));
    assertThat(c.operation().apply(from)).isEqualTo(to);
    // 🇫🇷 and 🇫🇮 share the first regional indicator (a whole code point): only the second goes.
    Restore.Change flag = Restore.change("x🇫🇷", "x🇫🇮");
    assertThat(flag).isEqualTo(new Restore.Change(3, List.of(new Restore.Hunk(2, 1, "🇮"))));
  }

  @Test
  void change_ofEqualTextsIsANoop() {
    assertThat(Restore.change("same 😀", "same 😀").isEmpty()).isTrue();
    assertThat(Restore.change("same 😀", "same 😀").operation().isNoop()).isTrue();
    assertThat(Restore.change("", "").operation().isNoop()).isTrue();
  }

  @Test
  void change_toAndFromEmpty() {
    assertThat(Restore.change("", "👩‍💻 hi"))
        .isEqualTo(new Restore.Change(0, List.of(new Restore.Hunk(0, 0, "👩‍💻 hi"))));
    assertThat(Restore.change("👩‍💻 hi", ""))
        .isEqualTo(new Restore.Change(6, List.of(new Restore.Hunk(0, 6, ""))));
  }

  @Test
  void change_ofVeryManyLines_stillReachesTheTarget() {
    StringBuilder from = new StringBuilder();
    StringBuilder to = new StringBuilder();
    for (int i = 0; i < Restore.MAX_DIFF_LINES + 10; i++) {
      from.append("line ").append(i).append('\n');
      to.append("line ").append(i * 7).append('\n');
    }
    String f = "same start\n" + from;
    String t = "same start\n" + to;
    assertThat(Restore.change(f, t).operation().apply(f)).isEqualTo(t);
  }

  @Test
  void change_randomTextsAlwaysApplyToTheTarget() {
    String[] pieces = {"a", "b", "😀", "😁", "🇫🇷", "🇫🇮", "e\u0301", "\n", "ab\n", "\n\n"};
    Random rnd = new Random(7);
    for (int i = 0; i < 2000; i++) {
      String from = random(rnd, pieces);
      String to = random(rnd, pieces);
      TextOperation op = Restore.change(from, to).operation();
      assertThat(op.apply(from)).as("%s -> %s", from, to).isEqualTo(to);
    }
  }

  private static String random(Random rnd, String[] pieces) {
    StringBuilder s = new StringBuilder();
    for (int n = rnd.nextInt(16); n > 0; n--) {
      s.append(pieces[rnd.nextInt(pieces.length)]);
    }
    return s.toString();
  }
}
