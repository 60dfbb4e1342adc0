package dev.quire.editor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.sync.TestRelay;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./quire trash}: list, restore, purge and empty the relay's trash from the terminal. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TrashCommandTest {
  @TempDir Path dir;
  private TestRelay relay;
  private String token;
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  @BeforeEach
  void start() {
    relay = TestRelay.start(dir.resolve("relay"));
    token = relay.user("alice");
  }

  @AfterEach
  void stop() {
    relay.close();
  }

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

  /** Imports "notes" into the desk profile and syncs it to the relay. */
  private void notesOnTheRelay() throws Exception {
    Path in = dir.resolve("notes.txt");
    Files.writeString(in, "keep these notes", StandardCharsets.UTF_8);
    assertThat(run("import", "--profile", profile("desk"), in.toString(), "--id", "notes"))
        .isZero();
    assertThat(
            run(
                "sync",
                "--profile",
                profile("desk"),
                "--relay",
                relay.uri().toString(),
                "--token",
                token))
        .as(err.toString())
        .isZero();
  }

  private int trash(String profile, String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "trash";
    all[1] = "--profile";
    all[2] = profile(profile);
    System.arraycopy(args, 0, all, 3, args.length);
    return run(all);
  }

  @Test
  void aDeletedDocument_isListedWithItsPurgeTime_andRestoredWithItsText() throws Exception {
    notesOnTheRelay();
    assertThat(run("delete", "--profile", profile("desk"), "notes")).as(err.toString()).isZero();
    assertThat(run("sync", "--profile", profile("desk"))).as(err.toString()).isZero();

    assertThat(trash("desk")).as(err.toString()).isZero();
    String[] line = out.toString().strip().split("\t");
    assertThat(line).hasSize(5);
    assertThat(line[0]).isEqualTo("notes");
    assertThat(line[1]).isEqualTo("1");
    Instant deleted = Instant.parse(line[2]);
    assertThat(Instant.parse(line[3])).isEqualTo(deleted.plus(30, ChronoUnit.DAYS));
    assertThat(line[4]).isEqualTo("notes.txt");

    // Another device of the same user, which never had the document, restores it too.
    assertThat(
            trash(
                "laptop", "restore", "notes", "--relay", relay.uri().toString(), "--token", token))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("restored notes");
    assertThat(run("show", "--profile", profile("laptop"), "notes")).isZero();
    assertThat(out.toString()).contains("keep these notes");
    assertThat(trash("laptop")).isZero();
    assertThat(out.toString()).isEmpty();

    // And so does the device that deleted it.
    assertThat(run("sync", "--profile", profile("desk"))).as(err.toString()).isZero();
    assertThat(run("show", "--profile", profile("desk"), "notes")).isZero();
    assertThat(out.toString()).contains("keep these notes");
  }

  @Test
  void purgeAndEmpty_removeForGood_andBadArgumentsSaySo() throws Exception {
    notesOnTheRelay();
    assertThat(trash("desk", "purge", "notes")).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("not in the trash");
    assertThat(run("delete", "--profile", profile("desk"), "notes")).isZero();
    assertThat(run("sync", "--profile", profile("desk"))).isZero();
    assertThat(trash("desk", "purge", "notes")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("purged notes");
    assertThat(trash("desk", "restore", "notes")).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("UNKNOWN_DOCUMENT");
    assertThat(trash("desk", "empty")).isZero();
    assertThat(out.toString()).contains("purged 0 document(s)");

    assertThat(trash("desk", "restore")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("restore needs the document");
    assertThat(trash("desk", "shred", "notes")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("list, restore, purge or empty");
  }
}
