package dev.quire.ot.sync;

import dev.quire.ot.note.Note;
import dev.quire.ot.note.NoteCodec;
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
 * <p>A client that worked offline holds many queued operations when it catches up. Transforming
 * every remote operation past every queued one costs O(remote x queued), so {@link
 * #receiveDeferred} takes remote batches into the log without touching the local document, and
 * {@link #rebase} then transforms the queue past their composition in one step ({@link
 * ComposeStack}, {@link QueueRebase}): the same local text as {@link #receive} one by one gives.
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
  private final PendingNotes notes = new PendingNotes();
  private boolean resendInFlight;
  private int localLength;
  // Remote operations taken by receiveDeferred that the local operations are not yet transformed
  // past (see rebase); null when none wait.
  private ComposeStack deferred;

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
    this.notes.addAll(state.notes());
    this.resendInFlight = inFlight != null; // a restarted client has no connection yet
    requireChained(log.lengthAt(log.head()));
    this.localLength = computeLocalLength();
    notes.requireFit(localLength);
  }

  /** Continues from persisted {@code state}; its revision must be the log's head. */
  public static ClientSync restore(ClientState state, CanonicalLog log, int maxBatchOperations) {
    return new ClientSync(state, log, maxBatchOperations);
  }

  /**
   * A snapshot to persist, with the log, for {@link #restore}.
   *
   * @throws IllegalStateException while a {@link #rebase} is pending
   */
  public ClientState state() {
    requireRebased("state");
    return new ClientState(
        clientId, log.head(), nextBatchSeq, inFlight, inFlightOps, queued, notes.list());
  }

  public String clientId() {
    return clientId;
  }

  /** The last revision taken into the log (deferred ones included: see {@link #rebase}). */
  public long revision() {
    return log.head();
  }

  /**
   * Length in code points of the local document: the log's head plus unacknowledged edits, without
   * the remote operations whose {@link #rebase} is pending.
   */
  public int localLength() {
    return localLength;
  }

  /** True when every local edit and note has been acknowledged. */
  public boolean isSynchronised() {
    return inFlight == null && queued.isEmpty() && notes.isEmpty();
  }

  /**
   * Queues a note to go with the next batch. A comment's anchor is in the local text as it is now;
   * until the note is sent, it moves through every later local edit and every remote operation
   * applied to the local text ({@link dev.quire.ot.note.Anchor#transform}).
   *
   * @throws IllegalArgumentException when a comment's anchor lies beyond the local text
   */
  public void addNote(Note note) {
    notes.add(note, localLength);
  }

  /** Notes queued and not yet sent, anchors in the local text. */
  public List<Note> pendingNotes() {
    return notes.list();
  }

  /**
   * Local edits not yet acknowledged, in flight or queued (the operation that carries a batch of
   * notes alone is not an edit: it is not counted).
   */
  public int unacknowledgedCount() {
    boolean notesOnly = inFlight != null && inFlight.carriesOnlyNotes();
    return (notesOnly ? 0 : inFlightOps.size()) + queued.size();
  }

  /** The batch awaiting acknowledgement, exactly as sent. */
  public Optional<Batch> inFlight() {
    return Optional.ofNullable(inFlight);
  }

  /**
   * Records a local edit, already applied to the local document. While a {@link #rebase} is
   * pending, the local document is the one before the deferred remote operations, and the edit is
   * rebased past them with the rest of the queue.
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
    notes.transform(op);
    localLength = op.targetLength();
  }

  /**
   * The batch to send now, if any: the in-flight batch again after {@link #connectionLost()}, else
   * a new batch from the queue when nothing is in flight.
   *
   * @throws IllegalStateException while a {@link #rebase} is pending
   */
  public Optional<Batch> nextBatch() {
    return nextBatch(NoteCodec.MAX_NOTES);
  }

  /**
   * As {@link #nextBatch()}, a new batch carrying at most {@code maxNotes} of the waiting notes (at
   * most {@link NoteCodec#MAX_NOTES}; a batch of notes alone carries at least one): a client that
   * keeps its messages under a byte limit says how many fit; the rest go with the next batch.
   */
  public Optional<Batch> nextBatch(int maxNotes) {
    requireRebased("nextBatch");
    if (inFlight != null) {
      if (!resendInFlight) {
        return Optional.empty();
      }
      resendInFlight = false;
      return Optional.of(inFlight);
    }
    if (queued.isEmpty() && notes.isEmpty()) {
      return Optional.empty();
    }
    int n = Math.min(maxBatchOperations, queued.size());
    List<TextOperation> ops = new ArrayList<>(queued.subList(0, n));
    // Notes go with the batch that empties the queue: their anchors are in the text after it. With
    // nothing queued, one operation that changes nothing carries them (it takes a revision).
    // With no room for notes beside the operations, they go alone next.
    boolean withNotes = n == queued.size() && !notes.isEmpty() && (maxNotes > 0 || n == 0);
    if (ops.isEmpty()) {
      ops.add(TextOperation.identity(localLength));
    }
    Batch batch =
        new Batch(
            clientId,
            nextBatchSeq,
            log.head(),
            ops,
            withNotes
                ? notes.first(Math.max(1, Math.min(maxNotes, NoteCodec.MAX_NOTES)))
                : List.of()); // may throw: change nothing
    if (withNotes) {
      notes.removeFirst(batch.notes().size()); // more than a batch holds: the rest go next
    }
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
   * @throws IllegalStateException when it claims to be this client's but is not the one in flight,
   *     or while a {@link #rebase} is pending
   */
  public Delivery receive(SequencedBatch sequenced) {
    requireRebased("receive");
    if (sequenced.lastRevision() <= log.head()) {
      return Delivery.DUPLICATE;
    }
    if (sequenced.firstRevision() != log.head() + 1) {
      return Delivery.GAP;
    }
    Batch batch = sequenced.batch();
    List<TextOperation> canonical = Canonicaliser.canonicalise(log, batch);
    if (batch.clientId().equals(clientId) && !fromEarlierCopy(batch)) {
      return receiveOwn(sequenced, canonical);
    }
    log.append(sequenced, canonical);
    if (inFlightOps.isEmpty() && queued.isEmpty()) {
      localLength = canonical.get(canonical.size() - 1).targetLength();
      canonical.forEach(notes::transform);
      return new Delivery(Delivery.Status.APPLIED, canonical);
    }
    List<TextOperation> toApply = new ArrayList<>(canonical.size());
    for (TextOperation remote : canonical) {
      remote = transformPast(inFlightOps, remote);
      remote = transformPast(queued, remote);
      localLength = remote.targetLength();
      notes.transform(remote);
      toApply.add(remote);
    }
    return new Delivery(Delivery.Status.APPLIED, toApply);
  }

  /**
   * The relay's acknowledgement of the in-flight batch: it holds revisions from {@code
   * firstRevision}. An acknowledgement of anything else is a late duplicate and is ignored.
   *
   * @throws IllegalStateException while a {@link #rebase} is pending
   */
  public Delivery acknowledge(long batchSeq, long firstRevision, String author, long timestamp) {
    return acknowledge(batchSeq, firstRevision, author, timestamp, timestamp);
  }

  /** As {@link #acknowledge(long, long, String, long)}, the batch made at {@code madeAt}. */
  public Delivery acknowledge(
      long batchSeq, long firstRevision, String author, long timestamp, long madeAt) {
    requireRebased("acknowledge");
    if (inFlight == null || inFlight.batchSeq() != batchSeq) {
      return Delivery.DUPLICATE;
    }
    return receive(new SequencedBatch(firstRevision, author, timestamp, madeAt, inFlight));
  }

  /**
   * Takes others' sequenced batches into the log in order, as {@link #receive} would one by one,
   * but leaves the local document and the queue as they are until {@link #rebase}, which transforms
   * the queue past all of them at once. Batches already in the log are skipped. Returns the index
   * of the first batch that follows a gap (nothing from it on is taken), or -1. A batch that does
   * not apply throws, and the ones before it stay taken.
   *
   * @throws IllegalStateException when a batch is in flight (its acknowledgement must meet the
   *     remote batches one by one) or one of the batches is this client's
   */
  public int receiveDeferred(List<SequencedBatch> batches) {
    if (inFlight != null) {
      throw new IllegalStateException(
          "batch " + inFlight.batchSeq() + " is in flight: take remote batches one by one");
    }
    for (int i = 0; i < batches.size(); i++) {
      SequencedBatch sequenced = batches.get(i);
      if (sequenced.lastRevision() <= log.head()) {
        continue;
      }
      if (sequenced.firstRevision() != log.head() + 1) {
        return i;
      }
      Batch batch = sequenced.batch();
      if (batch.clientId().equals(clientId) && !fromEarlierCopy(batch)) {
        throw new IllegalStateException(
            "own batch " + batch.batchSeq() + " was sequenced but is not the one in flight");
      }
      List<TextOperation> canonical = Canonicaliser.canonicalise(log, batch);
      log.append(sequenced, canonical);
      if (deferred == null) {
        deferred = new ComposeStack();
      }
      canonical.forEach(deferred::add);
    }
    return -1;
  }

  /** True when {@link #receiveDeferred} took remote operations that {@link #rebase} must apply. */
  public boolean rebasePending() {
    return deferred != null;
  }

  /** How many remote operations wait for {@link #rebase}. */
  public int deferredCount() {
    return deferred == null ? 0 : deferred.count();
  }

  /**
   * Transforms the queued local operations past the remote operations taken by {@link
   * #receiveDeferred} since the last rebase, in one step, and returns what to apply to the local
   * document: their composition transformed past the queue (nothing when none wait).
   *
   * <p>The log is the one {@link #receive} one by one gives. The local text is too, except that a
   * local and a remote insert that meet where a remote delete removed the text between them may
   * come out in the other order: composed, the remote operations no longer show that the insert
   * came after the delete. Either order is a valid merge, and the queue is not sent yet, so the
   * relay sequences this one and every replica ends with this client's text.
   */
  public Delivery rebase() {
    if (deferred == null) {
      return new Delivery(Delivery.Status.APPLIED, List.of());
    }
    TextOperation remote = deferred.composed();
    deferred = null;
    QueueRebase.Result rebased = QueueRebase.rebase(queued, remote);
    queued = new ArrayList<>(rebased.queued());
    localLength = rebased.remote().targetLength();
    notes.transform(rebased.remote());
    return new Delivery(Delivery.Status.APPLIED, List.of(rebased.remote()));
  }

  private void requireRebased(String what) {
    if (deferred != null) {
      throw new IllegalStateException(
          what + " needs the local operations rebased past " + deferred.count() + " remote ones");
    }
  }

  /**
   * True when {@code own}, a batch under this client's id beyond the log, was sent by an earlier
   * copy of the document on this client: one deleted here and fetched again from the relay (out of
   * the owner's trash, say). A batch is saved as in flight before it is sent, so with nothing in
   * flight this copy never sent it: it is history like anyone else's, and new batches are numbered
   * after it, since the relay keeps the numbers this client id used. Only with nothing queued
   * either: a profile brought back from a backup may hold queued edits that its later self sent as
   * that very batch, and taking the batch as history would then apply them twice.
   */
  private boolean fromEarlierCopy(Batch own) {
    if (inFlight != null || !queued.isEmpty()) {
      return false;
    }
    nextBatchSeq = Math.max(nextBatchSeq, own.batchSeq() + 1);
    return true;
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
