package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.swing.JDialog;
import javax.swing.JFrame;
import javax.swing.JSlider;
import javax.swing.SwingUtilities;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Restoring a revision from the History window while someone else works in the document. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestoreCaretsGuiTest {
  private static final String ORIGINAL =
      "HEAD line\n" + "the middle, which nobody changes\n".repeat(5) + "TAIL line\n";
  private static final String MIDDLE_MARK = "nobody changes\nthe middle";

  @TempDir Path dir;
  private TwoWindows w;

  @BeforeEach
  void open() {
    Gui.requireDisplay();
    w = new TwoWindows(dir, ORIGINAL); // revision 1
  }

  @AfterEach
  void close() {
    if (w != null) {
      w.close();
    }
  }

  @Test
  void restoringChangesAtBothEnds_leavesACaretInTheUnchangedMiddleWhereItWas() {
    // Alice changes the first and the last line (revisions 2 and 3).
    Gui.run(() -> w.alice.textArea().replaceRange("head", 0, 4));
    Gui.run(
        () -> {
          int tail = TwoWindows.text(w.alice).lastIndexOf("TAIL");
          w.alice.textArea().replaceRange("tail", tail, tail + 4);
        });
    String edited = ORIGINAL.replace("HEAD", "head").replace("TAIL", "tail");
    Gui.await("Alice's edits at Bob's", () -> TwoWindows.text(w.bob).equals(edited));
    Gui.await("both synced", () -> TwoWindows.synced(w.alice) && TwoWindows.synced(w.bob));

    // Bob's caret in the middle, which the restore does not change.
    int bobAt = edited.indexOf(MIDDLE_MARK) + "nobody ".length();
    Gui.run(() -> w.bob.textArea().setCaretPosition(bobAt));
    String afterBob = edited.substring(bobAt, bobAt + 20);
    Gui.await(
        "Bob's caret at Alice's",
        () ->
            w.alice.textArea().shownPresences().stream()
                .anyMatch(p -> p.selection().head() == bobAt));

    restoreInHistory(w.alice, 1);
    Gui.await("the restore at Bob's", () -> TwoWindows.text(w.bob).equals(ORIGINAL));

    int bobNow = Gui.onEdt(() -> w.bob.textArea().getCaretPosition());
    assertThat(ORIGINAL.substring(bobNow, Math.min(ORIGINAL.length(), bobNow + 20)))
        .as("the text after Bob's caret")
        .isEqualTo(afterBob);
    Gui.await(
        "Bob's caret, as Alice sees it, on the same text",
        Duration.ofSeconds(30),
        () ->
            w.alice.textArea().shownPresences().stream()
                .anyMatch(p -> p.selection().head() == bobNow));
  }

  /** Opens the History window, moves to {@code revision} and restores it, as a user would. */
  private static void restoreInHistory(EditorWindow window, int revision) {
    JFrame history = Gui.onEdt(window::showHistory);
    try {
      JSlider slider = Gui.find(history.getContentPane(), JSlider.class).get(0);
      Gui.await("the history read", () -> slider.getMaximum() >= 3);
      Gui.run(() -> slider.setValue(revision));
      Gui.await(
          "revision " + revision + " shown",
          () ->
              Gui.labels(history.getContentPane()).stream()
                  .anyMatch(t -> t.startsWith("Revision " + revision + " of")));
      var restore = Gui.button(history.getContentPane(), "Restore this revision…");
      SwingUtilities.invokeLater(restore::doClick); // the confirmation is modal
      JDialog confirm = Gui.awaitDialog("Restore revision " + revision);
      Gui.run(() -> Gui.button(confirm.getContentPane(), "Restore").doClick());
      Gui.await("the confirmation closed", () -> !confirm.isShowing());
    } finally {
      Gui.run(history::dispose);
    }
  }
}
