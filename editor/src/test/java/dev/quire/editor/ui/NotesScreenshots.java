package dev.quire.editor.ui;

import java.awt.Rectangle;
import java.awt.Robot;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.swing.JDialog;
import javax.swing.JFrame;
import javax.swing.JTextField;
import javax.swing.SwingUtilities;

/**
 * The screenshots of comments and named versions in docs/ ({@code comments.png}, {@code
 * history-versions.png}): part of {@link ScreenshotTour}, or alone under a 1600x900 display with
 * {@code bench/run-editor-main.sh dev.quire.editor.ui.NotesScreenshots [DIR]}.
 */
public final class NotesScreenshots {
  private NotesScreenshots() {}

  public static void main(String[] args) throws Exception {
    Gui.requireDisplay();
    Path out = Path.of(args.length > 0 ? args[0] : "docs/screenshots");
    Files.createDirectories(out);
    String welcome;
    try (InputStream in = NotesScreenshots.class.getResourceAsStream("/demo/welcome.md")) {
      welcome = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Rectangle screen = new Rectangle(java.awt.Toolkit.getDefaultToolkit().getScreenSize());
    int half = screen.width / 2;
    Path dir = Files.createTempDirectory("quire-screenshots-");
    try (TwoWindows w =
        new TwoWindows(
            dir,
            "welcome.md",
            welcome,
            new Rectangle(0, 0, half, screen.height),
            new Rectangle(half, 0, screen.width - half, screen.height))) {
      shoot(w, out, screen);
    }
    System.out.println("screenshots in " + out.toAbsolutePath());
    System.exit(0);
  }

  /** Comments in Bob's window, then Alice's history window with named versions. */
  static void shoot(TwoWindows w, Path out, Rectangle screen) throws Exception {
    String text = TwoWindows.text(w.alice);
    String phrase = "watch the other follow";
    int at = text.indexOf(phrase);
    Gui.run(() -> w.alice.textArea().select(at, at + phrase.length()));
    Gui.clickMenu(w.alice, "Edit", "Comment…");
    answer("Add a comment", "Should we say how fast? It is under 20 ms here.");
    Gui.await("Bob sees the comment", () -> w.bob.comments().shown().size() == 1);
    Gui.await("acknowledged", () -> w.bob.comments().shown().get(0).sent());
    SwingUtilities.invokeLater(() -> Gui.button(w.bob.comments(), "Reply…").doClick());
    answer("Reply", "Yes, and link the benchmark.");
    int code = text.indexOf("## A little code");
    Gui.run(() -> w.bob.textArea().select(code + 3, code + 16));
    Gui.clickMenu(w.bob, "Edit", "Comment…");
    answer("Add a comment", "Rename this section?");
    Gui.await(
        "both comments at Alice's, with the reply",
        () ->
            w.alice.comments().shown().size() == 2
                && w.alice.comments().shown().get(0).replies().size() == 1
                && w.bob.comments().shown().stream().allMatch(c -> c.sent()));
    Gui.run(() -> w.bob.textArea().setCaretPosition(at));
    settle();
    int half = screen.width / 2;
    shoot(out.resolve("comments.png"), new Rectangle(half, 0, screen.width - half, 640));

    JFrame history = Gui.onEdt(w.alice::showHistory);
    Gui.await("the history window", history::isShowing);
    settle();
    long head = Gui.onEdt(() -> w.alice.session().revision());
    nameVersion(history, "first draft");
    Gui.await(
        "the version acknowledged",
        () -> w.alice.session().versions().size() == 1 && TwoWindows.synced(w.alice));
    Gui.run(
        () -> {
          javax.swing.JComboBox<?> list =
              Gui.find(history.getContentPane(), javax.swing.JComboBox.class).stream()
                  .filter(c -> "history.versions".equals(c.getName()))
                  .findFirst()
                  .orElseThrow();
          list.showPopup();
        });
    settle();
    java.awt.Point corner = Gui.onEdt(history::getLocationOnScreen);
    java.awt.Dimension size = Gui.onEdt(history::getSize);
    shoot(
        out.resolve("history-versions.png"),
        new Rectangle(corner.x, corner.y, size.width, size.height + 60)); // the list opens below
    Gui.run(history::dispose);
    if (head < 0) {
      throw new IllegalStateException("no revision");
    }
  }

  private static void nameVersion(JFrame history, String name) {
    SwingUtilities.invokeLater(() -> Gui.button(history, "Name this revision…").doClick());
    JDialog d = awaitDialogStartingWith("Name revision");
    Gui.run(
        () -> {
          Gui.find(d, JTextField.class).get(0).setText(name);
          Gui.button(d, "OK").doClick();
        });
  }

  private static JDialog awaitDialogStartingWith(String prefix) {
    java.util.concurrent.atomic.AtomicReference<JDialog> found =
        new java.util.concurrent.atomic.AtomicReference<>();
    Gui.await(
        "a dialog " + prefix,
        () -> {
          for (java.awt.Window win : java.awt.Window.getWindows()) {
            if (win instanceof JDialog d && d.isShowing() && d.getTitle().startsWith(prefix)) {
              found.set(d);
              return true;
            }
          }
          return false;
        });
    return found.get();
  }

  private static void answer(String dialogTitle, String text) {
    JDialog d = Gui.awaitDialog(dialogTitle);
    Gui.run(
        () -> {
          Gui.find(d, JTextField.class).get(0).setText(text);
          Gui.button(d, "OK").doClick();
        });
  }

  private static void settle() throws Exception {
    Thread.sleep(800); // screenshots only: let the last repaint reach the screen
    SwingUtilities.invokeAndWait(() -> {});
  }

  private static void shoot(Path file, Rectangle area) throws Exception {
    ImageIO.write(new Robot().createScreenCapture(area), "png", file.toFile());
    System.out.println("wrote " + file);
  }
}
