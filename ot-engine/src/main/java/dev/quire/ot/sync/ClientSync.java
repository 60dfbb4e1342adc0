package dev.quire.ot.sync;

import dev.quire.ot.operation.OperationMismatchException;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.operation.TransformedPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The client side of sync for one document: a pure state machine (no threads, no I/O) in the shape
 * of ot.js's client, with batches. At most one batch is in flight; local edits made meanwhile queue
 * behind it. Batches from the relay are canonicalised against the local log, then transformed past
 * the in-flight and queued operations (which take precedence on ties, as they are later in server
 * order) before they are applied locally.
 *
 * <p>Not thread-safe: one owner (the editor's event thread, a test, a replay) drives it.
 */
public final class ClientSync {
  private final String clientId;
  private final CanonicalLog log;
  private final int maxBatchOperations;
  private long nextBatchSeq;
  private @Nullable Batch inFlight;
  private List<TextOperation> inFlightOps = new ArrayList<>();
  private List<TextOperation> queued = new ArrayList<>();
  private boolean resendInFlight;
  private int localLength;

  /** A client starting at the log's head with nothing unsent. */
  public ClientSync(String clientId, CanonicalLog log, int maxBatchOperations) {
    this(
        new ClientState(clientId, log.head(), 1, null, List.of(), List.of()),
        log,
        maxBatchOperations);
  }

  private ClientSync(ClientState state, CanonicalLog log, int maxBatchOperations) {
    this.clientId = Objects.requireNonNull(state.clientId(), "clientId == null");
    this.log = Objects.requireNonNull(log, "log == null");
    if (maxBatchOperations < 1) {
      throw new IllegalArgumentException("maxBatchOperations must be positive");
    }
    if (state.revision() != log.head()) {
      throw new IllegalStateException(
          "client state is at revision " + state.revision() + " but the log at " + log.head());
    }
    this.maxBatchOperations = maxBatchOperations;
    this.nextBatchSeq = state.nextBatchSeq();
    this.inFlight = state.inFlight();
    this.inFlightOps = new ArrayList<>(state.inFlightOperations());
    this.queued = new ArrayList<>(state.queued());
    this.resendInFlight = inFlight != null; // a restarted client has no connection yet
    requireChained(log.lengthAt(log.head()));
    this.localLength = computeLocalLength();
  }

  /** Continues from persisted {@code state}; its revision must be the log's head. */
  public static ClientSync restore(ClientState state, CanonicalLog log, int maxBatchOperations) {
    return new ClientSync(state, log, maxBatchOperations);
  }

  /** A snapshot to persist, with the log, for {@link #restore}. */
  public ClientState state() {
    return new ClientState(clientId, log.head(), nextBatchSeq, inFlight, inFlightOps, queued);
  }

  public String clientId() {
    return clientId;
  }

  /** The last revision taken into the log. */
  public long revision() {
    return log.head();
  }

  /** Length in code points of the local document (the log's head plus unacknowledged edits). */
  public int localLength() {
    return localLength;
  }

  /** True when every local edit has been acknowledged. */
  public boolean isSynchronised() {
    return inFlight == null && queued.isEmpty();
  }

  /** Local operations not yet acknowledged, in flight or queued. */
  public int unacknowledgedCount() {
    return inFlightOps.size() + queued.size();
  }

  /** The batch awaiting acknowledgement, exactly as sent. */
  public Optional<Batch> inFlight() {
    return Optional.ofNullable(inFlight);
  }

  /**
   * Records a local edit, already applied to the local document.
   *
   * @throws OperationMismatchException when it does not fit the local document's length
   */
  public void localEdit(TextOperation op) {
    if (op.baseLength() != localLength) {
      throw new OperationMismatchException(
          "local edit expects a document of "
              + op.baseLength()
              + " code points but the local document has "
              + localLength);
    }
    if (op.isNoop()) {
      return;
    }
    queued.add(op);
    localLength = op.targetLength();
  }

  /**
   * The batch to send now, if any: the in-flight batch again after {@link #connectionLost()}, else
   * a new batch from the queue when nothing is in flight.
   */
  public Optional<Batch> nextBatch() {
    if (inFlight != null) {
      if (!resendInFlight) {
        return Optional.empty();
      }
      resendInFlight = false;
      return Optional.of(inFlight);
    }
    if (queued.isEmpty()) {
      return Optional.empty();
    }
    int n = Math.min(maxBatchOperations, queued.size());
    List<TextOperation> ops = new ArrayList<>(queued.subList(0, n));
    Batch batch =
        new Batch(clientId, nextBatchSeq, log.head(), ops); // may throw: change nothing yet
    queued = new ArrayList<>(queued.subList(n, queued.size()));
    nextBatchSeq++;
    inFlight = batch;
    inFlightOps = ops;
    return Optional.of(inFlight);
  }

  /** The connection dropped: whatever is in flight must be sent again, unchanged. */
  public void connectionLost() {
    resendInFlight = inFlight != null;
  }

  /**
   * Takes a batch sequenced by the relay, this client's or another's.
   *
   * @throws IllegalStateException when it claims to be this client's but is not the one in flight
   */
  public Delivery receive(SequencedBatch sequenced) {
    if (sequenced.lastRevision() <= log.head()) {
      return Delivery.DUPLICATE;
    }
    if (sequenced.firstRevision() != log.head() + 1) {
      return Delivery.GAP;
    }
    Batch batch = sequenced.batch();
    List<TextOperation> canonical = Canonicaliser.canonicalise(log, batch);
    if (batch.clientId().equals(clientId)) {
      return receiveOwn(sequenced, canonical);
    }
    log.append(sequenced, canonical);
    if (inFlightOps.isEmpty() && queued.isEmpty()) {
      localLength = canonical.get(canonical.size() - 1).targetLength();
      return new Delivery(Delivery.Status.APPLIED, canonical);
    }
    List<TextOperation> toApply = new ArrayList<>(canonical.size());
    for (TextOperation remote : canonical) {
      remote = transformPast(inFlightOps, remote);
      remote = transformPast(queued, remote);
      localLength = remote.targetLength();
      toApply.add(remote);
    }
    return new Delivery(Delivery.Status.APPLIED, toApply);
  }

  /**
   * The relay's acknowledgement of the in-flight batch: it holds revisions from {@code
   * firstRevision}. An acknowledgement of anything else is a late duplicate and is ignored.
   */
  public Delivery acknowledge(long batchSeq, long firstRevision, String author, long timestamp) {
    if (inFlight == null || inFlight.batchSeq() != batchSeq) {
      return Delivery.DUPLICATE;
    }
    return receive(new SequencedBatch(firstRevision, author, timestamp, inFlight));
  }

  private Delivery receiveOwn(SequencedBatch sequenced, List<TextOperation> canonical) {
    Batch batch = sequenced.batch();
    if (inFlight == null || inFlight.batchSeq() != batch.batchSeq()) {
      throw new IllegalStateException(
          "own batch " + batch.batchSeq() + " was sequenced but is not the one in flight");
    }
    if (!canonical.equals(inFlightOps)) {
      // Both sides ran the same transforms; a difference means a bug or a corrupt log.
      throw new IllegalStateException(
          "own batch " + batch.batchSeq() + " canonicalised differently from the local copy");
    }
    log.append(sequenced, canonical);
    inFlight = null;
    inFlightOps = new ArrayList<>();
    resendInFlight = false;
    return new Delivery(Delivery.Status.APPLIED, List.of());
  }

  /** Transforms {@code local} (in place) and {@code remote} past each other; returns remote'. */
  private static TextOperation transformPast(List<TextOperation> local, TextOperation remote) {
    for (int i = 0; i < local.size(); i++) {
      TransformedPair pair = TextOperation.transform(local.get(i), remote);
      local.set(i, pair.aPrime());
      remote = pair.bPrime();
    }
    return remote;
  }

  /** Refuses a restored state whose unacknowledged operations do not fit the log's head. */
  private void requireChained(int headLength) {
    int length = headLength;
    List<TextOperation> pending = new ArrayList<>(inFlightOps);
    pending.addAll(queued);
    for (int i = 0; i < pending.size(); i++) {
      if (pending.get(i).baseLength() != length) {
        throw new IllegalStateException(
            "restored unacknowledged operation "
                + i
                + " expects a document of "
                + pending.get(i).baseLength()
                + " code points but has "
                + length);
      }
      length = pending.get(i).targetLength();
    }
  }

  private int computeLocalLength() {
    if (!queued.isEmpty()) {
      return queued.get(queued.size() - 1).targetLength();
    }
    if (!inFlightOps.isEmpty()) {
      return inFlightOps.get(inFlightOps.size() - 1).targetLength();
    }
    return log.lengthAt(log.head());
  }
}
