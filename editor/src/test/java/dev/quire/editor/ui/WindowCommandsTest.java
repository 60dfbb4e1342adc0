package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Point;
import java.awt.Window;
import java.awt.event.KeyEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.swing.JComponent;
import javax.swing.JDialog;
import javax.swing.JMenu;
import javax.swing.JMenuBar;
import javax.swing.JMenuItem;
import javax.swing.JViewport;
import javax.swing.KeyStroke;
import javax.swing.SwingUtilities;
import org.fife.ui.rsyntaxtextarea.SyntaxConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The window's own commands (menus, shortcuts, View settings) in two real co-editing windows. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WindowCommandsTest {
  private static final String LONG_LINE =
      "This sample line is long enough to run past the right edge of a window 680 pixels wide,"
          + " so whether it wraps shows.\n";

  @TempDir Path dir;
  private TwoWindows w;

  @BeforeEach
  void open() {
    Gui.requireDisplay();
    StringBuilder text = new StringBuilder(LONG_LINE);
    for (int i = 1; i < 200; i++) {
      text.append("line ").append(i).append('\n');
    }
    w = new TwoWindows(dir, text.toString());
  }

  @AfterEach
  void close() {
    if (w != null) {
      w.close();
    }
  }

  @Test
  void f2OpensRenameEvenWithTheCaretInTheText() {
    Gui.run(() -> w.alice.textArea().setCaretPosition(3));
    String before = Gui.onEdt(() -> TwoWindows.text(w.alice));
    // The rename dialog is modal: press F2 from a later event, not inside this thread's wait.
    SwingUtilities.invokeLater(
        () -> {
          QuireTextArea a = w.alice.textArea();
          a.dispatchEvent(
              new KeyEvent(
                  a,
                  KeyEvent.KEY_PRESSED,
                  System.currentTimeMillis(),
                  0,
                  KeyEvent.VK_F2,
                  KeyEvent.CHAR_UNDEFINED));
        });
    Gui.await("the Rename dialog", Duration.ofSeconds(10), () -> renameDialog() != null);
    Gui.run(() -> renameDialog().dispose());
    assertThat(Gui.onEdt(() -> TwoWindows.text(w.alice))).isEqualTo(before);
  }

  @Test
  void noKeyBindingOfTheTextAreaHidesAMenuShortcut() {
    List<String> hidden =
        Gui.onEdt(
            () -> {
              List<String> out = new ArrayList<>();
              QuireTextArea a = w.alice.textArea();
              for (JMenuItem item : items(w.alice.getJMenuBar())) {
                KeyStroke k = item.getAccelerator();
                Object bound = k == null ? null : a.getInputMap(JComponent.WHEN_FOCUSED).get(k);
                if (bound != null && !String.valueOf(bound).startsWith("menu:")) {
                  out.add(item.getText() + " (" + k + ") is the text area's " + bound);
                }
              }
              return out;
            });
    assertThat(hidden).isEmpty();
  }

  @Test
  void workOfflineOnAndOffKeepsTheCaretAndTheScroll() {
    int caret = Gui.onEdt(() -> TwoWindows.text(w.alice).indexOf("line 120") + 3);
    Gui.run(
        () -> {
          QuireTextArea a = w.alice.textArea();
          a.setCaretPosition(caret);
          a.scrollRectToVisible(
              new java.awt.Rectangle(0, a.getLineHeight() * 100, 1, a.getVisibleRect().height));
        });
    Gui.await("scrolled", () -> topLine(w.alice) > 50);
    int top = Gui.onEdt(() -> topLine(w.alice));

    var online = Gui.onEdt(() -> w.alice.session());
    Gui.click(w.alice, "Sync", "Work offline");
    Gui.await(
        "the document reopened offline, caret and scroll kept",
        Duration.ofSeconds(10),
        () ->
            w.alice.session() != null
                && w.alice.session() != online
                && w.alice.textArea().getCaretPosition() == caret
                && topLine(w.alice) == top);

    var offline = Gui.onEdt(() -> w.alice.session());
    Gui.click(w.alice, "Sync", "Work offline");
    Gui.await(
        "the document reopened online, caret and scroll kept",
        Duration.ofSeconds(10),
        () ->
            w.alice.session() != null
                && w.alice.session() != offline
                && w.alice.textArea().getCaretPosition() == caret
                && topLine(w.alice) == top);
    Gui.await("synced again", () -> TwoWindows.synced(w.alice));
    assertThat(Gui.onEdt(() -> w.alice.textArea().getCaretPosition())).isEqualTo(caret);
  }

  @Test
  void wordWrapAndZoomAreRememberedPerDocument() {
    // A text document wraps by default: the long first line fits the window.
    assertThat(Gui.onEdt(() -> w.alice.textArea().getLineWrap())).isTrue();
    assertThat(Gui.onEdt(() -> fitsWidth(w.alice))).isTrue();
    float size = Gui.onEdt(() -> w.alice.textArea().getFont().getSize2D());

    Gui.click(w.alice, "View", "Word wrap");
    Gui.click(w.alice, "View", "Zoom in");
    Gui.click(w.alice, "View", "Zoom in");
    assertThat(Gui.onEdt(() -> w.alice.textArea().getLineWrap())).isFalse();
    Gui.await("the long line past the right edge", () -> !fitsWidth(w.alice));
    float zoomed = Gui.onEdt(() -> w.alice.textArea().getFont().getSize2D());
    assertThat(zoomed).isGreaterThan(size * 1.15f);

    // Another document has its own: the defaults.
    String other = Gui.onEdt(() -> w.alice.create("other.txt", LONG_LINE)).join();
    Gui.await("the other document shown", () -> other.equals(w.alice.session().id()));
    assertThat(Gui.onEdt(() -> w.alice.textArea().getLineWrap())).isTrue();
    assertThat(Gui.onEdt(() -> w.alice.textArea().getFont().getSize2D())).isEqualTo(size);
    // Bob's window is his own.
    assertThat(Gui.onEdt(() -> w.bob.textArea().getLineWrap())).isTrue();
    assertThat(Gui.onEdt(() -> w.bob.textArea().getFont().getSize2D())).isEqualTo(size);

    Gui.run(() -> w.alice.openDocument("doc"));
    Gui.await("back on doc", () -> "doc".equals(w.alice.session().id()));
    assertThat(Gui.onEdt(() -> w.alice.textArea().getLineWrap())).isFalse();
    assertThat(Gui.onEdt(() -> w.alice.textArea().getFont().getSize2D())).isEqualTo(zoomed);
    assertThat(Gui.onEdt(() -> Gui.menuItem(w.alice, "View", "Word wrap").isSelected())).isFalse();

    Gui.click(w.alice, "View", "Actual size");
    assertThat(Gui.onEdt(() -> w.alice.textArea().getFont().getSize2D())).isEqualTo(size);
    // Kept in the profile, for the next time the window opens.
    UiPreferences saved = new UiPreferences(dir.resolve("alice"));
    assertThat(saved.wordWrap("doc")).contains(false);
    assertThat(saved.zoomPercent("doc")).isEqualTo(100);
  }

  @Test
  void aRenameBySomeoneElseRetitlesTheWindowAndChangesTheSyntax() {
    assertThat(Gui.onEdt(() -> w.alice.getTitle())).startsWith("notes.txt — ");
    Gui.run(() -> w.bob.rename("notes.md"));
    Gui.await(
        "the new title in Alice's list",
        () -> w.alice.listedDocuments().stream().anyMatch(d -> d.title().equals("notes.md")));
    assertThat(Gui.onEdt(() -> w.alice.getTitle())).startsWith("notes.md — ");
    assertThat(Gui.onEdt(() -> w.alice.textArea().getSyntaxEditingStyle()))
        .isEqualTo(SyntaxConstants.SYNTAX_STYLE_MARKDOWN);
  }

  @Test
  void theHistoryShowsEveryoneByTheNameAndColourTheyHaveBesideTheirCaret() {
    Gui.run(() -> w.bob.textArea().setCaretPosition(0));
    Gui.type(w.bob.textArea(), "Bob ");
    Gui.await("Bob's edit at Alice's", () -> TwoWindows.text(w.alice).startsWith("Bob "));
    Gui.await(
        "Bob's caret at Alice's",
        () -> w.alice.textArea().shownPresences().stream().anyMatch(p -> p.name().equals("Bob")));
    javax.swing.JFrame history = Gui.onEdt(w.alice::showHistory);
    try {
      Gui.await(
          "Alice and Bob by name in the history's legend",
          () -> {
            List<String> names = legend(history);
            return names.stream().anyMatch(n -> n.startsWith("Alice "))
                && names.stream().anyMatch(n -> n.startsWith("Bob "));
          });
      assertThat(Gui.onEdt(() -> legend(history))).noneMatch(n -> n.startsWith("alice"));
    } finally {
      Gui.run(history::dispose);
    }
  }

  /** The texts of the history legend's labels. */
  private static List<String> legend(java.awt.Container c) {
    List<String> out = new ArrayList<>();
    for (java.awt.Component k : c.getComponents()) {
      if ("history.legend".equals(k.getName())) {
        for (java.awt.Component l : ((java.awt.Container) k).getComponents()) {
          out.add(((javax.swing.JLabel) l).getText());
        }
      } else if (k instanceof java.awt.Container inner) {
        out.addAll(legend(inner));
      }
    }
    return out;
  }

  @Test
  void theDarkThemeChosenInOneWindowIsTheLookOfEveryWindow() {
    javax.swing.JFrame history = Gui.onEdt(w.bob::showHistory);
    try {
      Gui.click(w.alice, "View", "Dark theme");
      for (EditorWindow win : List.of(w.alice, w.bob)) {
        String who = win == w.alice ? "Alice's" : "Bob's";
        assertThat(Gui.onEdt(() -> isDark(win.textArea().getBackground())))
            .as(who + " text")
            .isTrue();
        assertThat(Gui.onEdt(() -> isDark(win.statusBar().getBackground())))
            .as(who + " status bar")
            .isTrue();
        assertThat(Gui.onEdt(() -> isDark(win.getJMenuBar().getBackground())))
            .as(who + " menus")
            .isTrue();
        assertThat(Gui.onEdt(() -> Gui.menuItem(win, "View", "Dark theme").isSelected()))
            .as(who + " View menu")
            .isTrue();
      }
      assertThat(Gui.onEdt(() -> isDark(named(history, "history.text").getBackground())))
          .as("Bob's history text")
          .isTrue();
      Gui.click(w.bob, "View", "Light theme");
      assertThat(Gui.onEdt(() -> isDark(w.alice.textArea().getBackground()))).isFalse();
      assertThat(Gui.onEdt(() -> Gui.menuItem(w.alice, "View", "Light theme").isSelected()))
          .isTrue();
      assertThat(Gui.onEdt(() -> isDark(named(history, "history.text").getBackground()))).isFalse();
    } finally {
      Gui.run(history::dispose);
      Gui.run(() -> Themes.switchTo(false));
    }
  }

  private static java.awt.Component named(java.awt.Container c, String name) {
    for (java.awt.Component k : c.getComponents()) {
      if (name.equals(k.getName())) {
        return k;
      }
      if (k instanceof java.awt.Container inner && named(inner, name) != null) {
        return named(inner, name);
      }
    }
    return null;
  }

  private static boolean isDark(Color c) {
    return 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue() < 128;
  }

  private static JDialog renameDialog() {
    for (Window win : Window.getWindows()) {
      if (win instanceof JDialog d && d.isShowing() && "Rename".equals(d.getTitle())) {
        return d;
      }
    }
    return null;
  }

  private static List<JMenuItem> items(JMenuBar bar) {
    List<JMenuItem> out = new ArrayList<>();
    for (int i = 0; i < bar.getMenuCount(); i++) {
      collect(bar.getMenu(i), out);
    }
    return out;
  }

  private static void collect(JMenu menu, List<JMenuItem> out) {
    for (java.awt.Component c : menu.getMenuComponents()) {
      if (c instanceof JMenu sub) {
        collect(sub, out);
      } else if (c instanceof JMenuItem item) {
        out.add(item);
      }
    }
  }

  /** The line at the top of the visible text. */
  private static int topLine(EditorWindow win) {
    QuireTextArea a = win.textArea();
    int offset = a.viewToModel2D(new Point(0, a.getVisibleRect().y + 2));
    return a.getDocument().getDefaultRootElement().getElementIndex(offset);
  }

  /** True when the text needs no sideways scrolling in its window. */
  private static boolean fitsWidth(EditorWindow win) {
    QuireTextArea a = win.textArea();
    JViewport v = (JViewport) SwingUtilities.getAncestorOfClass(JViewport.class, a);
    return a.getWidth() <= v.getExtentSize().width;
  }
}
