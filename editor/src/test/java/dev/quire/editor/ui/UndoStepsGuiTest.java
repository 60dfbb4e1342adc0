package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What one Ctrl+Z takes back, typed through the text area's own key handling. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UndoStepsGuiTest {
  @TempDir Path dir;
  private OneWindow w;

  @BeforeEach
  void open() {
    Gui.requireDisplay();
    w = new OneWindow(dir, "notes.md", "hello world\n");
  }

  @AfterEach
  void close() {
    if (w != null) {
      w.close();
    }
  }

  @Test
  void typingOverASelection_undoesInOneStep() {
    Gui.run(() -> w.area.select(6, 11)); // "world"
    Gui.type(w.area, "there");
    assertThat(w.sessionText()).isEqualTo("hello there\n");

    Gui.press(w.area, KeyEvent.VK_Z, InputEvent.CTRL_DOWN_MASK);
    assertThat(w.sessionText()).isEqualTo("hello world\n");
    assertThat(w.viewText()).isEqualTo("hello world\n");
    assertThat(Gui.onEdt(w.area::canUndo)).as("nothing left to undo").isFalse();

    Gui.press(w.area, KeyEvent.VK_Y, InputEvent.CTRL_DOWN_MASK);
    assertThat(w.sessionText()).isEqualTo("hello there\n");
  }

  @Test
  void typingOverASelectionAfterOtherTyping_isItsOwnStep() {
    Gui.run(() -> w.area.setCaretPosition(0));
    Gui.type(w.area, "oh ");
    Gui.run(() -> w.area.select(9, 14)); // "world"
    Gui.type(w.area, "you");
    assertThat(w.sessionText()).isEqualTo("oh hello you\n");

    Gui.press(w.area, KeyEvent.VK_Z, InputEvent.CTRL_DOWN_MASK);
    assertThat(w.sessionText()).isEqualTo("oh hello world\n");
    Gui.press(w.area, KeyEvent.VK_Z, InputEvent.CTRL_DOWN_MASK);
    assertThat(w.sessionText()).isEqualTo("hello world\n");
  }
}
