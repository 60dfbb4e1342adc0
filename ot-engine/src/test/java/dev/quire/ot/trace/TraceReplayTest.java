package dev.quire.ot.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.bench.Traces;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real editing traces in the repository's traces/ folder, and traces that must be refused. */
class TraceReplayTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "automerge-paper.json.gz",
        "seph-blog1.json.gz",
        "rustcode.json.gz",
        "sveltecomponent.json.gz"
      })
  void sequentialTrace_replaysToItsEndContent(String name) {
    Trace trace = Traces.read(name);
    assertThat(trace.concurrent()).isFalse();

    ReplayResult result = SequentialReplay.replay(trace);

    assertThat(result.matches())
        .as("%s differs at code point %d", name, result.firstDifference())
        .isTrue();
    assertThat(result.transactions()).isEqualTo(trace.txns().size());
  }

  @Test
  void friendsforever_replaysThroughClientsAndSequencer_toItsEndContent() {
    Trace trace = Traces.read("friendsforever.json.gz");
    assertThat(trace.concurrent()).isTrue();
    assertThat(trace.numAgents()).isEqualTo(2);

    ReplayResult result = ConcurrentReplay.replay(trace);

    assertThat(result.matches()).as("differs at code point %d", result.firstDifference()).isTrue();
    assertThat(result.transactions()).isEqualTo(26_078);
    assertThat(result.finalText().codePointCount(0, result.finalText().length())).isEqualTo(21_362);
  }

  @Test
  void automergePaper_hasTheRecordedSize() {
    Trace trace = Traces.read("automerge-paper.json.gz");
    assertThat(trace.patchCount()).isEqualTo(259_778);
    assertThat(trace.endContent().codePointCount(0, trace.endContent().length()))
        .isEqualTo(104_852);
  }

  @Test
  void concurrentReplay_takesTheOtherAuthorsTextFirstOnlyByServerOrder() {
    // Both agents insert at position 0 of the empty document, neither having seen the other:
    // txn 1 is later in server order, so its text goes first.
    Trace trace =
        read(
            "{\"kind\":\"concurrent\",\"numAgents\":2,\"endContent\":\"BA\",\"txns\":["
                + "{\"parents\":[],\"agent\":0,\"patches\":[[0,0,\"A\"]]},"
                + "{\"parents\":[],\"agent\":1,\"patches\":[[0,0,\"B\"]]}]}");
    assertThat(ConcurrentReplay.replay(trace).finalText()).isEqualTo("BA");
  }

  @Test
  void concurrentReplay_ownUnacknowledgedEditsAreSeen() {
    // Agent 0 types "a" then "b" before hearing of agent 1's "X"; agent 1 saw nothing.
    Trace trace =
        read(
            "{\"kind\":\"concurrent\",\"numAgents\":2,\"endContent\":\"Xab\",\"txns\":["
                + "{\"parents\":[],\"agent\":0,\"patches\":[[0,0,\"a\"]]},"
                + "{\"parents\":[],\"agent\":1,\"patches\":[[0,0,\"X\"]]},"
                + "{\"parents\":[0],\"agent\":0,\"patches\":[[1,0,\"b\"]]}]}");
    ReplayResult result = ConcurrentReplay.replay(trace);
    assertThat(result.finalText()).isEqualTo("Xab");
    assertThat(result.matches()).isTrue();
  }

  @Test
  void concurrentReplay_refusesAVersionThatSkipsPartOfTheServerOrder() {
    // Txn 2 (agent 0) saw agent 1's txn 1 but not txn 0 from agent 2: no central sequencer
    // delivers revisions out of order.
    Trace trace =
        read(
            "{\"kind\":\"concurrent\",\"numAgents\":3,\"endContent\":\"\",\"txns\":["
                + "{\"parents\":[],\"agent\":2,\"patches\":[[0,0,\"a\"]]},"
                + "{\"parents\":[],\"agent\":1,\"patches\":[[0,0,\"b\"]]},"
                + "{\"parents\":[1],\"agent\":0,\"patches\":[[0,0,\"c\"]]}]}");
    assertThatThrownBy(() -> ConcurrentReplay.replay(trace))
        .isInstanceOf(TraceFormatException.class)
        .hasMessageContaining("txns[2] does not fit a central-sequencer schedule")
        .hasMessageContaining("saw txn 1 of agent 1 but not txn 0");
  }

  @Test
  void concurrentReplay_refusesAnAuthorWhoForgotItsOwnEdit() {
    Trace trace =
        read(
            "{\"kind\":\"concurrent\",\"numAgents\":2,\"endContent\":\"\",\"txns\":["
                + "{\"parents\":[],\"agent\":0,\"patches\":[[0,0,\"a\"]]},"
                + "{\"parents\":[],\"agent\":0,\"patches\":[[0,0,\"b\"]]}]}");
    assertThatThrownBy(() -> ConcurrentReplay.replay(trace))
        .isInstanceOf(TraceFormatException.class)
        .hasMessageContaining("txns[1] does not fit")
        .hasMessageContaining("own unacknowledged edits [0] differ from those it saw []");
  }

  @Test
  void concurrentReplay_refusesAParentThatComesLater() {
    Trace trace =
        read(
            "{\"kind\":\"concurrent\",\"numAgents\":1,\"endContent\":\"\",\"txns\":["
                + "{\"parents\":[1],\"agent\":0,\"patches\":[[0,0,\"a\"]]},"
                + "{\"parents\":[],\"agent\":0,\"patches\":[[0,0,\"b\"]]}]}");
    assertThatThrownBy(() -> ConcurrentReplay.replay(trace))
        .isInstanceOf(TraceFormatException.class)
        .hasMessageContaining("txns[0].parents names txn 1, which does not come before it");
  }

  @Test
  void concurrentReplay_refusesAnAgentBeyondNumAgents() {
    Trace trace =
        read(
            "{\"kind\":\"concurrent\",\"numAgents\":1,\"endContent\":\"a\",\"txns\":["
                + "{\"parents\":[],\"agent\":3,\"patches\":[[0,0,\"a\"]]}]}");
    assertThatThrownBy(() -> ConcurrentReplay.replay(trace))
        .isInstanceOf(TraceFormatException.class)
        .hasMessageContaining("txns[0].agent is 3 but numAgents is 1");
  }

  @Test
  void sequentialReplay_refusesAPatchBeyondTheDocument() {
    Trace trace = read("{\"endContent\":\"\",\"txns\":[{\"patches\":[[5,0,\"a\"]]}]}");
    assertThatThrownBy(() -> SequentialReplay.replay(trace))
        .isInstanceOf(TraceFormatException.class)
        .hasMessageContaining("txns[0]")
        .hasMessageContaining("does not fit a document of 0 code points");
  }

  @Test
  void sequentialReplay_reportsADifferentEnd() {
    ReplayResult result =
        SequentialReplay.replay(
            read("{\"endContent\":\"abc\",\"txns\":[{\"patches\":[[0,0,\"abd\"]]}]}"));
    assertThat(result.matches()).isFalse();
    assertThat(result.firstDifference()).isEqualTo(2);
  }

  @Test
  void reader_readsGzipByContentNotByName(@TempDir Path dir) throws IOException {
    String json =
        "{\"startContent\":\"x\",\"endContent\":\"xy\",\"txns\":[{\"patches\":[[1,0,\"y\"]]}]}";
    Path gz = dir.resolve("plain-name.json");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(json.getBytes(StandardCharsets.UTF_8));
    }
    Files.write(gz, bytes.toByteArray());
    Path plain = dir.resolve("other.json.gz");
    Files.writeString(plain, json);

    assertThat(SequentialReplay.replay(TraceReader.read(gz)).matches()).isTrue();
    assertThat(SequentialReplay.replay(TraceReader.read(plain)).matches()).isTrue();
  }

  @Test
  void reader_refusesStructuralProblemsNamingWhere() {
    assertRefused("[]", "the trace must be an object, was an array");
    assertRefused("{\"txns\":[]}", "a trace needs \"endContent\" and \"txns\"");
    assertRefused("{\"endContent\":5,\"txns\":[]}", "endContent must be a string, was 5");
    assertRefused(
        "{\"endContent\":\"\",\"txns\":[{\"patches\":[[0,-1,\"\"]]}]}",
        "txns[0].patches[0][1] must be a non-negative integer, was -1");
    assertRefused(
        "{\"endContent\":\"\",\"txns\":[{\"patches\":[[0,0,\"a\",1]]}]}",
        "txns[0].patches[0] (a patch has 3 elements) must be the end of the array");
    assertRefused(
        "{\"endContent\":\"\",\"txns\":[{\"patches\":[[0.5,0,\"a\"]]}]}",
        "txns[0].patches[0][0] must be a non-negative integer, was 0.5");
    assertRefused(
        "{\"endContent\":\"\",\"txns\":[{\"parents\":[\"a\"],\"patches\":[]}]}",
        "txns[0].parents[0] must be a non-negative integer, was a string");
    assertRefused("{\"endContent\":\"\",\"txns\":[{}]}", "txns[0] has no \"patches\"");
    assertRefused("{\"endContent\":", "not valid JSON");
  }

  private static void assertRefused(String json, String message) {
    assertThatThrownBy(() -> read(json))
        .isInstanceOf(TraceFormatException.class)
        .hasMessageContaining(message);
  }

  private static Trace read(String json) {
    try {
      return TraceReader.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
