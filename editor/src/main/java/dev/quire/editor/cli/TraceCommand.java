package dev.quire.editor.cli;

import dev.quire.ot.trace.ConcurrentReplay;
import dev.quire.ot.trace.ReplayResult;
import dev.quire.ot.trace.SequentialReplay;
import dev.quire.ot.trace.Trace;
import dev.quire.ot.trace.TraceFormatException;
import dev.quire.ot.trace.TraceReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code quire trace FILE}: replays a recorded editing session through the engine. */
@Command(
    name = "trace",
    mixinStandardHelpOptions = true,
    description = {
      "Replays an editing trace (editing-traces JSON, plain or gzipped) through the engine and"
          + " checks the result against the trace's endContent.",
      "Sequential traces are applied patch by patch as operations; concurrent traces are driven"
          + " through one client state machine per author and a central sequencer.",
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the replay ended at endContent",
      "1:the replay ended elsewhere",
      "2:the file could not be read or does not fit a replay (the message says why)"
    })
final class TraceCommand implements Callable<Integer> {
  static final int MISMATCH = 1;
  static final int REFUSED = 2;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "the trace file (.json or .json.gz)")
  Path file;

  @Option(
      names = "--repeat",
      paramLabel = "N",
      defaultValue = "1",
      description = "replay N times and report the fastest (default: ${DEFAULT-VALUE})")
  int repeat;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (repeat < 1) {
      err.println("quire trace: --repeat must be at least 1, was " + repeat);
      return REFUSED;
    }
    if (!Files.isRegularFile(file)) {
      err.println("quire trace: " + file + ": no such file");
      return REFUSED;
    }
    Trace trace;
    ReplayResult best = null;
    try {
      trace = TraceReader.read(file);
      for (int i = 0; i < repeat; i++) {
        ReplayResult r =
            trace.concurrent() ? ConcurrentReplay.replay(trace) : SequentialReplay.replay(trace);
        if (best == null || r.elapsedNanos() < best.elapsedNanos()) {
          best = r;
        }
      }
    } catch (TraceFormatException e) {
      err.println("quire trace: " + file + ": cannot replay: " + e.getMessage());
      return REFUSED;
    } catch (IOException e) {
      err.println("quire trace: " + file + ": cannot read: " + e.getMessage());
      return REFUSED;
    }
    report(out, trace, best);
    return best.matches() ? 0 : MISMATCH;
  }

  private void report(PrintWriter out, Trace trace, ReplayResult r) {
    out.printf(
        Locale.ROOT,
        "%s: %s trace, %d transactions, %d edits%n",
        file.getFileName(),
        trace.concurrent() ? "concurrent (" + trace.numAgents() + " authors)" : "sequential",
        r.transactions(),
        r.patches());
    out.printf(
        Locale.ROOT,
        "replayed in %.2f ms%s%n",
        r.elapsedNanos() / 1e6,
        repeat > 1 ? " (fastest of " + repeat + ")" : "");
    if (r.matches()) {
      out.printf(
          Locale.ROOT,
          "result: matches endContent (%d code points)%n",
          r.finalText().codePointCount(0, r.finalText().length()));
    } else {
      out.printf(
          Locale.ROOT,
          "result: DIFFERS from endContent, first difference at code point %d%n",
          r.firstDifference());
    }
  }
}
