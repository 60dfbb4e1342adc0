package dev.quire.ot.operation;

import org.jspecify.annotations.Nullable;

/**
 * Transform for the common case where both operations are a single edit (an insert and/or a delete
 * at one position), by arithmetic instead of a walk over components. It gives exactly what {@link
 * Transformer#general} gives (a property test holds them equal) and declines, returning null, when
 * the result would not be a single edit, for instance when the other operation's insert lands
 * inside this one's deletion.
 */
final class SingleEditTransform {
  private SingleEditTransform() {}

  /**
   * {@code x} transformed to apply after {@code y}; {@code xFirst} says whether x's insert goes
   * before y's when both insert at one position.
   */
  static @Nullable TextOperation past(TextOperation x, TextOperation y, boolean xFirst) {
    int lx = x.editInsertLength();
    int[] out = new int[3];
    if (!past(
        x.editPosition(),
        lx,
        x.editDelete(),
        x.baseLength(),
        y.editPosition(),
        y.editInsertLength(),
        y.editDelete(),
        xFirst,
        out)) {
      return null;
    }
    return TextOperation.singleEdit(
        out[0], lx > 0 ? x.editInsert() : null, out[1], out[2] - out[0] - out[1]);
  }

  /**
   * The arithmetic of {@link #past(TextOperation, TextOperation, boolean)} on the edits' numbers: x
   * = (px, lx inserted, dx deleted) on a text of {@code baseX}, y = (py, ly, dy). Writes x's new
   * position, deletion and text length to {@code out}; false when the result is no single edit.
   */
  static boolean past(
      int px, int lx, int dx, int baseX, int py, int ly, int dy, boolean xFirst, int[] out) {
    int insertAt = mapPoint(px, py, ly, dy, xFirst);
    // x's deletion minus y's: the part before y's range and the part after it.
    int before = Math.max(0, Math.min(px + dx, py) - px);
    int after = Math.max(0, px + dx - Math.max(px, py + dy));
    if (before > 0 && after > 0 && ly > 0) {
      return false; // y's insert splits what x still deletes
    }
    int deleteCount = before + after;
    int deleteAt = before > 0 ? px : Math.max(px, py + dy) + ly - dy;
    if (lx > 0 && deleteCount > 0 && insertAt != deleteAt) {
      return false; // y's insert lands between x's insert and what x still deletes
    }
    int length = baseX + ly - dy;
    out[0] = lx > 0 ? insertAt : (deleteCount > 0 ? deleteAt : length);
    out[1] = deleteCount;
    out[2] = length;
    return true;
  }

  /** Where point {@code p} lands after the edit (py, ly, dy); {@code first} wins ties at py. */
  private static int mapPoint(int p, int py, int ly, int dy, boolean first) {
    if (p < py || (p == py && first)) {
      return p;
    }
    if (p <= py + dy) {
      return py + ly;
    }
    return p + ly - dy;
  }
}
