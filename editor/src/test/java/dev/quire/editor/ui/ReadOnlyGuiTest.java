package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.sync.DocumentSession;
import dev.quire.editor.sync.SyncStatus;
import dev.quire.ot.protocol.Role;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.swing.JMenu;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Bob made a viewer of Alice's document: his window only reads it. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadOnlyGuiTest {
  @TempDir Path dir;
  private TwoWindows w;

  @BeforeEach
  void open() {
    Gui.requireDisplay();
    w = new TwoWindows(dir, "shared text\n");
  }

  @AfterEach
  void close() {
    if (w != null) {
      w.close();
    }
  }

  private static JMenu menu(EditorWindow window, String name) {
    return Gui.onEdt(
        () -> {
          for (int i = 0; i < window.getJMenuBar().getMenuCount(); i++) {
            if (window.getJMenuBar().getMenu(i).getText().equals(name)) {
              return window.getJMenuBar().getMenu(i);
            }
          }
          throw new AssertionError("no menu " + name);
        });
  }

  @Test
  void aViewersWindow_refusesTypingInWords_disablesEditing_andNeverGoesIntoError() {
    Gui.run(() -> w.alice.share("doc", "bob", Role.VIEWER));
    Gui.await("Bob's text area read-only", () -> !Gui.onEdt(w.bob.textArea()::isEditable));

    Gui.type(w.bob.textArea(), "xyz");
    Gui.await(
        "the refusal shown",
        () -> Banners.shown(w.bob).stream().anyMatch(b -> b.contains("only read")));
    assertThat(Gui.onEdt(() -> w.bob.textArea().getText())).isEqualTo("shared text\n");
    DocumentSession s = w.bob.session();
    assertThat(Gui.onEdt(() -> s.text().toString())).isEqualTo("shared text\n");
    assertThat(Gui.onEdt(() -> s.status().state())).isNotEqualTo(SyncStatus.State.ERROR);

    JMenu edit = menu(w.bob, "Edit");
    Gui.run(() -> edit.setSelected(true)); // opening the menu checks its items
    assertThat(Gui.onEdt(() -> Gui.menuItem(w.bob, "Edit", "Undo").isEnabled())).isFalse();
    assertThat(Gui.onEdt(() -> Gui.menuItem(w.bob, "Edit", "Replace").isEnabled())).isFalse();
    assertThat(Gui.onEdt(() -> Gui.menuItem(w.bob, "Edit", "Find").isEnabled())).isTrue();
    Gui.run(() -> edit.setSelected(false));

    // given the editor role again, Bob can type
    Gui.run(() -> w.alice.share("doc", "bob", Role.EDITOR));
    Gui.await("Bob's text area editable", () -> Gui.onEdt(w.bob.textArea()::isEditable));
    Gui.run(() -> edit.setSelected(true));
    assertThat(Gui.onEdt(() -> Gui.menuItem(w.bob, "Edit", "Replace").isEnabled())).isTrue();
    Gui.run(() -> edit.setSelected(false));
  }
}
