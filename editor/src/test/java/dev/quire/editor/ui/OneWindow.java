package dev.quire.editor.ui;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.Settings;
import dev.quire.editor.sync.DocumentSession;
import java.awt.Rectangle;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** One editor window on its own profile, offline, showing document {@code doc}. */
final class OneWindow implements AutoCloseable {
  final LocalStore store;
  final EditorWindow window;
  final QuireTextArea area;

  OneWindow(Path dir, String title, String text) {
    store = LocalStore.open(dir.resolve("profile"));
    store.createDocument("doc", title, 1, false, DocumentSession.insertsOf(text)).join();
    window = EditorApp.show(store, Settings.empty(), new Rectangle(0, 0, 800, 600), false, "doc");
    Gui.await("doc open", () -> window.session() != null);
    area = window.textArea();
  }

  String sessionText() {
    return Gui.onEdt(() -> window.session().text());
  }

  String viewText() {
    return Gui.onEdt(area::getText);
  }

  /** Closes the window and waits until its store is closed. */
  @Override
  public void close() {
    CountDownLatch closed = new CountDownLatch(1);
    Gui.run(
        () -> {
          window.onClosed(closed::countDown);
          window.close();
        });
    try {
      closed.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
