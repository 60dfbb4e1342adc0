package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.sync.ShownComment;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.swing.JDialog;
import javax.swing.JTextField;
import javax.swing.SwingUtilities;
import javax.swing.text.Highlighter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Comments in two real windows on one relay: Alice comments on selected text, Bob sees it beside
 * the text and highlighted, replies; the anchor follows Bob's typing; Alice resolves it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CommentsGuiTest {
  private static final String TEXT = "Hello 😀 world\nsecond line\n";

  @TempDir Path dir;
  private TwoWindows w;

  @BeforeEach
  void open() {
    Gui.requireDisplay();
    w = new TwoWindows(dir, TEXT);
  }

  @AfterEach
  void close() {
    if (w != null) {
      w.close();
    }
  }

  /** The text a window's comment {@code index} is about, read through its anchor. */
  private static String anchored(EditorWindow win, int index) {
    return Gui.onEdt(
        () -> {
          ShownComment c = win.session().comments().get(index);
          String text = win.session().text();
          return text.substring(
              text.offsetByCodePoints(0, c.anchor().from()),
              text.offsetByCodePoints(0, c.anchor().to()));
        });
  }

  private static void answer(String dialogTitle, String text) {
    JDialog d = Gui.awaitDialog(dialogTitle);
    Gui.run(
        () -> {
          Gui.find(d, JTextField.class).get(0).setText(text);
          Gui.button(d, "OK").doClick();
        });
  }

  private static Highlighter.Highlight[] highlights(EditorWindow win) {
    return Gui.onEdt(() -> win.textArea().getHighlighter().getHighlights());
  }

  private static boolean highlighted(EditorWindow win, String what) {
    return Gui.onEdt(
        () -> {
          String text = win.textArea().getText();
          for (Highlighter.Highlight h : highlights(win)) {
            if (text.substring(h.getStartOffset(), h.getEndOffset()).equals(what)) {
              return true;
            }
          }
          return false;
        });
  }

  @Test
  void aCommentOnSelectedText_reachesTheOther_followsEdits_takesRepliesAndIsResolved() {
    assertThat(Gui.onEdt(() -> w.alice.comments().isVisible())).isFalse();
    int world = TEXT.indexOf("world");
    Gui.run(() -> w.alice.textArea().select(world, world + 5));
    Gui.clickMenu(w.alice, "Edit", "Comment…");
    answer("Add a comment", "Which world?");

    Gui.await("Bob sees the comment", () -> w.bob.comments().shown().size() == 1);
    Gui.await("Bob's copy is acknowledged", () -> w.bob.comments().shown().get(0).sent());
    assertThat(Gui.onEdt(() -> w.bob.comments().isVisible())).isTrue();
    assertThat(Gui.labels(w.bob.comments())).contains("“world”", "Alice");
    assertThat(anchored(w.bob, 0)).isEqualTo("world");
    Gui.await("highlighted at Bob's", () -> highlighted(w.bob, "world"));

    // Bob types before the commented word and inside it: the anchor keeps its text.
    Gui.run(() -> w.bob.textArea().insert("Big ", 0));
    Gui.run(() -> w.bob.textArea().insert("-", w.bob.textArea().getText().indexOf("world") + 2));
    Gui.await("Alice has Bob's edits", () -> TwoWindows.text(w.alice).startsWith("Big Hello"));
    Gui.await("Alice synced", () -> TwoWindows.synced(w.alice) && TwoWindows.synced(w.bob));
    assertThat(anchored(w.alice, 0)).isEqualTo("wo-rld");
    assertThat(anchored(w.bob, 0)).isEqualTo("wo-rld");
    Gui.await("the highlight moved at Alice's", () -> highlighted(w.alice, "wo-rld"));

    SwingUtilities.invokeLater(() -> Gui.button(w.bob.comments(), "Reply…").doClick());
    answer("Reply", "This one, with a dash.");
    Gui.await(
        "Alice sees the reply",
        () ->
            w.alice.comments().shown().get(0).replies().size() == 1
                && w.alice.comments().shown().get(0).replies().get(0).author().equals("bob"));
    Gui.await(
        "Bob's reply is acknowledged",
        () -> "bob".equals(w.bob.comments().shown().get(0).replies().get(0).author()));
    // One display name per person: Bob's own reply shows as his settings name, as his caret does.
    assertThat(Gui.labels(w.bob.comments())).contains("Bob").doesNotContain("bob");

    Gui.run(() -> Gui.button(w.alice.comments(), "Resolve").doClick());
    Gui.await("resolved at Bob's", () -> w.bob.comments().shown().get(0).resolved());
    Gui.await("no highlight once resolved", () -> !highlighted(w.bob, "wo-rld"));
    assertThat(Gui.labels(w.bob.comments())).contains("<html>Every comment is resolved.</html>");
    Gui.run(() -> Gui.button(w.bob.comments(), "Resolved").doClick());
    Gui.await("the resolved card shows", () -> Gui.labels(w.bob.comments()).contains("“wo-rld”"));
  }
}
