package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Rectangle;
import java.awt.datatransfer.StringSelection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.fife.ui.rsyntaxtextarea.SyntaxConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Megabytes pasted into a window reach the other window whole, and the window showing them stays
 * usable: past {@link QuireTextArea#PLAIN_ABOVE_CHARS} the text is shown plain (no colours, folding
 * or occurrence marks), and typing still goes both ways.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LargePasteGuiTest {
  @TempDir Path dir;
  private TwoWindows w;

  @AfterEach
  void close() {
    if (w != null) {
      w.close();
    }
  }

  private static String javaText(int chars) {
    StringBuilder b = new StringBuilder("class Big {\n");
    for (int i = 0; b.length() < chars; i++) {
      b.append("  int field").append(i).append(" = ").append(i).append("; // é 😀 \"q\"\n");
    }
    return b.append("}\n").toString();
  }

  @Test
  void aPasteOfMegabytes_reachesTheOtherWindow_andTheWindowShowsItPlain() {
    Gui.requireDisplay();
    w =
        new TwoWindows(
            dir,
            "Big.java",
            "// start\n",
            new Rectangle(0, 0, 680, 600),
            new Rectangle(700, 0, 680, 600));
    assertThat(Gui.onEdt(() -> w.alice.textArea().getSyntaxEditingStyle()))
        .isEqualTo(SyntaxConstants.SYNTAX_STYLE_JAVA);

    String pasted = javaText(3_000_000);
    // What Edit › Paste does with the clipboard's text, without depending on the display's.
    Gui.run(
        () -> {
          QuireTextArea area = w.alice.textArea();
          area.setCaretPosition(area.getDocument().getLength());
          area.getTransferHandler().importData(area, new StringSelection(pasted));
        });
    String expected = "// start\n" + pasted;
    Gui.await(
        "the paste at Bob's",
        Duration.ofSeconds(240),
        () -> TwoWindows.text(w.bob).length() == expected.length());
    assertThat(Gui.onEdt(() -> TwoWindows.text(w.bob))).isEqualTo(expected);
    Gui.await(
        "both synced",
        Duration.ofSeconds(120),
        () -> TwoWindows.synced(w.alice) && TwoWindows.synced(w.bob));

    for (EditorWindow window : new EditorWindow[] {w.alice, w.bob}) {
      QuireTextArea area = window.textArea();
      Gui.await("shown plain", () -> Gui.onEdt(area::plainForSize));
      assertThat(Gui.onEdt(area::getSyntaxEditingStyle))
          .isEqualTo(SyntaxConstants.SYNTAX_STYLE_NONE);
      assertThat(Gui.onEdt(area::isCodeFoldingEnabled)).isFalse();
      assertThat(Gui.onEdt(area::getMarkOccurrences)).isFalse();
      assertThat(Gui.onEdt(area::chosenSyntax)).isEqualTo(SyntaxConstants.SYNTAX_STYLE_JAVA);
    }

    // Still usable both ways: a keystroke at the start of Bob's copy reaches Alice. (Alice's caret
    // after the paste was once sent in UTF-16 units: past the end, it stopped her sync here.)
    Gui.run(() -> w.bob.textArea().setCaretPosition(0));
    Gui.type(w.bob.textArea(), "x");
    Gui.await("Bob's keystroke at Alice's", () -> TwoWindows.text(w.alice).startsWith("x// start"));
    assertThat(Gui.onEdt(() -> w.alice.session().status().error())).isNull();

    // Back under the size, the colours come back.
    Gui.run(() -> w.alice.textArea().replaceRange("", 20, expected.length() - 20));
    Gui.await("coloured again", () -> !Gui.onEdt(w.alice.textArea()::plainForSize));
    assertThat(Gui.onEdt(w.alice.textArea()::getSyntaxEditingStyle))
        .isEqualTo(SyntaxConstants.SYNTAX_STYLE_JAVA);
  }
}
