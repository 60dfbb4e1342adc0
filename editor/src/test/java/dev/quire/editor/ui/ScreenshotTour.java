package dev.quire.editor.ui;

import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.Toolkit;
import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.swing.SwingUtilities;

/**
 * Takes the screenshots in docs/: two real windows co-editing the demo's document, in the light and
 * the dark theme, the people list with a marker for a caret out of sight, the View menu, the find
 * bar, comments and named versions ({@link NotesScreenshots}), and one working offline. Run under a
 * 1600x900 display: {@code bench/screenshots.sh}.
 */
public final class ScreenshotTour {
  private ScreenshotTour() {}

  public static void main(String[] args) throws Exception {
    Gui.requireDisplay();
    Path out = Path.of(args.length > 0 ? args[0] : "docs/screenshots");
    Files.createDirectories(out);
    String welcome;
    try (InputStream in = ScreenshotTour.class.getResourceAsStream("/demo/welcome.md")) {
      welcome = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Rectangle screen = new Rectangle(Toolkit.getDefaultToolkit().getScreenSize());
    int half = screen.width / 2;
    Path dir = Files.createTempDirectory("quire-screenshots-");
    try (TwoWindows w =
        new TwoWindows(
            dir,
            "welcome.md",
            welcome,
            new Rectangle(0, 0, half, screen.height),
            new Rectangle(half, 0, screen.width - half, screen.height))) {
      // Alice selects a phrase; Bob types a line of his own.
      int at = welcome.indexOf("watch the other follow");
      Gui.run(() -> w.alice.textArea().select(at, at + "watch the other follow".length()));
      int end = welcome.indexOf("## A little code");
      Gui.run(() -> w.bob.textArea().setCaretPosition(end - 1));
      Gui.type(w.bob.textArea(), "- Bob was here: typing in his own window.\n");
      Gui.await(
          "Bob's line and caret at Alice's",
          () ->
              TwoWindows.text(w.alice).contains("Bob was here")
                  && !w.alice.textArea().shownPresences().isEmpty()
                  && !w.bob.textArea().shownPresences().isEmpty());
      settle();
      shoot(out.resolve("co-editing-light.png"), screen);

      // Alice searches with the find bar: the third of the matches selected, all of them marked.
      Gui.press(w.alice.textArea(), KeyEvent.VK_F, InputEvent.CTRL_DOWN_MASK);
      javax.swing.JTextField find =
          Gui.find(w.alice.getContentPane(), javax.swing.JTextField.class).stream()
              .filter(f -> "find.field".equals(f.getName()))
              .findFirst()
              .orElseThrow();
      Gui.type(find, "window");
      Gui.press(find, KeyEvent.VK_ENTER, 0);
      Gui.press(find, KeyEvent.VK_ENTER, 0);
      settle();
      shoot(out.resolve("find-bar.png"), new Rectangle(0, 0, half, screen.height / 2));
      Gui.press(find, KeyEvent.VK_ESCAPE, 0);

      // Alice's people list, and a marker for Bob's caret below her (shorter) view.
      Rectangle small = new Rectangle(0, 0, 820, 440);
      Gui.run(
          () -> {
            w.alice.setBounds(small);
            w.alice.validate();
            w.alice.textArea().setCaretPosition(0);
            w.bob.textArea().setCaretPosition(w.bob.textArea().getDocument().getLength());
          });
      Gui.await(
          "a marker for Bob's caret at Alice's",
          () -> !w.alice.collaborators().view().sides().isEmpty());
      settle();
      shoot(out.resolve("people.png"), small);
      Gui.run(() -> w.alice.setBounds(new Rectangle(0, 0, half, screen.height)));

      // Alice's View menu, open.
      Gui.run(() -> w.alice.getJMenuBar().getMenu(2).doClick(0));
      settle();
      java.awt.Point corner = Gui.onEdt(() -> w.alice.getLocationOnScreen());
      shoot(out.resolve("view-menu.png"), new Rectangle(corner.x, corner.y, 520, 340));
      Gui.run(() -> javax.swing.MenuSelectionManager.defaultManager().clearSelectedPath());

      Gui.click(w.alice, "View", "Dark theme"); // every window follows
      settle();
      shoot(out.resolve("co-editing-dark.png"), screen);

      Gui.click(w.alice, "View", "Light theme");
      NotesScreenshots.shoot(w, out, screen); // comments and named versions
      w.relay.stop();
      Gui.await("offline", () -> !w.alice.statusBar().stateText().equals("Synced"));
      Gui.run(() -> w.alice.textArea().setCaretPosition(0));
      Gui.type(w.alice.textArea(), "Written offline. ");
      settle();
      shoot(out.resolve("offline.png"), new Rectangle(0, 0, half, screen.height));
      w.relay.restart();
      Gui.await(
          "synced again",
          java.time.Duration.ofSeconds(60),
          () -> TwoWindows.synced(w.alice) && TwoWindows.synced(w.bob));

      // Alice's Trash: two documents she deleted, one selected, with when each is purged.
      var docs = w.relay.relay().store().documents();
      long now = System.currentTimeMillis();
      docs.create("plan", "Release plan.md", "alice", now - 86_400_000L * 9);
      docs.markDeleted("plan", now - 86_400_000L * 2);
      docs.create("minutes", "Minutes 2026-11-30.md", "alice", now - 86_400_000L * 7);
      docs.markDeleted("minutes", now - 3_600_000L * 5);
      Rectangle trashShot = new Rectangle(0, 0, 800, 520);
      Gui.run(
          () -> {
            w.alice.setBounds(trashShot);
            w.alice.validate();
          });
      Gui.run(w.alice::showTrash);
      Gui.await("the trash listed", () -> Gui.onEdt(w.alice.trashView()::shown).size() == 2);
      Gui.run(
          () ->
              Gui.find(w.alice.trashView(), javax.swing.JList.class).stream()
                  .filter(l -> "trashed documents".equals(l.getName()))
                  .findFirst()
                  .orElseThrow()
                  .setSelectedIndex(0));
      settle();
      shoot(out.resolve("trash.png"), trashShot);
    }
    System.out.println("screenshots in " + out.toAbsolutePath());
    System.exit(0);
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
