package dev.quire.ot.operation;

import dev.quire.ot.operation.Component.Delete;
import dev.quire.ot.operation.Component.Insert;
import dev.quire.ot.operation.Component.Retain;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * Splits an operation too large to send into consecutive smaller ones with the same effect: applied
 * one after the other, the parts change a document exactly as the operation does. A client uses it
 * to keep each edit within the relay's message limit, whatever was pasted or imported.
 *
 * <p>An operation is cut in two between its edits (inserts and deletes), or inside an insert when
 * it is the only edit, so that each half holds about half the edits' code points; halves still too
 * large are cut again. An operation of a single code point inserted, or a single delete, cannot be
 * cut and is returned whole.
 */
public final class OperationSplitter {
  private OperationSplitter() {}

  /**
   * The parts of {@code op}, in order, each of at most {@code max} by {@code size} unless it cannot
   * be cut further; {@code op} alone when it fits already.
   */
  public static List<TextOperation> split(
      TextOperation op, long max, ToLongFunction<TextOperation> size) {
    Objects.requireNonNull(op, "op == null");
    Objects.requireNonNull(size, "size == null");
    List<TextOperation> out = new ArrayList<>();
    splitInto(op, max, size, out);
    return out;
  }

  private static void splitInto(
      TextOperation op, long max, ToLongFunction<TextOperation> size, List<TextOperation> out) {
    if (size.applyAsLong(op) <= max) {
      out.add(op);
      return;
    }
    TextOperation[] halves = halve(op);
    if (halves == null) {
      out.add(op);
      return;
    }
    splitInto(halves[0], max, size, out);
    splitInto(halves[1], max, size, out);
  }

  /**
   * Two operations that, applied in order, do what {@code op} does, each with about half of its
   * edited code points; null when {@code op} holds a single edit of one code point or one delete.
   */
  static TextOperation @Nullable [] halve(TextOperation op) {
    long total = 0;
    int edits = 0;
    for (int i = 0; i < op.componentCount(); i++) {
      total += weight(op.component(i));
      edits += op.component(i) instanceof Retain ? 0 : 1;
    }
    TextOperation.Builder first = TextOperation.builder();
    TextOperation.Builder second = TextOperation.builder();
    int consumed = 0; // base code points the first part covers
    int produced = 0; // code points the first part leaves in their place
    long half = (total + 1) / 2;
    long seen = 0;
    boolean cut = false;
    int editsSeen = 0;
    for (int i = 0; i < op.componentCount(); i++) {
      Component c = op.component(i);
      if (cut) {
        second.add(c);
        continue;
      }
      long w = weight(c);
      if (edits == 1 && c instanceof Insert ins && ins.length() > 1) {
        String text = ins.text();
        int at = text.offsetByCodePoints(0, ins.length() / 2);
        first.insert(text.substring(0, at), ins.length() / 2);
        produced += ins.length() / 2;
        second.insert(text.substring(at), ins.length() - ins.length() / 2);
        cut = true;
        continue;
      }
      boolean isEdit = !(c instanceof Retain);
      if (isEdit && editsSeen > 0 && seen + w > half && editsSeen < edits) {
        second.add(c);
        cut = true;
        continue;
      }
      first.add(c);
      if (!(c instanceof Insert)) {
        consumed += c.length();
      }
      if (!(c instanceof Delete)) {
        produced += c.length();
      }
      seen += w;
      editsSeen += isEdit ? 1 : 0;
      if (isEdit && seen >= half && editsSeen < edits) {
        cut = true;
      }
    }
    if (!cut) {
      return null;
    }
    TextOperation a = first.retain(op.baseLength() - consumed).build();
    // The second part keeps what the first made, then does the rest.
    TextOperation rest = second.build();
    TextOperation.Builder tail = TextOperation.builder().retain(produced);
    for (int i = 0; i < rest.componentCount(); i++) {
      tail.add(rest.component(i));
    }
    return new TextOperation[] {a, tail.build()};
  }

  /** How much a component weighs in a cut: inserted code points, or one for any other edit. */
  private static long weight(Component c) {
    return c instanceof Insert ins ? ins.length() : c instanceof Delete ? 1 : 0;
  }
}
