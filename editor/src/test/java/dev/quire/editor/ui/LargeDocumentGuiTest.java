package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.cli.QuireCli;
import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.Settings;
import dev.quire.editor.sync.TestRelay;
import java.awt.Rectangle;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A document of tens of megabytes ({@link #SIZE}), imported and synced through the command line on
 * one profile, reaches an editor window on a second profile of the same user, is shown there
 * (plain, being far above {@link QuireTextArea#PLAIN_ABOVE_CHARS}), takes a keystroke, and that
 * keystroke reaches the first profile: its export is the imported bytes plus the keystroke,
 * byte-exact. The relay runs with its default limits, so every edit, batch and history page is
 * split as it is for a user.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class LargeDocumentGuiTest {
  /**
   * 20 MiB: 50 MiB took about 90 s for the import and first sync alone on a loaded two-core
   * machine, before the window; 20 MiB exercises the same splitting (far more than one message, one
   * batch, one history page) within the test's time.
   */
  static final long SIZE = 20L << 20;

  @TempDir Path dir;
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cmd = QuireCli.commandLine();
    // Both streams into one, so that a failed command's message shows in the assertion.
    cmd.setOut(new PrintWriter(err, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  /** About {@code bytes} of UTF-8 text mixing one- to four-byte characters and JSON escapes. */
  private static String text(long bytes) {
    String[] pieces = {
      "alpha ", "beta\n", "γάμμα ", "日本語 ", "😀", "e\u0301", "\t", "\"q\" ", "\\", "x".repeat(60)
    };
    Random random = new Random(13);
    StringBuilder text = new StringBuilder();
    long size = 0;
    while (size < bytes) {
      String p = pieces[random.nextInt(pieces.length)];
      text.append(p);
      size += p.getBytes(StandardCharsets.UTF_8).length;
    }
    return text.toString();
  }

  @Test
  void aDocumentOfTensOfMegabytes_opensInAWindowOnASecondProfile_andItsEditComesBackByteExact()
      throws Exception {
    Gui.requireDisplay();
    String original = text(SIZE);
    Path in = dir.resolve("large.txt");
    Files.writeString(in, original, StandardCharsets.UTF_8);
    String a = dir.resolve("a").toString();
    assertThat(run("import", "--profile", a, in.toString(), "--id", "big")).as("%s", err).isZero();
    try (TestRelay relay = TestRelay.start(dir.resolve("relay"))) {
      String token = relay.user("alice");
      String url = relay.uri().toString();
      assertThat(run("sync", "--profile", a, "--relay", url, "--token", token, "--timeout", "300"))
          .as("%s", err)
          .isZero();

      LocalStore store = LocalStore.open(dir.resolve("b"));
      Settings settings = Settings.of(url, token, "Alice", "#e11d48");
      store.saveSettings(settings).join();
      EditorWindow window =
          EditorApp.show(store, settings, new Rectangle(0, 0, 800, 600), false, null);
      try {
        // The window hears of the document from the relay's list, then opens it.
        Gui.await(
            "the document listed at the second profile",
            Duration.ofSeconds(120),
            () -> store.document("big").join().isPresent());
        Gui.run(() -> window.openDocument("big"));
        Gui.await(
            "the whole document in the window",
            Duration.ofSeconds(300),
            () ->
                window.session() != null
                    && Gui.onEdt(() -> window.textArea().getDocument().getLength())
                        == original.length());
        QuireTextArea area = window.textArea();
        assertThat(Gui.onEdt(() -> area.getText())).isEqualTo(original);
        assertThat(Gui.onEdt(area::plainForSize)).isTrue();
        // Wrapping is off while plain: measuring every line at each layout held the event thread
        // for minutes at this size, before the text could show.
        assertThat(Gui.onEdt(area::getLineWrap)).isFalse();
        assertThat(Gui.onEdt(area::chosenLineWrap)).isTrue();

        Gui.run(() -> area.setCaretPosition(0));
        Gui.type(area, "x");
        Gui.await(
            "the keystroke in the window", () -> Gui.onEdt(() -> area.getText(0, 1)).equals("x"));
        Gui.await(
            "the keystroke synced",
            Duration.ofSeconds(120),
            () -> window.session().status().isSynced());
        assertThat(Gui.onEdt(() -> window.session().status().error())).isNull();
      } finally {
        CountDownLatch closed = new CountDownLatch(1);
        Gui.run(
            () -> {
              window.onClosed(closed::countDown);
              window.close();
            });
        closed.await(60, TimeUnit.SECONDS);
      }

      assertThat(run("sync", "--profile", a, "--relay", url, "--token", token, "--timeout", "300"))
          .as("%s", err)
          .isZero();
    }
    Path exported = dir.resolve("exported.txt");
    assertThat(run("export", "--profile", a, "big", exported.toString())).as("%s", err).isZero();
    Path expected = dir.resolve("expected.txt");
    Files.writeString(expected, "x" + original, StandardCharsets.UTF_8);
    assertThat(Files.mismatch(expected, exported)).isEqualTo(-1);
  }
}
