package dev.quire.editor.ui;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.Settings;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.editor.sync.TestRelay;
import java.awt.Rectangle;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A relay in-process and two editor windows, Alice's and Bob's, each on its own profile, both
 * showing document {@code doc}: two people co-editing, as in {@code quire demo}.
 */
final class TwoWindows implements AutoCloseable {
  final TestRelay relay;
  final EditorWindow alice;
  final EditorWindow bob;
  LocalStore aliceStore;

  TwoWindows(Path dir, String initialText) {
    this(
        dir,
        "notes.txt",
        initialText,
        new Rectangle(0, 0, 680, 600),
        new Rectangle(700, 0, 680, 600));
  }

  TwoWindows(
      Path dir, String title, String initialText, Rectangle aliceBounds, Rectangle bobBounds) {
    this(dir, title, initialText, aliceBounds, bobBounds, "Alice");
  }

  /** As above, with Alice showing as {@code aliceName} to everyone. */
  TwoWindows(
      Path dir,
      String title,
      String initialText,
      Rectangle aliceBounds,
      Rectangle bobBounds,
      String aliceName) {
    relay = TestRelay.start(dir.resolve("relay"));
    String aliceToken = relay.user("alice");
    String bobToken = relay.user("bob");
    relay.titledDocument("doc", title, "alice", "bob");
    aliceStore = LocalStore.open(dir.resolve("alice"));
    alice = window(aliceStore, aliceToken, aliceName, "#e11d48", aliceBounds);
    bob = window(LocalStore.open(dir.resolve("bob")), bobToken, "Bob", "#2563eb", bobBounds);
    Gui.await("both windows showing doc", () -> showing(alice) && showing(bob));
    if (!initialText.isEmpty()) {
      Gui.run(() -> alice.textArea().replaceRange(initialText, 0, 0));
      Gui.await("the initial text at Bob's", () -> text(bob).equals(initialText));
    }
    Gui.await("both synced", () -> synced(alice) && synced(bob));
  }

  private EditorWindow window(
      LocalStore store, String token, String name, String colour, Rectangle bounds) {
    Settings s = Settings.of(relay.uri().toString(), token, name, colour);
    store.saveSettings(s).join();
    return EditorApp.show(store, s, bounds, false, null);
  }

  private static boolean showing(EditorWindow w) {
    DocumentSession s = w.session();
    return s != null && s.id().equals("doc");
  }

  static String text(EditorWindow w) {
    return w.textArea().getText();
  }

  static boolean synced(EditorWindow w) {
    return w.session() != null && w.session().status().isSynced();
  }

  /** Closes both windows and waits until their stores are closed, then stops the relay. */
  @Override
  public void close() {
    CountDownLatch closed = new CountDownLatch(2);
    Gui.run(
        () -> {
          alice.onClosed(closed::countDown);
          bob.onClosed(closed::countDown);
          alice.close();
          bob.close();
        });
    try {
      closed.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    relay.close();
  }
}
