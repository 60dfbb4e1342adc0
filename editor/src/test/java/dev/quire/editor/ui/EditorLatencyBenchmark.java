package dev.quire.editor.ui;

import java.awt.event.KeyEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Editor latency on a 1 MB document, in real windows (run under a display or xvfb-run):
 *
 * <ul>
 *   <li>keystroke to repaint: a KEY_TYPED event dispatched to Alice's text area through its key
 *       handling, the edit made in the session and handed to the store, and the visible area
 *       painted ({@code paintImmediately}, an upper bound: Swing would paint only the damaged
 *       line);
 *   <li>remote edit: Bob types; the time Alice's view takes to apply each of his edits as it
 *       arrives (caret, selection and scroll kept), measured inside the binding.
 * </ul>
 *
 * Twice: a text of plain ASCII (positions map for free) and one with an emoji every 100 lines
 * (positions are counted). Run: {@code bench/editor-latency.sh [keystrokes]}.
 */
public final class EditorLatencyBenchmark {
  private EditorLatencyBenchmark() {}

  public static void main(String[] args) throws Exception {
    Gui.requireDisplay();
    int keystrokes = args.length > 0 ? Integer.parseInt(args[0]) : 400;
    System.out.printf(
        "java %s, %d cores%n",
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
    run("ASCII", text(false), keystrokes);
    run("with emoji", text(true), keystrokes);
    System.exit(0);
  }

  private static String text(boolean emoji) {
    StringBuilder b = new StringBuilder(1 << 20);
    int line = 0;
    while (b.length() < 1_000_000) {
      b.append("    int value").append(line).append(" = compute(").append(line % 97);
      b.append(", \"label ").append(line).append("\");");
      if (emoji && line % 100 == 0) {
        b.append(" // 😀");
      }
      b.append('\n');
      line++;
    }
    return b.toString();
  }

  private static void run(String name, String text, int keystrokes) throws Exception {
    Path dir = Files.createTempDirectory("quire-ui-bench-");
    try (TwoWindows w = new TwoWindows(dir, text)) {
      QuireTextArea alice = w.alice.textArea();
      QuireTextArea bob = w.bob.textArea();
      List<Long> remote = new CopyOnWriteArrayList<>();
      Gui.run(() -> alice.binding().onRemoteApplied(remote::add));
      Random rnd = new Random(7);
      Gui.run(() -> alice.setCaretPosition(text.length() / 2));
      // Warm-up, then measure: Alice types in the middle, Bob types near the end.
      long[] keys = new long[keystrokes];
      for (int i = -100; i < keystrokes; i++) {
        long t =
            Gui.onEdt(
                () -> {
                  long start = System.nanoTime();
                  alice.dispatchEvent(
                      new KeyEvent(
                          alice,
                          KeyEvent.KEY_TYPED,
                          System.currentTimeMillis(),
                          0,
                          KeyEvent.VK_UNDEFINED,
                          (char) ('a' + rnd.nextInt(26))));
                  alice.paintImmediately(alice.getVisibleRect());
                  return System.nanoTime() - start;
                });
        if (i >= 0) {
          keys[i] = t;
        }
        if (i % 2 == 0) {
          Gui.run(
              () -> {
                bob.setCaretPosition(bob.getDocument().getLength() - 1 - rnd.nextInt(1000));
                bob.dispatchEvent(
                    new KeyEvent(
                        bob,
                        KeyEvent.KEY_TYPED,
                        System.currentTimeMillis(),
                        0,
                        KeyEvent.VK_UNDEFINED,
                        'x'));
              });
        }
        Thread.sleep(10); // typing pace: a keystroke every 10 ms, as a fast typist
      }
      Gui.await(
          "both synced with the same text",
          java.time.Duration.ofSeconds(60),
          () ->
              TwoWindows.synced(w.alice)
                  && TwoWindows.synced(w.bob)
                  && alice.getText().equals(bob.getText()));
      String problem =
          Gui.onEdt(
              () -> {
                String av = alice.getText();
                String bv = bob.getText();
                String as = w.alice.session().text();
                String bs = w.bob.session().text();
                if (av.equals(bv) && as.equals(bs) && av.equals(as)) {
                  return null;
                }
                return "views equal "
                    + av.equals(bv)
                    + ", sessions equal "
                    + as.equals(bs)
                    + ", alice view=session "
                    + av.equals(as)
                    + ", bob view=session "
                    + bv.equals(bs)
                    + "; lengths "
                    + av.length()
                    + " "
                    + bv.length()
                    + " "
                    + as.length()
                    + " "
                    + bs.length();
              });
      if (problem != null) {
        throw new AssertionError("the two windows differ after the benchmark: " + problem);
      }
      List<Long> applied = new ArrayList<>(remote);
      applied = applied.subList(Math.min(50, applied.size() / 2), applied.size()); // warm-up
      System.out.printf(
          "%-10s %,d chars: keystroke to repaint p50 %.2f ms p99 %.2f ms max %.2f ms (%d keys);"
              + " remote edit applied p50 %.3f ms p99 %.3f ms max %.3f ms (%d edits)%n",
          name,
          text.length(),
          pct(keys, 50),
          pct(keys, 99),
          pct(keys, 100),
          keys.length,
          pct(applied.stream().mapToLong(Long::longValue).toArray(), 50),
          pct(applied.stream().mapToLong(Long::longValue).toArray(), 99),
          pct(applied.stream().mapToLong(Long::longValue).toArray(), 100),
          applied.size());
    }
  }

  private static double pct(long[] nanos, int p) {
    if (nanos.length == 0) {
      return Double.NaN;
    }
    long[] s = nanos.clone();
    Arrays.sort(s);
    int i = Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1);
    return s[Math.max(0, i)] / 1e6;
  }
}
