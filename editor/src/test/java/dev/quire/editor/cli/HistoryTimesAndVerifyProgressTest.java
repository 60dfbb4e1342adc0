package dev.quire.editor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.OutboxChange;
import dev.quire.editor.store.Revision;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.text.GapBuffer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 13, findings 4 and 8: {@code history} shows when each edit was made by its author beside
 * when the relay sequenced it, and {@code verify} says what it is doing on a long file.
 */
class HistoryTimesAndVerifyProgressTest {
  private static final long EPOCH = 1_790_000_000_000L;
  private static final long HOUR = 3_600_000L;
  private static final int REVISIONS = 3_000;

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

  /** Revisions made offline an hour before the relay sequenced them, all in the same minute. */
  @BeforeEach
  void offlineHistory() throws Exception {
    try (LocalStore store = LocalStore.open(dir.resolve("p"))) {
      store.createDocument("doc", "Notes", EPOCH, true, List.of()).get();
      GapBuffer buffer = new GapBuffer();
      List<Revision> revs = new ArrayList<>();
      List<LocalStore.Checkpoint> cps = new ArrayList<>();
      for (int r = 1; r <= REVISIONS; r++) {
        TextOperation op = TextOperation.splice(buffer.length(), buffer.length(), 0, "x\n");
        buffer.apply(op);
        long synced = EPOCH + HOUR + r; // uploaded together
        long made = EPOCH + r * 1000L; // typed a second apart
        revs.add(new Revision(r, r - 1, r, "alice", "c-alice", r, synced, made, op, op));
        if (r % LocalStore.CHECKPOINT_INTERVAL == 0) {
          cps.add(new LocalStore.Checkpoint(r, buffer.toString()));
        }
      }
      store.received("doc", revs, cps, OutboxChange.unchanged()).get();
    }
  }

  @AfterEach
  void defaults() {
    System.clearProperty("quire.progress.millis");
  }

  @Test
  void history_showsTheAuthorsTime_besideTheRelays() {
    assertThat(run("history", "--profile", dir.resolve("p").toString(), "doc", "--from", "2999"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString())
        .isEqualTo(
            String.join(
                "",
                "2999\t"
                    + Instant.ofEpochMilli(EPOCH + 2_999_000L)
                    + "\talice\tc-alice\t@5996 +2 -0\t"
                    + Instant.ofEpochMilli(EPOCH + HOUR + 2999)
                    + "\n",
                "3000\t"
                    + Instant.ofEpochMilli(EPOCH + 3_000_000L)
                    + "\talice\tc-alice\t@5998 +2 -0\t"
                    + Instant.ofEpochMilli(EPOCH + HOUR + 3000)
                    + "\n"));
  }

  @Test
  void verify_saysWhatItIsDoing_onStderr() {
    Path file = dir.resolve("doc.history");
    assertThat(
            run("export", "--profile", dir.resolve("p").toString(), "doc", "--history", "" + file))
        .as(err.toString())
        .isZero();
    System.setProperty("quire.progress.millis", "1");
    assertThat(run("verify", file.toString())).as(err.toString()).isZero();
    assertThat(out.toString()).startsWith("verified: document doc \"Notes\", revisions 1..3000");
    assertThat(err.toString()).contains("quire verify doc.history: checking").doesNotContain("\r");
  }
}
