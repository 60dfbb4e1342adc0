package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalDocument;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.swing.JDialog;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JTextField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * File > New encrypted document: the document is created encrypted, with its first key; the sidebar
 * shows a padlock on it (not on the others) and the window title says it is encrypted.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EncryptedDocumentGuiTest {
  @TempDir Path dir;
  private OneWindow w;

  @BeforeEach
  void open() {
    Gui.requireDisplay();
    w = new OneWindow(dir, "plain.md", "plain text\n");
  }

  @AfterEach
  void close() {
    if (w != null) {
      w.close();
    }
  }

  @SuppressWarnings("unchecked")
  private JList<LocalDocument> sidebarList() {
    return (JList<LocalDocument>)
        Gui.find(w.window.getContentPane(), JList.class).stream()
            .filter(l -> "documents".equals(l.getName()))
            .findFirst()
            .orElseThrow();
  }

  /** The icon the sidebar draws beside the title of the document at {@code index}. */
  private Object titleIcon(int index) {
    JList<LocalDocument> list = sidebarList();
    return Gui.onEdt(
        () -> {
          java.awt.Component c =
              list.getCellRenderer()
                  .getListCellRendererComponent(
                      list, list.getModel().getElementAt(index), index, false, false);
          JLabel title = (JLabel) ((java.awt.Container) c).getComponent(0);
          return title.getIcon();
        });
  }

  @Test
  void anEncryptedDocumentsTitle_isSealedOnTheRelay_andAMembersSidebarShowsItDecrypted()
      throws Exception {
    try (TwoWindows two = new TwoWindows(dir.resolve("two"), "")) {
      Gui.clickMenu(two.alice, "File", "New encrypted document…");
      JDialog ask = Gui.awaitDialog("New document");
      Gui.run(
          () -> {
            Gui.find(ask.getContentPane(), JTextField.class).get(0).setText("Okapi plans.md");
            Gui.button(ask.getContentPane(), "OK").doClick();
          });
      Gui.await("opened", () -> Gui.onEdt(() -> two.alice.getTitle()).startsWith("Okapi plans.md"));
      String id = Gui.onEdt(() -> two.alice.session().id());
      var documents = two.relay.relay().store().documents();
      Gui.await(
          "created on the relay, its title sealed",
          () -> documents.find(id).map(r -> r.sealedTitle() != null).orElse(false));
      assertThat(documents.find(id).orElseThrow().title())
          .isEqualTo(dev.quire.ot.protocol.SealedTitle.PLACEHOLDER);

      Gui.onEdt(() -> two.alice.share(id, "bob", dev.quire.ot.protocol.Role.EDITOR))
          .get(30, TimeUnit.SECONDS);
      Gui.await(
          "bob's sidebar shows the title decrypted",
          () ->
              Gui.onEdt(
                  () ->
                      two.bob.listedDocuments().stream()
                          .anyMatch(d -> d.id().equals(id) && d.title().equals("Okapi plans.md"))));
      assertThat(Gui.onEdt(() -> two.bob.isEncrypted(id))).isTrue();
      assertThat(
              Gui.onEdt(
                  () -> two.bob.listedDocuments().stream().map(LocalDocument::title).toList()))
          .doesNotContain(dev.quire.ot.protocol.SealedTitle.PLACEHOLDER);
    }
  }

  @Test
  void newEncryptedDocument_isCreatedEncrypted_andShowsALock() throws Exception {
    Gui.clickMenu(w.window, "File", "New encrypted document…");
    JDialog ask = Gui.awaitDialog("New document");
    Gui.run(
        () -> {
          Gui.find(ask.getContentPane(), JTextField.class).get(0).setText("Secret plans.md");
          Gui.button(ask.getContentPane(), "OK").doClick();
        });
    Gui.await("listed", () -> Gui.onEdt(() -> w.window.listedDocuments().size()) == 2);
    Gui.await("opened", () -> Gui.onEdt(() -> w.window.getTitle()).startsWith("Secret plans.md"));
    assertThat(Gui.onEdt(() -> w.window.getTitle())).contains("(encrypted)");
    String id =
        Gui.onEdt(
            () ->
                w.window.listedDocuments().stream()
                    .filter(d -> d.title().equals("Secret plans.md"))
                    .findFirst()
                    .orElseThrow()
                    .id());
    assertThat(Gui.onEdt(() -> w.window.isEncrypted(id))).isTrue();
    assertThat(Gui.onEdt(() -> w.window.isEncrypted("doc"))).isFalse();
    int encryptedAt =
        Gui.onEdt(() -> w.window.listedDocuments().stream().map(LocalDocument::id).toList())
            .indexOf(id);
    assertThat(titleIcon(encryptedAt)).isInstanceOf(DocumentSidebar.LockIcon.class);
    assertThat(titleIcon(1 - encryptedAt)).isNull();
    // Its first key is in the profile.
    assertThat(dev.quire.editor.crypto.Keyring.load(w.store).get().key(id, 1)).isPresent();

    Path shot = Path.of("target", "screenshots", "encrypted-document.png");
    Files.createDirectories(shot.getParent());
    BufferedImage image =
        Gui.onEdt(
            () -> {
              BufferedImage img =
                  new BufferedImage(
                      w.window.getWidth(), w.window.getHeight(), BufferedImage.TYPE_INT_RGB);
              w.window.getRootPane().paint(img.getGraphics());
              return img;
            });
    ImageIO.write(image, "png", shot.toFile());
  }
}
