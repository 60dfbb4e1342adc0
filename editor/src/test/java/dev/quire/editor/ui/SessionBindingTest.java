package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.Settings;
import dev.quire.editor.sync.DocumentSession;
import java.awt.Rectangle;
import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.swing.text.SimpleAttributeSet;
import javax.swing.text.StyleConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One window, offline: what the user does in the text area becomes the session's edits. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionBindingTest {
  @TempDir Path dir;
  private EditorWindow window;
  private QuireTextArea area;

  @BeforeEach
  void open() {
    Gui.requireDisplay();
    LocalStore store = LocalStore.open(dir.resolve("profile"));
    store.createDocument("doc", "notes.md", 1, false, DocumentSession.insertsOf("a😀b\n")).join();
    window = EditorApp.show(store, Settings.empty(), new Rectangle(0, 0, 800, 600), false, "doc");
    Gui.await("doc open", () -> window.session() != null);
    area = window.textArea();
  }

  @AfterEach
  void close() throws InterruptedException {
    if (window != null) {
      CountDownLatch closed = new CountDownLatch(1);
      Gui.run(
          () -> {
            window.onClosed(closed::countDown);
            window.close();
          });
      closed.await(30, TimeUnit.SECONDS);
    }
  }

  private String sessionText() {
    return Gui.onEdt(() -> window.session().text());
  }

  @Test
  void askingForADocumentAlreadyOnItsWay_opensItOnce() throws Exception {
    LocalStore store = LocalStore.open(dir.resolve("second"));
    store.createDocument("one", "one.md", 1, false, DocumentSession.insertsOf("one")).join();
    store.createDocument("two", "two.md", 2, false, DocumentSession.insertsOf("two")).join();
    EditorWindow w =
        EditorApp.show(store, Settings.empty(), new Rectangle(0, 0, 600, 400), false, null);
    try {
      Gui.await("a document open", () -> w.session() != null);
      String other = Gui.onEdt(() -> w.session().id().equals("one") ? "two" : "one");
      // As at start, when the window opens the last document and its first list asks for it too:
      // before the fix the second session replaced the first, caret and all, while it was in use.
      var both = Gui.onEdt(() -> List.of(w.openDocument(other), w.openDocument(other)));
      assertThat(both.get(1)).isSameAs(both.get(0));
      DocumentSession shown = both.get(0).get(10, TimeUnit.SECONDS);
      assertThat(shown.id()).isEqualTo(other);
      Gui.run(() -> w.textArea().setCaretPosition(2));
      Gui.run(() -> {}); // whatever was queued behind it
      assertThat(Gui.onEdt(() -> w.session())).isSameAs(shown);
      assertThat(Gui.onEdt(() -> w.textArea().getCaretPosition())).isEqualTo(2);
    } finally {
      CountDownLatch closed = new CountDownLatch(1);
      Gui.run(
          () -> {
            w.onClosed(closed::countDown);
            w.close();
          });
      closed.await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void positionsAfterAnAstralCharacterAreCountedInCodePoints() {
    Gui.run(() -> area.setCaretPosition(3)); // after "a😀": 3 chars, 2 code points
    Gui.type(area, "X");
    assertThat(sessionText()).isEqualTo("a😀Xb\n");
    assertThat(Gui.onEdt(() -> window.session().length())).isEqualTo(5);
    Gui.run(() -> area.replaceSelection("🇫🇷"));
    assertThat(sessionText()).isEqualTo("a😀X🇫🇷b\n");
    assertThat(Gui.onEdt(() -> area.getText())).isEqualTo(sessionText());
  }

  @Test
  void backspaceRemovesAWholeEmojiNeverHalfOfIt() {
    Gui.run(() -> area.setCaretPosition(3));
    Gui.press(area, KeyEvent.VK_BACK_SPACE, 0);
    assertThat(sessionText()).isEqualTo("ab\n");
    assertThat(Gui.onEdt(() -> area.getText())).isEqualTo("ab\n");
    // A range that would cut the pair in two is widened to the whole character.
    Gui.run(() -> area.replaceRange("", 0, 0));
    Gui.run(() -> area.replaceSelection("😀"));
    Gui.run(() -> area.replaceRange("", 1, 2)); // the low half only
    assertThat(sessionText()).isEqualTo(Gui.onEdt(() -> area.getText()));
    assertThat(sessionText()).doesNotContain("\uDE00").doesNotContain("\uD83D");
  }

  @Test
  void aVeryLargePasteArrivesWholeAsSeveralEdits() {
    StringBuilder big = new StringBuilder();
    while (big.length() < 300_000) {
      big.append("line ").append(big.length()).append(" 😀 é\n");
    }
    Gui.run(
        () -> {
          area.selectAll();
          area.replaceSelection(big.toString());
        });
    assertThat(sessionText()).isEqualTo(big.toString());
    assertThat(Gui.onEdt(() -> window.session().unacknowledged())).isGreaterThan(10);
  }

  @Test
  void textAnInputMethodIsComposingIsNotSentUntilCommitted() throws Exception {
    SimpleAttributeSet composed = new SimpleAttributeSet();
    composed.addAttribute(StyleConstants.ComposedTextAttribute, new Object());
    Gui.run(
        () -> {
          try {
            area.getDocument().insertString(1, "ni", composed); // composing "ni"...
            area.getDocument().remove(1, 2);
            area.getDocument().insertString(1, "に", composed); // ...becomes "に"
          } catch (javax.swing.text.BadLocationException e) {
            throw new IllegalStateException(e);
          }
        });
    assertThat(sessionText()).isEqualTo("a😀b\n");
    Gui.run(
        () -> {
          try {
            area.getDocument().remove(1, 1); // the composition ends...
            area.getDocument().insertString(1, "日", null); // ...and its text is committed
          } catch (javax.swing.text.BadLocationException e) {
            throw new IllegalStateException(e);
          }
        });
    assertThat(sessionText()).isEqualTo("a日😀b\n");
  }

  @Test
  void undoAndRedoOfOwnTypingAsOneStep() {
    Gui.run(() -> area.setCaretPosition(0));
    Gui.type(area, "hello");
    assertThat(sessionText()).isEqualTo("helloa😀b\n");
    Gui.press(area, KeyEvent.VK_Z, InputEvent.CTRL_DOWN_MASK);
    assertThat(sessionText()).isEqualTo("a😀b\n");
    assertThat(Gui.onEdt(() -> area.getText())).isEqualTo("a😀b\n");
    Gui.press(area, KeyEvent.VK_Z, InputEvent.CTRL_DOWN_MASK | InputEvent.SHIFT_DOWN_MASK);
    assertThat(sessionText()).isEqualTo("helloa😀b\n");
  }

  @Test
  void ctrlSDoesNothingToTheTextAndSaysEditsAreSaved() {
    Gui.type(area, "x");
    String before = sessionText();
    Gui.press(area, KeyEvent.VK_S, InputEvent.CTRL_DOWN_MASK);
    Gui.await("the reassurance", () -> window.statusBar().hintText().contains("saved"));
    assertThat(sessionText()).isEqualTo(before);
  }

  @Test
  void anEditMadeElsewhereOnTheSessionReachesTheViewAndIsUndoable() {
    Gui.run(() -> window.session().splice(0, 1, "Z"));
    assertThat(Gui.onEdt(() -> area.getText())).isEqualTo("Z😀b\n");
    Gui.run(area::undoLastAction);
    assertThat(sessionText()).isEqualTo("a😀b\n");
    assertThat(Gui.onEdt(() -> area.getText())).isEqualTo("a😀b\n");
  }

  @Test
  void everyEditIsInTheProfileAfterTheWindowCloses() throws Exception {
    Gui.run(() -> area.setCaretPosition(0));
    Gui.type(area, "kept ");
    close();
    window = null;
    try (LocalStore reopened = LocalStore.open(dir.resolve("profile"))) {
      assertThat(reopened.localText("doc").get()).isEqualTo("kept a😀b\n");
    }
  }

  @Test
  void theDarkThemeRecoloursTheText() {
    java.awt.Color light = Gui.onEdt(area::getBackground);
    Gui.run(() -> Themes.apply(area, true));
    java.awt.Color dark = Gui.onEdt(area::getBackground);
    assertThat(dark.getRed() + dark.getGreen() + dark.getBlue())
        .isLessThan(light.getRed() + light.getGreen() + light.getBlue());
  }

  @Test
  void deletingTheOpenDocumentEmptiesTheWindowAndTheProfile() throws Exception {
    Gui.await("doc listed", () -> window.listedDocuments().size() == 1);
    assertThat(Gui.onEdt(() -> window.delete("doc")).get(10, TimeUnit.SECONDS)).isTrue();
    Gui.await("doc gone from the list", () -> window.listedDocuments().isEmpty());
    assertThat(Gui.onEdt(() -> window.session())).isNull();
    assertThat(Gui.onEdt(() -> window.statusBar().stateText())).isEqualTo("No document open");
  }

  @Test
  void anEmojiTypedAsTwoHalvesArrivesWhole() {
    Gui.run(() -> area.setCaretPosition(0));
    Gui.type(area, "\uD83D");
    Gui.type(area, "\uDE03");
    assertThat(sessionText()).isEqualTo("😃a😀b\n");
    assertThat(Gui.onEdt(() -> area.getText())).isEqualTo("😃a😀b\n");
  }

  /**
   * An edit made elsewhere (as a remote one is) that takes the text past {@link
   * QuireTextArea#PLAIN_ABOVE_CHARS} reaches a view already plain and unwrapped, within the same
   * event: switching only after the event laid each edit of a long burst out wrapped and coloured,
   * every line again (half a minute for a 20 MiB document catching up in a window).
   */
  @Test
  void anEditTakingTheTextPastThePlainSize_reachesAPlainUnwrappedView() {
    Gui.run(() -> area.setLineWrap(true));
    assertThat(Gui.onEdt(area::plainForSize)).isFalse();
    assertThat(Gui.onEdt(area::getLineWrap)).isTrue();
    String large = "words on a line\n".repeat(QuireTextArea.PLAIN_ABOVE_CHARS / 16 + 1);
    boolean[] right = new boolean[2];
    Gui.run(
        () -> {
          DocumentSession s = window.session();
          s.edit(dev.quire.ot.operation.TextOperation.builder().retain(4).insert(large).build());
          right[0] = area.plainForSize();
          right[1] = area.getLineWrap();
        });
    assertThat(right[0]).as("plain right after the edit").isTrue();
    assertThat(right[1]).as("wrapped right after the edit").isFalse();
    assertThat(Gui.onEdt(() -> area.getText())).isEqualTo("a😀b\n" + large);
    assertThat(Gui.onEdt(area::chosenLineWrap)).isTrue();
  }

  @Test
  void theHistoryOpensFromTheWindowOnTheOpenDocument() {
    javax.swing.JFrame history = Gui.onEdt(() -> window.showHistory());
    try {
      assertThat(Gui.onEdt(history::getTitle)).isEqualTo("History — notes.md");
      assertThat(Gui.onEdt(history::isShowing)).isTrue();
    } finally {
      Gui.run(history::dispose);
    }
  }
}
