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

  private static <T extends java.awt.Component> T named(
      java.awt.Container root, Class<T> type, String name) {
    return Gui.onEdt(
        () ->
            Gui.find(root, type).stream()
                .filter(c -> name.equals(c.getName()))
                .findFirst()
                .orElse(null));
  }

  private static String roleShown(JDialog d, String user) {
    return Gui.onEdt(
        () -> {
          java.awt.Component c =
              Gui.find(d.getContentPane(), java.awt.Component.class).stream()
                  .filter(x -> ("share.role." + user).equals(x.getName()))
                  .findFirst()
                  .orElse(null);
          if (c instanceof javax.swing.JComboBox<?> box) {
            return (String) box.getSelectedItem();
          }
          return c instanceof javax.swing.JLabel l ? l.getText() : null;
        });
  }

  @Test
  void theDialogListsWhoHasAccess_andTheOwnerChangesAndRemovesARole() {
    Gui.clickMenu(w.alice, "File", "Share…");
    JDialog d = Gui.awaitDialog("Share");
    try {
      Gui.await("the list read", () -> "editor".equals(roleShown(d, "bob")));
      assertThat(roleShown(d, "alice")).isEqualTo("owner");
      java.util.List<String> names =
          Gui.onEdt(
              () ->
                  Gui.find(d.getContentPane(), javax.swing.JLabel.class).stream()
                      .map(javax.swing.JLabel::getName)
                      .filter(n -> n != null && n.startsWith("share.member."))
                      .toList());
      assertThat(names).containsExactly("share.member.alice", "share.member.bob");

      javax.swing.JComboBox<?> role =
          named(d.getContentPane(), javax.swing.JComboBox.class, "share.role.bob");
      Gui.run(() -> role.setSelectedItem("viewer"));
      Gui.await(
          "bob a viewer on the relay",
          () ->
              w.relay
                  .relay()
                  .store()
                  .documents()
                  .role("doc", "bob")
                  .equals(java.util.Optional.of(dev.quire.ot.protocol.Role.VIEWER)));
      Gui.await("the list read again", () -> "viewer".equals(roleShown(d, "bob")));

      javax.swing.JButton remove =
          named(d.getContentPane(), javax.swing.JButton.class, "share.remove.bob");
      Gui.run(remove::doClick);
      Gui.await("bob gone from the list", () -> roleShown(d, "bob") == null);
      assertThat(w.relay.relay().store().documents().role("doc", "bob")).isEmpty();
      assertThat(roleShown(d, "alice")).isEqualTo("owner");
    } finally {
      Gui.run(d::dispose);
    }
  }

  @Test
  void someoneNotTheOwner_seesTheListWithoutControls() {
    Gui.clickMenu(w.bob, "File", "Share…");
    JDialog d = Gui.awaitDialog("Share");
    try {
      Gui.await("the list read", () -> "editor".equals(roleShown(d, "bob")));
      assertThat(named(d.getContentPane(), javax.swing.JButton.class, "share.remove.bob")).isNull();
      assertThat(roleShown(d, "alice")).isEqualTo("owner");
    } finally {
      Gui.run(d::dispose);
    }
  }

  @Test
  void offline_theListSaysItCannotBeRead_andIsReadWhenTheRelayIsBack() {
    w.relay.stop();
    Gui.await("offline", () -> !w.alice.engine().isConnected());
    Gui.clickMenu(w.alice, "File", "Share…");
    JDialog d = Gui.awaitDialog("Share");
    try {
      Gui.await(
          "the list says it cannot be read offline",
          () ->
              Gui.labels(d.getContentPane()).stream()
                  .anyMatch(l -> l.contains("offline") && l.contains("when the relay is back")));
      w.relay.restart();
      Gui.await(
          "the list read once the relay is back",
          java.time.Duration.ofSeconds(60),
          () -> "editor".equals(roleShown(d, "bob")));
      assertThat(Gui.labels(d.getContentPane())).noneMatch(l -> l.contains("offline"));
    } finally {
      Gui.run(d::dispose);
    }
  }
}
