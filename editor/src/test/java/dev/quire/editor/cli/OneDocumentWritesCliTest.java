package dev.quire.editor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.TestRelay;
import dev.quire.ot.operation.TextOperation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Editing and syncing a small document in a profile that also holds a large one writes about the
 * small document's change, not the large one again: each profile's file grows by far less than the
 * large document's text, over several rounds of edit and sync on both sides.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class OneDocumentWritesCliTest {
  /** Far below the large document's 8 MiB: one rewrite of it would exceed this on its own. */
  static final long GROWTH_BOUND = 1 << 20;

  @TempDir Path dir;
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cmd = QuireCli.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  private String profile(String name) {
    return dir.resolve(name).toString();
  }

  private void sync(String profile, TestRelay relay, String token) {
    assertThat(
            run(
                "sync",
                "--profile",
                profile(profile),
                "--relay",
                relay.uri().toString(),
                "--token",
                token))
        .as("%s", err)
        .isZero();
  }

  /** Appends {@code text} to document {@code small} of profile {@code a}, as a keystroke would. */
  private void append(String text, int length) {
    try (LocalStore store = LocalStore.open(dir.resolve("a"))) {
      TextOperation op = TextOperation.builder().retain(length).insert(text).build();
      store.localEdits("small", List.of(op), List.of(System.currentTimeMillis())).join();
    }
  }

  @Test
  void editingAndSyncingASmallDocument_doesNotRewriteTheLargeOne() throws Exception {
    Path big = dir.resolve("big.txt");
    LargeDocumentCliTest.writeText(big, 8 << 20, 13);
    Path small = dir.resolve("small.txt");
    Files.writeString(small, "hello\n", StandardCharsets.UTF_8);
    assertThat(run("import", "--profile", profile("a"), big.toString(), "--id", "big")).isZero();
    assertThat(run("import", "--profile", profile("a"), small.toString(), "--id", "small"))
        .isZero();
    String expected = "hello\n";
    try (TestRelay relay = TestRelay.start(dir.resolve("relay"))) {
      String token = relay.user("alice");
      sync("a", relay, token);
      sync("b", relay, token);
      assertThat(LargeDocumentCliTest.bytesOnDisk(dir.resolve("b")))
          .as("the large document reached b")
          .isGreaterThan(8 << 20);
      // One round first: the baseline is a profile that has already edited and synced since the
      // large upload (whose first close compacts the file), so the rounds measured are like any
      // later ones.
      append("warm\n", expected.length());
      expected += "warm\n";
      sync("a", relay, token);
      sync("b", relay, token);
      long a0 = LargeDocumentCliTest.bytesOnDisk(dir.resolve("a"));
      long b0 = LargeDocumentCliTest.bytesOnDisk(dir.resolve("b"));

      for (int round = 0; round < 5; round++) {
        String line = "line " + round + "\n";
        append(line, expected.length());
        expected += line;
        sync("a", relay, token);
        sync("b", relay, token);
      }

      long aGrowth = LargeDocumentCliTest.bytesOnDisk(dir.resolve("a")) - a0;
      long bGrowth = LargeDocumentCliTest.bytesOnDisk(dir.resolve("b")) - b0;
      assertThat(aGrowth)
          .as("growth of the editing profile of %d bytes", a0)
          .isLessThan(GROWTH_BOUND);
      assertThat(bGrowth)
          .as("growth of the receiving profile of %d bytes", b0)
          .isLessThan(GROWTH_BOUND);
    }
    Path exported = dir.resolve("small-b.txt");
    assertThat(run("export", "--profile", profile("b"), "small", exported.toString())).isZero();
    assertThat(Files.readString(exported, StandardCharsets.UTF_8)).isEqualTo(expected);
  }
}
