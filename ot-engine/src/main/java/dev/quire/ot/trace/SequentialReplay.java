package dev.quire.ot.trace;

import dev.quire.ot.operation.OperationMismatchException;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.text.GapBuffer;

/** Replays a sequential trace: every patch becomes a {@link TextOperation} applied to a buffer. */
public final class SequentialReplay {
  private SequentialReplay() {}

  public static ReplayResult replay(Trace trace) {
    long start = System.nanoTime();
    GapBuffer buffer = new GapBuffer(trace.startContent());
    int txnIndex = 0;
    for (Trace.Txn txn : trace.txns()) {
      for (Trace.Patch patch : txn.patches()) {
        try {
          buffer.apply(
              TextOperation.splice(
                  buffer.length(), patch.position(), patch.deleteCount(), patch.text()));
        } catch (OperationMismatchException e) {
          throw new TraceFormatException("txns[" + txnIndex + "]: " + e.getMessage(), e);
        }
      }
      txnIndex++;
    }
    long elapsed = System.nanoTime() - start;
    return new ReplayResult(
        trace.txns().size(), trace.patchCount(), elapsed, buffer.toString(), trace.endContent());
  }
}
