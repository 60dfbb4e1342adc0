package dev.quire.editor.ui.history;

import java.util.Arrays;

/**
 * Who wrote each character of a text: run-length spans, each a number of code points and the index
 * of their author. Immutable; adjacent runs always have different authors.
 */
final class Attribution {
  static final Attribution EMPTY = new Attribution(new int[0], new int[0]);

  private final int[] lengths;
  private final int[] authors;
  private final int length;

  /** Takes ownership of the arrays: callers build them fresh and never touch them again. */
  Attribution(int[] lengths, int[] authors) {
    if (lengths.length != authors.length) {
      throw new IllegalArgumentException(
          lengths.length + " run lengths but " + authors.length + " run authors");
    }
    int sum = 0;
    for (int i = 0; i < lengths.length; i++) {
      if (lengths[i] <= 0 || authors[i] < 0) {
        throw new IllegalArgumentException(
            "run " + i + " has length " + lengths[i] + " and author " + authors[i]);
      }
      sum += lengths[i];
    }
    this.lengths = lengths;
    this.authors = authors;
    this.length = sum;
  }

  /** Length of the attributed text in code points. */
  int length() {
    return length;
  }

  int runCount() {
    return lengths.length;
  }

  int runLength(int run) {
    return lengths[run];
  }

  int runAuthor(int run) {
    return authors[run];
  }

  /** The author of code point {@code position}. */
  int authorAt(int position) {
    if (position < 0 || position >= length) {
      throw new IndexOutOfBoundsException(
          "code point " + position + " outside a text of " + length);
    }
    int at = 0;
    for (int i = 0; ; i++) {
      at += lengths[i];
      if (position < at) {
        return authors[i];
      }
    }
  }

  /** Code points written by each author, indexed by author (sized to the largest index seen). */
  int[] countsByAuthor() {
    int max = -1;
    for (int a : authors) {
      max = Math.max(max, a);
    }
    int[] counts = new int[max + 1];
    for (int i = 0; i < lengths.length; i++) {
      counts[authors[i]] += lengths[i];
    }
    return counts;
  }

  /**
   * The UTF-16 offset in {@code text} where each run starts, plus the text's UTF-16 length at the
   * end: what Swing needs to paint the runs.
   *
   * @throws IllegalArgumentException when {@code text} is not as long as this attribution
   */
  int[] charStarts(String text) {
    int codePoints = text.codePointCount(0, text.length());
    if (codePoints != length) {
      throw new IllegalArgumentException(
          "attribution of " + length + " code points for a text of " + codePoints);
    }
    int[] starts = new int[lengths.length + 1];
    boolean plain = text.length() == length; // no surrogate pair: code points are UTF-16 units
    int at = 0;
    for (int i = 0; i < lengths.length; i++) {
      starts[i] = at;
      at = plain ? at + lengths[i] : text.offsetByCodePoints(at, lengths[i]);
    }
    starts[lengths.length] = at;
    return starts;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Attribution a
        && Arrays.equals(lengths, a.lengths)
        && Arrays.equals(authors, a.authors);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(lengths) + Arrays.hashCode(authors);
  }

  /** For example {@code [3x0, 2x1]}: three code points by author 0, then two by author 1. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < lengths.length; i++) {
      s.append(i == 0 ? "" : ", ").append(lengths[i]).append('x').append(authors[i]);
    }
    return s.append(']').toString();
  }
}
