package dev.quire.editor.ui;

import java.awt.event.KeyEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.swing.SwingUtilities;
import javax.swing.event.DocumentEvent;
import javax.swing.event.DocumentListener;

/**
 * Co-editing latency as the other person sees it, in two real windows on a real relay (in this
 * process, on loopback): a KEY_TYPED event dispatched to Alice's text area through its key
 * handling, until Bob's text area has painted the character. Each keystroke is typed alone (the
 * previous one painted at Bob's, then a pause), as a lone submit. Prints p50, p90, p99 and max, and
 * where the time goes: until Bob's window applied the edit (Alice's local commit, the relay, the
 * socket and Bob's event queue), then until it painted; with Alice's local commit times and how
 * late the event thread ran a task posted to it meanwhile. Run: {@code bench/coedit-latency.sh
 * [KEYSTROKES]}.
 */
public final class CoEditLatencyBenchmark {
  private static final int WARM_UP = 50;
  private static final long PAUSE_MILLIS = 40;

  private CoEditLatencyBenchmark() {}

  public static void main(String[] args) throws Exception {
    Gui.requireDisplay();
    int keystrokes = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    System.out.printf(
        "java %s, %d cores; %d keystrokes after %d to warm up%n",
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        keystrokes,
        WARM_UP);
    Path dir = Files.createTempDirectory("quire-coedit-bench-");
    try (TwoWindows w = new TwoWindows(dir, "typed here: \nand read there\n")) {
      EventQueueLag lag = EventQueueLag.start();
      for (int i = 0; i < WARM_UP; i++) {
        keystroke(w, (char) ('a' + i % 26));
      }
      lag.reset();
      long[] total = new long[keystrokes];
      long[] applied = new long[keystrokes];
      for (int i = 0; i < keystrokes; i++) {
        long[] t = keystroke(w, (char) ('a' + i % 26));
        total[i] = t[1];
        applied[i] = t[0];
      }
      lag.stop();
      print("keystroke to Bob's repaint", total);
      print("  of which until applied at Bob's", applied);
      long[] paint = new long[keystrokes];
      Arrays.setAll(paint, i -> total[i] - applied[i]);
      print("  of which applied to painted", paint);
      System.out.println("Alice's local commits (before each send): " + w.aliceStore.durability());
      print("event thread lag (a task posted every 5 ms)", lag.lags());
      System.out.println(
          "targets: keystroke to Bob's repaint p50 < 20 ms, p99 < 50 ms (docs/performance.md)");
    }
    System.exit(0);
  }

  /** Types {@code c} at Alice's and returns {applied at Bob's, painted at Bob's} in nanoseconds. */
  private static long[] keystroke(TwoWindows w, char c) throws Exception {
    QuireTextArea alice = w.alice.textArea();
    QuireTextArea bob = w.bob.textArea();
    AtomicLong start = new AtomicLong();
    AtomicLong applied = new AtomicLong();
    AtomicLong painted = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    DocumentListener arrival =
        new DocumentListener() {
          @Override
          public void insertUpdate(DocumentEvent e) {
            applied.set(System.nanoTime());
            bob.whenPainted(
                () -> {
                  painted.set(System.nanoTime());
                  done.countDown();
                });
          }

          @Override
          public void removeUpdate(DocumentEvent e) {}

          @Override
          public void changedUpdate(DocumentEvent e) {}
        };
    SwingUtilities.invokeAndWait(
        () -> {
          bob.getDocument().addDocumentListener(arrival);
          alice.setCaretPosition("typed here: ".length());
        });
    SwingUtilities.invokeLater(
        () -> {
          start.set(System.nanoTime());
          alice.dispatchEvent(
              new KeyEvent(
                  alice,
                  KeyEvent.KEY_TYPED,
                  System.currentTimeMillis(),
                  0,
                  KeyEvent.VK_UNDEFINED,
                  c));
        });
    if (!done.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("Alice's keystroke never painted at Bob's");
    }
    SwingUtilities.invokeAndWait(() -> bob.getDocument().removeDocumentListener(arrival));
    Thread.sleep(PAUSE_MILLIS); // a typist's pause: each keystroke is a lone submit
    return new long[] {applied.get() - start.get(), painted.get() - start.get()};
  }

  private static void print(String what, long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    System.out.printf(
        "%-45s p50 %6.1f ms  p90 %6.1f ms  p99 %6.1f ms  max %6.1f ms  (n=%d)%n",
        what, pct(s, 0.50), pct(s, 0.90), pct(s, 0.99), s[s.length - 1] / 1e6, s.length);
  }

  private static double pct(long[] sorted, double q) {
    return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))] / 1e6;
  }

  /** How late the event thread runs a task posted to it, sampled every 5 ms. */
  private static final class EventQueueLag {
    private final long[] lags = new long[100_000];
    private int n;
    private volatile boolean running = true;
    private final Thread sampler;

    private EventQueueLag() {
      sampler =
          new Thread(
              () -> {
                while (running) {
                  long posted = System.nanoTime();
                  try {
                    SwingUtilities.invokeAndWait(() -> add(System.nanoTime() - posted));
                    Thread.sleep(5);
                  } catch (Exception e) {
                    return;
                  }
                }
              },
              "edt-lag");
      sampler.setDaemon(true);
    }

    static EventQueueLag start() {
      EventQueueLag l = new EventQueueLag();
      l.sampler.start();
      return l;
    }

    private synchronized void add(long nanos) {
      if (n < lags.length) {
        lags[n++] = nanos;
      }
    }

    synchronized void reset() {
      n = 0;
    }

    synchronized long[] lags() {
      return n == 0 ? new long[] {0} : Arrays.copyOf(lags, n);
    }

    void stop() {
      running = false;
    }
  }
}
