package dev.quire.ot.operation;

import dev.quire.ot.operation.Component.Delete;
import dev.quire.ot.operation.Component.Insert;
import dev.quire.ot.operation.Component.Retain;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Walks an operation's components, letting the algorithms consume part of one component at a time.
 * Mutable and single-use; internal to the algorithms.
 */
final class ComponentScanner {
  private final Component[] components;
  private int index = -1;
  private @Nullable Component head;
  private int remaining; // code points left in head
  private @Nullable String insertRest; // text left in head when it is an insert

  ComponentScanner(TextOperation op) {
    this.components = op.componentArray();
    next();
  }

  boolean done() {
    return head == null;
  }

  boolean isRetain() {
    return head instanceof Retain;
  }

  boolean isInsert() {
    return head instanceof Insert;
  }

  boolean isDelete() {
    return head instanceof Delete;
  }

  /** Code points left in the current component. */
  int remaining() {
    return remaining;
  }

  /**
   * The current component. In transform and compose an insert is only ever taken whole, straight
   * after it became current, so the component itself can be reused.
   */
  Component head() {
    return Objects.requireNonNull(head, "the scanner is past the last component");
  }

  /** Consumes {@code n} code points of the current component. */
  void skip(int n) {
    if (n == remaining) {
      next();
      return;
    }
    if (insertRest != null) {
      insertRest = CodePoints.suffix(insertRest, n);
    }
    remaining -= n;
  }

  /** Consumes and returns the first {@code n} code points of the current insert component. */
  String takeInsert(int n) {
    if (n == remaining) {
      String all = insertRest;
      next();
      return Objects.requireNonNull(all, "takeInsert: the current component is not an insert");
    }
    String rest =
        Objects.requireNonNull(insertRest, "takeInsert: the current component is not an insert");
    String part = CodePoints.prefix(rest, n);
    insertRest = rest.substring(part.length());
    remaining -= n;
    return part;
  }

  private void next() {
    index++;
    if (index >= components.length) {
      head = null;
      remaining = 0;
      insertRest = null;
      return;
    }
    head = components[index];
    remaining = head.length();
    insertRest = head instanceof Insert i ? i.text() : null;
  }
}
