package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.Settings;
import java.awt.Rectangle;
import java.io.File;
import java.net.URI;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.swing.JFileChooser;

/**
 * A large document's way through real editor windows, end to end, on two profiles of one user (two
 * devices) and a relay: File › Import into a window on profile A, which uploads it; a window on
 * profile B lists it, opens it and shows it whole (plain, being far above {@link
 * QuireTextArea#PLAIN_ABOVE_CHARS}); a keystroke typed there is synced; A's window, opened again,
 * syncs it; File › Export from A gives the imported bytes plus the keystroke, byte-exact. Each step
 * is checked and timed. Shared by {@link LargeDocumentGuiTest} and {@link LargeDocumentBenchmark}.
 */
final class LargeDocumentFlow {
  /** Told each step's name and wall-clock time as it ends. */
  interface Steps {
    void ended(String step, Duration took);
  }

  private final Path dir;
  private final Settings settings;
  private final Duration stepLimit;
  private final Steps steps;
  private long stepStart;

  /**
   * @param dir where the profiles and files go
   * @param relay the relay both profiles sync with, as user {@code token}
   * @param stepLimit how long each step may take before the flow fails
   */
  LargeDocumentFlow(Path dir, URI relay, String token, Duration stepLimit, Steps steps) {
    this.dir = dir;
    this.settings = Settings.of(relay.toString(), token, "Alice", "#e11d48");
    this.stepLimit = stepLimit;
    this.steps = steps;
  }

  /** About {@code bytes} of UTF-8 text mixing one- to four-byte characters and JSON escapes. */
  static String text(long bytes) {
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

  /** Runs the flow with {@code original} as the imported file's text; fails on the first miss. */
  void run(String original) throws Exception {
    Gui.requireDisplay();
    Path in = dir.resolve("large.txt");
    Files.writeString(in, original, StandardCharsets.UTF_8);
    int length = original.length();

    String id;
    EditorWindow a = window(open("a"), null);
    try {
      begin();
      Gui.clickMenu(a, "File", "Import a file…");
      choose("Import a file", in);
      Gui.await(
          "the imported text in profile A's window",
          stepLimit,
          () -> a.session() != null && a.textArea().getDocument().getLength() == length);
      end("import into profile A (File › Import), shown in its window");
      id = Gui.onEdt(() -> a.session().id());
      awaitSynced(a, "A's upload");
      end("upload from A to the relay");
    } finally {
      close(a);
    }
    end("A's window closed");

    LocalStore storeB = open("b");
    EditorWindow b = window(storeB, null);
    try {
      Gui.await(
          "the document listed at profile B",
          stepLimit,
          () -> storeB.document(id).join().isPresent());
      end("listed at profile B (second device)");
      Gui.run(() -> b.openDocument(id));
      Gui.await(
          "the whole document in B's window",
          stepLimit,
          () -> b.session() != null && b.textArea().getDocument().getLength() == length);
      end("opened and shown whole in B's window");
      QuireTextArea area = b.textArea();
      assertThat(firstDifference(Gui.onEdt(() -> area.getText()), original))
          .as("the first char where B's window differs from the file")
          .isEqualTo(-1);
      assertThat(Gui.onEdt(area::plainForSize)).isTrue();
      // Wrapping is off while plain: measuring every line at each layout held the event thread
      // for minutes at this size, before the text could show.
      assertThat(Gui.onEdt(area::getLineWrap)).isFalse();
      assertThat(Gui.onEdt(area::chosenLineWrap)).isTrue();
      end("B's window text compared with the file's");

      Gui.run(() -> area.setCaretPosition(0));
      Gui.type(area, "x");
      Gui.await(
          "the keystroke in B's window", () -> Gui.onEdt(() -> area.getText(0, 1)).equals("x"));
      awaitSynced(b, "B's keystroke");
      end("keystroke typed in B's window and synced");
    } finally {
      close(b);
    }
    end("B's window closed");

    EditorWindow again = window(open("a"), id);
    try {
      Gui.await(
          "the keystroke in A's window",
          stepLimit,
          () ->
              again.session() != null
                  && again.textArea().getDocument().getLength() == length + 1
                  && Gui.onEdt(() -> again.textArea().getText(0, 1)).equals("x"));
      awaitSynced(again, "A's window");
      end("A's window opened again and synced the keystroke");
      Path exported = dir.resolve("exported.txt");
      Path expected = dir.resolve("expected.txt");
      Files.writeString(expected, "x" + original, StandardCharsets.UTF_8);
      long expectedSize = Files.size(expected);
      begin();
      Gui.clickMenu(again, "File", "Export to a file…");
      choose("Export large.txt", exported);
      Gui.await(
          "the export written",
          stepLimit,
          () -> Files.exists(exported) && exported.toFile().length() == expectedSize);
      end("export from A (File › Export)");
      assertThat(Files.mismatch(expected, exported)).as("first differing byte").isEqualTo(-1);
    } finally {
      close(again);
    }
  }

  private LocalStore open(String profile) {
    LocalStore store = LocalStore.open(dir.resolve(profile));
    store.saveSettings(settings).join();
    return store;
  }

  /** A window on {@code store}, showing {@code doc} (or none); the next step begins. */
  private EditorWindow window(LocalStore store, String doc) {
    begin();
    return EditorApp.show(store, settings, new Rectangle(0, 0, 800, 600), false, doc);
  }

  /** Picks {@code file} in the file chooser of the dialog titled {@code title}, as a user would. */
  private static void choose(String title, Path file) {
    List<JFileChooser> choosers = Gui.find(Gui.awaitDialog(title), JFileChooser.class);
    assertThat(choosers).as("a file chooser in %s", title).hasSize(1);
    JFileChooser chooser = choosers.get(0);
    Gui.run(
        () -> {
          chooser.setSelectedFile(new File(file.toString()));
          chooser.approveSelection();
        });
  }

  /** The index of the first char where the texts differ, or -1 (a message of 50 MB is no help). */
  private static int firstDifference(String a, String b) {
    return CharBuffer.wrap(a).mismatch(CharBuffer.wrap(b));
  }

  private void awaitSynced(EditorWindow w, String what) {
    Gui.await(what + " synced", stepLimit, () -> w.session().status().isSynced());
    assertThat(Gui.onEdt(() -> w.session().status().error())).as("%s's error", what).isNull();
  }

  private void begin() {
    stepStart = System.nanoTime();
  }

  /** Reports the step begun at the last {@link #begin} or {@link #end}, and begins the next. */
  private void end(String step) {
    long now = System.nanoTime();
    steps.ended(step, Duration.ofNanos(now - stepStart));
    stepStart = now;
  }

  /** Closes the window and waits until its profile is closed. */
  private void close(EditorWindow w) throws InterruptedException {
    CountDownLatch closed = new CountDownLatch(1);
    Gui.run(
        () -> {
          w.onClosed(closed::countDown);
          w.close();
        });
    assertThat(closed.await(stepLimit.toSeconds(), TimeUnit.SECONDS))
        .as("the window's profile closed")
        .isTrue();
  }
}
