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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A window asked to open a document its profile does not have yet waits for the relay's list to
 * bring it, within a bound, and says why when it does not come.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OpenUnlistedDocumentGuiTest {
  @TempDir Path dir;
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cmd = QuireCli.commandLine();
    cmd.setOut(new PrintWriter(new StringWriter(), true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  private static void close(EditorWindow w) throws InterruptedException {
    CountDownLatch closed = new CountDownLatch(1);
    Gui.run(
        () -> {
          w.onClosed(closed::countDown);
          w.close();
        });
    closed.await(30, TimeUnit.SECONDS);
  }

  private static boolean says(EditorWindow w, String text) {
    return Gui.onEdt(() -> w.shownProblems().stream().anyMatch(m -> m.contains(text)));
  }

  /** Whether a label on screen (not only the banners' model) shows {@code text}. */
  private static boolean showsOnScreen(EditorWindow w, String text) {
    return Gui.find(w, javax.swing.JLabel.class).stream()
        .anyMatch(l -> Gui.onEdt(l::getText).contains(text));
  }

  @Test
  void aDocumentOnlyTheRelayHas_opensOnceItsListBringsIt() throws Exception {
    Gui.requireDisplay();
    Path in = dir.resolve("shared.txt");
    Files.writeString(in, "written on a\n", StandardCharsets.UTF_8);
    String a = dir.resolve("a").toString();
    assertThat(run("import", "--profile", a, in.toString(), "--id", "shared")).isZero();
    try (TestRelay relay = TestRelay.start(dir.resolve("relay"))) {
      String token = relay.user("alice");
      String url = relay.uri().toString();
      assertThat(run("sync", "--profile", a, "--relay", url, "--token", token))
          .as("%s", err)
          .isZero();

      LocalStore store = LocalStore.open(dir.resolve("b"));
      Settings settings = Settings.of(url, token, "Alice", "#e11d48");
      store.saveSettings(settings).join();
      assertThat(store.document("shared").join()).as("not in profile b yet").isEmpty();
      EditorWindow w =
          EditorApp.show(store, settings, new Rectangle(0, 0, 800, 600), false, "shared");
      try {
        Gui.await(
            "the document open",
            Duration.ofSeconds(60),
            () ->
                Gui.onEdt(
                    () ->
                        w.session() != null
                            && w.session().id().equals("shared")
                            && w.session().text().equals("written on a\n")));
        assertThat(says(w, "No document")).isFalse();
        assertThat(says(w, "Cannot open")).isFalse();
      } finally {
        close(w);
      }
    }
  }

  @Test
  void aDocumentTheRelayDoesNotList_isWaitedForWithinTheBound_thenNamed() throws Exception {
    Gui.requireDisplay();
    try (TestRelay relay = TestRelay.start(dir.resolve("relay"))) {
      String token = relay.user("alice");
      LocalStore store = LocalStore.open(dir.resolve("b"));
      Settings settings = Settings.of(relay.uri().toString(), token, "Alice", "#e11d48");
      store.saveSettings(settings).join();
      EditorWindow w = EditorApp.show(store, settings, new Rectangle(0, 0, 800, 600), false, null);
      try {
        Gui.run(() -> w.openWhenListed("nowhere", Duration.ofSeconds(2)));
        assertThat(says(w, "nowhere")).as("still waiting").isFalse();
        Gui.await("the document named as missing", () -> says(w, "No document nowhere"));
        assertThat(says(w, "the relay did not list it within 2 s")).isTrue();
        assertThat(showsOnScreen(w, "No document nowhere"))
            .as("the banner is on screen while no document is open")
            .isTrue();
      } finally {
        close(w);
      }
    }
  }

  @Test
  void withoutARelay_aMissingDocumentIsNamedAtOnce() throws Exception {
    Gui.requireDisplay();
    LocalStore store = LocalStore.open(dir.resolve("b"));
    EditorWindow w =
        EditorApp.show(store, Settings.empty(), new Rectangle(0, 0, 800, 600), false, "nowhere");
    try {
      Gui.await(
          "the document named as missing",
          () -> says(w, "No document nowhere in this profile, and no relay to ask"));
      assertThat(showsOnScreen(w, "No document nowhere"))
          .as("the banner is on screen while no document is open")
          .isTrue();
    } finally {
      close(w);
    }
  }
}
