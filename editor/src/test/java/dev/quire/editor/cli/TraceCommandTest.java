package dev.quire.editor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.bench.Traces;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TraceCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cmd = QuireCli.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  @Test
  void trace_friendsforever_matchesAndExitsZero() {
    int code = run("trace", Traces.path("friendsforever.json.gz").toString());

    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("friendsforever.json.gz: concurrent (2 authors) trace, 26078 transactions")
        .containsPattern("replayed in [0-9.]+ ms")
        .contains("result: matches endContent (21362 code points)");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void trace_sequentialFile_reportsEditsAndFastestOfRepeats(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("t.json");
    Files.writeString(
        file,
        "{\"endContent\":\"hi!\",\"txns\":[{\"patches\":[[0,0,\"hi\"]]},{\"patches\":[[2,0,\"!\"]]}]}");

    assertThat(run("trace", "--repeat", "3", file.toString())).isZero();
    assertThat(out.toString())
        .contains("t.json: sequential trace, 2 transactions, 2 edits")
        .contains("(fastest of 3)")
        .contains("result: matches endContent (3 code points)");
  }

  @Test
  void trace_differentEnd_exitsOneAndSaysWhere(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("t.json");
    Files.writeString(file, "{\"endContent\":\"abc\",\"txns\":[{\"patches\":[[0,0,\"abX\"]]}]}");

    assertThat(run("trace", file.toString())).isEqualTo(1);
    assertThat(out.toString())
        .contains("DIFFERS from endContent, first difference at code point 2");
  }

  @Test
  void trace_unfitConcurrentTrace_isRefusedWithExitTwo(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("c.json");
    Files.writeString(
        file,
        "{\"kind\":\"concurrent\",\"numAgents\":2,\"endContent\":\"\",\"txns\":["
            + "{\"parents\":[],\"agent\":0,\"patches\":[[0,0,\"a\"]]},"
            + "{\"parents\":[],\"agent\":0,\"patches\":[[0,0,\"b\"]]}]}");

    assertThat(run("trace", file.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains("cannot replay")
        .contains("does not fit a central-sequencer schedule");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void trace_missingOrMalformedFile_isRefusedWithExitTwo(@TempDir Path dir) throws IOException {
    assertThat(run("trace", dir.resolve("none.json").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("none.json: no such file");

    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"endContent\": \"x\", ");
    assertThat(run("trace", bad.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("bad.json: cannot replay: not valid JSON");
  }

  @Test
  void trace_repeatBelowOne_isRefused(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("t.json");
    Files.writeString(file, "{\"endContent\":\"\",\"txns\":[]}");
    assertThat(run("trace", "--repeat", "0", file.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--repeat must be at least 1, was 0");
  }
}
