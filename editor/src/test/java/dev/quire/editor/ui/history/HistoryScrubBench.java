package dev.quire.editor.ui.history;

import com.formdev.flatlaf.FlatLightLaf;
import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.ot.bench.Traces;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.text.GapBuffer;
import dev.quire.ot.trace.Trace;
import dev.quire.ot.trace.TraceReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.swing.JFrame;
import javax.swing.SwingUtilities;

/**
 * Scrubbing latency of the real history window on a trace imported as history, three authors taking
 * turns of 200 edits: {@code bench/history-view.sh bench [TRACE] [MOVES]}. Prints the time from
 * setting the slider to the text shown and to its colouring shown.
 */
public final class HistoryScrubBench {
  private static final String[] AUTHORS = {"alice", "bob", "chen"};

  private final Map<Long, Long> textAt = new ConcurrentHashMap<>();
  private final Map<Long, Long> colourAt = new ConcurrentHashMap<>();
  private volatile long waitingFor = -1;
  private volatile CountDownLatch coloured = new CountDownLatch(1);
  private volatile CountDownLatch indexedAll = new CountDownLatch(1);
  private volatile long head;

  private HistoryScrubBench() {}

  public static void main(String[] args) throws Exception {
    Path trace = args.length > 0 ? Path.of(args[0]) : Traces.path("automerge-paper.json.gz");
    int moves = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    Path keep = args.length > 2 ? Path.of(args[2]) : null;
    new HistoryScrubBench().run(trace, moves, keep);
    System.exit(0);
  }

  /**
   * @param keep a profile directory to keep and reuse on the next run (written only when it has no
   *     document yet), or null for a throw-away one
   */
  private void run(Path tracePath, int moves, Path keep) throws Exception {
    List<Histories.Edit> edits = edits(TraceReader.read(tracePath));
    head = edits.size();
    Path profile = keep != null ? keep : Files.createTempDirectory("quire-history-bench");
    try (LocalStore store = LocalStore.open(profile)) {
      if (store.document("doc").get().isEmpty()) {
        long w0 = System.nanoTime();
        Histories.write(store, "doc", "bench", edits);
        System.out.printf(
            Locale.ROOT,
            "history: %,d revisions of %s by %d authors written in %.1f s%n",
            edits.size(),
            tracePath.getFileName(),
            AUTHORS.length,
            (System.nanoTime() - w0) / 1e9);
      }
      measure(store, moves);
    } finally {
      if (keep == null) {
        Histories.deleteTree(profile);
      }
    }
  }

  private void measure(LocalStore store, int moves) throws Exception {
    {
      SwingUtilities.invokeAndWait(FlatLightLaf::setup);
      DocumentSession session =
          DocumentSession.open(store, "doc", SwingUtilities::invokeLater, 1000)
              .get(60, TimeUnit.SECONDS);
      AtomicReference<HistoryPanel> panel = new AtomicReference<>();
      AtomicReference<JFrame> window = new AtomicReference<>();
      waitingFor = head;
      long open0 = System.nanoTime();
      SwingUtilities.invokeAndWait(
          () -> {
            window.set(HistoryPanel.showWindow(null, store, session));
            panel.set((HistoryPanel) window.get().getContentPane().getComponent(0));
            panel.get().setProbe(probe());
          });
      coloured.await(120, TimeUnit.SECONDS);
      indexedAll.await(120, TimeUnit.SECONDS);
      System.out.printf(
          Locale.ROOT,
          "open at the head: text shown %.0f ms, coloured %.0f ms (authorship pass over all"
              + " revisions: %.0f ms)%n",
          (textAt.get(head) - open0) / 1e6,
          (colourAt.get(head) - open0) / 1e6,
          (indexedNanos - open0) / 1e6);
      framesOnly(store, moves);
      jumps(panel.get(), moves);
      drag(panel.get());
      SwingUtilities.invokeAndWait(window.get()::dispose);
    }
  }

  private volatile long indexedNanos;

  private HistoryPanel.Probe probe() {
    return new HistoryPanel.Probe() {
      @Override
      public void textShown(long revision) {
        textAt.put(revision, System.nanoTime());
      }

      @Override
      public void colouringShown(long revision) {
        colourAt.put(revision, System.nanoTime());
        if (revision == waitingFor) {
          coloured.countDown();
        }
      }

      @Override
      public void indexed(long revision) {
        if (revision == head) {
          indexedNanos = System.nanoTime();
          indexedAll.countDown();
        }
      }
    };
  }

  /** Random revisions built by a fresh index, text and colouring, without the window. */
  private void framesOnly(LocalStore store, int moves) throws Exception {
    try (HistoryIndex index = new HistoryIndex(store, "doc", r -> {})) {
      index.indexTo(head);
      index.frame(head).get().colouring().get(120, TimeUnit.SECONDS); // after the whole pass
      Random rnd = new Random(2);
      double[] ms = new double[moves];
      for (int i = 0; i < moves; i++) {
        long r = 1 + rnd.nextInt((int) head - 1);
        long t0 = System.nanoTime();
        index.frame(r).get().colouring().get();
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      print("random revisions built off the window (store reads, text and authorship)", ms);
    }
  }

  /** Random jumps anywhere, each waited for: mostly blocks not in the cache. */
  private void jumps(HistoryPanel panel, int moves) throws Exception {
    Random rnd = new Random(1);
    double[] text = new double[moves];
    double[] colour = new double[moves];
    for (int i = 0; i < moves; i++) {
      long r = 1 + rnd.nextInt((int) head - 1);
      textAt.remove(r);
      colourAt.remove(r);
      waitingFor = r;
      coloured = new CountDownLatch(1);
      long t0 = System.nanoTime();
      SwingUtilities.invokeLater(() -> panel.slider().setValue((int) r));
      if (!coloured.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("revision " + r + " not coloured within 30 s");
      }
      text[i] = (textAt.get(r) - t0) / 1e6;
      colour[i] = (colourAt.get(r) - t0) / 1e6;
    }
    print("random jumps (" + moves + ", waited for each): slider to text", text);
    print("random jumps: slider to colouring", colour);
  }

  /** A drag: the slider moves 60 times a second by 40 revisions, nothing waited for. */
  private void drag(HistoryPanel panel) throws Exception {
    textAt.clear();
    colourAt.clear();
    Map<Long, Long> asked = new ConcurrentHashMap<>();
    long start = 100_000;
    int steps = 300;
    for (int i = 0; i < steps; i++) {
      long r = start + 40L * i;
      asked.put(r, System.nanoTime());
      SwingUtilities.invokeLater(() -> panel.slider().setValue((int) r));
      Thread.sleep(16); // pacing: one slider move per 60 Hz frame, as a dragging hand
    }
    long last = start + 40L * (steps - 1);
    waitingFor = last;
    coloured = new CountDownLatch(1);
    if (!colourAt.containsKey(last)) {
      coloured.await(30, TimeUnit.SECONDS);
    }
    List<Double> lat = new ArrayList<>();
    textAt.forEach((r, t) -> lat.add((t - asked.get(r)) / 1e6));
    print(
        String.format(
            Locale.ROOT,
            "drag (%d moves at 60/s, %d shown, the rest coalesced): slider to text",
            steps,
            lat.size()),
        lat.stream().mapToDouble(Double::doubleValue).toArray());
    System.out.printf(
        Locale.ROOT,
        "drag: last position shown %.0f ms, coloured %.0f ms after it was set%n",
        (textAt.get(last) - asked.get(last)) / 1e6,
        (colourAt.get(last) - asked.get(last)) / 1e6);
  }

  private static void print(String what, double[] ms) {
    Arrays.sort(ms);
    System.out.printf(
        Locale.ROOT,
        "%s: median %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        what,
        ms[ms.length / 2],
        ms[(int) Math.ceil(ms.length * 0.9) - 1],
        ms[(int) Math.ceil(ms.length * 0.99) - 1],
        ms[ms.length - 1]);
  }

  /** The trace's edits, authors taking turns of 200 edits. */
  private static List<Histories.Edit> edits(Trace trace) {
    if (!trace.startContent().isEmpty()) {
      throw new IllegalArgumentException("the trace must start from an empty document");
    }
    List<Histories.Edit> out = new ArrayList<>();
    GapBuffer text = new GapBuffer();
    for (Trace.Txn t : trace.txns()) {
      for (Trace.Patch p : t.patches()) {
        TextOperation op =
            TextOperation.splice(text.length(), p.position(), p.deleteCount(), p.text());
        text.apply(op);
        out.add(new Histories.Edit(AUTHORS[(out.size() / 200) % AUTHORS.length], op));
      }
    }
    return out;
  }
}
