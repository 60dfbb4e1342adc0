package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.sync.DocumentSession;
import dev.quire.editor.sync.SyncStatus;
import dev.quire.ot.protocol.Role;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.swing.JDialog;
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

  /** Bob types while offline; Alice makes him a viewer; he comes back online. */
  private void bobHoldsEditsAsAViewer() throws Exception {
    Gui.run(() -> w.bob.engine().stop());
    Gui.run(() -> w.bob.textArea().setCaretPosition(0));
    Gui.type(w.bob.textArea(), "mine ");
    Gui.await("Bob's edits unsent", () -> Gui.onEdt(() -> w.bob.session().unacknowledged()) == 5);
    Gui.onEdt(() -> w.alice.share("doc", "bob", Role.VIEWER)).get(30, TimeUnit.SECONDS);
    Gui.run(() -> w.bob.engine().start());
    Gui.await(
        "the held edits said",
        () -> Banners.shown(w.bob).stream().anyMatch(b -> b.contains("refuses your 5 unsent")));
    DocumentSession s = w.bob.session();
    assertThat(Gui.onEdt(() -> s.status().state())).isEqualTo(SyncStatus.State.REFUSED);
    assertThat(Gui.onEdt(() -> w.bob.textArea().getText())).isEqualTo("mine shared text\n");
    assertThat(Gui.onEdt(w.bob.textArea()::isEditable)).isFalse();
  }

  @Test
  void heldEdits_copyToANewDocument_keepsThem_andTheDocumentSyncsAsAViewers() throws Exception {
    bobHoldsEditsAsAViewer();
    DocumentSession held = w.bob.session();
    Gui.run(() -> Gui.button(w.bob.getContentPane(), "Copy to a new document").doClick());
    Gui.await(
        "the copy open",
        () -> Gui.onEdt(() -> w.bob.session() != null && !w.bob.session().id().equals("doc")));
    assertThat(Gui.onEdt(() -> w.bob.textArea().getText())).isEqualTo("mine shared text\n");
    assertThat(Gui.onEdt(w.bob.textArea()::isEditable)).isTrue(); // Bob's own document
    Gui.await("doc synced", () -> Gui.onEdt(() -> held.status().isSynced()));
    assertThat(Gui.onEdt(held::text)).isEqualTo("shared text\n");
    Gui.run(() -> w.alice.textArea().insert("more ", 0));
    Gui.await("Bob follows Alice", () -> Gui.onEdt(held::text).equals("more shared text\n"));
  }

  @Test
  void heldEdits_discardMyChanges_asksFirst_thenTheDocumentSyncsAsAViewers() throws Exception {
    bobHoldsEditsAsAViewer();
    javax.swing.AbstractButton discard = Gui.button(w.bob.getContentPane(), "Discard my changes");
    javax.swing.SwingUtilities.invokeLater(discard::doClick); // the question it asks is modal
    JDialog question = Gui.awaitDialog("Discard changes");
    Gui.run(() -> Gui.button(question.getContentPane(), "Discard").doClick());
    Gui.await("back to the relay's text", () -> TwoWindows.text(w.bob).equals("shared text\n"));
    Gui.await("synced", () -> TwoWindows.synced(w.bob));
    Gui.await(
        "the banner gone",
        () -> Banners.shown(w.bob).stream().noneMatch(b -> b.contains("unsent")));
    Gui.run(() -> w.alice.textArea().insert("more ", 0));
    Gui.await("Bob follows Alice", () -> TwoWindows.text(w.bob).equals("more shared text\n"));
  }

  @Test
  void aViewersWindow_refusesTypingInTheStatusBar_disablesEditing_andNeverGoesIntoError() {
    Gui.run(() -> w.alice.share("doc", "bob", Role.VIEWER));
    Gui.await("Bob's text area read-only", () -> !Gui.onEdt(w.bob.textArea()::isEditable));

    Gui.type(w.bob.textArea(), "xyz");
    Gui.await(
        "the refusal said in the status bar",
        () -> Gui.onEdt(w.bob.statusBar()::hintText).contains("only read"));
    assertThat(Gui.onEdt(w.bob.statusBar()::stateText)).contains("Read only");
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
