package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalDocument;
import java.awt.Component;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.ListModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What the sidebar and the status bar say about sync and the caret, in two real windows. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StatusDisplayGuiTest {
  @TempDir Path dir;
  private TwoWindows w;

  @BeforeEach
  void open() {
    Gui.requireDisplay();
    w = new TwoWindows(dir, "first line\nsecond line\n");
  }

  @AfterEach
  void close() {
    if (w != null) {
      w.close();
    }
  }

  @Test
  void theSidebarSaysWhatTheStatusBarSays() {
    Gui.run(() -> w.alice.textArea().setCaretPosition(0));
    for (String typed : List.of("a", "bc", "defghi")) {
      Gui.type(w.alice.textArea(), typed);
      Gui.run(
          () ->
              assertThat(sidebarState(w.alice, "doc"))
                  .as("the sidebar, with the status bar at %s", w.alice.statusBar().unsentText())
                  .isEqualTo(expectedSidebarState(w.alice)));
    }
    Gui.await(
        "both synced with Alice's typing",
        Duration.ofSeconds(60),
        () ->
            TwoWindows.synced(w.alice)
                && TwoWindows.synced(w.bob)
                && TwoWindows.text(w.bob).equals(TwoWindows.text(w.alice)));
    Gui.run(
        () -> {
          assertThat(sidebarState(w.alice, "doc"))
              .isEqualTo("synced · rev " + w.alice.session().revision());
          assertThat(sidebarState(w.bob, "doc"))
              .isEqualTo("synced · rev " + w.bob.session().revision());
        });
  }

  @Test
  void catchingUpNeverShowsACountBeforeItKnowsIt() {
    List<String> shown = new CopyOnWriteArrayList<>();
    Gui.run(
        () -> {
          JLabel state = label(w.bob.statusBar(), "status.state");
          state.addPropertyChangeListener("text", e -> shown.add((String) e.getNewValue()));
        });
    w.relay.stop();
    Gui.await("Bob offline", () -> !TwoWindows.synced(w.bob));
    Gui.run(() -> w.alice.textArea().setCaretPosition(0));
    Gui.type(w.alice.textArea(), "while the relay was away ");
    w.relay.restart();
    Gui.await(
        "both synced again",
        Duration.ofSeconds(60),
        () ->
            TwoWindows.synced(w.alice)
                && TwoWindows.synced(w.bob)
                && TwoWindows.text(w.bob).equals(TwoWindows.text(w.alice)));
    assertThat(shown).noneMatch(s -> s.contains(" of 0"));
  }

  @Test
  void theCaretPositionGoesWithTheDeletedDocument() throws Exception {
    Gui.run(() -> w.alice.textArea().setCaretPosition(11)); // line 2
    assertThat(caretTexts(w.alice)).containsExactly("Ln 2, Col 1");
    Gui.onEdt(() -> w.alice.delete("doc")).get(30, TimeUnit.SECONDS);
    assertThat(Gui.onEdt(() -> w.alice.statusBar().stateText())).isEqualTo("No document open");
    assertThat(caretTexts(w.alice)).isEmpty();
  }

  private static List<String> caretTexts(EditorWindow window) {
    return Gui.labels(window.statusBar()).stream().filter(t -> t.startsWith("Ln ")).toList();
  }

  /** What the sidebar's entry for {@code id} says under its title, as drawn. */
  @SuppressWarnings("unchecked")
  private static String sidebarState(EditorWindow window, String id) {
    JList<LocalDocument> list =
        (JList<LocalDocument>)
            Gui.find(window.getContentPane(), JList.class).stream()
                .filter(l -> "documents".equals(l.getName()))
                .findFirst()
                .orElseThrow();
    ListModel<LocalDocument> model = list.getModel();
    for (int i = 0; i < model.getSize(); i++) {
      if (model.getElementAt(i).id().equals(id)) {
        Component cell =
            list.getCellRenderer()
                .getListCellRendererComponent(list, model.getElementAt(i), i, false, false);
        return labelsOf((java.awt.Container) cell).get(1);
      }
    }
    throw new AssertionError(id + " not in the sidebar");
  }

  /** The texts of a renderer's labels (a renderer is never showing itself). */
  private static List<String> labelsOf(java.awt.Container c) {
    List<String> out = new java.util.ArrayList<>();
    for (Component child : c.getComponents()) {
      if (child instanceof JLabel l) {
        out.add(l.getText());
      }
    }
    return out;
  }

  /** The sidebar words that match the status bar's unsent count and the session's revision. */
  private static String expectedSidebarState(EditorWindow window) {
    String unsent = window.statusBar().unsentText();
    long rev = window.session().revision();
    return unsent.equals("all edits sent") ? "synced · rev " + rev : unsent + " · rev " + rev;
  }

  private static JLabel label(Component root, String name) {
    return Gui.find((java.awt.Container) root, JLabel.class).stream()
        .filter(l -> name.equals(l.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no label " + name));
  }
}
