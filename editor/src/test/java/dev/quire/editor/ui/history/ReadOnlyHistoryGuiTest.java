package dev.quire.editor.ui.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.Role;
import java.awt.GraphicsEnvironment;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.swing.JFrame;
import javax.swing.SwingUtilities;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A viewer's history window shows every revision but offers no restore: that would be an edit. */
class ReadOnlyHistoryGuiTest {
  @TempDir Path dir;
  private LocalStore store;
  private JFrame window;

  @BeforeAll
  static void needsADisplay() {
    org.junit.jupiter.api.Assumptions.assumeFalse(
        GraphicsEnvironment.isHeadless(), "a headless JVM cannot open windows: use xvfb-run");
  }

  @AfterEach
  void close() throws Exception {
    if (window != null) {
      SwingUtilities.invokeAndWait(window::dispose);
    }
    store.close();
  }

  private static <T> T onEdt(Callable<T> work) throws Exception {
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Exception> failure = new AtomicReference<>();
    SwingUtilities.invokeAndWait(
        () -> {
          try {
            result.set(work.call());
          } catch (Exception e) {
            failure.set(e);
          }
        });
    if (failure.get() != null) {
      throw failure.get();
    }
    return result.get();
  }

  @Test
  void aViewer_cannotRestoreARevision() throws Exception {
    store = LocalStore.open(dir);
    Histories.write(
        store,
        "doc",
        "Notes",
        List.of(
            new Histories.Edit("alice", TextOperation.splice(0, 0, 0, "one\n")),
            new Histories.Edit("alice", TextOperation.splice(4, 4, 0, "two\n"))));
    store.setRelayRole("doc", Role.VIEWER).get(30, TimeUnit.SECONDS);
    DocumentSession session =
        DocumentSession.open(store, "doc", SwingUtilities::invokeLater, 1000)
            .get(30, TimeUnit.SECONDS);
    window = onEdt(() -> HistoryPanel.showWindow(null, store, session));
    HistoryPanel panel = onEdt(() -> findPanel(window));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (onEdt(panel::shownRevision) != 2) {
      assertThat(System.nanoTime()).as("revision 2 shown within 20 s").isLessThan(deadline);
      Thread.sleep(20); // bounded poll (deadline above): nothing signals the condition
    }
    assertThat(onEdt(() -> panel.restoreButton().isEnabled())).isFalse();
    assertThat(onEdt(() -> panel.restoreButton().getToolTipText())).contains("only read");
  }

  private static HistoryPanel findPanel(java.awt.Container c) {
    for (java.awt.Component k : c.getComponents()) {
      if (k instanceof HistoryPanel p) {
        return p;
      }
      if (k instanceof java.awt.Container inner) {
        HistoryPanel p = findPanel(inner);
        if (p != null) {
          return p;
        }
      }
    }
    return null;
  }
}
