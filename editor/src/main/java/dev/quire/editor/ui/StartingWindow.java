package dev.quire.editor.ui;

import java.awt.Color;
import java.awt.Dimension;
import java.awt.EventQueue;
import java.awt.Font;
import java.awt.Frame;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Toolkit;
import java.awt.Window;

/**
 * A small window that says what is starting while the real windows are not ready yet, so that a
 * slow start never shows nothing. Plain AWT, drawn by hand: it shows before Swing, its look and the
 * text area are loaded, which is most of a cold start, and it draws from a thread of its own. Safe
 * from any thread.
 */
public final class StartingWindow extends Window {
  private static final Color BACKGROUND = new Color(0xf8fafc);
  private static final Color TEXT = new Color(0x0f172a);
  private static final Color MUTED = new Color(0x475569);
  private static final Color ACCENT = new Color(0x2563eb);

  private final String title;
  private volatile String phase = "";
  private volatile int step;
  private final int steps;
  private volatile boolean closed;

  private StartingWindow(String title, int steps) {
    super((Frame) null);
    this.title = title;
    this.steps = steps;
    setName("starting");
    setSize(new Dimension(420, 130));
    setBackground(BACKGROUND);
    Dimension screen = Toolkit.getDefaultToolkit().getScreenSize();
    setLocation((screen.width - 420) / 2, (screen.height - 130) / 2);
  }

  /**
   * Shows the window at once, centred, with {@code steps} phases to come. It draws itself from a
   * thread of its own, several times a second: the event thread is busy loading the look and the
   * text area during most of a start, and would paint it only when that is over.
   */
  public static StartingWindow show(String title, int steps) {
    StartingWindow w = new StartingWindow(title, steps);
    w.setVisible(true); // AWT, not Swing: allowed off the event thread
    Thread painter = new Thread(w::drawUntilClosed, "quire-starting-window");
    painter.setDaemon(true);
    painter.start();
    return w;
  }

  private void drawUntilClosed() {
    while (!closed) {
      Graphics g = getGraphics();
      if (g != null) {
        try {
          paint(g);
        } finally {
          g.dispose();
        }
        Toolkit.getDefaultToolkit().sync();
      }
      try {
        Thread.sleep(100); // a redraw rate, not a wait for a condition
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The phase now running, shown under the title with the steps done so far. */
  public void phase(String what) {
    phase = what;
    step = Math.min(steps, step + 1);
    repaint();
  }

  /** Closes the window. */
  public void close() {
    closed = true;
    EventQueue.invokeLater(this::dispose);
  }

  /** The phase shown; for tests. */
  public String phaseShown() {
    return phase;
  }

  @Override
  public void paint(Graphics g) {
    Graphics2D g2 = (Graphics2D) g;
    g2.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g2.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    int w = getWidth();
    int h = getHeight();
    g2.setColor(BACKGROUND);
    g2.fillRect(0, 0, w, h);
    g2.setColor(new Color(0xcbd5e1));
    g2.drawRect(0, 0, w - 1, h - 1);
    g2.setColor(TEXT);
    g2.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
    g2.drawString(title, 24, 42);
    g2.setColor(MUTED);
    g2.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g2.drawString(phase.isEmpty() ? "Starting…" : phase + "…", 24, 72);
    int barWidth = w - 48;
    g2.setColor(new Color(0xe2e8f0));
    g2.fillRoundRect(24, 92, barWidth, 8, 8, 8);
    g2.setColor(ACCENT);
    g2.fillRoundRect(24, 92, Math.max(8, barWidth * step / Math.max(1, steps)), 8, 8, 8);
  }

  @Override
  public void update(Graphics g) {
    paint(g); // no clearing first: no flicker
  }
}
