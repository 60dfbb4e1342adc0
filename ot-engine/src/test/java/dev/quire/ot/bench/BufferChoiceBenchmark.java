package dev.quire.ot.bench;

import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.text.GapBuffer;
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
 * The measurement behind docs/adr/0002-gap-buffer.md: the automerge-paper trace as operations
 * applied to the gap buffer, and to a plain {@link StringBuilder} (the obvious alternative, which
 * moves the whole tail of the text on every edit).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@State(Scope.Benchmark)
public class BufferChoiceBenchmark {
  private List<TextOperation> ops;

  @Setup
  public void load() {
    Trace trace = Traces.read("automerge-paper.json.gz");
    ops = new ArrayList<>(trace.patchCount());
    int length = 0;
    for (Trace.Txn txn : trace.txns()) {
      for (Trace.Patch p : txn.patches()) {
        ops.add(TextOperation.splice(length, p.position(), p.deleteCount(), p.text()));
        length += p.text().length() - p.deleteCount();
      }
    }
  }

  @Benchmark
  public int gapBuffer() {
    GapBuffer buffer = new GapBuffer();
    for (TextOperation op : ops) {
      buffer.apply(op);
    }
    return buffer.length();
  }

  @Benchmark
  public int stringBuilder() {
    // The trace has no astral characters, so UTF-16 positions equal code points here.
    StringBuilder text = new StringBuilder();
    for (TextOperation op : ops) {
      int position = 0;
      for (int i = 0; i < op.componentCount(); i++) {
        var c = op.component(i);
        if (c instanceof dev.quire.ot.operation.Component.Insert ins) {
          text.insert(position, ins.text());
          position += ins.length();
        } else if (c instanceof dev.quire.ot.operation.Component.Delete) {
          text.delete(position, position + c.length());
        } else {
          position += c.length();
        }
      }
    }
    return text.length();
  }
}
