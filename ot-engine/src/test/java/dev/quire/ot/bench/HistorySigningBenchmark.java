package dev.quire.ot.bench;

import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.history.Ed25519;
import dev.quire.ot.history.HistoryChain;
import dev.quire.ot.operation.TextOperation;
import java.security.KeyPair;
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

/**
 * What a relay signature costs: one link of the relay's chain (per revision signed) and one Ed25519
 * signature of a checkpoint statement (per checkpoint), on a keystroke-shaped revision.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class HistorySigningBenchmark {
  private final HistoryChain.Revision revision =
      new HistoryChain.Revision(
          41_234,
          41_230,
          41_233,
          "alice",
          "laptop-7f3a9c1e-41b7-4c2d-9e8f-0a1b2c3d4e5f",
          9_876,
          1_795_000_120_000L,
          1_795_000_119_500L,
          OperationCodec.toJson(TextOperation.splice(10_000, 4_000, 0, "a")));
  private final KeyPair key = Ed25519.generate();
  private final String chain = HistoryChain.sha256("seed");
  private final byte[] statement =
      HistoryChain.relayStatement("notes-2026-11", 41_000, chain, chain);

  @Benchmark
  public String chainLink() {
    return HistoryChain.next(chain, revision);
  }

  @Benchmark
  public String signCheckpoint() {
    return Ed25519.sign(key.getPrivate(), statement);
  }
}
