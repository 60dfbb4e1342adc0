package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A closed window lets go of its document's session (the text, twice) and its view's document (its
 * lines), even while the window object itself stays referenced: Swing's focus manager keeps the
 * last focused window until another one takes the focus, and a second window in the same process
 * (the demo, a test, a benchmark) would otherwise carry a closed window's tens of megabytes beside
 * its own.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClosedWindowMemoryGuiTest {
  @TempDir Path dir;

  @Test
  void aClosedWindow_stillReferenced_keepsNeitherItsSessionNorItsText() throws Exception {
    Gui.requireDisplay();
    OneWindow one = new OneWindow(dir, "notes.md", "some text\n".repeat(1000));
    EditorWindow window = one.window; // held, as the focus manager may hold it
    WeakReference<Object> session = new WeakReference<>(Gui.onEdt(window::session));
    WeakReference<Object> view = new WeakReference<>(Gui.onEdt(() -> one.area.getDocument()));
    one.close();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while ((session.get() != null || view.get() != null) && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(50); // bounded poll (deadline above): a collection signals nothing
    }
    assertThat(session.get()).as("the closed window's session").isNull();
    assertThat(view.get()).as("the closed window's view document").isNull();
    assertThat(window).isNotNull();
  }
}
