package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Component;
import java.awt.event.KeyEvent;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.swing.JComponent;
import javax.swing.JDialog;
import javax.swing.SwingUtilities;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** File › Delete… asks first, and only a deliberate click deletes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeleteConfirmationGuiTest {
  @TempDir Path dir;
  private OneWindow w;

  @BeforeEach
  void open() {
    Gui.requireDisplay();
    w = new OneWindow(dir, "notes.md", "keep me\n");
    Gui.await("doc listed", () -> w.window.listedDocuments().size() == 1);
  }

  @AfterEach
  void close() {
    if (w != null) {
      w.close();
    }
  }

  @Test
  void enterInTheDeleteQuestion_cancels() throws Exception {
    Gui.clickMenu(w.window, "File", "Delete…");
    JDialog question = Gui.awaitDialog("Delete document");
    assertThat(Gui.onEdt(() -> question.getRootPane().getDefaultButton().getText()))
        .isEqualTo("Cancel");
    Gui.await(
        "the focus in the question",
        () -> {
          Component f = Gui.focusOwner();
          return f != null && SwingUtilities.isDescendingFrom(f, question);
        });
    Gui.press((JComponent) Gui.focusOwner(), KeyEvent.VK_ENTER, 0);
    Gui.await("the question gone", () -> !question.isShowing());

    Gui.run(() -> {}); // anything the answer queued
    assertThat(Gui.onEdt(() -> w.window.session())).isNotNull();
    assertThat(w.store.documents().get(10, TimeUnit.SECONDS)).hasSize(1);
  }

  @Test
  void theDeleteButton_deletes() {
    Gui.clickMenu(w.window, "File", "Delete…");
    JDialog question = Gui.awaitDialog("Delete document");
    Gui.run(() -> Gui.button(question.getContentPane(), "Delete").doClick());
    Gui.await("the document deleted", () -> w.window.listedDocuments().isEmpty());
    assertThat(Gui.onEdt(() -> w.window.session())).isNull();
  }
}
