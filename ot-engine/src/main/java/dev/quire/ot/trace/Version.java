package dev.quire.ot.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a concurrent trace's transaction was typed on, in the form a central sequencer produces:
 * server revisions 1..{@code prefix} (transactions 0..prefix-1) plus {@code tail}, the author's own
 * transactions after that prefix, not yet acknowledged.
 */
final class Version {
  final int prefix;
  final int[] tail;

  private Version(int prefix, int[] tail) {
    this.prefix = prefix;
    this.tail = tail;
  }

  /**
   * The version of every transaction, checking that each fits a central-sequencer schedule.
   *
   * @throws TraceFormatException naming the first transaction that does not
   */
  static Version[] computeAll(Trace trace) {
    List<Trace.Txn> txns = trace.txns();
    Version[] versions = new Version[txns.size()];
    // Own transactions of each agent so far, to check that an author saw all of its own edits.
    List<List<Integer>> ownSoFar = new ArrayList<>();
    for (int t = 0; t < txns.size(); t++) {
      Trace.Txn txn = txns.get(t);
      versions[t] = of(t, txn, versions);
      while (ownSoFar.size() <= txn.agent()) {
        ownSoFar.add(new ArrayList<>());
      }
      checkTail(t, txn.agent(), versions[t], ownSoFar.get(txn.agent()), txns);
      ownSoFar.get(txn.agent()).add(t);
    }
    return versions;
  }

  private static Version of(int t, Trace.Txn txn, Version[] versions) {
    if (txn.parentCount() == 1) { // the usual case: typed on a prefix of the server order
      int parent = txn.parent(0);
      Version v = parent < t ? versions[parent] : null;
      if (v != null && v.tail.length == 0 && v.prefix == parent) {
        return new Version(parent + 1, v.tail);
      }
    }
    int prefix = 0;
    int count = 0;
    for (int i = 0; i < txn.parentCount(); i++) {
      int parent = txn.parent(i);
      if (parent >= t) {
        throw new TraceFormatException(
            "txns[" + t + "].parents names txn " + parent + ", which does not come before it");
      }
      prefix = Math.max(prefix, versions[parent].prefix);
      count += versions[parent].tail.length + 1;
    }
    // The union of the parents' versions: their prefixes, their tails and the parents themselves.
    int[] seen = new int[count];
    int n = 0;
    for (int i = 0; i < txn.parentCount(); i++) {
      Version v = versions[txn.parent(i)];
      for (int x : v.tail) {
        seen[n++] = x;
      }
      seen[n++] = txn.parent(i);
    }
    Arrays.sort(seen, 0, n);
    int[] tail = new int[n];
    int k = 0;
    for (int i = 0; i < n; i++) {
      int x = seen[i];
      if (x < prefix || (k > 0 && tail[k - 1] == x)) {
        continue; // covered by the prefix, or a duplicate
      }
      if (k == 0 && x == prefix) {
        prefix++; // the prefix grows over transactions seen in order
      } else {
        tail[k++] = x;
      }
    }
    return new Version(prefix, Arrays.copyOf(tail, k));
  }

  private static void checkTail(
      int t, int agent, Version v, List<Integer> own, List<Trace.Txn> txns) {
    for (int x : v.tail) {
      if (txns.get(x).agent() != agent) {
        throw new TraceFormatException(
            "txns["
                + t
                + "] does not fit a central-sequencer schedule: it saw txn "
                + x
                + " of agent "
                + txns.get(x).agent()
                + " but not txn "
                + v.prefix
                + " before it");
      }
    }
    int from = own.size() - v.tail.length;
    boolean same = from >= 0 && (from == 0 || own.get(from - 1) < v.prefix);
    for (int i = 0; same && i < v.tail.length; i++) {
      same = own.get(from + i) == v.tail[i];
    }
    if (!same) {
      int start = java.util.Collections.binarySearch(own, v.prefix);
      start = start < 0 ? -start - 1 : start;
      int[] expected =
          own.subList(start, own.size()).stream().mapToInt(Integer::intValue).toArray();
      throw new TraceFormatException(
          "txns["
              + t
              + "] does not fit a central-sequencer schedule: its author's own unacknowledged"
              + " edits "
              + Arrays.toString(expected)
              + " differ from those it saw "
              + Arrays.toString(v.tail));
    }
  }
}
