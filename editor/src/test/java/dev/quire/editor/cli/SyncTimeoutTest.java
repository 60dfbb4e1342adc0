package dev.quire.editor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.sync.TestRelay;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --timeout} bounds the whole {@code sync} command, with {@code --watch} too. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SyncTimeoutTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private String profile() {
    return dir.resolve("profile").toString();
  }

  private int run(String... args) {
    CommandLine cmd = QuireCli.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  private void importNotes() throws Exception {
    Path in = dir.resolve("notes.txt");
    Files.writeString(in, "some text", StandardCharsets.UTF_8);
    assertThat(run("import", "--profile", profile(), in.toString(), "--id", "notes")).isZero();
  }

  /** Runs the command on a thread and gives it 40 s to end by itself; its exit code. */
  private int runBounded(String... args) throws InterruptedException {
    AtomicInteger code = new AtomicInteger(-1);
    Thread t = new Thread(() -> code.set(run(args)));
    t.start();
    t.join(40_000);
    boolean ended = !t.isAlive();
    if (!ended) {
      t.interrupt();
      t.join(30_000);
    }
    assertThat(ended).as("the command ended by itself: " + out + err).isTrue();
    return code.get();
  }

  @Test
  void watch_endsAtItsTimeout_withZeroWhenSynced() throws Exception {
    importNotes();
    try (TestRelay relay = TestRelay.start(dir.resolve("relay"))) {
      String token = relay.user("alice");
      long t0 = System.nanoTime();
      int code =
          runBounded(
              "sync",
              "--watch",
              "--timeout",
              "3",
              "--profile",
              profile(),
              "--relay",
              relay.uri().toString(),
              "--token",
              token);
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertThat(code).as(out + " " + err).isZero();
      assertThat(seconds).isGreaterThanOrEqualTo(2.9).isLessThan(30);
      assertThat(out.toString()).contains("\tnotes\tsynced");
    }
  }

  @Test
  void watch_endsAtItsTimeout_withOneAndTheReasonWhenNotSynced() throws Exception {
    importNotes();
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    int code =
        runBounded(
            "sync",
            "--watch",
            "--timeout",
            "3",
            "--profile",
            profile(),
            "--relay",
            "ws://127.0.0.1:" + port,
            "--token",
            "t");
    assertThat(code).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString())
        .contains("not synced after 3 s")
        .contains("1 edit unsent in 1 document")
        .contains("connection refused");
  }

  @Test
  void aTimeoutBelowOneSecond_isABadArgument() throws Exception {
    assertThat(run("sync", "--watch", "--timeout", "0", "--profile", profile()))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--timeout must be at least 1 second, was 0");
  }
}
