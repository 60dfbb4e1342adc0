package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;

class TextMatchesTest {
  private static TextMatches find(String q, boolean c, boolean w, boolean r, String text) {
    return TextMatches.of(new TextMatches.Query(q, c, w, r), text, "X");
  }

  private static List<Integer> starts(TextMatches m) {
    return m.all().stream().map(TextMatches.Match::start).toList();
  }

  @Test
  void plainSearch_ignoresCaseUnlessAskedAndTakesRegexCharactersLiterally() {
    assertThat(starts(find("ÉTÉ", false, false, false, "été Été ete"))).containsExactly(0, 4);
    assertThat(starts(find("ÉTÉ", true, false, false, "été ÉTÉ"))).containsExactly(4);
    assertThat(starts(find("a.c", false, false, false, "abc a.c"))).containsExactly(4);
  }

  @Test
  void wholeWords_skipsMatchesInsideWords() {
    assertThat(starts(find("one", false, true, false, "one bone one_ one.")))
        .containsExactly(0, 14);
  }

  @Test
  void regex_replacementsUseGroupsAndEmptyMatchesAreSkipped() {
    TextMatches m =
        TextMatches.of(
            new TextMatches.Query("(\\w+)@(\\w+)", false, false, true), "a@b c@d", "$2@$1");
    assertThat(m.all())
        .containsExactly(new TextMatches.Match(0, 3, "b@a"), new TextMatches.Match(4, 7, "d@c"));
    assertThat(find("x*", false, false, true, "ab")).matches(TextMatches::isEmpty);
    assertThatThrownBy(() -> find("(", false, false, true, "ab"))
        .isInstanceOf(PatternSyntaxException.class);
  }

  @Test
  void plainReplacements_areLiteral() {
    TextMatches m = TextMatches.of(new TextMatches.Query("a", false, false, false), "aa", "$1\\");
    assertThat(m.all()).extracting(TextMatches.Match::replacement).containsExactly("$1\\", "$1\\");
  }

  @Test
  void navigation_wrapsAroundTheEnds() {
    TextMatches m = find("o", false, false, false, "o-o-o");
    assertThat(m.firstFrom(5)).isZero();
    assertThat(m.firstFrom(1)).isEqualTo(1);
    assertThat(m.lastBefore(0)).isEqualTo(2);
    assertThat(m.lastBefore(3)).isEqualTo(1);
    assertThat(m.indexOf(4, 5)).isEqualTo(2);
    assertThat(m.indexOf(3, 5)).isEqualTo(-1);
  }
}
