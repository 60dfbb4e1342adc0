package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalDocument;
import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.Settings;
import dev.quire.editor.sync.DocumentSession;
import java.awt.Rectangle;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.swing.SwingUtilities;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The window's document list follows the profile by events, with no timer reading the store: a
 * document created or renamed elsewhere (straight in the store, or through another session) shows
 * as soon as it is committed, and the open document's entry follows its session.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DocumentListEventsTest {
  @TempDir Path dir;
  private LocalStore store;
  private EditorWindow window;

  @BeforeEach
  void open() {
    Gui.requireDisplay();
    store = LocalStore.open(dir.resolve("profile"));
    store.createDocument("doc", "notes.md", 1, false, DocumentSession.insertsOf("abc")).join();
    window = EditorApp.show(store, Settings.empty(), new Rectangle(0, 0, 800, 600), false, "doc");
    Gui.await("doc open and listed", () -> window.session() != null && titles().equals("notes.md"));
  }

  @AfterEach
  void close() throws InterruptedException {
    CountDownLatch closed = new CountDownLatch(1);
    Gui.run(
        () -> {
          window.onClosed(closed::countDown);
          window.close();
        });
    closed.await(30, TimeUnit.SECONDS);
  }

  private String titles() {
    return String.join(
        ",", window.listedDocuments().stream().map(LocalDocument::title).sorted().toList());
  }

  @Test
  void aDocumentCreatedInTheStoreElsewhere_appearsInTheList() throws Exception {
    assertThat(store.createDocument("other", "elsewhere.md", 2, false, java.util.List.of()).get())
        .isTrue();
    Gui.await("the new document listed", () -> titles().equals("elsewhere.md,notes.md"));
    assertThat(Gui.onEdt(() -> window.session().id())).isEqualTo("doc"); // still the open one
  }

  @Test
  void aRenameThroughAnotherSession_showsInTheList() throws Exception {
    store.createDocument("other", "before.md", 2, false, java.util.List.of()).get();
    Gui.await("listed", () -> titles().equals("before.md,notes.md"));
    DocumentSession other =
        DocumentSession.open(store, "other", SwingUtilities::invokeLater, 1000)
            .get(10, TimeUnit.SECONDS);
    Gui.run(() -> other.rename("after.md"));
    Gui.await("the new title listed", () -> titles().equals("after.md,notes.md"));
  }

  @Test
  void theOpenDocumentsEntry_followsItsSessionAsItIsEdited() {
    Gui.run(() -> window.textArea().setCaretPosition(3));
    Gui.type(window.textArea(), "de");
    Gui.await(
        "the open document's unsent count in the list",
        () ->
            window.listedDocuments().stream()
                .anyMatch(d -> d.id().equals("doc") && d.pending() == 3));
    assertThat(Gui.onEdt(() -> window.session().unacknowledged())).isEqualTo(3);
  }
}
