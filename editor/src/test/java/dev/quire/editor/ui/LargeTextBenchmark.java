package dev.quire.editor.ui;

import java.util.Arrays;
import java.util.concurrent.Callable;
import javax.swing.JFrame;
import org.fife.ui.rsyntaxtextarea.RSyntaxTextArea;
import org.fife.ui.rsyntaxtextarea.SyntaxConstants;
import org.fife.ui.rtextarea.RTextScrollPane;

/**
 * What a text of many megabytes costs the text area, with Java syntax colours, code folding and
 * occurrence marks, and shown plain as {@link QuireTextArea} shows a text over {@link
 * QuireTextArea#PLAIN_ABOVE_CHARS}: setting the text, a keystroke with the work it queues, and one
 * parse of the folds (which RSyntaxTextArea runs on the event thread after each pause in typing).
 * Run: {@code bench/run-editor-main.sh dev.quire.editor.ui.LargeTextBenchmark [MILLION_CHARS]}.
 */
public final class LargeTextBenchmark {
  private LargeTextBenchmark() {}

  public static void main(String[] args) throws Exception {
    Gui.requireDisplay();
    int chars = (args.length > 0 ? Integer.parseInt(args[0]) : 50) * 1_000_000;
    StringBuilder b = new StringBuilder("class Big {\n");
    for (int i = 0; b.length() < chars; i++) {
      b.append("  int field").append(i).append(" = compute(").append(i % 97).append("); // é\n");
    }
    String text = b.append("}\n").toString();
    run("coloured (no size limit)", text, LargeTextBenchmark::coloured);
    run("plain (QuireTextArea)", text, QuireTextArea::new);
    System.exit(0);
  }

  /** A text area as {@link QuireTextArea} sets one up for a small document. */
  private static RSyntaxTextArea coloured() {
    RSyntaxTextArea area = new RSyntaxTextArea(30, 100);
    area.setCodeFoldingEnabled(true);
    area.setMarkOccurrences(true);
    return area;
  }

  private static void run(String name, String text, Callable<RSyntaxTextArea> make)
      throws Exception {
    RSyntaxTextArea area = Gui.onEdt(make);
    long set =
        Gui.onEdt(
            () -> {
              area.setSyntaxEditingStyle(SyntaxConstants.SYNTAX_STYLE_JAVA);
              JFrame frame = new JFrame(name);
              frame.add(new RTextScrollPane(area));
              frame.setSize(800, 600);
              frame.setVisible(true);
              long start = System.nanoTime();
              area.setText(text);
              area.setCaretPosition(text.length() / 2);
              area.paintImmediately(area.getVisibleRect());
              return System.nanoTime() - start;
            });
    long[] keys = new long[100];
    for (int i = 0; i < keys.length; i++) {
      long start = System.nanoTime();
      Gui.run(
          () -> {
            area.replaceSelection("x");
            area.paintImmediately(area.getVisibleRect());
          });
      Gui.run(() -> {}); // and what the keystroke queued
      keys[i] = System.nanoTime() - start;
      Thread.sleep(20);
    }
    Arrays.sort(keys);
    long fold =
        Gui.onEdt(
            () -> {
              long start = System.nanoTime();
              area.getFoldManager().reparse();
              return System.nanoTime() - start;
            });
    System.out.printf(
        "%s, %,d chars: set text %d ms; keystroke p50 %.1f ms, p90 %.1f ms; folds parsed %d ms%n",
        name, text.length(), set / 1_000_000, keys[50] / 1e6, keys[90] / 1e6, fold / 1_000_000);
  }
}
