package dev.quire.editor.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.cli.QuireCli;
import dev.quire.editor.sync.TestRelay;
import dev.quire.ot.operation.TextOperation;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * No command rewrites the whole store for one document: next to an 8 MiB document, each command
 * that imports, edits or syncs a small one writes far less than the large document to the profile's
 * file, counted by H2's recording file system ({@link ProfileWrites}) from open to close. File
 * sizes are no measure of this: they depend on how far H2 got compacting when the file closed.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class OneDocumentWritesTest {
  static final int LARGE = 8 << 20;

  /** Far below the large document's 8 MiB: one rewrite of it would exceed this on its own. */
  static final long BOUND = 1 << 20;

  @TempDir Path dir;
  private StringWriter err = new StringWriter();

  private int run(String... args) {
    err = new StringWriter();
    CommandLine cmd = QuireCli.commandLine();
    cmd.setOut(new PrintWriter(new StringWriter(), true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  private String profile(String name) {
    return dir.resolve(name).toString();
  }

  /**
   * Runs {@code command}, checks it succeeded, and returns what it wrote to profile {@code name}.
   */
  private long written(String name, java.util.function.IntSupplier command) {
    try (ProfileWrites w = ProfileWrites.of(dir.resolve(name))) {
      assertThat(command.getAsInt()).as("%s", err).isZero();
      return w.bytes();
    }
  }

  private int sync(String name, TestRelay relay, String token) {
    return run(
        "sync", "--profile", profile(name), "--relay", relay.uri().toString(), "--token", token);
  }

  /** Opens profile a, appends {@code text} to document {@code small} as a keystroke would. */
  private int append(String text, int length) {
    try (LocalStore store = LocalStore.open(dir.resolve("a"))) {
      TextOperation op = TextOperation.builder().retain(length).insert(text).build();
      store.localEdits("small", List.of(op), List.of(System.currentTimeMillis())).join();
    }
    return 0;
  }

  private static void writeText(Path file, int chars) throws IOException {
    Random random = new Random(13);
    StringBuilder text = new StringBuilder(chars);
    while (text.length() < chars) {
      text.append(random.nextInt(1_000_000)).append(random.nextBoolean() ? ' ' : '\n');
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  @Test
  void commandsOnASmallDocument_writeFarLessThanTheLargeOneNextToIt() throws Exception {
    Path big = dir.resolve("big.txt");
    writeText(big, LARGE);
    Path small = dir.resolve("small.txt");
    Files.writeString(small, "hello\n", StandardCharsets.UTF_8);
    String expected = "hello\n";
    try (TestRelay relay = TestRelay.start(dir.resolve("relay"))) {
      String token = relay.user("alice");
      assertThat(written("a", () -> run("import", "--profile", profile("a"), big.toString())))
          .as("the large import is written")
          .isGreaterThan(LARGE);
      assertThat(written("a", () -> sync("a", relay, token))).isGreaterThan(LARGE);
      assertThat(written("b", () -> sync("b", relay, token))).isGreaterThan(LARGE);

      assertThat(
              written(
                  "a",
                  () ->
                      run("import", "--profile", profile("a"), small.toString(), "--id", "small")))
          .as("import of a small document")
          .isLessThan(BOUND);
      for (int round = 0; round < 3; round++) {
        String line = "line " + round + "\n";
        int length = expected.length();
        expected += line;
        assertThat(written("a", () -> append(line, length)))
            .as("round %d: an edit", round)
            .isLessThan(BOUND);
        assertThat(written("a", () -> sync("a", relay, token)))
            .as("round %d: sending it", round)
            .isLessThan(BOUND);
        assertThat(written("b", () -> sync("b", relay, token)))
            .as("round %d: receiving it", round)
            .isLessThan(BOUND);
      }
    }
    Path exported = dir.resolve("small-b.txt");
    assertThat(run("export", "--profile", profile("b"), "small", exported.toString())).isZero();
    assertThat(Files.readString(exported, StandardCharsets.UTF_8)).isEqualTo(expected);
  }
}
