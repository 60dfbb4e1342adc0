package dev.quire.editor.cli;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.OutboxChange;
import dev.quire.editor.store.Revision;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.editor.sync.OwnerThread;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.text.GapBuffer;
import dev.quire.ot.trace.Trace;
import dev.quire.ot.trace.TraceReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quire bench}: the local store's figures, in a throw-away profile: opening a document with
 * a long history (a trace imported as one revision per edit) and showing any revision, and the
 * local durability bound under steady typing.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measures the local store in a throw-away profile and prints the figures.",
      "1. A sequential trace imported as history (one revision per edit): the time to open the"
          + " profile, to get the head text, and to get the text at random revisions.",
      "2. Typing at --rate edits/s for --seconds: the wait from each edit to its commit."
    })
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--trace",
      paramLabel = "FILE",
      // ./quire sets quire.traces to the checkout's traces/ folder.
      defaultValue = "${sys:quire.traces:-traces}/automerge-paper.json.gz",
      description = "a sequential trace (default: ${DEFAULT-VALUE})")
  Path tracePath;

  @Option(names = "--rate", defaultValue = "20", description = "typing rate, edits/s")
  double rate;

  @Option(names = "--seconds", defaultValue = "10", description = "how long to type")
  int seconds;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Trace trace;
    try {
      trace = TraceReader.read(tracePath);
    } catch (IOException e) {
      spec.commandLine().getErr().println("quire bench: " + tracePath + ": " + e.getMessage());
      return ExitCodes.USAGE;
    }
    Path dir = Files.createTempDirectory("quire-bench");
    try {
      history(out, dir.resolve("history"), trace);
      typing(out, dir.resolve("typing"), trace);
    } finally {
      deleteTree(dir);
    }
    return ExitCodes.OK;
  }

  private void history(PrintWriter out, Path profile, Trace trace) throws Exception {
    List<TextOperation> ops = new ArrayList<>();
    GapBuffer text = new GapBuffer(trace.startContent());
    for (Trace.Txn t : trace.txns()) {
      for (Trace.Patch p : t.patches()) {
        TextOperation op =
            TextOperation.splice(text.length(), p.position(), p.deleteCount(), p.text());
        text.apply(op);
        ops.add(op);
      }
    }
    long t0 = System.nanoTime();
    try (LocalStore store = LocalStore.open(profile)) {
      store.createDocument("doc", "bench", 1, true, List.of()).get();
      writeHistory(store, trace.startContent(), ops);
    }
    out.printf(
        Locale.ROOT,
        "history: %d revisions of %s written in %.1f s%n",
        ops.size(),
        tracePath.getFileName(),
        (System.nanoTime() - t0) / 1e9);
    long open0 = System.nanoTime();
    try (LocalStore store = LocalStore.open(profile);
        OwnerThread owner = OwnerThread.start("bench-owner")) {
      double openMs = (System.nanoTime() - open0) / 1e6;
      double[] heads = new double[5];
      int length = 0;
      for (int i = 0; i < heads.length; i++) {
        long s0 = System.nanoTime();
        DocumentSession s = DocumentSession.open(store, "doc", owner, 1000).get();
        String head = owner.call(s::text);
        heads[i] = (System.nanoTime() - s0) / 1e6;
        if (!head.equals(text.toString())) {
          throw new IllegalStateException("head text differs from the trace's end");
        }
        length = s.length();
      }
      Random rnd = new Random(1);
      double[] times = new double[200];
      for (int i = 0; i < times.length; i++) {
        long r = 1 + rnd.nextInt(ops.size());
        long r0 = System.nanoTime();
        store.textAt("doc", r).get();
        times[i] = (System.nanoTime() - r0) / 1e6;
      }
      double first = heads[0];
      Arrays.sort(heads);
      Arrays.sort(times);
      out.printf(Locale.ROOT, "open profile: %.1f ms%n", openMs);
      out.printf(
          Locale.ROOT,
          "open document to head text (%d code points): first %.1f ms, median of %d %.1f ms%n",
          length,
          first,
          heads.length,
          heads[heads.length / 2]);
      out.printf(
          Locale.ROOT,
          "text at a random revision (%d samples): median %.1f ms, p99 %.1f ms, max %.1f ms%n",
          times.length,
          times[times.length / 2],
          times[(int) Math.ceil(times.length * 0.99) - 1],
          times[times.length - 1]);
    }
  }

  private static void writeHistory(LocalStore store, String start, List<TextOperation> ops)
      throws Exception {
    GapBuffer text = new GapBuffer(start);
    int chunk = 10_000;
    for (int from = 0; from < ops.size(); from += chunk) {
      List<Revision> revs = new ArrayList<>();
      List<LocalStore.Checkpoint> cps = new ArrayList<>();
      for (int i = from; i < Math.min(ops.size(), from + chunk); i++) {
        long r = i + 1;
        TextOperation op = ops.get(i);
        text.apply(op);
        revs.add(new Revision(r, r - 1, r, "bench", "c-bench", r, 1_700_000_000_000L + r, op, op));
        if (r % LocalStore.CHECKPOINT_INTERVAL == 0) {
          cps.add(new LocalStore.Checkpoint(r, text.toString()));
        }
      }
      store.received("doc", revs, cps, new OutboxChange.Unchanged()).get();
    }
  }

  private void typing(PrintWriter out, Path profile, Trace trace) throws Exception {
    List<Trace.Patch> patches = new ArrayList<>();
    trace.txns().forEach(t -> patches.addAll(t.patches()));
    int n = (int) Math.min(patches.size(), Math.round(rate * seconds));
    try (LocalStore store = LocalStore.open(profile);
        OwnerThread owner = OwnerThread.start("bench-owner")) {
      store
          .createDocument("doc", "typing", 1, false, ImportCommand.ops(trace.startContent()))
          .get();
      DocumentSession s = DocumentSession.open(store, "doc", owner, 1000).get();
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        long due = start + (long) (i * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        Trace.Patch p = patches.get(i);
        owner.run(() -> s.splice(p.position(), p.deleteCount(), p.text()));
      }
      store.flush().get();
      out.printf(Locale.ROOT, "typing %d edits at %.0f edits/s: %s%n", n, rate, store.durability());
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
