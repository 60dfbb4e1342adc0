package dev.quire.editor.ui;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.Settings;
import dev.quire.editor.sync.SyncEngine;
import dev.quire.editor.sync.SyncStatus;
import java.net.URI;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javax.swing.SwingUtilities;

/**
 * The window's sync engine: started from the profile's settings unless there is no relay or the
 * user works offline, and replaced when either changes. The engine runs on the event thread (its
 * owner executor), syncs every document of the profile and reports its problems to the window.
 */
final class WindowSync {
  static final Executor EDT = SwingUtilities::invokeLater;

  private final LocalStore store;
  private final BiConsumer<String, String> problems; // document (null: the relay), message
  private final Consumer<String> connection;
  private final java.util.function.Predicate<String> confirmRefill;
  private final Runnable relayDocumentsChanged;
  private SyncEngine engine;
  private boolean askingRefill; // the question is showing: asked once at a time

  /**
   * @param problems told of each problem sync reports, with its document (null: the relay)
   * @param connection told the connection in words whenever it changes (which relay, or why none)
   * @param relayDocumentsChanged told when the relay announces a document deleted, restored, shared
   *     or unshared (the relay's trash may have changed)
   */
  WindowSync(
      LocalStore store,
      BiConsumer<String, String> problems,
      Consumer<String> connection,
      java.util.function.Predicate<String> confirmRefill,
      Runnable relayDocumentsChanged) {
    this.store = store;
    this.problems = problems;
    this.connection = connection;
    this.confirmRefill = confirmRefill;
    this.relayDocumentsChanged = relayDocumentsChanged;
  }

  /** The running engine, or null when offline. */
  SyncEngine engine() {
    return engine;
  }

  /** Starts an engine for {@code settings}, unless offline; stops the one running first. */
  void start(Settings settings, boolean offline) {
    stop();
    if (settings.relays().isEmpty() || offline) {
      return;
    }
    SyncEngine.Config config =
        SyncEngine.Config.of(
            settings.relays(), settings.token(), settings.displayName(), settings.colour());
    SyncEngine started = new SyncEngine(store, EDT, config);
    engine = started;
    engine.addListener(
        new SyncEngine.Listener() {
          @Override
          public void problem(String doc, String message) {
            problems.accept(doc, message);
          }

          @Override
          public void refused(String doc, String message) {
            // the window shows a banner with what to do, from the document's status
          }

          @Override
          public void statusChanged(SyncStatus status) {
            connection.accept(started.connectionDescription());
          }

          @Override
          public void connectionLost(String reason) {
            connection.accept(started.connectionDescription());
          }

          @Override
          public void connected(URI relay, String passedOver) {
            connection.accept(started.connectionDescription());
          }

          @Override
          public void refillNeeded(String doc, String why) {
            // Asked after the engine's work of the moment: a modal question inside it would run
            // the engine's next events within this one.
            SwingUtilities.invokeLater(() -> askRefill(started, why));
          }

          @Override
          public void relayDocumentsChanged() {
            relayDocumentsChanged.run();
          }
        });
    engine.start();
    engine.syncAllDocuments();
  }

  /** Asks whether to refill the relay; the engine uploads once the user said so. */
  private void askRefill(SyncEngine asking, String why) {
    if (askingRefill || engine != asking) {
      return; // one question at a time; one that belongs to a replaced engine is not asked
    }
    askingRefill = true;
    try {
      if (confirmRefill.test(why) && engine == asking) {
        asking.confirmRefill();
      }
    } finally {
      askingRefill = false;
    }
  }

  /** Disconnects and closes the engine, if any. */
  void stop() {
    if (engine != null) {
      engine.close();
      engine = null;
    }
  }
}
