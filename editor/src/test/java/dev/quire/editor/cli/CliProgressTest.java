package dev.quire.editor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.sync.TestRelay;
import dev.quire.ot.bench.Traces;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Long work says what it is doing: plain lines when stderr is not a terminal, a bar when it is. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CliProgressTest {
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

  @AfterEach
  void defaults() {
    System.clearProperty("quire.progress");
    System.clearProperty("quire.progress.millis");
  }

  private String profile(String name) {
    return dir.resolve(name).toString();
  }

  private Path bigFile() throws Exception {
    Path in = dir.resolve("big.txt");
    Files.writeString(in, "0123456789abcdef\n".repeat(400_000), StandardCharsets.UTF_8);
    return in;
  }

  @Test
  void importAndExport_showPlainProgressLines_whenStderrIsNotATerminal() throws Exception {
    System.setProperty("quire.progress.millis", "1");
    Path in = bigFile();
    assertThat(run("import", "--profile", profile("p"), in.toString(), "--id", "big")).isZero();
    assertThat(out.toString()).isEqualTo("big\n"); // stdout stays clean
    assertThat(err.toString()).contains("quire import big.txt: saving").doesNotContain("\r");

    Path exported = dir.resolve("out.txt");
    assertThat(run("export", "--profile", profile("p"), "big", exported.toString())).isZero();
    assertThat(err.toString()).containsPattern("quire export big: (loading|writing)");
    assertThat(Files.mismatch(in, exported)).isEqualTo(-1);
  }

  @Test
  void import_drawsABarInPlace_onATerminal() throws Exception {
    System.setProperty("quire.progress", "bar");
    System.setProperty("quire.progress.millis", "1");
    Path in = bigFile();
    assertThat(run("import", "--profile", profile("p"), in.toString(), "--id", "big")).isZero();
    assertThat(err.toString()).contains("\rquire import big.txt").endsWith("\n");
  }

  @Test
  void quickWork_showsNothing() throws Exception {
    Path in = dir.resolve("small.txt");
    Files.writeString(in, "small", StandardCharsets.UTF_8);
    assertThat(run("import", "--profile", profile("p"), in.toString())).isZero();
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void type_countsSavedEdits_andReportsTheWholeCommandsTime() throws Exception {
    Path trace = Traces.path("seph-blog1.json.gz");
    assertThat(
            run(
                "type",
                "--profile",
                profile("p"),
                "blog",
                trace.toString(),
                "--limit",
                "700",
                "--progress"))
        .isZero();
    assertThat(err.toString()).contains("saved 700\n");
    assertThat(out.toString())
        .containsPattern("typed 700 edits in \\d+\\.\\d\\d s")
        .containsPattern(
            "saved 700 edits after \\d+\\.\\d\\d s; the whole command took \\d+\\.\\d\\d s");
  }

  @Test
  void sync_showsUploadAndCatchUpPerDocument() throws Exception {
    System.setProperty("quire.progress.millis", "1");
    Path trace = Traces.path("seph-blog1.json.gz");
    assertThat(run("type", "--profile", profile("a"), "blog", trace.toString(), "--limit", "6000"))
        .isZero();
    try (TestRelay relay = TestRelay.start(dir.resolve("relay"))) {
      String token = relay.user("alice");
      String url = relay.uri().toString();
      assertThat(run("sync", "--profile", profile("a"), "--relay", url, "--token", token))
          .as(out + " " + err)
          .isZero();
      assertThat(err.toString()).contains("quire sync blog: sending");
      assertThat(run("sync", "--profile", profile("b"), "--relay", url, "--token", token)).isZero();
      assertThat(err.toString()).contains("quire sync blog: catching up");
    }
  }
}
