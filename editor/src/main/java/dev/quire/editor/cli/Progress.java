package dev.quire.editor.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Shows long work on stderr, the way a terminal user expects: a bar redrawn in place with counts,
 * rate and elapsed time when stderr is a terminal, otherwise a plain line every few seconds. Work
 * that ends quickly shows nothing. A ticker thread draws from a {@link Step} source, so the work
 * only updates counters (a {@link Meter}) or answers what it is doing.
 *
 * <p>The launcher tells whether stderr is a terminal ({@code -Dquire.progress=bar}); {@code
 * quire.progress=lines} or {@code none} choose the other forms, and {@code quire.progress.millis}
 * the interval between plain lines.
 */
final class Progress implements AutoCloseable {
  /**
   * What is being done: {@code done} of {@code total} (negative: unknown) {@code unit}s. A source
   * answers null when there is nothing to show.
   */
  record Step(String label, long done, long total, String unit) {}

  /** Counters for a command that does one thing after another; thread-safe. */
  static final class Meter {
    private volatile Step step;

    /** Starts a new phase at zero. */
    void phase(String label, long total, String unit) {
      step = new Step(label, 0, total, unit);
    }

    void set(long done) {
      Step s = step;
      if (s != null) {
        step = new Step(s.label(), done, s.total(), s.unit());
      }
    }

    Step step() {
      return step;
    }
  }

  private static final int BAR_WIDTH = 24;

  private final PrintWriter err;
  private final boolean bar;
  private final Supplier<Step> source;
  private final ScheduledExecutorService ticker;
  private String label;
  private long labelStartNanos = System.nanoTime(); // the first step's time counts from the start
  private Step lastPrinted;
  private long labelStartDone;
  private boolean shown;
  private boolean closed;
  private int lastLength;

  private Progress(
      PrintWriter err, boolean bar, Supplier<Step> source, long firstMillis, long everyMillis) {
    this.err = err;
    this.bar = bar;
    this.source = source;
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "quire-progress");
              t.setDaemon(true);
              return t;
            });
    ticker.scheduleAtFixedRate(this::tick, firstMillis, everyMillis, TimeUnit.MILLISECONDS);
  }

  /** Starts showing {@code source} on {@code err} in the form the launcher asked for. */
  static Progress start(PrintWriter err, Supplier<Step> source) {
    String mode = System.getProperty("quire.progress", "lines");
    long every = Long.getLong("quire.progress.millis", 5_000);
    return switch (mode) {
      case "bar" -> new Progress(err, true, source, Math.min(300, every), Math.min(100, every));
      case "none" -> new Progress(err, false, source, Long.MAX_VALUE / 4, Long.MAX_VALUE / 4);
      default ->
          new Progress(err, false, source, Math.max(1, Math.min(2_000, every)), Math.max(1, every));
    };
  }

  private void tick() {
    try {
      draw(false);
    } catch (RuntimeException e) {
      // the work is ending under us (its owner thread stopped): the next draw or close says it
    }
  }

  private synchronized void draw(boolean last) {
    Step s = source.get();
    if (s == null) {
      return;
    }
    long now = System.nanoTime();
    if (!s.label().equals(label)) {
      if (bar && shown) {
        err.println();
        lastLength = 0;
      }
      if (label != null) {
        labelStartNanos = now;
        labelStartDone = s.done();
      }
      label = s.label();
    }
    double seconds = (now - labelStartNanos) / 1e9;
    String line = render(s, seconds, (s.done() - labelStartDone) / Math.max(seconds, 1e-3));
    if (bar) {
      String padded =
          line.length() < lastLength ? line + " ".repeat(lastLength - line.length()) : line;
      err.print("\r" + padded);
      lastLength = line.length();
    } else if (!last || !sameWork(s, lastPrinted)) {
      err.println(line); // a last line only when it says something new
    }
    lastPrinted = s;
    err.flush();
    shown = true;
  }

  private static boolean sameWork(Step a, Step b) {
    return b != null && a.label().equals(b.label()) && a.done() == b.done();
  }

  /** {@code quire import notes.md [#####.....] 45% 22.1 of 50.0 MB, 7.3 MB/s, 3 s}. */
  String render(Step s, double seconds, double rate) {
    StringBuilder b = new StringBuilder("quire ").append(s.label());
    if (s.total() > 0 && bar) {
      int filled = (int) Math.min(BAR_WIDTH, BAR_WIDTH * s.done() / s.total());
      b.append(" [").append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append(']');
    }
    if (s.total() > 0) {
      b.append(String.format(Locale.ROOT, " %d%%", Math.min(100, 100 * s.done() / s.total())));
    }
    if (s.done() > 0 || s.total() > 0) {
      b.append(' ').append(amount(s.done(), s.unit(), false));
      if (s.total() >= 0) {
        b.append(" of ").append(amount(s.total(), s.unit(), true));
      } else {
        b.append(' ').append(unitName(s.unit()));
      }
      if (seconds >= 0.5 && rate > 0) {
        b.append(", ").append(amount(Math.round(rate), s.unit(), true)).append("/s");
      }
    }
    b.append(String.format(Locale.ROOT, ", %.0f s", seconds));
    return b.toString();
  }

  private static String amount(long n, String unit, boolean withUnit) {
    if (unit.equals("bytes")) {
      String mb = String.format(Locale.ROOT, "%.1f", n / 1e6);
      return withUnit ? mb + " MB" : mb;
    }
    return withUnit ? n + " " + unit : String.valueOf(n);
  }

  private static String unitName(String unit) {
    return unit.equals("bytes") ? "MB" : unit;
  }

  /** Prints a message line; on a terminal the bar is wiped first and redrawn at the next tick. */
  synchronized void message(String line) {
    if (bar && lastLength > 0) {
      err.print("\r" + " ".repeat(lastLength) + "\r");
      lastLength = 0;
    }
    err.println(line);
    err.flush();
  }

  /** Stops the ticker; when anything was shown, draws the final state and ends the line. */
  @Override
  public void close() {
    ticker.shutdownNow();
    try {
      ticker.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (shown && !closed) {
        try {
          draw(true);
        } catch (RuntimeException e) {
          // the source is gone (its owner thread stopped): the last line drawn stands
        }
        if (bar) {
          err.println();
          err.flush();
        }
      }
      closed = true;
    }
  }
}
