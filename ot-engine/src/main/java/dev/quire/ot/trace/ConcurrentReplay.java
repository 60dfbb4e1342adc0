package dev.quire.ot.trace;

import dev.quire.ot.operation.OperationMismatchException;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.sync.Batch;
import dev.quire.ot.sync.ClientSync;
import dev.quire.ot.sync.Delivery;
import dev.quire.ot.sync.MemoryLog;
import dev.quire.ot.sync.MemorySequencer;
import dev.quire.ot.sync.SequencedBatch;
import dev.quire.ot.text.GapBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Replays a concurrent trace through the real sync machinery: one {@link ClientSync} per agent and
 * a {@link MemorySequencer}, with file order as server order (transaction i becomes revision i+1).
 *
 * <p>Each transaction's version (what its author had seen) must be a prefix of the server order
 * plus the author's own transactions not yet acknowledged, which is exactly what a central
 * sequencer with one batch in flight per client produces. The schedule is driven lazily: a client
 * is given server revisions only when a transaction it types or an acknowledgement it needs
 * requires them, so each transaction is typed on exactly the document its author saw.
 */
public final class ConcurrentReplay {
  private final Trace trace;
  private final Version[] versions;
  private final Agent[] agents;
  private final int[] ownIndex; // for each transaction, its index among its author's
  private final MemorySequencer sequencer = new MemorySequencer();

  private ConcurrentReplay(Trace trace) {
    this.trace = trace;
    this.versions = Version.computeAll(trace);
    this.agents = new Agent[trace.numAgents()];
    this.ownIndex = new int[trace.txns().size()];
    for (int a = 0; a < agents.length; a++) {
      agents[a] = new Agent(a);
    }
    for (int t = 0; t < trace.txns().size(); t++) {
      int agent = trace.txns().get(t).agent();
      if (agent >= agents.length) {
        throw new TraceFormatException(
            "txns[" + t + "].agent is " + agent + " but numAgents is " + agents.length);
      }
      ownIndex[t] = agents[agent].ownList.size();
      agents[agent].ownList.add(t);
    }
    for (Agent a : agents) {
      a.own = a.ownList.stream().mapToInt(Integer::intValue).toArray();
    }
  }

  /**
   * Replays {@code trace}.
   *
   * @throws TraceFormatException when its versions do not fit a central-sequencer schedule, or a
   *     patch does not fit the document its author saw
   */
  public static ReplayResult replay(Trace trace) {
    if (!trace.startContent().isEmpty()) {
      throw new TraceFormatException("a concurrent trace must start from an empty document");
    }
    long start = System.nanoTime();
    ConcurrentReplay replay = new ConcurrentReplay(trace);
    String text = replay.run();
    long elapsed = System.nanoTime() - start;
    return new ReplayResult(
        trace.txns().size(), trace.patchCount(), elapsed, text, trace.endContent());
  }

  private String run() {
    int n = trace.txns().size();
    for (int t = 0; t < n; t++) {
      Agent a = agents[trace.txns().get(t).agent()];
      while (a.typed <= ownIndex[t]) {
        typeNext(a);
      }
      Optional<Batch> batch = a.sync.nextBatch();
      if (batch.isEmpty() && a.sent > 0) {
        // The previous own transaction is in flight: deliver up to its acknowledgement.
        deliver(a, a.own[a.sent - 1] + 1);
        batch = a.sync.nextBatch();
      }
      if (batch.isEmpty() || a.own[a.sent] != t) {
        throw unfit(t, "its author could not send it when the server order places it");
      }
      a.sent++;
      sequencer.submit("agent" + a.id, batch.get(), t);
    }
    for (Agent a : agents) {
      deliver(a, sequencer.head());
      if (!a.text.toString().equals(sequencer.text())) {
        throw new IllegalStateException("agent " + a.id + " diverged from the sequencer");
      }
    }
    return sequencer.text();
  }

  /** Gives agent {@code a} server revisions up to {@code upTo}, typing what it typed meanwhile. */
  private void deliver(Agent a, long upTo) {
    while (a.delivered < upTo) {
      typeReady(a);
      SequencedBatch next = sequencer.log().batch(a.deliveredBatches++);
      Delivery d = a.sync.receive(next);
      if (d.status() != Delivery.Status.APPLIED) {
        throw new IllegalStateException("delivery out of order: " + d.status());
      }
      for (TextOperation op : d.toApply()) {
        a.text.apply(op);
      }
      a.delivered = next.lastRevision();
    }
    typeReady(a);
  }

  /** Types the agent's next transactions whose version is exactly what it has received. */
  private void typeReady(Agent a) {
    while (a.typed < a.own.length && versions[a.own[a.typed]].prefix == a.delivered) {
      type(a, a.own[a.typed]);
    }
  }

  private void typeNext(Agent a) {
    int t = a.own[a.typed];
    int prefix = versions[t].prefix;
    if (prefix < a.delivered) {
      throw unfit(t, "its author had already received revision " + a.delivered);
    }
    if (prefix > sequencer.head()) {
      throw unfit(t, "it was typed on revisions the server had not sequenced yet");
    }
    deliver(a, prefix); // types t through typeReady
  }

  private void type(Agent a, int t) {
    TextOperation op = null;
    for (Trace.Patch patch : trace.txns().get(t).patches()) {
      TextOperation step;
      try {
        step =
            TextOperation.splice(
                a.text.length(), patch.position(), patch.deleteCount(), patch.text());
      } catch (OperationMismatchException e) {
        throw new TraceFormatException("txns[" + t + "]: " + e.getMessage(), e);
      }
      a.text.apply(step);
      op = op == null ? step : op.compose(step);
    }
    if (op == null || op.isNoop()) {
      throw unfit(t, "it changes nothing, so it cannot hold a revision of its own");
    }
    a.sync.localEdit(op);
    a.typed++;
  }

  private TraceFormatException unfit(int t, String why) {
    return new TraceFormatException(
        "txns["
            + t
            + "] does not fit a central-sequencer schedule (a prefix of the server order plus its"
            + " author's unacknowledged edits): "
            + why);
  }

  /** One author: its client state machine and its local copy of the text. */
  private final class Agent {
    final int id;
    final List<Integer> ownList = new ArrayList<>();
    int[] own = new int[0]; // its transactions, in order
    final ClientSync sync;
    final GapBuffer text = new GapBuffer();
    int typed; // own transactions typed so far
    int sent; // own transactions sent so far
    long delivered; // server revisions received
    int deliveredBatches; // server batches received

    Agent(int id) {
      this.id = id;
      // One operation per batch keeps transaction i at revision i + 1.
      this.sync = new ClientSync("agent" + id, new MemoryLog(), 1);
    }
  }
}
