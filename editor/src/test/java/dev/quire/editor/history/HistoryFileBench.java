package dev.quire.editor.history;

import dev.quire.editor.cli.QuireCli;
import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.OutboxChange;
import dev.quire.editor.store.ProfileBackups;
import dev.quire.editor.store.Revision;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.text.GapBuffer;
import dev.quire.ot.trace.Trace;
import dev.quire.ot.trace.TraceReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Export, verify and import of a trace's whole history as a history file, each through the real
 * command line in this JVM: {@code bench/history-file.sh [TRACE] [RUNS]}. The trace becomes a
 * profile's document first (three authors taking turns of 200 edits, one revision per edit), not
 * timed. Prints each run and the fastest of each.
 */
public final class HistoryFileBench {
  private static final String[] AUTHORS = {"alice", "bob", "chloe"};

  private HistoryFileBench() {}

  public static void main(String[] args) throws Exception {
    Path trace = Path.of(args.length > 0 ? args[0] : "traces/automerge-paper.json.gz");
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    if (!Files.isRegularFile(trace)) {
      System.err.println("no trace at " + trace.toAbsolutePath());
      System.exit(2);
    }
    Path work = Files.createTempDirectory("quire-history-bench");
    try {
      Path profile = work.resolve("source");
      long revisions = fill(profile, TraceReader.read(trace));
      System.out.printf(Locale.ROOT, "%s: %,d revisions%n", trace.getFileName(), revisions);
      double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
      for (int i = 1; i <= runs; i++) {
        Path file = work.resolve("h" + i + ".history");
        Path into = work.resolve("into" + i);
        cli("backup", "--profile", into.toString(), "--every", "0"); // none while measuring
        double export =
            timed("export", "--profile", profile.toString(), "doc", "--history", file.toString());
        double verify = timed("verify", file.toString());
        double imp =
            timed(
                "import",
                "--profile",
                into.toString(),
                file.toString(),
                "--history",
                "--id",
                "doc");
        System.out.printf(
            Locale.ROOT,
            "run %d: export %.2f s, verify %.2f s, import %.2f s (file %,d bytes)%n",
            i,
            export,
            verify,
            imp,
            Files.size(file));
        best[0] = Math.min(best[0], export);
        best[1] = Math.min(best[1], verify);
        best[2] = Math.min(best[2], imp);
      }
      System.out.printf(
          Locale.ROOT,
          "fastest of %d: export %.2f s, verify %.2f s, import %.2f s%n",
          runs,
          best[0],
          best[1],
          best[2]);
    } finally {
      deleteTree(work);
    }
    System.exit(0);
  }

  private static double timed(String... args) {
    long t0 = System.nanoTime();
    cli(args);
    return (System.nanoTime() - t0) / 1e9;
  }

  private static void cli(String... args) {
    int code = QuireCli.commandLine().execute(args);
    if (code != 0) {
      throw new IllegalStateException("quire " + String.join(" ", args) + " exited with " + code);
    }
  }

  /** The trace as document "doc" of a new profile, one revision per edit. */
  private static long fill(Path profile, Trace trace) throws Exception {
    try (LocalStore store = LocalStore.open(profile)) {
      store.saveBackupPolicy(new ProfileBackups.Policy(Duration.ZERO, 1)).get();
      store.createDocument("doc", "bench", 1_790_000_000_000L, true, List.of()).get();
      GapBuffer text = new GapBuffer();
      List<Revision> revs = new ArrayList<>();
      List<LocalStore.Checkpoint> cps = new ArrayList<>();
      long r = 0;
      for (Trace.Txn t : trace.txns()) {
        for (Trace.Patch p : t.patches()) {
          TextOperation op =
              TextOperation.splice(text.length(), p.position(), p.deleteCount(), p.text());
          text.apply(op);
          r++;
          String author = AUTHORS[(int) ((r - 1) / 200 % AUTHORS.length)];
          revs.add(
              new Revision(
                  r, r - 1, r, author, "c-" + author, r, 1_790_000_000_000L + r * 1000, op, op));
          if (r % LocalStore.CHECKPOINT_INTERVAL == 0) {
            cps.add(new LocalStore.Checkpoint(r, text.toString()));
          }
          if (revs.size() == 10_000) {
            store.received("doc", revs, cps, OutboxChange.unchanged()).get();
            revs = new ArrayList<>();
            cps = new ArrayList<>();
          }
        }
      }
      store.received("doc", revs, cps, OutboxChange.unchanged()).get();
      return r;
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
