package dev.quire.editor.ui.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.Revision;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.ot.operation.TextOperation;
import java.awt.Color;
import java.awt.Component;
import java.awt.Container;
import java.awt.GraphicsEnvironment;
import java.awt.Window;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import javax.swing.AbstractButton;
import javax.swing.JDialog;
import javax.swing.JFrame;
import javax.swing.SwingUtilities;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives a real history window; needs a display (CI runs it under xvfb-run). */
class HistoryPanelGuiTest {
  private static final String REV1 = "Hello world\n";
  private static final String REV2 = "Hello brave new world\n";
  private static final String REV3 = "Hello brave new world\n😀 bye\n";
  private static final String REV4 = "brave new world\n😀 bye\n";

  @TempDir Path dir;
  private LocalStore store;
  private DocumentSession session;
  private JFrame window;
  private HistoryPanel panel;

  @BeforeAll
  static void needsADisplay() {
    org.junit.jupiter.api.Assumptions.assumeFalse(
        GraphicsEnvironment.isHeadless(), "a headless JVM cannot open windows: use xvfb-run");
  }

  @BeforeEach
  void open() throws Exception {
    store = LocalStore.open(dir);
    Histories.write(
        store,
        "doc",
        "Notes",
        List.of(
            new Histories.Edit("alice", TextOperation.splice(0, 0, 0, REV1)),
            new Histories.Edit("bob", TextOperation.splice(12, 6, 0, "brave new ")),
            new Histories.Edit("alice", TextOperation.splice(22, 22, 0, "😀 bye\n")),
            new Histories.Edit("bob", TextOperation.splice(28, 0, 6, ""))));
    session =
        DocumentSession.open(store, "doc", SwingUtilities::invokeLater, 1000)
            .get(30, TimeUnit.SECONDS);
    window = onEdt(() -> HistoryPanel.showWindow(null, store, session));
    panel = (HistoryPanel) find(window, "history");
    waitUntil(() -> panel.shownRevision() == 4 && !panel.legend().names().isEmpty());
  }

  @AfterEach
  void close() throws Exception {
    if (window != null) {
      onEdt(
          () -> {
            window.dispose();
            return null;
          });
    }
    store.close();
  }

  @Test
  void opensAtTheHeadWithTitleAuthorAndTime() throws Exception {
    assertThat(window.getTitle()).isEqualTo("History — Notes");
    assertThat(onEdt(() -> panel.textArea().getText())).isEqualTo(REV4);
    assertThat(onEdt(() -> panel.slider().getMaximum())).isEqualTo(4);
    assertThat(onEdt(() -> panel.infoLabel().getText()))
        .isEqualTo(
            "Revision 4 of 4 — bob — "
                + java.time.format.DateTimeFormatter.ofLocalizedDateTime(
                        java.time.format.FormatStyle.MEDIUM)
                    .withZone(java.time.ZoneId.systemDefault())
                    .format(java.time.Instant.ofEpochMilli(Histories.EPOCH_MILLIS + 4000)));
  }

  @Test
  void slider_showsEachRevisionsTextAndColoursItByAuthor() throws Exception {
    onEdt(() -> setSlider(2));
    waitUntil(() -> panel.shownRevision() == 2 && panel.legend().names().size() == 2);
    assertThat(onEdt(() -> panel.textArea().getText())).isEqualTo(REV2);
    java.time.format.DateTimeFormatter time =
        java.time.format.DateTimeFormatter.ofLocalizedDateTime(java.time.format.FormatStyle.MEDIUM)
            .withZone(java.time.ZoneId.systemDefault());
    long synced = Histories.EPOCH_MILLIS + 2000;
    // made offline hours before it reached the relay: both times
    assertThat(onEdt(() -> panel.infoLabel().getText()))
        .isEqualTo(
            "Revision 2 of 4 — bob — made "
                + time.format(
                    java.time.Instant.ofEpochMilli(synced - Histories.REV2_MADE_EARLIER_MILLIS))
                + ", synced "
                + time.format(java.time.Instant.ofEpochMilli(synced)));
    // Alice wrote 12 characters, Bob 10: largest share first.
    assertThat(onEdt(() -> panel.legend().names())).containsExactly("alice", "bob");
    Color alice = onEdt(() -> backgroundAt(0)); // "H"
    Color bob = onEdt(() -> backgroundAt(6)); // "b" of "brave"
    Color plain = onEdt(() -> panel.textArea().getBackground());
    assertThat(alice).isNotEqualTo(plain);
    assertThat(bob).isNotEqualTo(plain).isNotEqualTo(alice);

    onEdt(() -> setSlider(0));
    waitUntil(() -> panel.shownRevision() == 0);
    assertThat(onEdt(() -> panel.textArea().getText())).isEmpty();
    assertThat(onEdt(() -> panel.infoLabel().getText())).contains("the empty document");

    onEdt(() -> setSlider(3));
    waitUntil(() -> panel.shownRevision() == 3);
    assertThat(onEdt(() -> panel.textArea().getText())).isEqualTo(REV3);
  }

  @Test
  void restore_makesOneNewEditAndKeepsTheHistory() throws Exception {
    List<Revision> before = store.revisions("doc", 1, 4).get();
    onEdt(() -> setSlider(2));
    waitUntil(() -> panel.shownRevision() == 2);

    clickInDialog("Cancel");
    assertThat(onEdt(session::text)).isEqualTo(REV4);

    clickInDialog("Restore");
    waitUntil(() -> session.text().equals(REV2));
    assertThat(onEdt(session::unacknowledged)).isEqualTo(1);
    assertThat(onEdt(session::revision)).isEqualTo(4);
    store.flush().get();
    assertThat(store.revisions("doc", 1, 10).get()).isEqualTo(before);
    assertThat(store.localText("doc").get()).isEqualTo(REV2);
    assertThat(store.document("doc").get().orElseThrow().pending()).isEqualTo(1);
  }

  @Test
  void play_runsToTheHeadAndStops() throws Exception {
    onEdt(
        () -> {
          setSlider(0);
          panel.speedChoice().setSelectedIndex(panel.speedChoice().getItemCount() - 1);
          panel.playButton().doClick();
          return null;
        });
    waitUntil(() -> panel.shownRevision() == 4 && panel.playButton().getText().equals("Play"));
    assertThat(onEdt(() -> panel.textArea().getText())).isEqualTo(REV4);
  }

  @Test
  void anEmojiIsDrawnWhole_neverSplitBetweenTwoTokens() throws Exception {
    String text = onEdt(() -> panel.textArea().getText());
    int line = 1; // "😀 bye"
    List<Integer> starts =
        onEdt(
            () -> {
              List<Integer> out = new java.util.ArrayList<>();
              for (var t = panel.textArea().getTokenListForLine(line);
                  t != null && t.isPaintable();
                  t = t.getNextToken()) {
                out.add(t.getOffset());
              }
              return out;
            });
    assertThat(starts).isNotEmpty();
    for (int start : starts) {
      assertThat(Character.isLowSurrogate(text.charAt(start)))
          .as("a token starts inside the emoji, at " + start + " of " + starts)
          .isFalse();
    }
  }

  @Test
  void lineNumbersKeepAGapBeforeTheText() throws Exception {
    onEdt(
        () -> {
          panel.textArea().setText("x".repeat(400) + "\n".repeat(120));
          return null;
        });
    int gap =
        onEdt(
            () -> {
              var pane =
                  (org.fife.ui.rtextarea.RTextScrollPane)
                      SwingUtilities.getAncestorOfClass(
                          org.fife.ui.rtextarea.RTextScrollPane.class, panel.textArea());
              pane.getHorizontalScrollBar().setValue(100); // scrolled sideways
              var gutter = pane.getGutter();
              BufferedImage img =
                  new BufferedImage(
                      gutter.getWidth(), gutter.getHeight(), BufferedImage.TYPE_INT_RGB);
              var g = img.createGraphics();
              gutter.paint(g);
              g.dispose();
              int background = img.getRGB(gutter.getWidth() - 1, gutter.getHeight() - 1);
              int rightmostInk = -1;
              for (int x = 0; x < img.getWidth(); x++) {
                for (int y = 0; y < img.getHeight(); y++) {
                  if (img.getRGB(x, y) != background && differs(img.getRGB(x, y), background)) {
                    rightmostInk = Math.max(rightmostInk, x);
                  }
                }
              }
              return gutter.getWidth() - 1 - rightmostInk;
            });
    assertThat(gap).as("pixels between the widest line number and the text").isGreaterThan(6);
  }

  private static boolean differs(int a, int b) {
    Color x = new Color(a);
    Color y = new Color(b);
    return Math.abs(x.getRed() - y.getRed())
            + Math.abs(x.getGreen() - y.getGreen())
            + Math.abs(x.getBlue() - y.getBlue())
        > 120;
  }

  @Test
  void authorsAreShownWithTheirDisplayNamesAndLiveColours() throws Exception {
    Color alice = new Color(0xe11d48);
    Color bob = new Color(0x2563eb);
    JFrame named =
        onEdt(
            () ->
                HistoryPanel.showWindow(
                    null,
                    store,
                    session,
                    user ->
                        switch (user) {
                          case "alice" -> new Person("Alice", alice);
                          case "bob" -> new Person("Bob", bob);
                          default -> null;
                        }));
    try {
      HistoryPanel p = (HistoryPanel) find(named, "history");
      waitUntil(() -> p.shownRevision() == 4 && !p.legend().names().isEmpty());
      assertThat(onEdt(() -> p.legend().names())).containsExactly("Alice", "Bob");
      assertThat(onEdt(() -> p.legend().colours())).containsExactly(alice, bob);
      assertThat(onEdt(() -> p.infoLabel().getText())).startsWith("Revision 4 of 4 — Bob — ");
    } finally {
      onEdt(
          () -> {
            named.dispose();
            return null;
          });
    }
  }

  private Void setSlider(int value) {
    panel.slider().setValue(value);
    return null;
  }

  /** The painted background in the bottom-left corner of the character at {@code offset}. */
  private Color backgroundAt(int offset) throws Exception {
    var area = panel.textArea();
    BufferedImage img =
        new BufferedImage(area.getWidth(), area.getHeight(), BufferedImage.TYPE_INT_RGB);
    var g = img.createGraphics();
    area.paint(g);
    g.dispose();
    Rectangle2D r = area.modelToView2D(offset);
    // The bottom of the line is below the baseline: for these characters, never glyph pixels.
    return new Color(img.getRGB((int) r.getX() + 1, (int) (r.getY() + r.getHeight()) - 2));
  }

  /** Clicks "Restore this revision…", then {@code button} in the confirmation dialog. */
  @Test
  void nameThisRevision_listsTheName_andChoosingItJumpsThere() throws Exception {
    assertThat(onEdt(() -> panel.versions().versionList().isEnabled())).isFalse();
    onEdt(() -> setSlider(2));
    waitUntil(() -> panel.shownRevision() == 2);

    SwingUtilities.invokeLater(() -> panel.versions().nameButton().doClick()); // a modal dialog
    AtomicReference<JDialog> dialog = new AtomicReference<>();
    waitUntil(
        () -> {
          for (Window w : Window.getWindows()) {
            if (w instanceof JDialog d && d.isShowing()) {
              dialog.set(d);
            }
          }
          return dialog.get() != null;
        });
    assertThat(dialog.get().getTitle()).isEqualTo("Name revision 2");
    onEdt(
        () -> {
          textFieldIn(dialog.get()).setText("sent to the client");
          buttonIn(dialog.get(), "OK").doClick();
          return null;
        });
    waitUntil(() -> panel.versions().versionList().getItemCount() == 2);
    assertThat(onEdt(() -> panel.versions().versionList().getItemAt(1).toString()))
        .isEqualTo("sent to the client — revision 2 (sending)");
    assertThat(onEdt(session::unsentVersions))
        .containsExactly(new dev.quire.ot.note.Note.Version("sent to the client", 2L));
    assertThat(onEdt(session::text)).as("naming changes no text").isEqualTo(REV4);

    onEdt(() -> setSlider(4));
    waitUntil(() -> panel.shownRevision() == 4);
    onEdt(
        () -> {
          panel.versions().versionList().setSelectedIndex(1);
          return null;
        });
    waitUntil(() -> panel.shownRevision() == 2);
    assertThat(onEdt(() -> panel.textArea().getText())).isEqualTo(REV2);
  }

  private static javax.swing.JTextField textFieldIn(Container c) {
    for (Component k : c.getComponents()) {
      if (k instanceof javax.swing.JTextField f) {
        return f;
      }
      if (k instanceof Container inner) {
        javax.swing.JTextField found = textFieldIn(inner);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private void clickInDialog(String button) throws Exception {
    SwingUtilities.invokeLater(() -> panel.restoreButton().doClick()); // blocks in the dialog
    AtomicReference<AbstractButton> b = new AtomicReference<>();
    waitUntil(
        () -> {
          for (Window w : Window.getWindows()) {
            if (w instanceof JDialog d && d.isShowing()) {
              b.set(buttonIn(d, button));
            }
          }
          return b.get() != null;
        });
    onEdt(
        () -> {
          b.get().doClick();
          return null;
        });
    waitUntil(
        () -> {
          for (Window w : Window.getWindows()) {
            if (w instanceof JDialog d && d.isShowing()) {
              return false;
            }
          }
          return true;
        });
  }

  private static AbstractButton buttonIn(Container c, String text) {
    for (Component k : c.getComponents()) {
      if (k instanceof AbstractButton ab && text.equals(ab.getText())) {
        return ab;
      }
      if (k instanceof Container inner) {
        AbstractButton found = buttonIn(inner, text);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static Component find(Container c, String name) {
    Component found = findOrNull(c, name);
    if (found == null) {
      throw new AssertionError("no component named " + name + " in " + c);
    }
    return found;
  }

  private static Component findOrNull(Container c, String name) {
    for (Component k : c.getComponents()) {
      if (name.equals(k.getName())) {
        return k;
      }
      if (k instanceof Container inner && findOrNull(inner, name) != null) {
        return findOrNull(inner, name);
      }
    }
    return null;
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

  /** Waits for a condition checked on the event thread; fails after 20 s. */
  private static void waitUntil(BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!onEdt(condition::getAsBoolean)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.sleep(20); // bounded poll (deadline above): nothing signals the condition
    }
  }
}
