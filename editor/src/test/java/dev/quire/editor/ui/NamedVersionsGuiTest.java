package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.swing.JComboBox;
import javax.swing.JDialog;
import javax.swing.JFrame;
import javax.swing.JTextField;
import javax.swing.SwingUtilities;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Named versions in two real windows on one relay: Alice names the revision shown in her history
 * window; Bob's history window lists the name, and choosing it shows that revision's text.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NamedVersionsGuiTest {
  @TempDir Path dir;
  private TwoWindows w;

  @BeforeEach
  void open() {
    Gui.requireDisplay();
    w = new TwoWindows(dir, "first text\n");
  }

  @AfterEach
  void close() {
    if (w != null) {
      w.close();
    }
  }

  private static JComboBox<?> versionList(JFrame history) {
    return Gui.find(history.getContentPane(), JComboBox.class).stream()
        .filter(c -> "history.versions".equals(c.getName()))
        .findFirst()
        .orElseThrow();
  }

  private static int items(JFrame history) {
    return Gui.onEdt(() -> versionList(history).getItemCount());
  }

  @Test
  void aNameGivenInOneHistoryWindow_isListedInTheOthers_andTakesItToThatRevision() {
    long named = Gui.onEdt(() -> w.alice.session().revision());
    JFrame aliceHistory = Gui.onEdt(w.alice::showHistory);
    JFrame bobHistory = Gui.onEdt(w.bob::showHistory);
    Gui.await("both history windows", () -> aliceHistory.isShowing() && bobHistory.isShowing());
    assertThat(items(bobHistory)).isEqualTo(1); // the prompt alone

    SwingUtilities.invokeLater(() -> Gui.button(aliceHistory, "Name this revision…").doClick());
    JDialog d = Gui.awaitDialog("Name revision " + named);
    Gui.run(
        () -> {
          Gui.find(d, JTextField.class).get(0).setText("sent to the client");
          Gui.button(d, "OK").doClick();
        });

    // Bob writes on; the name stays on the revision Alice saw.
    Gui.run(() -> w.bob.textArea().insert("second text\n", w.bob.textArea().getText().length()));
    Gui.await("the name in Bob's list", () -> items(bobHistory) == 2);
    AtomicReference<String> label = new AtomicReference<>();
    Gui.run(() -> label.set(versionList(bobHistory).getItemAt(1).toString()));
    assertThat(label.get()).isEqualTo("sent to the client — revision " + named);
    Gui.await(
        "acknowledged at Alice's",
        () ->
            items(aliceHistory) == 2
                && !versionList(aliceHistory).getItemAt(1).toString().contains("sending"));

    Gui.await("Bob's history at his head", () -> TwoWindows.synced(w.bob));
    Gui.run(() -> versionList(bobHistory).setSelectedIndex(1));
    Gui.await(
        "Bob's history shows the named revision",
        () ->
            Gui.find(bobHistory.getContentPane(), org.fife.ui.rsyntaxtextarea.RSyntaxTextArea.class)
                .get(0)
                .getText()
                .equals("first text\n"));
    assertThat(Gui.labels(bobHistory)).anyMatch(l -> l.startsWith("Revision " + named + " of"));
  }

  private static javax.swing.JButton removeButton(JFrame history) {
    return Gui.find(history.getContentPane(), javax.swing.JButton.class).stream()
        .filter(b -> "history.removeVersion".equals(b.getName()))
        .findFirst()
        .orElseThrow();
  }

  /** Names the revision shown in {@code history} through the name dialog. */
  private static void name(JFrame history, long revision, String name) {
    SwingUtilities.invokeLater(() -> Gui.button(history, "Name this revision…").doClick());
    JDialog d = Gui.awaitDialog("Name revision " + revision);
    Gui.run(
        () -> {
          Gui.find(d, JTextField.class).get(0).setText(name);
          Gui.button(d, "OK").doClick();
        });
  }

  @Test
  void aNameIsRemovedByWhoGaveIt_afterAQuestionWhoseDefaultIsCancel_andGoesForEveryone() {
    long named = Gui.onEdt(() -> w.alice.session().revision());
    JFrame aliceHistory = Gui.onEdt(w.alice::showHistory);
    JFrame bobHistory = Gui.onEdt(w.bob::showHistory);
    Gui.await("both history windows", () -> aliceHistory.isShowing() && bobHistory.isShowing());
    name(aliceHistory, named, "draft for review");
    Gui.await("the name in Bob's list", () -> items(bobHistory) == 2);
    Gui.await(
        "acknowledged at Alice's",
        () ->
            items(aliceHistory) == 2
                && !versionList(aliceHistory).getItemAt(1).toString().contains("sending"));

    // Bob did not give the name: he cannot remove it.
    Gui.run(() -> versionList(bobHistory).setSelectedIndex(1));
    assertThat(Gui.onEdt(() -> removeButton(bobHistory).isEnabled())).isFalse();

    Gui.run(() -> versionList(aliceHistory).setSelectedIndex(1));
    assertThat(Gui.onEdt(() -> removeButton(aliceHistory).isEnabled())).isTrue();
    SwingUtilities.invokeLater(() -> removeButton(aliceHistory).doClick());
    JDialog question = Gui.awaitDialog("Remove version name");
    assertThat(Gui.onEdt(() -> question.getRootPane().getDefaultButton().getText()))
        .isEqualTo("Cancel");
    Gui.run(() -> Gui.button(question, "Cancel").doClick());
    assertThat(items(aliceHistory)).isEqualTo(2); // Cancel removes nothing

    Gui.run(() -> versionList(aliceHistory).setSelectedIndex(1));
    SwingUtilities.invokeLater(() -> removeButton(aliceHistory).doClick());
    JDialog again = Gui.awaitDialog("Remove version name");
    Gui.run(() -> Gui.button(again, "Remove").doClick());
    assertThat(items(aliceHistory)).isEqualTo(1); // gone here at once
    Gui.await("the name gone from Bob's list", () -> items(bobHistory) == 1);
    Gui.await(
        "the removal acknowledged at Alice's",
        () -> Gui.onEdt(() -> w.alice.session().versions().isEmpty()));
    assertThat(Gui.onEdt(() -> w.bob.session().versions())).isEmpty();
  }
}
