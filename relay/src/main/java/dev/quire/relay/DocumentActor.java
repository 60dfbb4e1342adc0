package dev.quire.relay;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.RequestHeader;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.RequestScheduler.WaitForAppender;
import dev.quire.relay.RequestScheduler.WaitForCommits;
import dev.quire.relay.SequencerState.ClientKey;
import dev.quire.relay.store.AppendOutcome;
import dev.quire.relay.store.BatchAppender;
import dev.quire.relay.store.DocumentStore.DocumentRow;
import dev.quire.relay.store.HistoryStore;
import dev.quire.relay.store.PayloadKind;
import dev.quire.relay.store.RunOutcome;
import dev.quire.relay.store.StoreException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One document in the relay: the glue between its parts. Every request about the document runs on
 * its own {@link SerialExecutor}, one at a time ({@link RequestScheduler}), so sequence, commit,
 * acknowledge and broadcast happen in one order for everyone, while other documents proceed in
 * parallel. It checks roles, pages history, and sequences submits: the {@link Sequencer} numbers
 * and deduplicates them, the document's {@link PayloadPolicy} reads them or not, the storage's
 * appender commits them (or reports that another writer took the revisions: then it catches up and
 * sequences the batch again), and {@link LiveFanout} sends them to the subscribers. {@link
 * DocumentAdmin} creates, renames, deletes and shares it. What it reads to wake up (the row, roles,
 * the sequencer's state) is read on the loader threads while its requests wait. All fields are
 * confined to the executor.
 */
final class DocumentActor {
  private static final Logger log = LoggerFactory.getLogger(DocumentActor.class);

  private final String id;
  private final RelayContext ctx;
  private final SerialExecutor executor;
  private final LiveFanout fanout;
  private final DocumentAdmin admin;
  private final DocumentUpload upload;
  private final DocumentKeys keys;
  private Long keyEpoch; // an encrypted document's current key epoch, read on first need
  private final Consumer<DocumentActor> onIdle;
  private final RequestScheduler scheduler;
  private volatile boolean exists; // the document exists and is live, as last read
  private final Map<String, Optional<Role>> roles = new HashMap<>();
  private long epoch; // counts reloads: outcomes of batches sequenced before one are stale
  private boolean loaded;
  private DocumentRow row; // null when the document does not exist
  private SequencerState state; // read on the first submit after a load
  private PayloadPolicy policy; // what is done with the operations of the document in row
  private OptionalLong uploadTarget; // an unfinished upload's head, read on first need; or null
  // Batches of a shared document sequenced since the last run was handed to the appender.
  private final List<Placed> forming = new ArrayList<>();
  private BatchAppender.Turn heldTurn; // the document's next turn at the storage, after a conflict

  /** {@code onIdle} is told when the actor has nothing queued and nobody subscribed. */
  DocumentActor(String id, RelayContext ctx, Consumer<DocumentActor> onIdle) {
    this.id = id;
    this.ctx = ctx;
    this.onIdle = onIdle;
    this.executor = new SerialExecutor(ctx.pool(), ctx.pendingTasks());
    this.scheduler = new RequestScheduler(id, executor, ctx.loadPool());
    this.admin = new DocumentAdmin(this, id, ctx);
    this.upload = new DocumentUpload(this, id, ctx);
    this.keys = new DocumentKeys(this, id, ctx);
    this.fanout = new LiveFanout(id, ctx, executor, scheduler, this::release);
    scheduler.document(
        new RequestScheduler.Document() {
          @Override
          public void beforeRequest() {
            fanout.flush();
          }

          @Override
          public void failed() {
            invalidate();
          }

          @Override
          public void quiet() {
            if (fanout.count() == 0) {
              onIdle.accept(DocumentActor.this);
            }
          }
        });
  }

  String id() {
    return id;
  }

  /** Creating, renaming, deleting and sharing this document. */
  DocumentAdmin admin() {
    return admin;
  }

  /** Uploading its history (protocol 5's {@code upload}). */
  DocumentUpload upload() {
    return upload;
  }

  /** Keys of an encrypted document: devices, envelopes, rotations (protocol 6). */
  DocumentKeys keys() {
    return keys;
  }

  /**
   * The encrypted document's current key epoch.
   *
   * @throws RequestScheduler.WaitForLoad when it must be read first
   */
  long keyEpoch() {
    if (keyEpoch == null) {
      throw scheduler.loadFirst(() -> ctx.store().keys().epoch(id), e -> keyEpoch = e);
    }
    return keyEpoch;
  }

  /** A rotation here moved the key epoch. */
  void keyEpochChanged(long epoch) {
    keyEpoch = epoch;
  }

  /** The key epoch may have moved elsewhere: read it again when next needed. */
  void forgetKeyEpoch() {
    keyEpoch = null;
  }

  /** The document's row as last read or changed; null when there is none. */
  DocumentRow row() {
    return row;
  }

  /** A row just written: the document is otherwise as it was. */
  void rowChanged(DocumentRow r) {
    row = r;
  }

  /** Remembers a role just changed (null: none). */
  void roleChanged(String user, Role role) {
    roles.put(user, Optional.ofNullable(role));
  }

  /** Forgets every role read. */
  void forgetRoles() {
    roles.clear();
  }

  LiveFanout fanout() {
    return fanout;
  }

  /** True when nothing is queued or committing and nobody is subscribed: it may be dropped. */
  boolean isIdle() {
    return scheduler.isQuiet() && fanout.count() == 0;
  }

  /** True when nothing is queued, deferred or committing. */
  boolean isQuiet() {
    return scheduler.isQuiet();
  }

  /**
   * Queues {@code work} for {@code session} (null: the relay's own) on this document's executor;
   * refusals and failures are answered with an error.
   */
  void run(Session session, RequestHeader request, Consumer<Session> work) {
    scheduler.run(session, request, work);
  }

  /**
   * Whether to keep this actor a while after it fell idle: a live document is often asked again at
   * once (the next history page, the next batch of a client that does not follow it), and reading
   * it again costs far more than keeping it. Unknown documents are not kept.
   */
  boolean keepWhileIdle() {
    return exists;
  }

  /** Nanoseconds since it last finished a request (meaningful while idle). */
  long idleNanos(long now) {
    return scheduler.idleNanos(now);
  }

  // ---- history ----

  void open(Session s, String rid, ClientMessage.Open m) {
    requireRole(s, Role.VIEWER);
    long head = row.head();
    if (m.fromRevision() > head) {
      throw new Refusal(
          ErrorCode.BASE_AHEAD,
          "fromRevision " + m.fromRevision() + " is beyond the head revision " + head);
    }
    long after = m.fromRevision();
    if (m.snapshot()) {
      OptionalLong snap = snapshotRevision(after, head);
      if (snap.isPresent()) {
        long c = snap.getAsLong();
        String snapText = ctx.store().history().checkpoint(id, c).orElseThrow().text();
        // Every reply fits in a message: a text too long for one is not sent, the history is.
        if (Dispatcher.Utf8.jsonLength(snapText) <= pageBytes()) {
          s.answer(rid, new ServerMessage.Snapshot(id, c, snapText));
          after = c;
        }
      }
    }
    List<WireSequenced> page =
        upTo(
            head,
            ctx.store().history().page(id, after, ctx.config().limits().pageSize(), pageBytes()));
    long last = page.isEmpty() ? after : page.get(page.size() - 1).lastRevision();
    boolean complete = last >= head;
    if (complete) {
      fanout.subscribe(s, head); // live batches follow on from head
    }
    s.answer(rid, new ServerMessage.History(id, page, head, complete));
  }

  /**
   * Answers {@code signatures}: the relay's signed checkpoints of the history after {@code
   * fromRevision}, up to the head (signed now if needed, see {@link HistorySigner}).
   */
  void signatures(Session s, String rid, ClientMessage.Signatures m) {
    requireRole(s, Role.VIEWER);
    long head = row.head();
    if (m.fromRevision() > head) {
      throw new Refusal(
          ErrorCode.BASE_AHEAD,
          "fromRevision " + m.fromRevision() + " is beyond the head revision " + head);
    }
    boolean readable = ctx.config().payloadKindOf(row) == PayloadKind.READABLE;
    s.answer(rid, ctx.signer().answer(id, m.fromRevision(), head, readable));
  }

  /**
   * The batches of {@code page} up to revision {@code head}: another relay may have stored more
   * already, which reach this one's subscribers live, once, when it catches up.
   */
  private static List<WireSequenced> upTo(long head, List<WireSequenced> page) {
    int n = page.size();
    while (n > 0 && page.get(n - 1).lastRevision() > head) {
      n--;
    }
    return n == page.size() ? page : page.subList(0, n);
  }

  private int interval() {
    return ctx.config().checkpointInterval();
  }

  private long pageBytes() {
    return LiveFanout.pageBytes(ctx.config());
  }

  /**
   * A checkpoint to start a reader at instead of {@code from}: one that skips at least a page, and
   * such that every batch after it was based on it or later, so the reader can canonicalise them
   * all without the revisions before it.
   */
  private OptionalLong snapshotRevision(long from, long head) {
    HistoryStore history = ctx.store().history();
    OptionalLong c = history.checkpointAtOrBefore(id, head);
    while (c.isPresent() && c.getAsLong() - from >= ctx.config().limits().pageSize()) {
      long cp = c.getAsLong();
      OptionalLong minBase = history.minBaseAfter(id, cp);
      if (minBase.isEmpty() || minBase.getAsLong() >= cp) {
        return c;
      }
      c = history.checkpointAtOrBefore(id, minBase.getAsLong());
    }
    return OptionalLong.empty();
  }

  void unsubscribeRequest(Session s, String rid) {
    fanout.unsubscribe(s);
    s.answer(rid, new ServerMessage.Unsubscribed(id));
  }

  void sessionClosed(Session s) {
    fanout.unsubscribe(s);
  }

  void presence(Session s, String rid, ClientMessage.Presence m) {
    if (!fanout.contains(s)) {
      throw new Refusal(ErrorCode.NOT_SUBSCRIBED, "open document " + id + " before presence");
    }
    ServerMessage.PresenceOf p =
        new ServerMessage.PresenceOf(
            id, s.id(), s.user(), m.revision(), m.selection(), m.name(), m.colour());
    fanout.broadcast(ProtocolCodec.encode(p), s);
    s.answered(rid); // relayed: presence has no answer of its own
  }

  // ---- sequencing ----

  void submit(Session s, String rid, ClientMessage.Submit m) {
    WireBatch wb = m.batch();
    int size = wb.size();
    try {
      requireRole(s, Role.EDITOR);
      requireNoUpload();
      if (size > ctx.config().limits().maxBatchOperations()) {
        throw new Refusal(
            ErrorCode.BATCH_TOO_LARGE,
            "batch has "
                + size
                + " operations; the limit is "
                + ctx.config().limits().maxBatchOperations()
                + ": split it");
      }
      dev.quire.ot.crypto.SealedBatch sealed = row.encrypted() ? keys.check(s, wb) : null;
      byte[] digest = BatchDigest.of(wb);
      ClientKey key = new ClientKey(s.user(), wb.clientId());
      HistoryStore.StoredBatch last = state().sequencer().repeated(key, wb.batchSeq());
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
        fanout.flush(); // the revisions before it first
        s.answer(
            rid,
            new ServerMessage.Ack(
                id, wb.batchSeq(), earlier.firstRevision(), earlier.timestampMillis()));
        return;
      }
      if (sealed != null) {
        keys.requireCurrentEpoch(sealed);
      }
      sequence(s, rid, wb, digest, key);
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
  private void sequence(Session s, String rid, WireBatch wb, byte[] digest, ClientKey key) {
    SequencerState st = state();
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
        new HistoryStore.Append(id, entry, prepared.canonicalJson(), digest, prepared.checkpoint());
    long sequencedIn = epoch;
    scheduler.commitStarted();
    DocumentRow before = row;
    row = row.withHead(entry.lastRevision(), entry.timestampMillis());
    if (shared) {
      policy.placedPending(st, prepared);
      forming.add(new Placed(s, rid, entry, append, key, previous, before, sequencedIn));
      if (forming.size() == 1) {
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

  /**
   * A batch sequenced for a shared document and not yet decided, with what to take back should it
   * not be stored: its client's latest batch before it, and the row before it.
   */
  private record Placed(
      Session session,
      String rid,
      WireSequenced entry,
      HistoryStore.Append append,
      ClientKey client,
      HistoryStore.StoredBatch previous,
      DocumentRow rowBefore,
      long sequencedIn) {}

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
    if (forming.isEmpty()) {
      release(turn);
      return;
    }
    List<Placed> run = List.copyOf(forming);
    forming.clear();
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
    for (int i = 0; i < outcome.committed(); i++) {
      Placed p = run.get(i);
      if (p.sequencedIn() == epoch && state != null) {
        policy.stored(state, p.entry().batch().size());
      }
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
    WireBatch wb = entry.batch();
    if (outcome != AppendOutcome.COMMITTED) {
      notCommitted(s, rid, entry, sequencedIn, outcome);
      return;
    }
    acknowledge(s, rid, entry, sequencedIn);
  }

  /** A batch is stored: its author is answered, the subscribers get it, other relays hear. */
  private void acknowledge(Session s, String rid, WireSequenced entry, long sequencedIn) {
    WireBatch wb = entry.batch();
    if (sequencedIn != epoch) {
      invalidate(); // it was read again meanwhile, without this batch
    }
    ctx.store().feed().publish(id, entry.lastRevision());
    ctx.metrics().operationsAccepted.inc(wb.size());
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
    if (sequencedIn == epoch) {
      invalidate(); // memory is ahead of the database: read it again
    }
    ctx.metrics().rejected(ErrorCode.INTERNAL, wb.size());
    s.error(
        ErrorCode.INTERNAL,
        "the relay could not store the batch: " + failure.getMessage(),
        new RequestHeader(rid, RequestScheduler.SUBMIT, id));
  }

  /**
   * The batches of a run from the first one not stored. When the storage failed, their senders are
   * told so. When another writer took the revisions (or had stored the first of them, sent to it
   * before), the document takes back what it placed, takes in what it missed (sending it to its
   * subscribers), and the submits run again, first in line: placed after those batches with the
   * next revisions, or answered as the resends they are. The missed batches come with a conflict
   * when the storage read them while deciding; otherwise they are read on a loader thread.
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
    if (first.sequencedIn() != epoch) {
      release(turn);
      invalidate(); // read again meanwhile: the submit reads it once more, up to date
      return;
    }
    if (takeBack(rest)
        && stop instanceof AppendOutcome.Conflict conflict
        && takeIn(conflict.missed(), conflict.head())) {
      if (turn != null) {
        heldTurn = turn; // the submits go again at once, in it
        scheduler.runAfterQueued(this::handOver);
      }
      return;
    }
    release(turn);
    catchUp(first.entry().firstRevision() - 1);
  }

  /**
   * Takes the batches of {@code rest} (the last ones sequenced) back out of the sequencer, the head
   * text and the row. False when it cannot (the state was dropped meanwhile): it must be read.
   */
  private boolean takeBack(List<Placed> rest) {
    SequencerState st = state;
    if (st == null || row == null) {
      return false;
    }
    try {
      for (int i = rest.size() - 1; i >= 0; i--) {
        Placed p = rest.get(i);
        st.sequencer().takeBack(p.entry(), p.client(), p.previous());
      }
    } catch (IllegalStateException e) { // not the last ones sequenced: read it all again
      log.warn("Document {}: {}", id, e.getMessage());
      state = null;
      return false;
    }
    policy.takeBackPending(st);
    DocumentRow before = rest.get(0).rowBefore();
    row = row.withHead(before.head(), before.lastChangeMillis());
    return true;
  }

  /**
   * Takes in {@code missed}, batches other writers stored after the sequencer's head up to {@code
   * head}, and queues them for the subscribers. False, having changed nothing, when they do not
   * follow on from what the document holds (then it must be read).
   */
  private boolean takeIn(List<HistoryStore.StoredEntry> missed, long head) {
    SequencerState st = state;
    if (st == null || row == null || row.deleted() || policy == null) {
      return false;
    }
    Sequencer sequencer = st.sequencer();
    long at = sequencer.head();
    if (fanout.count() > 0 && fanout.liveHead() < at) {
      return false; // the subscribers lack more than these
    }
    for (HistoryStore.StoredEntry m : missed) {
      if (m.entry().firstRevision() != at + 1
          || (policy.readsPayloads() && st.text() != null && m.canonical() == null)) {
        return false;
      }
      at = m.entry().lastRevision();
    }
    if (at != head) {
      return false;
    }
    for (HistoryStore.StoredEntry m : missed) {
      if (!policy.takeIn(st, m.canonical())) {
        state = null; // part taken in: read it again
        return false;
      }
      sequencer.takeIn(m.entry(), m.digest());
      fanout.add(m.entry());
    }
    if (!missed.isEmpty()) {
      WireSequenced last = missed.get(missed.size() - 1).entry();
      row = row.withHead(last.lastRevision(), last.timestampMillis());
    }
    return true;
  }

  /**
   * Another relay process stored batches of this document up to {@code head}: when that is beyond
   * what this one holds, it catches up, sending them to its subscribers.
   */
  void moved(long head) {
    if (row == null
        || row.deleted()
        || (head <= row.head() && (fanout.count() == 0 || head <= fanout.liveHead()))) {
      return;
    }
    if (scheduler.committing() > 0) {
      throw new WaitForCommits(); // what is in flight first (a conflict catches up by itself)
    }
    if (state != null && head > row.head() && head - row.head() <= MAX_TAKE_IN_REVISIONS) {
      takeInFrom(row.head());
    } else {
      catchUp(row.head());
    }
  }

  // Other writers' batches up to this many revisions are read and taken into the sequencer's
  // state; beyond, the state is read again.
  private static final long MAX_TAKE_IN_REVISIONS = 2048;

  /** The row and the batches after a revision, read on a loader thread. */
  private record Missed(DocumentRow row, List<HistoryStore.StoredEntry> entries) {}

  /**
   * Reads the row and the batches other writers stored after revision {@code from} (the head of the
   * sequencer's state), and takes them in, sending them to the subscribers; reads the whole state
   * again when they do not follow on.
   */
  private void takeInFrom(long from) {
    SequencerState readFor = state;
    long readIn = epoch;
    try {
      scheduler.loadFirst(
          () -> readMissed(from),
          m -> {
            DocumentRow r = m.row();
            if (state == readFor
                && epoch == readIn
                && r != null
                && !r.deleted()
                && r.head() - from <= MAX_TAKE_IN_REVISIONS
                && takeIn(m.entries(), r.head())) {
              row = r.withHead(row.head(), row.lastChangeMillis());
              return;
            }
            catchUp(from);
          });
    } catch (RuntimeException e) { // an earlier read failed, or stopping: read it all again
      log.warn("Document {}: catching up failed: {}", id, e.toString());
      invalidate();
    }
  }

  private Missed readMissed(long from) {
    DocumentRow r = ctx.loader().row(id).orElse(null);
    if (r == null || r.deleted() || r.head() - from > MAX_TAKE_IN_REVISIONS) {
      return new Missed(r, List.of());
    }
    return new Missed(r, ctx.store().history().entries(id, from, r.head()));
  }

  /** The document's row and the roles of its subscribers' users, read again on a loader thread. */
  private record Administered(DocumentRow row, Map<String, Optional<Role>> roles) {}

  /**
   * Another relay process renamed, deleted or shared the document: it reads its row and the roles
   * of the users following it again, then tells the subscribers as a change made here would.
   */
  void changedElsewhere() {
    keyEpoch = null; // a rotation elsewhere: read the epoch again
    if (!loaded || row == null) {
      forgetRoles(); // read afresh when next needed
      return;
    }
    List<String> users = fanout.snapshot().stream().map(Session::user).distinct().toList();
    try {
      scheduler.loadFirst(() -> readAdministered(users), this::installAdministered);
    } catch (RuntimeException e) { // an earlier read failed, or stopping: read it all again
      log.warn("Document {}: reading its changes failed: {}", id, e.toString());
      invalidate();
      forgetRoles();
    }
  }

  private Administered readAdministered(List<String> users) {
    DocumentRow r = ctx.loader().row(id).orElse(null);
    Map<String, Optional<Role>> read = new HashMap<>();
    if (r != null && !r.deleted() && !ctx.config().openMode()) {
      for (String user : users) {
        read.put(user, ctx.loader().role(id, user));
      }
    }
    return new Administered(r, read);
  }

  private void installAdministered(Administered a) {
    forgetRoles();
    if (row == null) {
      return; // released meanwhile: read when next asked
    }
    DocumentRow r = a.row();
    if (r == null || r.deleted()) {
      if (!row.deleted()) {
        fanout.broadcast(ProtocolCodec.encode(new ServerMessage.Deleted(id)), null);
        for (Session sub : fanout.snapshot()) {
          fanout.unsubscribe(sub);
        }
      }
      invalidate();
      return;
    }
    if (row.deleted()) {
      invalidate(); // restored elsewhere: read afresh when next asked
      return;
    }
    if (!r.title().equals(row.title())) {
      // Only the title: the head stays what this relay has sequenced and sent.
      row = r.withHead(row.head(), row.lastChangeMillis());
      fanout.broadcast(ProtocolCodec.encode(new ServerMessage.Renamed(id, r.title())), null);
    }
    roles.putAll(a.roles());
    for (Session sub : fanout.snapshot()) {
      Optional<Role> role = roles.get(sub.user());
      if (role != null && role.isEmpty()) {
        fanout.unsubscribe(sub);
        sub.send(new ServerMessage.Unsubscribed(id));
      }
    }
  }

  /** What the document looked like after other writers' batches, read on a loader thread. */
  private record CatchUp(DocumentRow row, List<WireSequenced> missed, SequencerState state) {}

  /**
   * Reads the batches other writers stored after revision {@code from} (or after the last one the
   * subscribers have, when that is earlier) and the document as they left it; then sends the
   * subscribers what they do not have and takes the state read. Every request waits meanwhile.
   */
  private void catchUp(long from) {
    long start = fanout.count() > 0 ? Math.min(from, fanout.liveHead()) : from;
    try {
      scheduler.loadFirst(() -> readCatchUp(start), this::installCatchUp);
    } catch (RuntimeException e) { // an earlier read failed, or stopping: read it all again
      log.warn("Document {}: catching up failed: {}", id, e.toString());
      invalidate();
    }
  }

  private CatchUp readCatchUp(long from) {
    DocumentRow r = ctx.loader().row(id).orElse(null);
    if (r == null || r.deleted()) {
      return new CatchUp(r, List.of(), null);
    }
    List<WireSequenced> missed = new ArrayList<>();
    int pageSize = ctx.config().limits().pageSize();
    for (long after = from; after < r.head(); ) {
      List<WireSequenced> page = ctx.store().history().page(id, after, pageSize, pageBytes());
      if (page.isEmpty()) {
        break;
      }
      for (WireSequenced b : page) {
        if (b.firstRevision() > from && b.lastRevision() <= r.head()) {
          missed.add(b); // beyond r's head: the next catch-up, with the state that has them
        }
      }
      after = page.get(page.size() - 1).lastRevision();
    }
    return new CatchUp(r, missed, ctx.loader().sequencerState(r));
  }

  private void installCatchUp(CatchUp c) {
    fanout.addAll(c.missed());
    installRow(c.row());
    state = c.state();
  }

  // ---- state ----

  /**
   * The document's row, read once and again after anything that may have changed it. The
   * sequencer's state is read when first needed: a reader paging through history does not need it.
   *
   * @throws RequestScheduler.WaitForLoad when it must be read first
   */
  void load() {
    if (!loaded) {
      throw scheduler.loadFirst(() -> ctx.loader().row(id).orElse(null), this::reloaded);
    }
  }

  /**
   * The row read again after it was forgotten: when other writers moved the document meanwhile, the
   * subscribers catch up on what they missed.
   */
  private void reloaded(DocumentRow r) {
    installRow(r);
    if (r != null && !r.deleted() && fanout.count() > 0 && r.head() > fanout.liveHead()) {
      catchUp(fanout.liveHead());
    }
  }

  void installRow(DocumentRow r) {
    row = r;
    policy = r == null ? null : PayloadPolicy.of(ctx.config().payloadKindOf(r), interval());
    exists = row != null && !row.deleted();
    state = null;
    uploadTarget = null; // an upload may have moved it too: read again when a submit needs it
    epoch++;
    loaded = true;
  }

  /** Forgets what was read: the next request reads it again. */
  void invalidate() {
    loaded = false;
    keyEpoch = null;
    state = null;
    uploadTarget = null;
    scheduler.invalidateReads();
  }

  /**
   * The sequencer's state of the live document, read on first need.
   *
   * @throws RequestScheduler.WaitForCommits when batches are being committed: it is read once they
   *     are stored
   * @throws RequestScheduler.WaitForLoad when it must be read first
   */
  private SequencerState state() {
    if (state == null) {
      if (scheduler.committing() > 0) {
        throw new WaitForCommits();
      }
      DocumentRow r = row;
      throw scheduler.loadFirst(() -> ctx.loader().sequencerState(r), st -> state = st);
    }
    return state;
  }

  /**
   * Forgets what is cached in memory (the head text, roles) once nobody follows the document; the
   * next request reads it again from the latest checkpoint. Keeps memory to the open documents.
   */
  private void release() {
    invalidate();
    row = null;
    roles.clear();
  }

  /**
   * Refuses a submit while the document's history is being uploaded and is not complete: the new
   * batch would have to go after revisions the relay does not have yet.
   */
  private void requireNoUpload() {
    if (uploadTarget == null) {
      throw scheduler.loadFirst(() -> ctx.store().uploads().target(id), t -> uploadTarget = t);
    }
    if (uploadTarget.isPresent()) {
      throw new Refusal(
          ErrorCode.UPLOAD_IN_PROGRESS,
          "the history of "
              + id
              + " is being uploaded, up to revision "
              + uploadTarget.getAsLong()
              + ", and is at "
              + row.head()
              + ": send the batch again once it is complete");
    }
  }

  /** An upload stored a page: whether one is under way is read again when next needed. */
  void uploadChanged() {
    uploadTarget = null;
  }

  /** Batches handed to the appender and not yet decided. */
  int committing() {
    return scheduler.committing();
  }

  /** {@link #state()} for the upload, which checks its batches as a submit's. */
  SequencerState sequencerState() {
    return state();
  }

  /** What is done with the operations of the loaded document. */
  PayloadPolicy policy() {
    return policy;
  }

  /** The user's role on the loaded live document, or null (reading it first if needed). */
  Role roleOrNull(String user) {
    return roleOf(user);
  }

  /** Refuses unless the session's user has at least {@code needed} on a live document. */
  void requireRole(Session s, Role needed) {
    load();
    Role role = roleOf(s.user());
    if (role == null) {
      throw new Refusal(ErrorCode.UNKNOWN_DOCUMENT, "no document " + id);
    }
    boolean allowed =
        switch (needed) {
          case VIEWER -> true;
          case EDITOR -> role.canEdit();
          case OWNER -> role.canManage();
        };
    if (!allowed) {
      throw new Refusal(
          ErrorCode.FORBIDDEN,
          s.user() + " is " + role.wireName() + " of " + id + "; this needs " + needed.wireName());
    }
  }

  private Role roleOf(String user) {
    if (row == null || row.deleted()) {
      return null;
    }
    if (ctx.config().openMode()) {
      return row.owner().equals(user) ? Role.OWNER : Role.EDITOR;
    }
    Optional<Role> role = roles.get(user);
    if (role == null) {
      throw scheduler.loadFirst(() -> ctx.loader().role(id, user), r -> roles.put(user, r));
    }
    return role.orElse(null);
  }
}
