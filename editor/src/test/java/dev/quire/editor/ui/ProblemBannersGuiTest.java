package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.sync.SyncEngine;
import dev.quire.ot.protocol.Role;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A problem banner belongs to its document, and the user can close it. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProblemBannersGuiTest {
  @TempDir Path dir;
  private TwoWindows w;
  private String other;

  @BeforeEach
  void open() throws Exception {
    Gui.requireDisplay();
    w = new TwoWindows(dir, "shared text\n");
    // A second document, Alice's, shared with Bob; Alice goes back to the first.
    other = Gui.onEdt(() -> w.alice.create("other.md", "other text\n")).get(30, TimeUnit.SECONDS);
    Gui.await(
        "other.md on the relay",
        () -> TwoWindows.synced(w.alice) && other.equals(w.alice.session().id()));
    Gui.onEdt(() -> w.alice.share(other, "bob", Role.EDITOR)).get(30, TimeUnit.SECONDS);
    Gui.await(
        "other.md in Bob's list",
        () -> w.bob.listedDocuments().stream().anyMatch(d -> d.id().equals(other)));
    Gui.onEdt(() -> w.alice.openDocument("doc")).get(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() {
    if (w != null) {
      w.close();
    }
  }

  @Test
  void aProblemWithADeletedDocument_isNotShownOverAnother() throws Exception {
    List<String> problems = new CopyOnWriteArrayList<>();
    SyncEngine engine = Gui.onEdt(() -> w.bob.engine());
    engine.addListener(
        new SyncEngine.Listener() {
          @Override
          public void problem(String doc, String message) {
            problems.add(doc + ": " + message);
          }
        });
    // Bob may edit "doc" but not delete it on the relay: the relay refuses, about "doc".
    // Bob opens another document at once; the refusal arrives while it is open.
    Gui.onEdt(() -> w.bob.delete("doc")).get(30, TimeUnit.SECONDS);
    Gui.onEdt(() -> w.bob.openDocument(other)).get(30, TimeUnit.SECONDS);
    Gui.await("the relay's refusal", () -> problems.stream().anyMatch(p -> p.startsWith("doc: ")));
    Gui.run(() -> {}); // the window hears of it on the event thread too, after this listener
    assertThat(Gui.onEdt(() -> w.bob.session().id())).isEqualTo(other);
    assertThat(Banners.shown(w.bob)).isEmpty();
  }

  @Test
  void aBannerStaysWithItsDocumentAndItsCloseButtonClosesIt() throws Exception {
    Banners.shareThroughDialog(w.alice, "nobody");
    Gui.await("the refusal in a banner", () -> Banners.shown(w.alice).size() == 1);

    Gui.onEdt(() -> w.alice.openDocument(other)).get(30, TimeUnit.SECONDS);
    assertThat(Banners.shown(w.alice)).as("on another document").isEmpty();
    Gui.onEdt(() -> w.alice.openDocument("doc")).get(30, TimeUnit.SECONDS);
    assertThat(Banners.shown(w.alice)).as("back on its own").hasSize(1);

    Gui.run(() -> Gui.button(w.alice.getContentPane(), "×").doClick());
    assertThat(Banners.shown(w.alice)).isEmpty();
    Gui.onEdt(() -> w.alice.openDocument(other)).get(30, TimeUnit.SECONDS);
    Gui.onEdt(() -> w.alice.openDocument("doc")).get(30, TimeUnit.SECONDS);
    assertThat(Banners.shown(w.alice)).as("closed for good").isEmpty();
  }
}
