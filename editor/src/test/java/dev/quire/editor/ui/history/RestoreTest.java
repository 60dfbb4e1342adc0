package dev.quire.editor.ui.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.operation.TextOperation;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RestoreTest {

  @Test
  void change_replacesOnlyWhatDiffers() {
    Restore.Change c = Restore.change("the quick brown fox", "the slow brown fox");
    assertThat(c).isEqualTo(new Restore.Change(19, 4, 5, "slow"));
    assertThat(c.operation().apply("the quick brown fox")).isEqualTo("the slow brown fox");
  }

  @Test
  void change_countsCodePointsAndNeverSplitsASurrogatePair() {
    // 😀 (U+1F600) and 😁 (U+1F601) share their high surrogate.
    String from = "a😀b";
    String to = "a😁b";
    Restore.Change c = Restore.change(from, to);
    assertThat(c).isEqualTo(new Restore.Change(3, 1, 1, "😁"));
    assertThat(c.operation().apply(from)).isEqualTo(to);
    // 🇫🇷 and 🇫🇮 share the first regional indicator (a whole code point): only the second goes.
    Restore.Change flag = Restore.change("x🇫🇷", "x🇫🇮");
    assertThat(flag).isEqualTo(new Restore.Change(3, 2, 1, "🇮"));
  }

  @Test
  void change_ofEqualTextsIsANoop() {
    assertThat(Restore.change("same 😀", "same 😀").operation().isNoop()).isTrue();
    assertThat(Restore.change("", "").operation().isNoop()).isTrue();
  }

  @Test
  void change_toAndFromEmpty() {
    assertThat(Restore.change("", "👩‍💻 hi")).isEqualTo(new Restore.Change(0, 0, 0, "👩‍💻 hi"));
    assertThat(Restore.change("👩‍💻 hi", "")).isEqualTo(new Restore.Change(6, 0, 6, ""));
  }

  @Test
  void change_randomTextsAlwaysApplyToTheTarget() {
    String[] pieces = {"a", "b", "😀", "😁", "🇫🇷", "🇫🇮", "e\u0301", "\n"};
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
    for (int n = rnd.nextInt(8); n > 0; n--) {
      s.append(pieces[rnd.nextInt(pieces.length)]);
    }
    return s.toString();
  }
}
