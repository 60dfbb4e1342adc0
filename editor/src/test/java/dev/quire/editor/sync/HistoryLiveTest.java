package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.ui.history.HistoryPanel;
import java.awt.Component;
import java.awt.Container;
import java.awt.GraphicsEnvironment;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JSlider;
import javax.swing.SwingUtilities;
import javax.swing.text.JTextComponent;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history window of a live document, in an editor whose owner thread is the Swing event thread,
 * grows and follows the head as a collaborator types through a real relay. Needs a display (CI runs
 * it under xvfb-run).
 */
class HistoryLiveTest {
  @TempDir Path dir;

  @BeforeAll
  static void needsADisplay() {
    Assumptions.assumeFalse(
        GraphicsEnvironment.isHeadless(), "a headless JVM cannot open windows: use xvfb-run");
  }

  @Test
  void historyWindow_growsWithRevisionsFromTheRelay() throws Exception {
    try (TestRelay relay = TestRelay.start(dir.resolve("relay"))) {
      String aliceToken = relay.user("alice");
      String bobToken = relay.user("bob");
      relay.document("doc", "alice", "bob");
      LocalStore store = LocalStore.open(dir.resolve("alice"));
      store.createDocument("doc", "Title of doc", 1, true, List.of()).get();
      SyncEngine engine =
          new SyncEngine(
              store,
              SwingUtilities::invokeLater,
              new SyncEngine.Config(relay.uri(), aliceToken, "alice", "#112233", 20, 500));
      try (TestClient bob = new TestClient(dir.resolve("bob"), relay.uri(), bobToken, "bob")) {
        DocumentSession session = onEdt(() -> engine.open("doc")).get(30, TimeUnit.SECONDS);
        onEdt(
            () -> {
              engine.start();
              return null;
            });
        JFrame window = onEdt(() -> HistoryPanel.showWindow(null, store, session));
        JSlider slider = (JSlider) find(window, "history.slider");
        JTextComponent text = (JTextComponent) find(window, "history.text");

        bob.addRemoteDocument("doc");
        bob.start();
        DocumentSession bobs = bob.open("doc");
        for (String c : List.of("h", "e", "l", "l", "o")) {
          bob.edit(bobs, bob.text(bobs).length(), 0, c);
        }
        TestClient.await(
            "five revisions shown",
            () -> call(() -> slider.getMaximum() == 5 && text.getText().equals("hello")));
        assertThat(onEdt(() -> slider.getValue())).isEqualTo(5);

        onEdt(() -> setValue(slider, 2));
        TestClient.await("revision 2 shown", () -> call(() -> text.getText().equals("he")));
        bob.edit(bobs, 5, 0, "!");
        // Not at the head any more: the slider grows but stays where the user put it.
        TestClient.await("six revisions", () -> call(() -> slider.getMaximum() == 6));
        assertThat(onEdt(() -> slider.getValue())).isEqualTo(2);
        assertThat(onEdt(() -> text.getText())).isEqualTo("he");
        JLabel info = (JLabel) find(window, "history.info");
        assertThat(onEdt(info::getText)).startsWith("Revision 2 of 6 — bob — ");
        onEdt(
            () -> {
              window.dispose();
              engine.close();
              return null;
            });
      } finally {
        store.close();
      }
    }
  }

  private static Void setValue(JSlider slider, int value) {
    slider.setValue(value);
    return null;
  }

  private static Component find(Container c, String name) {
    for (Component k : c.getComponents()) {
      if (name.equals(k.getName())) {
        return k;
      }
      if (k instanceof Container inner) {
        Component found = findIn(inner, name);
        if (found != null) {
          return found;
        }
      }
    }
    throw new AssertionError("no component named " + name);
  }

  private static Component findIn(Container c, String name) {
    try {
      return find(c, name);
    } catch (AssertionError e) {
      return null;
    }
  }

  private static boolean call(Callable<Boolean> check) {
    try {
      return onEdt(check);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
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
}
