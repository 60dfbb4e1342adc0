package dev.quire.ot.bench;

import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.operation.TransformedPair;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Transform and compose of keystroke-shaped operations on a 10,000-character document. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class OperationBenchmark {
  private static final int LENGTH = 10_000;

  private final TextOperation typeA = TextOperation.splice(LENGTH, 4_000, 0, "a");
  private final TextOperation typeB = TextOperation.splice(LENGTH, 6_000, 0, "b");
  private final TextOperation typeSameSpot = TextOperation.splice(LENGTH, 4_000, 0, "c");
  private final TextOperation backspace = TextOperation.splice(LENGTH, 5_999, 1, "");
  private final TextOperation nextKey = TextOperation.splice(LENGTH + 1, 4_001, 0, "x");
  private final TextOperation paste =
      TextOperation.splice(LENGTH, 2_000, 40, "pasted text of some length, 😀 included");

  @Benchmark
  public TransformedPair transformInsertInsert() {
    return TextOperation.transform(typeA, typeB);
  }

  @Benchmark
  public TransformedPair transformInsertTie() {
    return TextOperation.transform(typeA, typeSameSpot);
  }

  @Benchmark
  public TransformedPair transformInsertDelete() {
    return TextOperation.transform(typeA, backspace);
  }

  @Benchmark
  public TransformedPair transformPasteDelete() {
    return TextOperation.transform(paste, backspace);
  }

  @Benchmark
  public TextOperation composeKeystrokes() {
    return typeA.compose(nextKey);
  }
}
