package dev.quire.relay;

import dev.quire.ot.codec.MalformedMessageException;
import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.operation.OperationMismatchException;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.DocumentInfo;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.RequestHeader;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.ot.sync.Batch;
import dev.quire.ot.sync.Canonicaliser;
import dev.quire.relay.SequencerState.ClientKey;
import dev.quire.relay.store.AppendOutcome;
import dev.quire.relay.store.DocumentStore.DocumentRow;
import dev.quire.relay.store.HistoryStore;
import dev.quire.relay.store.StoreException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.java_websocket.framing.Framedata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One document's sequencer. Every request about the document runs on its own {@link
 * SerialExecutor}, one at a time, so sequence, commit, acknowledge and broadcast happen in one
 * order for everyone, while other documents proceed in parallel. What it reads to wake up (the
 * document's row, roles, the sequencer's state) is read on the loader threads while its requests
 * wait, so a document that is slow to read never holds a thread other documents need. All fields
 * are confined to that executor.
 */
final class DocumentActor {
  private static final Logger log = LoggerFactory.getLogger(DocumentActor.class);

  private final String id;
  private final RelayContext ctx;
  private final SerialExecutor executor;
  private final Consumer<DocumentActor> onIdle;
  private final AtomicInteger queued = new AtomicInteger(); // requests queued or running
  // Batches handed to the committer whose outcome has not been handled, plus deferred requests.
  private final AtomicInteger unfinished = new AtomicInteger();
  private volatile int subscriberCount;
  private volatile long lastActiveNanos = System.nanoTime();
  private volatile boolean exists; // the document exists and is live, as last read
  private final Set<Session> subscribers = new LinkedHashSet<>();
  private final Map<String, Optional<Role>> roles = new HashMap<>();
  // Submits run while earlier batches are still being committed (their state in memory is already
  // the new one); every other request waits in here until those commits are done, and so does
  // every request behind it, which keeps each connection's requests in order.
  private final ArrayDeque<Deferred> deferred = new ArrayDeque<>();
  private int committing; // batches handed to the committer, outcome not yet handled
  private long epoch; // counts reloads: outcomes of batches sequenced before one are stale
  private boolean loaded;
  private long generation; // counts invalidations: a read started before one is not installed
  private boolean loading; // a read is in flight on the loader; every request waits meanwhile
  private RuntimeException loadFailure; // why the last read failed, for the request that needs it
  private DocumentRow row; // null when the document does not exist
  private SequencerState state; // read on the first submit after a load
  // Committed batches not yet sent to the subscribers. They go out together, in one message (see
  // scheduleLive): one frame per subscriber for many batches rather than one per batch, which is
  // what bounds a document with hundreds of authors.
  private final List<WireSequenced> live = new ArrayList<>();
  // Subscribers whose submit the batches in live answer: told once those are sent.
  private final List<Map.Entry<Session, String>> liveAnswers = new ArrayList<>();
  private boolean liveFlushQueued;
  private long lastLiveNanos = System.nanoTime() - LIVE_INTERVAL_CAP_NANOS;
  // Sending costs about the same per subscriber whatever a message holds, so a document with many
  // subscribers sends at most once per this much per subscriber (capped): 300 subscribers, once
  // every 15 ms. A lone submit after a quiet spell goes at once.
  private static final long LIVE_INTERVAL_PER_SUBSCRIBER_NANOS = 50_000;
  private static final long LIVE_INTERVAL_CAP_NANOS = 20_000_000;

  /** A request waiting for the commits before it; {@code quiet}: it needs all of them done. */
  private static final class Deferred {
    final Session session;
    final RequestHeader request;
    final Consumer<Session> work;
    boolean quiet;

    Deferred(Session session, RequestHeader request, Consumer<Session> work, boolean quiet) {
      this.session = session;
      this.request = request;
      this.work = work;
      this.quiet = quiet;
    }
  }

  /** Thrown by a request that must wait, first in line, until something is read. */
  private static final class WaitForLoad extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WaitForLoad() {
      super(null, null, false, false);
    }
  }

  /** Thrown by a submit that must wait until every commit before it is done. */
  private static final class WaitForCommits extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WaitForCommits() {
      super(null, null, false, false);
    }
  }

  private static final String SUBMIT = "submit";

  /** {@code onIdle} is told when the actor has nothing queued and nobody subscribed. */
  DocumentActor(String id, RelayContext ctx, Consumer<DocumentActor> onIdle) {
    this.id = id;
    this.ctx = ctx;
    this.onIdle = onIdle;
    this.executor = new SerialExecutor(ctx.pool(), ctx.pendingTasks());
  }

  String id() {
    return id;
  }

  /** True when nothing is queued or committing and nobody is subscribed: it may be dropped. */
  boolean isIdle() {
    return queued.get() == 0 && unfinished.get() == 0 && subscriberCount == 0;
  }

  /** True when nothing is queued, deferred or committing. */
  boolean isQuiet() {
    return queued.get() == 0 && unfinished.get() == 0;
  }

  /**
   * Queues {@code work} for {@code session} on this document's executor; refusals and failures are
   * answered with an error.
   */
  void run(Session session, RequestHeader request, Consumer<Session> work) {
    queued.incrementAndGet();
    try {
      executor.execute(() -> runNow(session, request, work));
    } catch (RuntimeException e) {
      queued.decrementAndGet();
      throw e;
    }
  }

  private void runNow(Session session, RequestHeader request, Consumer<Session> work) {
    boolean submit = SUBMIT.equals(request.type());
    try {
      if (loading || !deferred.isEmpty() || (committing > 0 && !submit)) {
        defer(new Deferred(session, request, work, !submit), false);
      } else {
        attempt(new Deferred(session, request, work, false));
      }
    } finally {
      finished();
    }
  }

  /** Runs a request, or defers it to the front of the queue when it must wait for commits. */
  private void attempt(Deferred d) {
    if (!SUBMIT.equals(d.request.type())) {
      sendLive(); // whatever it answers or changes comes after the batches already committed
    }
    try {
      d.work.accept(d.session);
    } catch (WaitForCommits w) {
      d.quiet = true;
      defer(d, true);
    } catch (WaitForLoad w) {
      defer(d, true); // runs again once it is read
    } catch (Refusal r) {
      if (d.session != null) {
        d.session.error(r.code(), r.getMessage(), d.request.withDoc(id));
      }
    } catch (RuntimeException e) { // StoreException, or a bug: never leave a request unanswered
      log.error("Document {}: {} failed", id, d.request.type(), e);
      invalidate(); // re-read the stored state before the next request
      String what =
          e instanceof StoreException
              ? "the relay could not store or read: " + e.getMessage()
              : "the relay failed: " + e;
      if (d.session != null) {
        d.session.error(ErrorCode.INTERNAL, what, d.request.withDoc(id));
      }
    }
  }

  private void defer(Deferred d, boolean first) {
    unfinished.incrementAndGet();
    if (first) {
      deferred.addFirst(d);
    } else {
      deferred.addLast(d);
    }
  }

  /** Runs the deferred requests that may run now, in order. */
  private void runDeferred() {
    while (!loading && !deferred.isEmpty() && (committing == 0 || !deferred.peekFirst().quiet)) {
      Deferred d = deferred.pollFirst();
      unfinished.decrementAndGet();
      attempt(d);
    }
  }

  private void finished() {
    lastActiveNanos = System.nanoTime();
    if (queued.decrementAndGet() == 0 && isIdle()) {
      onIdle.accept(this);
    }
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
    return now - lastActiveNanos;
  }

  /** Runs {@code outcome} on this document's executor, ahead of queued requests, never deferred. */
  private void runOutcome(Runnable outcome) {
    queued.incrementAndGet();
    try {
      executor.executeUrgent(
          () -> {
            try {
              outcome.run();
              runDeferred();
            } catch (RuntimeException e) {
              log.error("Document {}: handling a commit failed", id, e);
              invalidate();
            } finally {
              finished();
            }
          });
    } catch (RuntimeException e) {
      queued.decrementAndGet();
      throw e;
    }
  }

  // ---- documents ----

  void create(Session s, String rid, ClientMessage.Create m) {
    load();
    String user = s.user();
    if (row != null) {
      if (!row.deleted() && row.owner().equals(user)) {
        s.answer(rid, new ServerMessage.Created(row.info(Role.OWNER))); // a retried create
        return;
      }
      // The same answer whoever holds the id, and whether it was deleted: it says the id is
      // taken, never by whom (see docs/protocol.md, create).
      throw new Refusal(ErrorCode.DOCUMENT_EXISTS, "a document with id " + id + " exists already");
    }
    long now = System.currentTimeMillis();
    if (!ctx.store().documents().create(id, m.title(), user, now, ctx.config().payloadKind())) {
      invalidate();
      throw new Refusal(ErrorCode.DOCUMENT_EXISTS, "a document with id " + id + " exists already");
    }
    installRow(ctx.loader().row(id).orElse(null)); // just written: a quick read
    DocumentInfo info = row.info(Role.OWNER);
    s.answer(rid, new ServerMessage.Created(info));
    ctx.userSessions().send(user, new ServerMessage.Available(info), s);
  }

  void rename(Session s, String rid, ClientMessage.Rename m) {
    requireRole(s, Role.EDITOR);
    long now = System.currentTimeMillis();
    ctx.store().documents().rename(id, m.title(), now);
    row = ctx.store().documents().find(id).orElse(null);
    ServerMessage.Renamed renamed = new ServerMessage.Renamed(id, m.title());
    sendToAll(renamed, s, rid);
  }

  void delete(Session s, String rid) {
    requireRole(s, Role.OWNER);
    ctx.store().documents().markDeleted(id, System.currentTimeMillis());
    ServerMessage.Deleted deleted = new ServerMessage.Deleted(id);
    sendToAll(deleted, s, rid);
    for (Session sub : List.copyOf(subscribers)) {
      unsubscribe(sub);
    }
    invalidate();
    roles.clear();
  }

  void share(Session s, String rid, ClientMessage.Share m) {
    requireRole(s, Role.OWNER);
    if (ctx.config().openMode()) {
      throw new Refusal(ErrorCode.FORBIDDEN, "roles do not apply in open mode");
    }
    if (m.user().equals(row.owner())) {
      throw new Refusal(ErrorCode.FORBIDDEN, "the owner's role cannot change");
    }
    if (!ctx.store().users().isActive(m.user())) {
      throw new Refusal(ErrorCode.UNKNOWN_USER, "no user named " + m.user());
    }
    ctx.store().documents().setRole(id, m.user(), m.role());
    roles.put(m.user(), Optional.ofNullable(m.role()));
    if (m.role() == null) {
      for (Session sub : List.copyOf(subscribers)) {
        if (sub.user().equals(m.user())) {
          unsubscribe(sub);
          sub.send(new ServerMessage.Unsubscribed(id));
        }
      }
    }
    s.answer(rid, new ServerMessage.Shared(id, m.user(), m.role()));
    ctx.userSessions()
        .send(
            m.user(),
            m.role() == null
                ? new ServerMessage.Unavailable(id)
                : new ServerMessage.Available(row.info(m.role())),
            s);
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
        ctx.store().history().page(id, after, ctx.config().limits().pageSize(), pageBytes());
    long last = page.isEmpty() ? after : page.get(page.size() - 1).lastRevision();
    boolean complete = last >= head;
    if (complete) {
      subscribe(s);
    }
    s.answer(rid, new ServerMessage.History(id, page, head, complete));
  }

  /** The most bytes of batches in one page or live message: it stays within the message limit. */
  private long pageBytes() {
    return Math.max(1, ctx.config().limits().maxMessageBytes() - WireSequenced.PAGE_OVERHEAD_BYTES);
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
    unsubscribe(s);
    s.answer(rid, new ServerMessage.Unsubscribed(id));
  }

  void sessionClosed(Session s) {
    unsubscribe(s);
  }

  void presence(Session s, String rid, ClientMessage.Presence m) {
    if (!subscribers.contains(s)) {
      throw new Refusal(ErrorCode.NOT_SUBSCRIBED, "open document " + id + " before presence");
    }
    ServerMessage.PresenceOf p =
        new ServerMessage.PresenceOf(
            id, s.id(), s.user(), m.revision(), m.selection(), m.name(), m.colour());
    broadcast(ProtocolCodec.encode(p), s);
    s.answered(rid); // relayed: presence has no answer of its own
  }

  // ---- sequencing ----

  void submit(Session s, String rid, ClientMessage.Submit m) {
    WireBatch wb = m.batch();
    int size = wb.size();
    try {
      requireRole(s, Role.EDITOR);
      if (size > ctx.config().limits().maxBatchOperations()) {
        throw new Refusal(
            ErrorCode.BATCH_TOO_LARGE,
            "batch has "
                + size
                + " operations; the limit is "
                + ctx.config().limits().maxBatchOperations()
                + ": split it");
      }
      byte[] digest = BatchDigest.of(wb);
      ClientKey key = new ClientKey(s.user(), wb.clientId());
      HistoryStore.StoredBatch last = state().latest().get(key);
      if (last != null && wb.batchSeq() <= last.batchSeq()) {
        if (committing > 0) {
          throw new WaitForCommits(); // answer a resend only once what it names is committed
        }
        HistoryStore.StoredBatch earlier =
            wb.batchSeq() == last.batchSeq()
                ? last
                : ctx.store()
                    .history()
                    .findBatchAtOrAfter(id, s.user(), wb.clientId(), wb.batchSeq())
                    .orElse(last);
        answerResend(s, rid, wb, digest, earlier);
        return;
      }
      sequence(s, rid, wb, digest, key);
    } catch (Refusal r) {
      ctx.metrics().rejected(r.code(), size);
      throw r;
    }
  }

  private void answerResend(
      Session s, String rid, WireBatch wb, byte[] digest, HistoryStore.StoredBatch earlier) {
    if (earlier.batchSeq() != wb.batchSeq()) {
      throw new Refusal(
          ErrorCode.BATCH_CONFLICT,
          "batch "
              + wb.batchSeq()
              + " of client "
              + wb.clientId()
              + " comes after its batch "
              + earlier.batchSeq()
              + ": batches must be sent in order");
    }
    if (!Arrays.equals(digest, earlier.digest())) {
      throw new Refusal(
          ErrorCode.BATCH_CONFLICT,
          "batch "
              + wb.batchSeq()
              + " of client "
              + wb.clientId()
              + " was sequenced before with other content");
    }
    ctx.metrics().batchesDeduplicated.inc();
    sendLive(); // the revisions before it first
    s.answer(
        rid,
        new ServerMessage.Ack(
            id, wb.batchSeq(), earlier.firstRevision(), earlier.timestampMillis()));
  }

  /**
   * Gives the batch its revisions and hands it to the committer. Memory moves on at once, so the
   * next submit can be sequenced while this one commits; the ack and the broadcast wait for the
   * commit ({@link #committed}).
   */
  private void sequence(Session s, String rid, WireBatch wb, byte[] digest, ClientKey key) {
    long head = row.head();
    if (wb.baseRevision() > head) {
      throw new Refusal(
          ErrorCode.BASE_AHEAD,
          "batch base revision " + wb.baseRevision() + " is beyond the head revision " + head);
    }
    List<TextOperation> canonical = null;
    List<String> canonicalJson = null;
    String checkpoint = null;
    SequencerState st = state();
    if (!ctx.config().opaque()) {
      DocumentText t = st.text();
      if (st.unreadable() != null) {
        throw new Refusal(ErrorCode.UNREADABLE_DOCUMENT, st.unreadable());
      }
      canonical = canonicalise(t, wb);
      canonicalJson = new ArrayList<>(canonical.size());
      for (TextOperation op : canonical) {
        canonicalJson.add(OperationCodec.toJson(op));
      }
      long last = head + wb.size();
      int every = ctx.config().checkpointInterval();
      if (last / every > head / every) {
        checkpoint = t.textAfter(canonical);
      }
    }
    WireSequenced entry = new WireSequenced(head + 1, s.user(), System.currentTimeMillis(), wb);
    HistoryStore.Append append =
        new HistoryStore.Append(id, entry, canonicalJson, digest, checkpoint);
    long sequencedIn = epoch;
    committing++;
    unfinished.incrementAndGet();
    row = row.withHead(entry.lastRevision(), entry.timestampMillis());
    if (canonical != null) {
      st.text().applied(canonical);
    }
    st.latest()
        .put(
            key,
            new HistoryStore.StoredBatch(
                wb.batchSeq(), entry.firstRevision(), wb.size(), entry.timestampMillis(), digest));
    // A lone submit (nothing of this document in flight or queued behind it, the committer idle)
    // commits here: two thread hand-overs fewer. Otherwise it joins the next group, so that many
    // submits share a commit while this thread sequences the next ones.
    if (committing > 1
        || executor.hasQueued()
        || !ctx.appender()
            .tryAppendNow(append, outcome -> committed(s, rid, entry, sequencedIn, outcome))) {
      ctx.appender()
          .append(
              append, outcome -> runOutcome(() -> committed(s, rid, entry, sequencedIn, outcome)));
    }
  }

  /** The outcome of a batch handed to the committer, in the order they were handed over. */
  private void committed(
      Session s, String rid, WireSequenced entry, long sequencedIn, AppendOutcome outcome) {
    StoreException failure = failureOf(outcome);
    committing--;
    unfinished.decrementAndGet();
    WireBatch wb = entry.batch();
    if (failure != null) {
      log.error(
          "Document {}: committing revisions from {} failed", id, entry.firstRevision(), failure);
      if (sequencedIn == epoch) {
        invalidate(); // memory is ahead of the database: read it again
      }
      ctx.metrics().rejected(ErrorCode.INTERNAL, wb.size());
      s.error(
          ErrorCode.INTERNAL,
          "the relay could not store the batch: " + failure.getMessage(),
          new RequestHeader(rid, SUBMIT, id));
      return;
    }
    if (sequencedIn != epoch) {
      invalidate(); // it was read again meanwhile, without this batch
    }
    ctx.metrics().operationsAccepted.inc(wb.size());
    if (!subscribers.contains(s)) {
      // A subscriber learns of its batch among the others; anyone else needs an ack.
      s.answer(
          rid,
          new ServerMessage.Ack(id, wb.batchSeq(), entry.firstRevision(), entry.timestampMillis()));
    } else {
      liveAnswers.add(Map.entry(s, rid)); // its batch in the next sequenced message answers it
    }
    live.add(entry);
    if (!liveFlushQueued) {
      scheduleLive();
    }
  }

  private StoreException failureOf(AppendOutcome outcome) {
    if (outcome == AppendOutcome.COMMITTED) {
      return null;
    } else if (outcome instanceof AppendOutcome.Failed f) {
      return f.cause();
    } else if (outcome instanceof AppendOutcome.Conflict c) {
      return new StoreException(
          "another writer took the revisions; the head of " + id + " is " + c.head());
    }
    return new StoreException("the batch is stored already");
  }

  /**
   * Arranges for the committed batches to be sent: at once when nothing else is queued and the
   * document has not sent for a while; otherwise after the queued outcomes, or when the interval
   * since its last send is over.
   */
  private void scheduleLive() {
    liveFlushQueued = true;
    long interval =
        Math.min(LIVE_INTERVAL_CAP_NANOS, subscribers.size() * LIVE_INTERVAL_PER_SUBSCRIBER_NANOS);
    long wait = lastLiveNanos + interval - System.nanoTime();
    if (wait <= 0 && !executor.hasQueued()) {
      sendLive(); // nothing else to wait for
      return;
    }
    queued.incrementAndGet(); // not idle while batches wait to be sent
    try {
      if (wait <= 0) {
        executor.executeUrgent(this::sendLiveTask);
      } else {
        ctx.timer()
            .schedule(
                () -> {
                  try {
                    executor.executeUrgent(this::sendLiveTask);
                  } catch (RuntimeException e) { // shutting down: clients catch up on reconnect
                    queued.decrementAndGet();
                  }
                },
                wait,
                TimeUnit.NANOSECONDS);
      }
    } catch (RuntimeException e) { // shutting down: send now
      queued.decrementAndGet();
      sendLive();
    }
  }

  private void sendLiveTask() {
    try {
      sendLive();
    } finally {
      finished();
    }
  }

  /**
   * Sends the committed batches not yet sent to every subscriber, in messages of at most a page of
   * revisions and of bytes, each encoded once for all.
   */
  private void sendLive() {
    liveFlushQueued = false;
    if (live.isEmpty()) {
      return;
    }
    lastLiveNanos = System.nanoTime();
    int pageSize = ctx.config().limits().pageSize();
    long pageBytes = pageBytes();
    int from = 0;
    while (from < live.size()) {
      int to = from;
      long revisions = 0;
      long bytes = 0;
      do {
        revisions += live.get(to).batch().size();
        bytes += live.get(to).wireBytesBound();
        to++;
      } while (to < live.size()
          && revisions + live.get(to).batch().size() <= pageSize
          && bytes + live.get(to).wireBytesBound() <= pageBytes);
      String json = ProtocolCodec.encode(new ServerMessage.Sequenced(id, live.subList(from, to)));
      sendToSubscribers(json, null);
      from = to;
    }
    live.clear();
    liveAnswers.forEach(a -> a.getKey().answered(a.getValue()));
    liveAnswers.clear();
  }

  private static List<TextOperation> canonicalise(DocumentText text, WireBatch wb) {
    Batch batch;
    try {
      batch = wb.toBatch();
    } catch (MalformedMessageException e) {
      throw new Refusal(ErrorCode.MALFORMED, e.getMessage());
    }
    try {
      return Canonicaliser.canonicalise(text, batch);
    } catch (OperationMismatchException e) {
      throw new Refusal(ErrorCode.OPERATION_MISMATCH, e.getMessage());
    }
  }

  // ---- state ----

  /**
   * The document's row, read once and again after anything that may have changed it. The
   * sequencer's state is read when first needed: a reader paging through history does not need it.
   *
   * @throws WaitForLoad when it must be read first
   */
  private void load() {
    if (!loaded) {
      throw loadFirst(() -> ctx.loader().row(id).orElse(null), this::installRow);
    }
  }

  private void installRow(DocumentRow r) {
    row = r;
    exists = row != null && !row.deleted();
    state = null;
    epoch++;
    loaded = true;
  }

  /** Forgets what was read: the next request reads it again. */
  private void invalidate() {
    loaded = false;
    state = null;
    generation++;
  }

  /**
   * The sequencer's state of the live document, read on first need.
   *
   * @throws WaitForCommits when batches are being committed: it is read once they are stored
   * @throws WaitForLoad when it must be read first
   */
  private SequencerState state() {
    if (state == null) {
      if (committing > 0) {
        throw new WaitForCommits();
      }
      DocumentRow r = row;
      throw loadFirst(() -> ctx.loader().sequencerState(r), st -> state = st);
    }
    return state;
  }

  /**
   * Reads {@code read} on a loader thread and hands its result to {@code install} on this executor,
   * unless what was read was invalidated meanwhile; the request that needed it runs again then, and
   * every request behind it waits. Returns what the request throws to wait, or throws what the
   * previous read failed with (the request that needed it gets the error).
   */
  private <T> WaitForLoad loadFirst(Supplier<T> read, Consumer<T> install) {
    if (loadFailure != null) {
      RuntimeException e = loadFailure;
      loadFailure = null;
      throw e;
    }
    long readIn = generation;
    loading = true;
    unfinished.incrementAndGet(); // not idle while reading
    try {
      ctx.loadPool()
          .execute(
              () -> {
                T value = null;
                RuntimeException failure = null;
                try {
                  value = read.get();
                } catch (RuntimeException e) {
                  failure = e;
                }
                T v = value;
                RuntimeException f = failure;
                runOutcome(() -> readDone(readIn, () -> install.accept(v), f));
              });
    } catch (RuntimeException e) {
      loading = false;
      unfinished.decrementAndGet();
      throw e;
    }
    return new WaitForLoad();
  }

  /** A read is done: installs it unless invalidated meanwhile ({@link #runOutcome} goes on). */
  private void readDone(long readIn, Runnable install, RuntimeException failure) {
    loading = false;
    unfinished.decrementAndGet();
    if (readIn != generation) {
      return; // stale: the request that needed it reads again
    }
    if (failure != null) {
      loadFailure = failure;
    } else {
      install.run();
    }
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

  /** Refuses unless the session's user has at least {@code needed} on a live document. */
  private void requireRole(Session s, Role needed) {
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
      throw loadFirst(() -> ctx.loader().role(id, user), r -> roles.put(user, r));
    }
    return role.orElse(null);
  }

  private void subscribe(Session s) {
    if (s.isClosing()) {
      return;
    }
    if (subscribers.add(s)) {
      subscriberCount = subscribers.size();
      s.subscriptions.add(id);
      if (subscribers.size() == 1) {
        ctx.openDocuments().incrementAndGet();
      }
    }
    if (s.isClosing()) {
      // It closed meanwhile, perhaps before its close was seen to concern this document: the
      // subscription must not outlive it.
      unsubscribe(s);
    }
  }

  private void unsubscribe(Session s) {
    sendLive(); // it is owed what was committed while it was subscribed
    if (subscribers.remove(s)) {
      subscriberCount = subscribers.size();
      s.subscriptions.remove(id);
      if (subscribers.isEmpty()) {
        ctx.openDocuments().decrementAndGet();
        release();
      }
      broadcast(ProtocolCodec.encode(new ServerMessage.Leave(id, s.id(), s.user())), s);
    }
  }

  /** Sends to every subscriber except {@code except}, after the committed batches not yet sent. */
  private void broadcast(String json, Session except) {
    sendLive();
    sendToSubscribers(json, except);
  }

  /** Sends to every subscriber except {@code except} (may be null). */
  private void sendToSubscribers(String json, Session except) {
    List<Framedata> frames = null; // encoded once for everybody (all share one draft)
    for (Session sub : subscribers) {
      if (sub != except) {
        if (frames == null) {
          frames = sub.frames(json);
        }
        sub.sendFrames(json, frames);
      }
    }
  }

  /** Sends to {@code requester}, as the answer to its request {@code rid}, and every subscriber. */
  private void sendToAll(ServerMessage m, Session requester, String rid) {
    requester.answer(rid, m);
    broadcast(ProtocolCodec.encode(m), requester);
  }
}
