package dev.quire.editor.ui.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.ot.note.Note;
import dev.quire.ot.operation.TextOperation;
import java.awt.Color;
import java.awt.GraphicsEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.SwingUtilities;
import javax.swing.plaf.basic.BasicHTML;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revisions that carry notes, in a real history window: a batch of notes alone is shown as what it
 * did (commented, named a version, resolved a comment), by whom, in their colour, not as an empty
 * edit. Needs a display (xvfb-run).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HistoryNotesGuiTest {
  private static final Color ALICE = new Color(0xe11d48);
  private static final Color BOB = new Color(0x2563eb);

  @TempDir Path dir;
  private LocalStore store;
  private JFrame window;

  @BeforeAll
  static void needsADisplay() {
    org.junit.jupiter.api.Assumptions.assumeFalse(
        GraphicsEnvironment.isHeadless(), "a headless JVM cannot open windows: use xvfb-run");
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
    if (store != null) {
      store.close();
    }
  }

  @Test
  void notesOnlyRevisions_sayWhatTheyDid_byWhomInTheirColour() throws Exception {
    store = LocalStore.open(dir);
    String text = "the quick fox\n";
    int n = text.length();
    Histories.write(
        store,
        "doc",
        "Notes",
        List.of(
            new Histories.Edit("alice", TextOperation.splice(0, 0, 0, text)),
            new Histories.Edit(
                "bob",
                TextOperation.identity(n),
                List.of(new Note.Comment("c1", 4, 9, "Which   one?\nReally"))),
            new Histories.Edit(
                "alice", TextOperation.identity(n), List.of(new Note.Version("first draft", null))),
            new Histories.Edit(
                "bob",
                TextOperation.splice(n, 0, 0, "jumps\n"),
                List.of(new Note.Resolve("c1", true))),
            new Histories.Edit(
                "alice",
                TextOperation.identity(n + 6),
                List.of(new Note.RemoveVersion("first draft", 3)))));
    DocumentSession session =
        DocumentSession.open(store, "doc", SwingUtilities::invokeLater, 1000)
            .get(30, TimeUnit.SECONDS);
    window =
        onEdt(
            () ->
                HistoryPanel.showWindow(
                    null,
                    store,
                    session,
                    user ->
                        user.equals("alice")
                            ? new Person("Alice", ALICE)
                            : new Person("Bob", BOB)));
    HistoryPanel panel = (HistoryPanel) window.getContentPane().getComponent(0);
    waitUntil(() -> panel.shownRevision() == 5);

    assertNotes(panel, 1, null, null);
    assertNotes(panel, 2, "Bob commented “Which one? Really” (the text is unchanged)", BOB);
    assertNotes(panel, 3, "Alice named version “first draft” (the text is unchanged)", ALICE);
    assertNotes(panel, 4, "Bob resolved a comment", BOB); // with an edit: no "unchanged"
    assertNotes(
        panel,
        5,
        "Alice removed the name “first draft” of revision 3 (the text is unchanged)",
        ALICE);
  }

  @Test
  void aDisplayNameThatLooksLikeHtml_isShownAsText_notRendered() throws Exception {
    store = LocalStore.open(dir);
    Histories.write(
        store,
        "doc",
        "Notes",
        List.of(
            new Histories.Edit("alice", TextOperation.splice(0, 0, 0, "text\n")),
            new Histories.Edit(
                "bob", TextOperation.identity(5), List.of(new Note.Comment("c1", 0, 4, "hm")))));
    DocumentSession session =
        DocumentSession.open(store, "doc", SwingUtilities::invokeLater, 1000)
            .get(30, TimeUnit.SECONDS);
    String html = "<html><b>Bob</b>";
    window =
        onEdt(() -> HistoryPanel.showWindow(null, store, session, user -> new Person(html, BOB)));
    HistoryPanel panel = (HistoryPanel) window.getContentPane().getComponent(0);
    waitUntil(() -> panel.shownRevision() == 2);
    JLabel line = onEdt(panel::notesLine);
    assertThat(onEdt(line::getText)).startsWith(html + " commented");
    // Swing keeps a rendered view under this key for text it draws as HTML.
    assertThat(onEdt(() -> line.getClientProperty(BasicHTML.propertyKey))).isNull();
    assertThat(onEdt(() -> panel.infoLabel().getClientProperty(BasicHTML.propertyKey))).isNull();
  }

  /** Shows {@code revision} and checks its notes line: hidden when {@code expected} is null. */
  private static void assertNotes(HistoryPanel panel, int revision, String expected, Color colour)
      throws Exception {
    onEdt(
        () -> {
          panel.slider().setValue(revision);
          return null;
        });
    waitUntil(() -> panel.shownRevision() == revision);
    JLabel line = onEdt(panel::notesLine);
    if (expected == null) {
      assertThat(onEdt(line::isVisible)).as("notes line at " + revision).isFalse();
      return;
    }
    assertThat(onEdt(line::isVisible)).as("notes line at " + revision).isTrue();
    assertThat(onEdt(line::getText)).isEqualTo(expected);
    assertThat(onEdt(() -> ((AuthorLegend.Swatch) line.getIcon()).colour())).isEqualTo(colour);
    assertThat(onEdt(() -> panel.infoLabel().getText()))
        .startsWith("Revision " + revision + " of 5 — " + (colour == BOB ? "Bob" : "Alice"));
  }

  private static <T> T onEdt(Callable<T> c) throws Exception {
    AtomicReference<T> out = new AtomicReference<>();
    AtomicReference<Exception> failed = new AtomicReference<>();
    SwingUtilities.invokeAndWait(
        () -> {
          try {
            out.set(c.call());
          } catch (Exception e) {
            failed.set(e);
          }
        });
    if (failed.get() != null) {
      throw failed.get();
    }
    return out.get();
  }

  private static void waitUntil(BooleanSupplier condition) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!onEdt(condition::getAsBoolean)) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(20);
    }
  }
}
