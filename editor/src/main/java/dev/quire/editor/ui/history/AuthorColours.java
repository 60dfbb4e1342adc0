package dev.quire.editor.ui.history;

import java.awt.Color;

/**
 * A stable colour for each author, derived from the name alone, so it is the same on every machine
 * and in every session. Names pick from a palette of well-separated hues: hues computed straight
 * from a hash land too close together too often for two or three authors to tell apart.
 */
final class AuthorColours {
  private static final int[] PALETTE = {
    0x4E79A7, 0xF28E2B, 0x59A14F, 0xE15759, 0xB07AA1, 0xEDC948,
    0x76B7B2, 0xFF9DA7, 0x9C755F, 0x8CD17D, 0xD37295, 0x499894
  };

  private AuthorColours() {}

  /** A translucent background for the author's text, readable on a light or a dark theme. */
  static Color background(Color c, boolean dark) {
    return new Color(c.getRed(), c.getGreen(), c.getBlue(), dark ? 105 : 80);
  }

  /** The solid colour, for the legend's swatches. */
  static Color opaque(String author) {
    return new Color(PALETTE[slot(author)]);
  }

  /** The palette slot of a name: FNV-1a, since String.hashCode barely mixes short names. */
  static int slot(String author) {
    int h = 0x811c9dc5;
    for (int i = 0; i < author.length(); i++) {
      h = (h ^ author.charAt(i)) * 0x01000193;
    }
    return Integer.remainderUnsigned(h, PALETTE.length);
  }

  /** True when the background is dark (a dark look and feel). */
  static boolean isDark(Color background) {
    return background != null
        && 0.299 * background.getRed()
                + 0.587 * background.getGreen()
                + 0.114 * background.getBlue()
            < 128;
  }
}
