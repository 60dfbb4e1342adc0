package dev.quire.editor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.sync.TestRelay;
import dev.quire.ot.protocol.Limits;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A large document through the command line: import, sync, a second profile syncs it, export, and
 * the bytes match. The relay's limits are lowered (64 KiB messages, 160 KiB queued per connection)
 * so that a few megabytes exercise what 50 MB does with the default limits: edits split to fit a
 * message, batches cut by bytes, history pages cut by bytes, a reader kept within the queue.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LargeDocumentCliTest {
  static final Limits SMALL_MESSAGES = new Limits(64 * 1024, 1000, 2000, 100_000, 100_000);
  static final long SMALL_QUEUE = 160 * 1024;

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

  /**
   * About {@code bytes} of UTF-8 text mixing ASCII, two-, three- and four-byte characters, and
   * characters JSON escapes (a control character takes six bytes on the wire, so an edit's message
   * is several times its text).
   */
  static void writeText(Path file, long bytes, long seed) throws IOException {
    String[] pieces = {
      "alpha ",
      "beta\n",
      "γάμμα ",
      "日本語 ",
      "😀",
      "🇫🇷",
      "e\u0301",
      "\t",
      "\"q\" ",
      "\\",
      "\u0001",
      "x".repeat(60) + "\n"
    };
    Random random = new Random(seed);
    StringBuilder text = new StringBuilder();
    long size = 0;
    while (size < bytes) {
      String p = pieces[random.nextInt(pieces.length)];
      text.append(p);
      size += p.getBytes(StandardCharsets.UTF_8).length;
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  static long bytesOnDisk(Path profile) throws IOException {
    try (Stream<Path> files = Files.walk(profile)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> !f.startsWith(profile.resolve("backups")))
          .mapToLong(f -> f.toFile().length())
          .sum();
    }
  }

  @Test
  void aLargeFile_importsSyncsReachesASecondProfile_andExportsByteExact() throws Exception {
    Path in = dir.resolve("large.txt");
    writeText(in, 2 << 20, 1);
    assertThat(run("import", "--profile", profile("a"), in.toString(), "--id", "big")).isZero();
    try (TestRelay relay = TestRelay.start(dir.resolve("relay"), SMALL_MESSAGES, SMALL_QUEUE)) {
      String token = relay.user("alice");
      String url = relay.uri().toString();
      assertThat(run("sync", "--profile", profile("a"), "--relay", url, "--token", token))
          .as("%s", err)
          .isZero();
      assertThat(out.toString()).startsWith("big\tsynced\t");
      assertThat(run("sync", "--profile", profile("b"), "--relay", url, "--token", token))
          .as("%s", err)
          .isZero();
      assertThat(err.toString()).doesNotContain("TOO_SLOW").doesNotContain("lost the connection");
    }
    assertThat(run("docs", "--profile", profile("b"))).isZero();
    String head = out.toString().split("\t")[2];
    assertThat(out.toString()).startsWith("big\tsynced\t" + head + "\t0\t");
    assertThat(Long.parseLong(head)).isGreaterThan(1);
    Path exported = dir.resolve("exported.txt");
    assertThat(run("export", "--profile", profile("b"), "big", exported.toString())).isZero();
    assertThat(Files.mismatch(in, exported)).isEqualTo(-1);
  }

  @Test
  void syncingALargeDocument_keepsTheProfileWithinThreeTimesItsTextAndOperations()
      throws Exception {
    Path in = dir.resolve("large.txt");
    writeText(in, 3 << 20, 2);
    long text = Files.size(in);
    assertThat(run("import", "--profile", profile("a"), in.toString(), "--id", "big")).isZero();
    try (TestRelay relay = TestRelay.start(dir.resolve("relay"))) {
      String token = relay.user("alice");
      String url = relay.uri().toString();
      assertThat(run("sync", "--profile", profile("a"), "--relay", url, "--token", token))
          .as("%s", err)
          .isZero();
      assertThat(run("sync", "--profile", profile("b"), "--relay", url, "--token", token))
          .as("%s", err)
          .isZero();
    }
    // The history's operations are the inserts that make the text: about the text's size again.
    long bound = 3 * (2 * text);
    assertThat(bytesOnDisk(dir.resolve("a"))).isLessThan(bound);
    assertThat(bytesOnDisk(dir.resolve("b"))).isLessThan(bound);
  }

  @Test
  void syncOfALargeUpload_endsNearItsTimeout_andSaysWhatIsLeft() throws Exception {
    Path in = dir.resolve("large.txt");
    writeText(in, 4 << 20, 3);
    assertThat(run("import", "--profile", profile("a"), in.toString(), "--id", "big")).isZero();
    // 8 KiB messages: several hundred round trips, far more than a second's worth.
    Limits tiny = new Limits(8 * 1024, 1000, 2000, 100_000, 100_000);
    try (TestRelay relay = TestRelay.start(dir.resolve("relay"), tiny, 64 * 1024)) {
      String token = relay.user("alice");
      String url = relay.uri().toString();
      long start = System.nanoTime();
      int code =
          run(
              "sync",
              "--profile",
              profile("a"),
              "--relay",
              url,
              "--token",
              token,
              "--timeout",
              "1");
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
      assertThat(code).as("%s", err).isEqualTo(ExitCodes.FAILED);
      assertThat(err.toString()).contains("not synced after 1 s").contains("unsent in 1 document");
      // The timeout bounds the work; what follows it (saving, closing) is short, not another sync.
      assertThat(seconds).isLessThan(1 + 20);
    }
  }
}
