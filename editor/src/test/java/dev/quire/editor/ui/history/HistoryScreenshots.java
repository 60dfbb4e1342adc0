package dev.quire.editor.ui.history;

import com.formdev.flatlaf.FlatDarkLaf;
import com.formdev.flatlaf.FlatLightLaf;
import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.ot.operation.TextOperation;
import java.awt.Robot;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import javax.swing.JFrame;
import javax.swing.SwingUtilities;

/**
 * Opens the history window on a small three-author document and saves a screenshot: {@code
 * HistoryScreenshots OUT.png light|dark}. Run under Xvfb by {@code bench/history-view.sh
 * screenshots}.
 */
public final class HistoryScreenshots {
  private HistoryScreenshots() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2 || !args[1].matches("light|dark")) {
      System.err.println("usage: HistoryScreenshots OUT.png light|dark");
      System.exit(2);
    }
    Path profile = Files.createTempDirectory("quire-screenshot");
    try {
      shoot(profile, Path.of(args[0]), args[1].equals("dark"));
    } finally {
      Histories.deleteTree(profile);
    }
    System.exit(0);
  }

  private static void shoot(Path profile, Path out, boolean dark) throws Exception {
    try (LocalStore store = LocalStore.open(profile)) {
      List<Histories.Edit> edits = releasePlan();
      Histories.write(store, "doc", "release-plan.md", edits);
      SwingUtilities.invokeAndWait(
          () -> {
            if (dark) {
              FlatDarkLaf.setup();
            } else {
              FlatLightLaf.setup();
            }
            JFrame.setDefaultLookAndFeelDecorated(
                true); // a title bar even without a window manager
          });
      DocumentSession session =
          DocumentSession.open(store, "doc", SwingUtilities::invokeLater, 1000)
              .get(30, TimeUnit.SECONDS);
      long shown = edits.size() - 3L;
      CountDownLatch atHead = new CountDownLatch(1);
      CountDownLatch coloured = new CountDownLatch(1);
      AtomicReference<JFrame> window = new AtomicReference<>();
      AtomicReference<HistoryPanel> panel = new AtomicReference<>();
      SwingUtilities.invokeAndWait(
          () -> {
            JFrame f = HistoryPanel.showWindow(null, store, session, HistoryScreenshots::person);
            f.setBounds(0, 0, 980, 620);
            panel.set((HistoryPanel) f.getContentPane().getComponent(0));
            panel
                .get()
                .setProbe(
                    new HistoryPanel.Probe() {
                      @Override
                      public void colouringShown(long revision) {
                        (revision == shown ? coloured : atHead).countDown();
                      }
                    });
            window.set(f);
          });
      await(atHead, "the head");
      SwingUtilities.invokeAndWait(() -> panel.get().slider().setValue((int) shown));
      await(coloured, "revision " + shown);
      Thread.sleep(800); // let the last repaint reach the screen
      BufferedImage img = new Robot().createScreenCapture(window.get().getBounds());
      ImageIO.write(img, "png", out.toFile());
      System.out.println("saved " + out + " (" + img.getWidth() + "x" + img.getHeight() + ")");
      SwingUtilities.invokeAndWait(window.get()::dispose);
    }
  }

  private static void await(CountDownLatch latch, String what) throws InterruptedException {
    if (!latch.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException(what + " was not shown coloured within 30 s");
    }
  }

  /** The names and colours the three chose in their settings, as their carets show them. */
  static Person person(String user) {
    return switch (user) {
      case "alice" -> new Person("Alice", new java.awt.Color(0xe11d48));
      case "bob" -> new Person("Bob", new java.awt.Color(0x2563eb));
      case "chen" -> new Person("Chen", new java.awt.Color(0x16a34a));
      default -> null;
    };
  }

  /** Three people writing release notes, one revision per keystroke, then a few corrections. */
  static List<Histories.Edit> releasePlan() {
    Typist t = new Typist();
    t.type(
        "alice",
        "# Release plan: Quire 0.2\n\n## Goals\n"
            + "- Offline editing that never loses a keystroke\n"
            + "- History view: scrub, play back, restore\n"
            + "- Faster catch-up after a long offline session\n\n");
    t.type("bob", "## Owners\n- Sync engine: Bob\n- History view: Alice\n- Relay limits: Chen\n\n");
    t.type(
        "chen",
        "## Open questions\n"
            + "1. Keep checkpoints every 1000 revisions?\n"
            + "2. Which author colours work on the dark theme?\n"
            + "3. Ship on Friday, or wait for the figures? ✓\n");
    t.replace("bob", "Faster catch-up", "Much faster catch-up");
    t.replace("chen", "Relay limits: Chen", "Relay limits and metrics: Chen");
    t.insertAfter(
        "alice", "the figures? ✓\n", "4. Screenshots for the user guide (light and dark)\n");
    t.replace("bob", "Ship on Friday", "Ship on Monday");
    return t.edits;
  }

  /** Builds edits as people type: one code point per revision, corrections in one revision. */
  private static final class Typist {
    final List<Histories.Edit> edits = new ArrayList<>();
    private String text = "";

    void type(String author, String s) {
      insertAt(author, text.codePointCount(0, text.length()), s);
    }

    void insertAfter(String author, String anchor, String s) {
      int i = text.indexOf(anchor) + anchor.length();
      insertAt(author, text.codePointCount(0, i), s);
    }

    private void insertAt(String author, int at, String s) {
      for (int i = 0; i < s.length(); i = s.offsetByCodePoints(i, 1)) {
        String c = new String(Character.toChars(s.codePointAt(i)));
        edit(author, TextOperation.splice(length(), at++, 0, c));
      }
    }

    void replace(String author, String old, String now) {
      int i = text.indexOf(old);
      int at = text.codePointCount(0, i);
      edit(author, TextOperation.splice(length(), at, old.codePointCount(0, old.length()), now));
    }

    private int length() {
      return text.codePointCount(0, text.length());
    }

    private void edit(String author, TextOperation op) {
      text = op.apply(text);
      edits.add(new Histories.Edit(author, op));
    }
  }
}
