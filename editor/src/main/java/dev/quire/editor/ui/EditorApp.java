package dev.quire.editor.ui;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.Settings;
import java.awt.GraphicsEnvironment;
import java.awt.Rectangle;
import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import javax.swing.SwingUtilities;

/** Starting editor windows: the look, one window per profile, waiting until they close. */
public final class EditorApp {
  private EditorApp() {}

  /** Why no window can be shown here, or null when it can. */
  public static String cannotShowWindows() {
    return GraphicsEnvironment.isHeadless()
        ? "no display to show a window on (set DISPLAY, or run under xvfb-run)"
        : null;
  }

  /**
   * Opens a window on {@code store} (already open; the window closes it) and returns it once shown.
   *
   * @param bounds where to put it, or null for where it was last time
   * @param dark the look for a profile that has none yet, or null for its own
   * @param docId a document to open, or null for the last one: one the profile does not have yet is
   *     waited for in the relay's list ({@link EditorWindow#openWhenListed})
   */
  public static EditorWindow show(
      LocalStore store, Settings settings, Rectangle bounds, Boolean dark, String docId) {
    AtomicReference<EditorWindow> window = new AtomicReference<>();
    onEventThread(
        () -> {
          UiPreferences prefs = new UiPreferences(store.dir());
          if (dark != null) {
            prefs.setDark(dark);
          }
          Themes.installForNewWindow(prefs.dark());
          EditorWindow w = new EditorWindow(store, settings);
          if (bounds != null) {
            w.setBounds(bounds);
          }
          w.setVisible(true);
          if (docId != null) {
            w.openWhenListed(docId);
          }
          window.set(w);
        });
    return window.get();
  }

  /**
   * Loads the look ({@code dark} or light) on the event thread ahead of the first window, so that a
   * start with other work to wait for (a relay, a profile) does this meanwhile.
   */
  public static void prepareLook(boolean dark) {
    onEventThread(() -> Themes.installForNewWindow(dark));
  }

  /** Loads the text area (RSyntaxTextArea and its syntax support) ahead of the first window. */
  public static void prepareTextArea() {
    onEventThread(() -> Themes.apply(new QuireTextArea(), Themes.isDark()));
  }

  /**
   * Has an open window sync with {@code settings}, already saved in its profile (a window opened
   * before its relay was up: it showed its documents offline meanwhile).
   */
  public static void connect(EditorWindow w, Settings settings) {
    onEventThread(() -> w.settingsChanged(settings));
  }

  /** Runs {@code r} on the event thread once {@code w}'s text has next been painted. */
  public static void whenTextPainted(EditorWindow w, Runnable r) {
    onEventThread(() -> w.textArea().whenPainted(r));
  }

  /** {@code X,Y,WIDTH,HEIGHT} as a rectangle, or null when it is not that. */
  public static Rectangle parseBounds(String b) {
    if (b == null || !b.matches("-?\\d{1,5},-?\\d{1,5},\\d{1,5},\\d{1,5}")) {
      return null;
    }
    String[] p = b.split(",");
    return new Rectangle(
        Integer.parseInt(p[0]),
        Integer.parseInt(p[1]),
        Integer.parseInt(p[2]),
        Integer.parseInt(p[3]));
  }

  /** Blocks until every given window has closed and released its profile. */
  public static void awaitClosed(EditorWindow... windows) throws InterruptedException {
    CountDownLatch closed = new CountDownLatch(windows.length);
    onEventThread(
        () -> {
          for (EditorWindow w : windows) {
            w.onClosed(closed::countDown);
            if (!w.isDisplayable()) {
              closed.countDown();
            }
          }
        });
    closed.await();
  }

  static void onEventThread(Runnable r) {
    try {
      if (SwingUtilities.isEventDispatchThread()) {
        r.run();
      } else {
        SwingUtilities.invokeAndWait(r);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while opening the window", e);
    } catch (InvocationTargetException e) {
      Throwable c = e.getCause();
      throw c instanceof RuntimeException re ? re : new IllegalStateException(c);
    }
  }
}
