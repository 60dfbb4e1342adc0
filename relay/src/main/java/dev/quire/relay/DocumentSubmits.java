package dev.quire.relay;

import dev.quire.ot.crypto.SealedBatch;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.RequestHeader;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.PendingRuns.Placed;
import dev.quire.relay.RequestScheduler.WaitForAppender;
import dev.quire.relay.RequestScheduler.WaitForCommits;
import dev.quire.relay.SequencerState.ClientKey;
import dev.quire.relay.store.AppendOutcome;
import dev.quire.relay.store.BatchAppender;
import dev.quire.relay.store.DocumentStore.DocumentRow;
import dev.quire.relay.store.HistoryStore;
import dev.quire.relay.store.RunOutcome;
import dev.quire.relay.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The submits of one document, from request to answer: answers resends from the {@link Sequencer},
 * sequences new batches (numbers, the document's {@link PayloadPolicy}), hands them to the
 * storage's appender (one by one when the relay is the only writer, as runs when others share the
 * document), and on the outcome acknowledges and broadcasts them, tells their senders of a failure,
 * or, when another writer took the revisions, has {@link PendingRuns} take them back and take in
 * what was missed, and runs them again. Runs on the document's executor, as the actor's requests
 * do.
 */
final class DocumentSubmits {
  private static final Logger log = LoggerFactory.getLogger(DocumentSubmits.class);

  private final DocumentActor actor;
  private final String id;
  private final RelayContext ctx;
  private final RequestScheduler scheduler;
  private final SerialExecutor executor;
  private final PendingRuns pending = new PendingRuns();
  private BatchAppender.Turn heldTurn; // the document's next turn at the storage, after a conflict

  DocumentSubmits(
      DocumentActor actor,
      String id,
      RelayContext ctx,
      RequestScheduler scheduler,
      SerialExecutor executor) {
    this.actor = actor;
    this.id = id;
    this.ctx = ctx;
    this.scheduler = scheduler;
    this.executor = executor;
  }

  void submit(Session s, String rid, ClientMessage.Submit m) {
    WireBatch wb = m.batch();
    int size = wb.size();
    try {
      actor.requireRole(s, Role.EDITOR);
      actor.upload().requireNoUpload();
      if (size > ctx.config().limits().maxBatchOperations()) {
        throw new Refusal(
            ErrorCode.BATCH_TOO_LARGE,
            "batch has "
                + size
                + " operations; the limit is "
                + ctx.config().limits().maxBatchOperations()
                + ": split it");
      }
      SealedBatch sealed = actor.row().encrypted() ? actor.keys().check(s, wb) : null;
      byte[] digest = BatchDigest.of(wb);
      ClientKey key = new ClientKey(s.user(), wb.clientId());
      HistoryStore.StoredBatch last =
          actor.sequencerState().sequencer().repeated(key, wb.batchSeq());
      if (last != null) {
        if (scheduler.committing() > 0) {
          // Answer a resend only once what it names is committed.
          throw new WaitForCommits();
        }
        HistoryStore.StoredBatch earlier =
            wb.batchSeq() == last.batchSeq()
                ? last
                : ctx.store()
                    .history()
                    .findBatchAtOrAfter(id, s.user(), wb.clientId(), wb.batchSeq())
                    .orElse(last);
        Sequencer.requireSameBatch(wb, digest, earlier);
        ctx.metrics().batchesDeduplicated.inc();
        actor.fanout().flush(); // the revisions before it first
        s.answer(
            rid,
            new ServerMessage.Ack(
                id, wb.batchSeq(), earlier.firstRevision(), earlier.timestampMillis()));
        return;
      }
      if (sealed != null) {
        actor.keys().requireCurrentEpoch(sealed); // after resends: they are answered as before
      }
      sequence(s, rid, wb, digest, key, sealed == null ? 0 : sealed.epoch());
    } catch (Refusal r) {
      ctx.metrics().rejected(r.code(), size);
      throw r;
    }
  }

  /**
   * Gives the batch its revisions and hands it to the appender. Memory moves on at once, so the
   * next submit can be sequenced while this one commits; the ack and the broadcast wait for the
   * commit ({@link #committed}). Where other writers share the document, the batches sequenced
   * meanwhile go to the appender together, as one run ({@link #handOver}), once the run before them
   * is decided.
   */
  private void sequence(
      Session s, String rid, WireBatch wb, byte[] digest, ClientKey key, long keyEpoch) {
    SequencerState st = actor.sequencerState();
    PayloadPolicy policy = actor.policy();
    boolean shared = !ctx.appender().isOnlyWriter();
    if (shared && scheduler.appending() > 0) {
      throw new WaitForAppender(); // placed after the run at the appender, once it is decided
    }
    Sequencer sequencer = st.sequencer();
    sequencer.requireKnownBase(wb);
    PayloadPolicy.Prepared prepared = policy.prepare(st, sequencer.head(), wb);
    HistoryStore.StoredBatch previous = sequencer.latest(key);
    WireSequenced entry = sequencer.assign(key, wb, digest, System.currentTimeMillis());
    HistoryStore.Append append =
        new HistoryStore.Append(
            id, entry, prepared.canonicalJson(), digest, prepared.checkpoint(), keyEpoch);
    long sequencedIn = actor.epoch();
    scheduler.commitStarted();
    DocumentRow before = actor.row();
    actor.rowChanged(before.withHead(entry.lastRevision(), entry.timestampMillis()));
    if (shared) {
      policy.placedPending(st, prepared);
      if (pending.add(new Placed(s, rid, entry, append, key, previous, before, sequencedIn))) {
        if (executor.hasQueued() || scheduler.hasDeferred()) {
          scheduler.runAfterQueued(this::handOver); // after the submits queued meanwhile
        } else {
          handOver(); // nothing else to wait for: one thread hand-over fewer
        }
      }
      return;
    }
    policy.placed(st, prepared);
    // A lone submit (nothing of this document in flight or queued behind it, the appender idle)
    // commits here: two thread hand-overs fewer. Otherwise it joins the next group, so that many
    // submits share a commit while this thread sequences the next ones.
    if (scheduler.committing() > 1
        || executor.hasQueued()
        || !ctx.appender()
            .tryAppendNow(append, outcome -> committed(s, rid, entry, sequencedIn, outcome))) {
      ctx.appender()
          .append(
              append,
              outcome ->
                  scheduler.runOutcome(() -> committed(s, rid, entry, sequencedIn, outcome)));
    }
  }

  private static void release(BatchAppender.Turn turn) {
    if (turn != null) {
      turn.release();
    }
  }

  /**
   * Hands the batches sequenced since the last run to the appender, as one run: in the turn held
   * for this document after a conflict, if any.
   */
  private void handOver() {
    BatchAppender.Turn turn = heldTurn;
    heldTurn = null;
    List<Placed> run = pending.takeRun();
    if (run.isEmpty()) {
      release(turn);
      return;
    }
    List<HistoryStore.Append> appends = new ArrayList<>(run.size());
    for (Placed p : run) {
      appends.add(p.append());
    }
    scheduler.appendStarted();
    try {
      BatchAppender.RunCallback decided =
          outcome -> scheduler.runOutcome(() -> runDecided(run, outcome));
      if (turn != null) {
        turn.appendRun(appends, decided);
      } else {
        ctx.appender().appendRun(appends, decided);
      }
    } catch (RuntimeException e) { // the appender is closed (the relay is stopping), or a bug
      runDecided(
          run,
          new RunOutcome(
              0, new AppendOutcome.Failed(new StoreException("not appended: " + e.getMessage()))));
    }
  }

  /** The outcome of a run: its stored batches are answered and sent, the rest go round again. */
  private void runDecided(List<Placed> run, RunOutcome outcome) {
    scheduler.appendEnded();
    PendingRuns.stored(
        run, outcome.committed(), actor.loadedState(), actor.policy(), actor.epoch());
    for (int i = 0; i < outcome.committed(); i++) {
      Placed p = run.get(i);
      committed(p.session(), p.rid(), p.entry(), p.sequencedIn(), AppendOutcome.COMMITTED);
    }
    if (outcome.committed() < run.size()) {
      List<Placed> rest = run.subList(outcome.committed(), run.size());
      for (int i = 0; i < rest.size(); i++) {
        scheduler.commitEnded();
      }
      notStored(rest, outcome.stop());
    }
  }

  /** The outcome of a batch handed to the appender, in the order they were handed over. */
  private void committed(
      Session s, String rid, WireSequenced entry, long sequencedIn, AppendOutcome outcome) {
    scheduler.commitEnded();
    if (outcome != AppendOutcome.COMMITTED) {
      notCommitted(s, rid, entry, sequencedIn, outcome);
      return;
    }
    acknowledge(s, rid, entry, sequencedIn);
  }

  /** A batch is stored: its author is answered, the subscribers get it, other relays hear. */
  private void acknowledge(Session s, String rid, WireSequenced entry, long sequencedIn) {
    WireBatch wb = entry.batch();
    if (sequencedIn != actor.epoch()) {
      actor.invalidate(); // it was read again meanwhile, without this batch
    }
    ctx.store().feed().publish(id, entry.lastRevision());
    ctx.metrics().operationsAccepted.inc(wb.size());
    LiveFanout fanout = actor.fanout();
    if (!fanout.contains(s)) {
      // A subscriber learns of its batch among the others; anyone else needs an ack.
      s.answer(
          rid,
          new ServerMessage.Ack(id, wb.batchSeq(), entry.firstRevision(), entry.timestampMillis()));
      fanout.add(entry);
    } else {
      fanout.committed(entry, s, rid); // its batch in the next sequenced message answers it
    }
  }

  /**
   * A batch was not stored (the embedded storage: it failed). Its sender is told so, and the
   * document is read again.
   */
  private void notCommitted(
      Session s, String rid, WireSequenced entry, long sequencedIn, AppendOutcome outcome) {
    WireBatch wb = entry.batch();
    StoreException failure =
        outcome instanceof AppendOutcome.Failed f
            ? f.cause()
            : new StoreException("unexpected outcome " + outcome);
    log.error(
        "Document {}: committing revisions from {} failed", id, entry.firstRevision(), failure);
    if (sequencedIn == actor.epoch()) {
      actor.invalidate(); // memory is ahead of the database: read it again
    }
    ctx.metrics().rejected(ErrorCode.INTERNAL, wb.size());
    s.error(
        ErrorCode.INTERNAL,
        "the relay could not store the batch: " + failure.getMessage(),
        new RequestHeader(rid, RequestScheduler.SUBMIT, id));
  }

  /**
   * The batches of a run from the first one not stored. When the storage failed, their senders are
   * told so. When the first was sealed under a key epoch the storage found stale (another relay
   * rotated the key), the document learns the current epoch, takes the run back and the submits run
   * again, first in line: that one is refused as stale, the others placed anew. When another writer
   * took the revisions (or had stored the first of them, sent to it before), the document takes
   * back what it placed, takes in what it missed (sending it to its subscribers), and the submits
   * run again, first in line: placed after those batches with the next revisions, or answered as
   * the resends they are. The missed batches come with a conflict when the storage read them while
   * deciding; otherwise they are read on a loader thread.
   */
  private void notStored(List<Placed> rest, AppendOutcome stop) {
    Placed first = rest.get(0);
    if (stop instanceof AppendOutcome.Failed) {
      for (Placed p : rest) {
        notCommitted(p.session(), p.rid(), p.entry(), p.sequencedIn(), stop);
      }
      return;
    }
    log.debug("Document {}: revisions from {} were {}", id, first.entry().firstRevision(), stop);
    if (stop instanceof AppendOutcome.StaleEpoch stale) {
      actor.keyEpochChanged(stale.current()); // the submits are checked against it again
    }
    for (int i = rest.size() - 1; i >= 0; i--) { // each first in line: the last one first
      Placed p = rest.get(i);
      ClientMessage.Submit again = new ClientMessage.Submit(id, p.entry().batch());
      scheduler.retryFirst(
          p.session(),
          new RequestHeader(p.rid(), RequestScheduler.SUBMIT, id),
          x -> submit(x, p.rid(), again));
    }
    BatchAppender.Turn turn =
        stop instanceof AppendOutcome.Conflict conflict ? conflict.turn() : null;
    if (first.sequencedIn() != actor.epoch()) {
      release(turn);
      actor.invalidate(); // read again meanwhile: the submit reads it once more, up to date
      return;
    }
    boolean takenBack = takeBack(rest);
    if (takenBack && stop instanceof AppendOutcome.StaleEpoch) {
      return; // the document did not move: the submits go again as they are
    }
    if (takenBack
        && stop instanceof AppendOutcome.Conflict conflict
        && actor.catchUp().takeIn(conflict.missed(), conflict.head())) {
      if (turn != null) {
        heldTurn = turn; // the submits go again at once, in it
        scheduler.runAfterQueued(this::handOver);
      }
      return;
    }
    release(turn);
    actor.catchUp().catchUp(first.entry().firstRevision() - 1);
  }

  /**
   * Takes the batches of {@code rest} (the last ones sequenced) back out of the sequencer, the head
   * text and the row. False when it cannot (the state was dropped meanwhile): it must be read.
   */
  private boolean takeBack(List<Placed> rest) {
    DocumentRow row = actor.row();
    if (row == null) {
      return false;
    }
    SequencerState st = actor.loadedState();
    DocumentRow before = PendingRuns.takeBack(st, actor.policy(), rest);
    if (before == null) {
      if (st != null) {
        log.warn(
            "Document {}: revisions from {} could not be taken back",
            id,
            rest.get(0).entry().firstRevision());
        actor.dropState(); // not the last ones sequenced: read it all again
      }
      return false;
    }
    actor.rowChanged(row.withHead(before.head(), before.lastChangeMillis()));
    return true;
  }
}
