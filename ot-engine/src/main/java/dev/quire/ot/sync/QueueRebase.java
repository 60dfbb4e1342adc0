package dev.quire.ot.sync;

import dev.quire.ot.operation.Component;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.operation.TransformedPair;
import java.util.ArrayList;
import java.util.List;

/**
 * Transforms a queue of local operations past one remote operation, with the very result of folding
 * {@link TextOperation#transform} over the queue, but without rebuilding the whole remote operation
 * for every queued one.
 *
 * <p>Folding costs O(queue x remote components): after 10,000 offline keystrokes against a page of
 * remote typing that is most of a catch-up. Here each queued operation is transformed against a
 * window of the remote one: the stretch between two cuts that fall strictly inside retains of the
 * remote operation (or at the ends of the document). No insert and no delete of the remote
 * operation sits at such a cut, so nothing there depends on the other side (no insert tie), and the
 * transform of the whole is the transform of the window with the retains around it. Only the
 * window's components are rebuilt; the scan for the cuts counts lengths and allocates nothing.
 */
final class QueueRebase {
  private QueueRebase() {}

  /** The queue transformed past {@code remote}, and {@code remote} transformed past the queue. */
  record Result(List<TextOperation> queued, TextOperation remote) {}

  /**
   * @throws IllegalArgumentException when an operation does not fit the one before it
   */
  static Result rebase(List<TextOperation> queued, TextOperation remote) {
    ArrayList<Component> r = new ArrayList<>(remote.components());
    int rBase = remote.baseLength();
    int rTarget = remote.targetLength();
    List<TextOperation> out = new ArrayList<>(queued.size());
    for (TextOperation q : queued) {
      if (q.baseLength() != rBase) {
        throw new IllegalArgumentException(
            "queued operation has base length " + q.baseLength() + ", expected " + rBase);
      }
      TextOperation qPrime = q.isNoop() ? TextOperation.identity(rTarget) : step(r, q, rTarget);
      out.add(qPrime);
      rBase = q.targetLength();
      rTarget = qPrime.targetLength();
    }
    TextOperation.Builder b = TextOperation.builder();
    r.forEach(b::add);
    return new Result(out, b.build());
  }

  /** Transforms {@code q} past {@code r}, replacing {@code r}'s window with its transform. */
  private static TextOperation step(ArrayList<Component> r, TextOperation q, int rTarget) {
    int s = leadingRetain(q);
    int e = q.baseLength() - trailingRetain(q);
    // Cut 1: the last point strictly inside a retain at or before s; cut 2: the first at or after
    // e. Defaults: the ends of the document.
    int i1 = -1; // index of the retain holding cut 1, or -1 for the start
    int c1 = 0;
    int t1 = 0;
    int a1 = 0;
    int i2 = r.size(); // index of the retain holding cut 2, or size for the end
    int c2 = q.baseLength();
    int t2 = rTarget;
    int a2 = 0;
    int base = 0;
    int target = 0;
    for (int i = 0; i < r.size(); i++) {
      Component c = r.get(i);
      if (c instanceof Component.Retain rt) {
        int n = rt.count();
        if (base < s && n >= 2) {
          i1 = i;
          c1 = Math.min(s, base + n - 1);
          t1 = target + (c1 - base);
          a1 = base;
        }
        int cand = Math.max(e, base + 1);
        if (cand < base + n) {
          i2 = i;
          c2 = cand;
          t2 = target + (cand - base);
          a2 = base;
          break;
        }
        base += n;
        target += n;
      } else if (c instanceof Component.Insert) {
        target += c.length();
      } else {
        base += c.length();
      }
    }
    List<Component> window = new ArrayList<>();
    if (i1 >= 0 && i1 == i2) {
      if (c2 > c1) {
        window.add(new Component.Retain(c2 - c1));
      }
    } else {
      if (i1 >= 0) {
        window.add(new Component.Retain(a1 + r.get(i1).length() - c1));
      }
      window.addAll(r.subList(i1 + 1, i2));
      if (i2 < r.size() && c2 > a2) {
        window.add(new Component.Retain(c2 - a2));
      }
    }
    TextOperation.Builder rw = TextOperation.builder();
    window.forEach(rw::add);
    TextOperation.Builder qw = TextOperation.builder().retain(s - c1);
    List<Component> qc = q.components();
    for (int i = s > 0 ? 1 : 0, end = qc.size() - (e < q.baseLength() ? 1 : 0); i < end; i++) {
      qw.add(qc.get(i));
    }
    qw.retain(c2 - e);
    TransformedPair p = TextOperation.transform(qw.build(), rw.build());

    List<Component> replacement = new ArrayList<>();
    int from = i1 >= 0 ? i1 : 0;
    int to = i2 < r.size() ? i2 + 1 : r.size();
    if (i1 >= 0 && c1 > a1) {
      replacement.add(new Component.Retain(c1 - a1));
    }
    replacement.addAll(p.bPrime().components());
    if (i2 < r.size()) {
      int right = a2 + r.get(i2).length() - c2;
      if (right > 0) {
        replacement.add(new Component.Retain(right));
      }
    }
    List<Component> range = r.subList(from, to);
    range.clear();
    range.addAll(mergeRetains(replacement));

    TextOperation.Builder qPrime = TextOperation.builder().retain(t1);
    p.aPrime().components().forEach(qPrime::add);
    return qPrime.retain(rTarget - t2).build();
  }

  private static List<Component> mergeRetains(List<Component> in) {
    List<Component> out = new ArrayList<>(in.size());
    for (Component c : in) {
      int last = out.size() - 1;
      if (c instanceof Component.Retain rt
          && last >= 0
          && out.get(last) instanceof Component.Retain prev) {
        out.set(last, new Component.Retain(prev.count() + rt.count()));
      } else {
        out.add(c);
      }
    }
    return out;
  }

  private static int leadingRetain(TextOperation op) {
    return op.componentCount() > 0 && op.component(0) instanceof Component.Retain r ? r.count() : 0;
  }

  private static int trailingRetain(TextOperation op) {
    int n = op.componentCount();
    return n > 0 && op.component(n - 1) instanceof Component.Retain r ? r.count() : 0;
  }
}
