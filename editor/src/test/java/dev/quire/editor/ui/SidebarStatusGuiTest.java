package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalDocument;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidebar's entry for the open document says what the status bar says: the unsent count while
 * edits wait (typed fast, the relay gone for a while) and "synced" once they are all sent, at every
 * moment the event thread shows them, not a step behind.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SidebarStatusGuiTest {
  @TempDir Path dir;
  private TwoWindows w;

  @BeforeEach
  void open() {
    Gui.requireDisplay();
    w = new TwoWindows(dir, "start\n");
  }

  @AfterEach
  void close() {
    if (w != null) {
      w.close();
    }
  }

  /** What the sidebar and the status bar show for the open document, read in one event. */
  private record Shown(String sidebar, String statusBar) {
    boolean agree() {
      return sidebar.equals(statusBar);
    }
  }

  private Shown shown() {
    return Gui.onEdt(
        () -> {
          LocalDocument d =
              w.alice.listedDocuments().stream()
                  .filter(x -> x.id().equals("doc"))
                  .findFirst()
                  .orElseThrow();
          String side = d.pending() == 0 ? "all edits sent" : d.pending() + " unsent";
          return new Shown(side, w.alice.statusBar().unsentText());
        });
  }

  @Test
  void theSidebarCountFollowsTheStatusBar_whileTypingFastAndWhileDraining() throws Exception {
    List<Shown> disagreements = new CopyOnWriteArrayList<>();
    AtomicBoolean sampling = new AtomicBoolean(true);
    Thread sampler =
        new Thread(
            () -> {
              while (sampling.get()) {
                Shown s = shown();
                if (!s.agree()) {
                  disagreements.add(s);
                }
              }
            });
    sampler.start();
    try {
      Gui.run(() -> w.alice.textArea().setCaretPosition(0));
      Gui.type(w.alice.textArea(), "typed while connected. ");
      Gui.await("sent", () -> TwoWindows.synced(w.alice));
      w.relay.stop();
      Gui.await("offline", () -> !TwoWindows.synced(w.alice));
      Gui.type(w.alice.textArea(), "nine more");
      Gui.await("9 unsent shown, now " + shown(), () -> shown().statusBar().equals("9 unsent"));
      w.relay.restart();
      Gui.await("synced again", Duration.ofSeconds(60), () -> TwoWindows.synced(w.alice));
      Gui.await("all sent shown", () -> shown().statusBar().equals("all edits sent"));
    } finally {
      sampling.set(false);
      sampler.join();
    }
    assertThat(disagreements).isEmpty();
    assertThat(shown().agree()).isTrue();
  }
}
