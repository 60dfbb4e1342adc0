package dev.quire.ot.bench;

import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.text.GapBuffer;
import dev.quire.ot.trace.ConcurrentReplay;
import dev.quire.ot.trace.SequentialReplay;
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
 * The real editing traces through the engine. {@code automergeRawSplice} is the floor: the same
 * trace spliced into a bare char-array gap buffer with no operations and no code-point handling,
 * measured in the same run as {@code automergeEngineBuffer}, the trace as pre-built {@link
 * TextOperation}s applied to the engine's {@link GapBuffer}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@State(Scope.Benchmark)
public class TraceReplayBenchmark {
  private Trace automerge;
  private Trace friendsforever;
  private int[] positions;
  private int[] deletes;
  private String[] inserts;
  private List<TextOperation> automergeOps;

  @Setup
  public void load() {
    automerge = Traces.read("automerge-paper.json.gz");
    friendsforever = Traces.read("friendsforever.json.gz");
    int n = automerge.patchCount();
    positions = new int[n];
    deletes = new int[n];
    inserts = new String[n];
    automergeOps = new ArrayList<>(n);
    int i = 0;
    int length = automerge.startContent().length();
    for (Trace.Txn txn : automerge.txns()) {
      for (Trace.Patch p : txn.patches()) {
        positions[i] = p.position();
        deletes[i] = p.deleteCount();
        inserts[i] = p.text();
        automergeOps.add(TextOperation.splice(length, p.position(), p.deleteCount(), p.text()));
        length += p.text().length() - p.deleteCount();
        i++;
      }
    }
  }

  /** The floor: raw splices into a char[] gap buffer. */
  @Benchmark
  public int automergeRawSplice() {
    RawGapBuffer buffer = new RawGapBuffer();
    for (int i = 0; i < positions.length; i++) {
      buffer.splice(positions[i], deletes[i], inserts[i]);
    }
    return buffer.length();
  }

  /** The trace as TextOperations applied to the engine's buffer. */
  @Benchmark
  public int automergeEngineBuffer() {
    GapBuffer buffer = new GapBuffer();
    for (int i = 0, n = automergeOps.size(); i < n; i++) {
      buffer.apply(automergeOps.get(i));
    }
    return buffer.length();
  }

  /** What {@code ./quire trace} does: build each operation from its patch, then apply it. */
  @Benchmark
  public int automergeSequentialReplay() {
    return SequentialReplay.replay(automerge).finalText().length();
  }

  /** Two authors through their client state machines and a sequencer. */
  @Benchmark
  public int friendsforeverReplay() {
    return ConcurrentReplay.replay(friendsforever).finalText().length();
  }

  /** A bare gap buffer over UTF-16 units: no validation, no code points, no operations. */
  static final class RawGapBuffer {
    private char[] buf = new char[64];
    private int gapStart;
    private int gapEnd = buf.length;

    void splice(int position, int delete, String insert) {
      if (position < gapStart) {
        int n = gapStart - position;
        System.arraycopy(buf, position, buf, gapEnd - n, n);
        gapStart = position;
        gapEnd -= n;
      } else if (position > gapStart) {
        int n = position - gapStart;
        System.arraycopy(buf, gapEnd, buf, gapStart, n);
        gapStart = position;
        gapEnd += n;
      }
      gapEnd += delete;
      int len = insert.length();
      if (gapEnd - gapStart < len) {
        char[] bigger = new char[Math.max(buf.length * 2, buf.length + len)];
        int after = buf.length - gapEnd;
        System.arraycopy(buf, 0, bigger, 0, gapStart);
        System.arraycopy(buf, gapEnd, bigger, bigger.length - after, after);
        gapEnd = bigger.length - after;
        buf = bigger;
      }
      insert.getChars(0, len, buf, gapStart);
      gapStart += len;
    }

    int length() {
      return buf.length - (gapEnd - gapStart);
    }
  }
}
