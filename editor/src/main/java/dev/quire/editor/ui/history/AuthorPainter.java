package dev.quire.editor.ui.history;

import java.awt.Color;
import java.awt.Graphics;
import java.awt.Point;
import java.awt.Rectangle;
import java.awt.Shape;
import java.awt.geom.Rectangle2D;
import java.util.Arrays;
import javax.swing.text.BadLocationException;
import javax.swing.text.Element;
import javax.swing.text.Highlighter;
import javax.swing.text.JTextComponent;

/**
 * Paints each author's text on the author's background colour. Only the runs in the visible part of
 * the text are painted, so a long document with many runs costs no more than a short one. Event
 * thread only.
 */
final class AuthorPainter implements Highlighter.HighlightPainter {
  private int[] starts = {0}; // UTF-16 offset of each run, then the text's end
  private Color[] colours = new Color[0]; // of each run

  /** Shows nothing until the next {@link #set}: the text changed and its colouring is not known. */
  void clear() {
    starts = new int[] {0};
    colours = new Color[0];
  }

  void set(int[] runStarts, Color[] runColours) {
    if (runStarts.length != runColours.length + 1) {
      throw new IllegalArgumentException(
          runStarts.length + " run starts for " + runColours.length + " colours");
    }
    starts = runStarts;
    colours = runColours;
  }

  @Override
  public void paint(Graphics g, int p0, int p1, Shape bounds, JTextComponent c) {
    int end = c.getDocument().getLength();
    if (colours.length == 0 || starts[starts.length - 1] != end) {
      return; // the colouring belongs to another text
    }
    Rectangle clip = g.getClipBounds() != null ? g.getClipBounds() : c.getVisibleRect();
    int from = c.viewToModel2D(new Point(0, clip.y));
    int to = c.viewToModel2D(new Point(c.getWidth(), clip.y + clip.height));
    Element root = c.getDocument().getDefaultRootElement();
    to = Math.min(end, root.getElement(root.getElementIndex(Math.max(0, to))).getEndOffset());
    int run = Arrays.binarySearch(starts, from);
    run = run >= 0 ? run : -run - 2;
    for (; run < colours.length && starts[run] < to; run++) {
      g.setColor(colours[run]);
      paintRun(g, c, root, Math.max(from, starts[run]), Math.min(to, starts[run + 1]));
    }
  }

  /** Fills [a, b) line by line, leaving out the line breaks. */
  private static void paintRun(Graphics g, JTextComponent c, Element root, int a, int b) {
    int line = root.getElementIndex(a);
    while (a < b) {
      Element e = root.getElement(line++);
      int lineEnd = Math.min(b, e.getEndOffset() - 1);
      if (lineEnd > a) {
        try {
          Rectangle2D r0 = c.modelToView2D(a);
          Rectangle2D r1 = c.modelToView2D(lineEnd);
          g.fillRect(
              (int) r0.getX(),
              (int) r0.getY(),
              (int) Math.ceil(r1.getX() - r0.getX()),
              (int) Math.ceil(r0.getHeight()));
        } catch (BadLocationException ex) {
          return; // the text changed under us; the next paint has the new colouring
        }
      }
      a = e.getEndOffset();
    }
  }
}
