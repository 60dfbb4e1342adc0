package dev.quire.ot.bench;

import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.Reply;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.ot.sync.Batch;
import dev.quire.ot.sync.SequencedBatch;
import dev.quire.ot.trace.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a catching-up client does with each page of history: the first 2,000 revisions of
 * automerge-paper as the relay writes them (one keystroke batch per revision), read with {@link
 * ProtocolCodec#decodeReply}, then each batch's operations read as {@link TextOperation}s.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class DecodeBenchmark {
  private static final int PAGE = 2_000;

  private String page;

  @Setup
  public void record() {
    Trace trace = Traces.read("automerge-paper.json.gz");
    List<WireSequenced> batches = new ArrayList<>(PAGE);
    int length = trace.startContent().length();
    long revision = 0;
    outer:
    for (Trace.Txn txn : trace.txns()) {
      for (Trace.Patch p : txn.patches()) {
        TextOperation op = TextOperation.splice(length, p.position(), p.deleteCount(), p.text());
        length += p.text().length() - p.deleteCount();
        Batch batch = new Batch("client-1", revision + 1, revision, List.of(op));
        batches.add(
            WireSequenced.of(
                new SequencedBatch(revision + 1, "alice", 1_700_000_000_000L + revision, batch)));
        if (++revision == PAGE) {
          break outer;
        }
      }
    }
    page = ProtocolCodec.encode(new ServerMessage.History("paper", batches, PAGE, false), "r-1");
  }

  /** The message only: batches with their operations kept as text. */
  @Benchmark
  public Reply decodePage() {
    return ProtocolCodec.decodeReply(page);
  }

  /** The message and every operation in it, as the client applies them. */
  @Benchmark
  public int decodePageAndOperations() {
    ServerMessage.History h = (ServerMessage.History) ProtocolCodec.decodeReply(page).message();
    int n = 0;
    for (WireSequenced s : h.batches()) {
      WireBatch b = s.batch();
      n += b.toBatch().size();
    }
    return n;
  }
}
