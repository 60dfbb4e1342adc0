package dev.quire.editor.ui;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.Settings;
import dev.quire.editor.sync.SyncEngine;
import java.net.URI;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
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
  private SyncEngine engine;

  WindowSync(LocalStore store, BiConsumer<String, String> problems) {
    this.store = store;
    this.problems = problems;
  }

  /** The running engine, or null when offline. */
  SyncEngine engine() {
    return engine;
  }

  /** Starts an engine for {@code settings}, unless offline; stops the one running first. */
  void start(Settings settings, boolean offline) {
    stop();
    if (settings.relayUrl().isEmpty() || offline) {
      return;
    }
    SyncEngine.Config config =
        SyncEngine.Config.of(
            URI.create(settings.relayUrl()),
            settings.token(),
            settings.displayName(),
            settings.colour());
    engine = new SyncEngine(store, EDT, config);
    engine.addListener(
        new SyncEngine.Listener() {
          @Override
          public void problem(String doc, String message) {
            problems.accept(doc, message);
          }
        });
    engine.start();
    engine.syncAllDocuments();
  }

  /** Disconnects and closes the engine, if any. */
  void stop() {
    if (engine != null) {
      engine.close();
      engine = null;
    }
  }
}
