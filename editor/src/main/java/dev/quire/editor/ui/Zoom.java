package dev.quire.editor.ui;

/** The text sizes View › Zoom steps through, in percent of the normal size. */
final class Zoom {
  static final int MIN = 50;
  static final int MAX = 300;
  private static final int[] STEPS = {50, 67, 80, 90, 100, 110, 125, 150, 175, 200, 250, 300};

  private Zoom() {}

  /** The next size up from {@code percent}, or the largest. */
  static int in(int percent) {
    for (int s : STEPS) {
      if (s > percent) {
        return s;
      }
    }
    return MAX;
  }

  /** The next size down from {@code percent}, or the smallest. */
  static int out(int percent) {
    for (int i = STEPS.length - 1; i >= 0; i--) {
      if (STEPS[i] < percent) {
        return STEPS[i];
      }
    }
    return MIN;
  }
}
