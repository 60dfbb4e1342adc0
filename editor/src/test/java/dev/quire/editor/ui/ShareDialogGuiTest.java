package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.swing.JDialog;
import javax.swing.JTextField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** File › Share… in Alice's window, with Bob's on the same relay. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShareDialogGuiTest {
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

  @Test
  void theNameFieldHasTheFocusWhenTheDialogOpens() {
    Gui.clickMenu(w.alice, "File", "Share…");
    JDialog d = Gui.awaitDialog("Share");
    try {
      JTextField field = Gui.find(d.getContentPane(), JTextField.class).get(0);
      Gui.await("the focus in the name field", () -> Gui.focusOwner() == field);
    } finally {
      Gui.run(d::dispose);
    }
  }

  @Test
  void anEmptyOrBadName_isRefusedInTheDialogInWords() {
    Gui.clickMenu(w.alice, "File", "Share…");
    JDialog d = Gui.awaitDialog("Share");
    try {
      JTextField field = Gui.find(d.getContentPane(), JTextField.class).get(0);
      for (String name : List.of("", "Bob Smith!")) {
        Gui.run(() -> field.setText(name));
        Gui.run(() -> d.getRootPane().getDefaultButton().doClick());
        assertThat(Gui.onEdt(d::isShowing)).as("the dialog stays open for %s", name).isTrue();
        String said = String.join(" ", Gui.labels(d.getContentPane()));
        assertThat(said).contains("user name").doesNotContain("[a-z").doesNotContain("match");
      }
      assertThat(Banners.shown(w.alice)).isEmpty();
    } finally {
      Gui.run(d::dispose);
    }
  }

  @Test
  void aRefusedShareLeavesABannerThatALaterSuccessClears() {
    Banners.shareThroughDialog(w.alice, "nobody");
    Gui.await(
        "the refusal in a banner",
        () -> Banners.shown(w.alice).stream().anyMatch(b -> b.contains("nobody")));

    Banners.shareThroughDialog(w.alice, "bob");
    Gui.await(
        "the share confirmed", () -> w.alice.statusBar().hintText().equals("Shared with bob"));
    assertThat(Banners.shown(w.alice)).isEmpty();
  }
}
