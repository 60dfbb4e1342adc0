package dev.quire.editor.ui;

import java.awt.Color;

/** Collaborators' colours: parsing the wire form and choosing readable text on them. */
final class Colours {
  /** Distinct, readable on light and dark backgrounds; offered in settings and used for authors. */
  static final String[] PALETTE = {
    "#3b82f6", "#e11d48", "#16a34a", "#d97706", "#9333ea", "#0891b2", "#db2777", "#65a30d"
  };

  private Colours() {}

  /** {@code #rrggbb} as a colour; grey for anything else (a malformed colour is not an error). */
  static Color parse(String hex) {
    if (hex != null && hex.matches("#[0-9a-fA-F]{6}")) {
      return new Color(Integer.parseInt(hex.substring(1), 16));
    }
    return Color.GRAY;
  }

  static String format(Color c) {
    return String.format("#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
  }

  /** Black or white, whichever reads better on {@code background}. */
  static Color readableOn(Color background) {
    double luminance =
        0.2126 * background.getRed()
            + 0.7152 * background.getGreen()
            + 0.0722 * background.getBlue();
    return luminance > 150 ? Color.BLACK : Color.WHITE;
  }
}
