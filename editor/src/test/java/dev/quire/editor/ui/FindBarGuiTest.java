package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Component;
import java.awt.Container;
import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.swing.JLabel;
import javax.swing.JTextField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The find bar over the text, driven by its keys as a user would. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FindBarGuiTest {
  private static final String TEXT = "one two one\nthree one\nfour one five one\none\n";

  @TempDir Path dir;
  private OneWindow w;

  @BeforeEach
  void open() {
    Gui.requireDisplay();
    w = new OneWindow(dir, "notes.txt", TEXT);
  }

  @AfterEach
  void close() {
    if (w != null) {
      w.close();
    }
  }

  @Test
  void ctrlF_opensTheBarWithTheFocusInItsField() {
    Gui.press(w.area, KeyEvent.VK_F, InputEvent.CTRL_DOWN_MASK);
    JTextField field = field("find.field");
    Gui.await("the focus in the find field", () -> Gui.focusOwner() == field);
  }

  @Test
  void fromTheEnd_theSearchWrapsAndEnterMovesThroughTheMatchesCounting() {
    Gui.run(() -> w.area.setCaretPosition(TEXT.length()));
    Gui.press(w.area, KeyEvent.VK_F, InputEvent.CTRL_DOWN_MASK);
    JTextField field = field("find.field");
    Gui.type(field, "one");
    assertThat(count()).isEqualTo("1 of 6");
    assertThat(selection()).isEqualTo(0);

    Gui.press(field, KeyEvent.VK_ENTER, 0);
    assertThat(count()).isEqualTo("2 of 6");
    assertThat(selection()).isEqualTo(8);
    Gui.press(field, KeyEvent.VK_ENTER, InputEvent.SHIFT_DOWN_MASK);
    Gui.press(field, KeyEvent.VK_ENTER, InputEvent.SHIFT_DOWN_MASK);
    assertThat(count()).as("back past the first, to the last").isEqualTo("6 of 6");
    assertThat(selection()).isEqualTo(TEXT.lastIndexOf("one"));
    assertThat(Gui.onEdt(w.area::getSelectedText)).isEqualTo("one");

    Gui.run(() -> field.setText("seven"));
    assertThat(count()).isEqualTo("No matches");
  }

  @Test
  void escapeClosesTheBarAndLeavesTheMatchSelectedInTheText() {
    Gui.press(w.area, KeyEvent.VK_F, InputEvent.CTRL_DOWN_MASK);
    JTextField field = field("find.field");
    Gui.type(field, "three");
    Gui.press(field, KeyEvent.VK_ESCAPE, 0);
    Gui.await("the bar closed", () -> !field.isShowing());
    Gui.await("the focus back in the text", () -> Gui.focusOwner() == w.area);
    assertThat(Gui.onEdt(w.area::getSelectedText)).isEqualTo("three");
  }

  @Test
  void replace_startsFromTheLastSearchAndReplaceAllUndoesAsOneStep() {
    Gui.press(w.area, KeyEvent.VK_F, InputEvent.CTRL_DOWN_MASK);
    JTextField field = field("find.field");
    Gui.type(field, "one");
    Gui.press(field, KeyEvent.VK_ESCAPE, 0);
    Gui.run(() -> w.area.setCaretPosition(0));

    Gui.press(w.area, KeyEvent.VK_H, InputEvent.CTRL_DOWN_MASK);
    JTextField with = field("find.replaceWith");
    assertThat(Gui.onEdt(() -> field.getText())).isEqualTo("one");
    Gui.type(with, "1️⃣");
    Gui.run(() -> Gui.button(w.window.getContentPane(), "Replace all").doClick());
    String replaced = TEXT.replace("one", "1️⃣");
    assertThat(w.sessionText()).isEqualTo(replaced);
    assertThat(w.viewText()).isEqualTo(replaced);

    Gui.run(w.area::undoLastAction);
    assertThat(w.sessionText()).isEqualTo(TEXT);
  }

  @Test
  void theCountFollowsEditsMadeWhileTheBarIsOpen() {
    Gui.press(w.area, KeyEvent.VK_F, InputEvent.CTRL_DOWN_MASK);
    JTextField field = field("find.field");
    Gui.type(field, "five");
    assertThat(count()).isEqualTo("1 of 1");
    Gui.run(() -> w.window.session().splice(0, 0, "five "));
    Gui.await("the new match counted", () -> count().endsWith(" of 2"));
  }

  @Test
  void ctrlH_inTheFindField_opensTheReplaceRowAndKeepsTheSearch() {
    Gui.press(w.area, KeyEvent.VK_F, InputEvent.CTRL_DOWN_MASK);
    JTextField field = field("find.field");
    Gui.type(field, "one");
    Gui.press(field, KeyEvent.VK_H, InputEvent.CTRL_DOWN_MASK); // a text field's backspace key
    JTextField with = field("find.replaceWith");
    assertThat(Gui.onEdt(() -> field.getText())).isEqualTo("one");
    Gui.await("the focus in the replace field", () -> Gui.focusOwner() == with);
  }

  @Test
  void aMatchFarDownIsScrolledIntoView() {
    Gui.run(() -> w.area.setText("filler\n".repeat(300) + "needle\n"));
    Gui.run(() -> w.area.setCaretPosition(0));
    Gui.press(w.area, KeyEvent.VK_F, InputEvent.CTRL_DOWN_MASK);
    Gui.type(field("find.field"), "needle");
    assertThat(count()).isEqualTo("1 of 1");
    Gui.await(
        "the match in view",
        () -> {
          try {
            java.awt.Rectangle r = w.area.modelToView2D(w.area.getSelectionStart()).getBounds();
            return w.area.getVisibleRect().contains(r);
          } catch (javax.swing.text.BadLocationException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private JTextField field(String name) {
    Gui.await(name + " showing", () -> named(w.window.getContentPane(), name) != null);
    return (JTextField) Gui.onEdt(() -> named(w.window.getContentPane(), name));
  }

  private String count() {
    return Gui.onEdt(() -> ((JLabel) named(w.window.getContentPane(), "find.count")).getText());
  }

  private int selection() {
    return Gui.onEdt(w.area::getSelectionStart);
  }

  private static Component named(Container root, String name) {
    for (Component c : Gui.find(root, Component.class)) {
      if (name.equals(c.getName())) {
        return c;
      }
    }
    return null;
  }
}
