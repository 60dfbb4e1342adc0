package dev.quire.ot.trace;

import java.util.List;
import java.util.Objects;

/**
 * A recorded editing session in the editing-traces format: sequential (one author, patches applied
 * in order) or concurrent (each transaction names the versions its author had seen).
 */
public record Trace(
    boolean concurrent, int numAgents, String startContent, String endContent, List<Txn> txns) {

  public Trace {
    Objects.requireNonNull(startContent, "startContent == null");
    Objects.requireNonNull(endContent, "endContent == null");
    txns = List.copyOf(txns);
  }

  /** Number of patches over all transactions. */
  public int patchCount() {
    int n = 0;
    for (Txn t : txns) {
      n += t.patches().size();
    }
    return n;
  }

  /**
   * One transaction: patches applied in order, each to the result of the one before.
   *
   * @param parents for concurrent traces, the transactions whose versions this one was typed on
   *     ({@code []} is the empty document); empty for sequential traces
   * @param agent the author, 0 for sequential traces
   */
  public record Txn(int[] parents, int agent, List<Patch> patches) {
    public Txn {
      parents = parents.clone();
      patches = List.copyOf(patches);
    }

    @Override
    public int[] parents() {
      return parents.clone();
    }

    int parentCount() {
      return parents.length;
    }

    int parent(int i) {
      return parents[i];
    }
  }

  /** Delete {@code deleteCount} code points at {@code position}, then insert {@code text} there. */
  public record Patch(int position, int deleteCount, String text) {
    public Patch {
      Objects.requireNonNull(text, "text == null");
      if (position < 0 || deleteCount < 0) {
        throw new IllegalArgumentException(
            "patch position " + position + " and delete count " + deleteCount + " must be >= 0");
      }
    }
  }
}
