package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Component;
import java.awt.Container;
import java.awt.GraphicsEnvironment;
import java.awt.KeyboardFocusManager;
import java.awt.Window;
import java.awt.event.KeyEvent;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import javax.swing.AbstractButton;
import javax.swing.JComponent;
import javax.swing.JDialog;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JMenu;
import javax.swing.JMenuItem;
import javax.swing.SwingUtilities;

/** Driving real Swing components from a test thread: the event thread does all the work. */
final class Gui {
  private Gui() {}

  /** GUI tests need a display; CI runs them under xvfb-run, and so should anyone else. */
  static void requireDisplay() {
    assertThat(GraphicsEnvironment.isHeadless())
        .as("GUI tests need a display: run the build under xvfb-run -a")
        .isFalse();
  }

  /** Runs {@code c} on the event thread (directly when already on it) and returns its result. */
  static <T> T onEdt(Callable<T> c) {
    if (SwingUtilities.isEventDispatchThread()) {
      try {
        return c.call();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Exception> failure = new AtomicReference<>();
    try {
      SwingUtilities.invokeAndWait(
          () -> {
            try {
              result.set(c.call());
            } catch (Exception e) {
              failure.set(e);
            }
          });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(e.getCause());
    }
    if (failure.get() != null) {
      throw new IllegalStateException(failure.get());
    }
    return result.get();
  }

  static void run(Runnable r) {
    onEdt(
        () -> {
          r.run();
          return null;
        });
  }

  /** Waits until {@code condition}, checked on the event thread, holds; fails after the timeout. */
  static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!onEdt(condition::getAsBoolean)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(20); // bounded poll (deadline above): nothing signals the condition
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
  }

  static void await(String what, BooleanSupplier condition) {
    await(what, Duration.ofSeconds(30), condition);
  }

  /** Types {@code text} as key presses would: one KEY_TYPED event per character. */
  static void type(JComponent c, String text) {
    run(
        () -> {
          for (char ch : text.toCharArray()) {
            c.dispatchEvent(
                new KeyEvent(
                    c,
                    KeyEvent.KEY_TYPED,
                    System.currentTimeMillis(),
                    0,
                    KeyEvent.VK_UNDEFINED,
                    ch));
          }
        });
  }

  /** The item {@code path} of {@code frame}'s menu bar, e.g. ("View", "Word wrap"); on the EDT. */
  static javax.swing.JMenuItem menuItem(javax.swing.JFrame frame, String menu, String item) {
    javax.swing.JMenuBar bar = frame.getJMenuBar();
    for (int i = 0; i < bar.getMenuCount(); i++) {
      javax.swing.JMenu m = bar.getMenu(i);
      if (m.getText().equals(menu)) {
        for (java.awt.Component c : m.getMenuComponents()) {
          if (c instanceof javax.swing.JMenuItem mi && mi.getText().equals(item)) {
            return mi;
          }
        }
      }
    }
    throw new AssertionError("no menu item " + menu + " > " + item);
  }

  /** Clicks a menu item as the user would (its action runs on the event thread). */
  static void click(javax.swing.JFrame frame, String menu, String item) {
    run(() -> menuItem(frame, menu, item).doClick(0));
  }

  /** Presses a key with modifiers, e.g. Ctrl+Z, through the component's key bindings. */
  static void press(JComponent c, int keyCode, int modifiers) {
    run(
        () -> {
          long now = System.currentTimeMillis();
          c.dispatchEvent(
              new KeyEvent(
                  c, KeyEvent.KEY_PRESSED, now, modifiers, keyCode, KeyEvent.CHAR_UNDEFINED));
          c.dispatchEvent(
              new KeyEvent(
                  c, KeyEvent.KEY_RELEASED, now, modifiers, keyCode, KeyEvent.CHAR_UNDEFINED));
        });
  }

  /** Clicks a menu item of {@code frame}'s menu bar, later: the dialog it opens may be modal. */
  static void clickMenu(JFrame frame, String menu, String item) {
    JMenuItem found =
        onEdt(
            () -> {
              for (int i = 0; i < frame.getJMenuBar().getMenuCount(); i++) {
                JMenu m = frame.getJMenuBar().getMenu(i);
                if (m != null && m.getText().equals(menu)) {
                  for (Component c : m.getMenuComponents()) {
                    if (c instanceof JMenuItem mi && mi.getText().equals(item)) {
                      return mi;
                    }
                  }
                }
              }
              throw new AssertionError("no menu item " + menu + " › " + item);
            });
    SwingUtilities.invokeLater(found::doClick);
  }

  /** Waits for a showing dialog titled {@code title} and returns it. */
  static JDialog awaitDialog(String title) {
    AtomicReference<JDialog> found = new AtomicReference<>();
    await(
        "a dialog titled " + title,
        () -> {
          for (Window w : Window.getWindows()) {
            if (w instanceof JDialog d && d.isShowing() && title.equals(d.getTitle())) {
              found.set(d);
              return true;
            }
          }
          return false;
        });
    return found.get();
  }

  /** The showing components of type {@code type} in {@code root}, in layout order. */
  static <T extends Component> List<T> find(Container root, Class<T> type) {
    return onEdt(
        () -> {
          List<T> out = new ArrayList<>();
          collect(root, type, out);
          return out;
        });
  }

  private static <T extends Component> void collect(Container c, Class<T> type, List<T> out) {
    for (Component child : c.getComponents()) {
      if (!child.isShowing()) {
        continue;
      }
      if (type.isInstance(child)) {
        out.add(type.cast(child));
      }
      if (child instanceof Container inner) {
        collect(inner, type, out);
      }
    }
  }

  /** The button of {@code root} showing {@code text}. */
  static AbstractButton button(Container root, String text) {
    return find(root, AbstractButton.class).stream()
        .filter(b -> text.equals(onEdt(b::getText)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no button " + text));
  }

  /** The texts of the showing labels in {@code root}. */
  static List<String> labels(Container root) {
    return find(root, JLabel.class).stream().map(l -> onEdt(l::getText)).toList();
  }

  /** The component that has the keyboard focus, or null. */
  static Component focusOwner() {
    return onEdt(() -> KeyboardFocusManager.getCurrentKeyboardFocusManager().getFocusOwner());
  }
}
