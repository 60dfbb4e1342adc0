package dev.quire.editor.ui.history;

import java.awt.BorderLayout;
import java.util.function.LongSupplier;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JPanel;
import javax.swing.JSlider;
import javax.swing.Timer;

/**
 * Play and pause: moves the slider towards the head at the chosen number of revisions per second,
 * about 30 times a second; the panel's coalescing skips what cannot be shown in time. Event thread
 * only.
 */
final class Playback {
  /** Speeds offered, in revisions per second. */
  static final int[] SPEEDS = {1, 10, 100, 1000, 10_000};

  private final JSlider slider;
  private final LongSupplier head;
  private final JButton play = new JButton("Play");
  private final JComboBox<String> speed = new JComboBox<>();
  private final Timer timer = new Timer(33, e -> tick());
  private long lastTick;
  private double
      stepDebt; // revisions due but not yet moved: speeds below 30/s move every few ticks

  Playback(JSlider slider, LongSupplier head) {
    this.slider = slider;
    this.head = head;
    play.setName("history.play");
    play.addActionListener(e -> toggle());
    for (int s : SPEEDS) {
      speed.addItem(String.format("%,d rev/s", s));
    }
    speed.setSelectedIndex(2);
    speed.setName("history.speed");
    speed.setToolTipText("Playback speed, in revisions per second");
  }

  JPanel controls() {
    JPanel p = new JPanel(new BorderLayout(6, 0));
    p.add(play, BorderLayout.WEST);
    p.add(speed, BorderLayout.EAST);
    return p;
  }

  boolean isPlaying() {
    return timer.isRunning();
  }

  void pause() {
    timer.stop();
    play.setText("Play");
  }

  JButton playButton() {
    return play;
  }

  JComboBox<String> speedChoice() {
    return speed;
  }

  private void toggle() {
    if (timer.isRunning()) {
      pause();
      return;
    }
    if (slider.getValue() >= head.getAsLong()) {
      slider.setValue(0); // at the end: play from the start
    }
    lastTick = System.nanoTime();
    stepDebt = 0;
    timer.start();
    play.setText("Pause");
  }

  private void tick() {
    long now = System.nanoTime();
    stepDebt += SPEEDS[speed.getSelectedIndex()] * (now - lastTick) / 1e9;
    lastTick = now;
    int steps = (int) stepDebt;
    if (steps == 0) {
      return;
    }
    stepDebt -= steps;
    long next = Math.min(head.getAsLong(), (long) slider.getValue() + steps);
    slider.setValue((int) next);
    if (next >= head.getAsLong()) {
      pause();
    }
  }
}
