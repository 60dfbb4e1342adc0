package dev.quire.editor.ui.history;

import dev.quire.editor.sync.DocumentSession;
import dev.quire.ot.operation.TextOperation;
import java.util.Objects;

/**
 * "Restore this revision": one new edit that turns the current text into an old revision's text.
 * The log is never rewritten; the restore is an ordinary local edit, synced like any other.
 */
final class Restore {
  private Restore() {}

  /**
   * A replacement in a text of {@code length} code points: {@code deleted} code points at {@code
   * position} replaced by {@code inserted}.
   */
  record Change(int length, int position, int deleted, String inserted) {
    TextOperation operation() {
      return TextOperation.splice(length, position, deleted, inserted);
    }
  }

  /**
   * The change from {@code current} to {@code target}: the part between their common prefix and
   * common suffix replaced, so the characters outside it keep their authors. Positions count code
   * points; a surrogate pair is never split.
   */
  static Change change(String current, String target) {
    Objects.requireNonNull(current, "current == null");
    Objects.requireNonNull(target, "target == null");
    int min = Math.min(current.length(), target.length());
    int p = 0;
    while (p < min && current.charAt(p) == target.charAt(p)) {
      p++;
    }
    if (p > 0 && Character.isHighSurrogate(current.charAt(p - 1))) {
      p--; // the pairs differ in their low surrogate: keep the whole character in the change
    }
    int s = 0;
    int cl = current.length();
    int tl = target.length();
    while (s < min - p && current.charAt(cl - 1 - s) == target.charAt(tl - 1 - s)) {
      s++;
    }
    if (s > 0 && Character.isLowSurrogate(current.charAt(cl - s))) {
      s--;
    }
    int position = current.codePointCount(0, p);
    int deleted = current.codePointCount(p, cl - s);
    int after = current.codePointCount(cl - s, cl);
    return new Change(position + deleted + after, position, deleted, target.substring(p, tl - s));
  }

  /**
   * Makes {@code session}'s text equal to {@code target} with one edit. Only an insert longer than
   * {@link DocumentSession#MAX_INSERT} code points goes as several edits, because the relay refuses
   * oversized messages. Owner thread only.
   *
   * @return false when the text already was {@code target}; nothing is changed then
   */
  static boolean apply(DocumentSession session, String target) {
    Change c = change(session.text(), target);
    if (c.deleted() == 0 && c.inserted().isEmpty()) {
      return false;
    }
    if (c.inserted().codePointCount(0, c.inserted().length()) <= DocumentSession.MAX_INSERT) {
      session.edit(c.operation());
    } else {
      session.splice(c.position(), c.deleted(), c.inserted());
    }
    return true;
  }
}
