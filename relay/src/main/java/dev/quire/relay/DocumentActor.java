package dev.quire.relay;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.RequestHeader;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.relay.RequestScheduler.WaitForCommits;
import dev.quire.relay.store.DocumentStore.DocumentRow;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One document in the relay: the glue between its parts, and what it holds in memory of the
 * document (its row, payload policy and sequencer state, read on first need). Every request about
 * the document runs on its own {@link SerialExecutor}, one at a time ({@link RequestScheduler}), so
 * sequence, commit, acknowledge and broadcast happen in one order for everyone, while other
 * documents proceed in parallel. The parts: {@link DocumentSubmits} sequences and commits submits
 * (with {@link Sequencer}, {@link PayloadPolicy} and {@link PendingRuns}), {@link DocumentCatchUp}
 * takes in what other relay processes stored, {@link DocumentHistory} pages history, {@link
 * LiveFanout} sends batches to the subscribers, {@link DocumentAdmin} creates, renames, deletes and
 * shares it, {@link DocumentUpload} takes uploaded history, and {@link DocumentRoles} says who may
 * do what. What it reads (the row, roles, the sequencer's state) is read on the loader threads
 * while its requests wait. All fields are confined to the executor.
 */
final class DocumentActor {
  private final String id;
  private final RelayContext ctx;
  private final RequestScheduler scheduler;
  private final LiveFanout fanout;
  private final DocumentAdmin admin;
  private final DocumentUpload upload;
  private final DocumentHistory history;
  private final DocumentSubmits submits;
  private final DocumentCatchUp catchUp;
  private final DocumentRoles roles;
  private final DocumentKeys keys;
  private Long keyEpoch; // an encrypted document's current key epoch, read on first need
  private volatile boolean exists; // the document exists and is live, as last read
  private long epoch; // counts reloads: outcomes of batches sequenced before one are stale
  private boolean loaded;
  private DocumentRow row; // null when the document does not exist
  private SequencerState state; // read on the first submit after a load
  private PayloadPolicy policy; // what is done with the operations of the document in row

  /** {@code onIdle} is told when the actor has nothing queued and nobody subscribed. */
  DocumentActor(String id, RelayContext ctx, Consumer<DocumentActor> onIdle) {
    this.id = id;
    this.ctx = ctx;
    SerialExecutor executor = new SerialExecutor(ctx.pool(), ctx.pendingTasks());
    this.scheduler = new RequestScheduler(id, executor, ctx.loadPool());
    this.admin = new DocumentAdmin(this, id, ctx, scheduler);
    this.upload = new DocumentUpload(this, id, ctx, scheduler);
    this.history = new DocumentHistory(this, id, ctx);
    this.submits = new DocumentSubmits(this, id, ctx, scheduler, executor);
    this.catchUp = new DocumentCatchUp(this, id, ctx, scheduler);
    this.roles = new DocumentRoles(id, ctx.config().openMode());
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

  /** Taking in what other relay processes stored. */
  DocumentCatchUp catchUp() {
    return catchUp;
  }

  /** The roles read of its users. */
  DocumentRoles roles() {
    return roles;
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

  // ---- requests ----

  void open(Session s, String rid, ClientMessage.Open m) {
    history.open(s, rid, m);
  }

  void signatures(Session s, String rid, ClientMessage.Signatures m) {
    history.signatures(s, rid, m);
  }

  void submit(Session s, String rid, ClientMessage.Submit m) {
    submits.submit(s, rid, m);
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

  /** Another relay process stored batches of this document up to {@code head}. */
  void moved(long head) {
    catchUp.moved(head);
  }

  /** Another relay process renamed, deleted or shared the document. */
  void changedElsewhere() {
    keyEpoch = null; // a rotation elsewhere: read the epoch again
    admin.changedElsewhere();
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

  /** True when the row was read and not forgotten since. */
  boolean isLoaded() {
    return loaded;
  }

  /**
   * The row read again after it was forgotten: when other writers moved the document meanwhile, the
   * subscribers catch up on what they missed.
   */
  private void reloaded(DocumentRow r) {
    installRow(r);
    if (r != null && !r.deleted() && fanout.count() > 0 && r.head() > fanout.liveHead()) {
      catchUp.catchUp(fanout.liveHead());
    }
  }

  /**
   * The row just read: what was read with the one before is stale. A document found gone that was
   * live tells its subscribers, whichever read found it: a read of another relay's rename or share
   * may have been made stale by the time the delete is read.
   */
  void installRow(DocumentRow r) {
    boolean wasLive = exists;
    row = r;
    policy =
        r == null
            ? null
            : PayloadPolicy.of(ctx.config().payloadKindOf(r), ctx.config().checkpointInterval());
    exists = row != null && !row.deleted();
    if (wasLive && !exists && fanout.count() > 0) {
      fanout.broadcast(ProtocolCodec.encode(new ServerMessage.Deleted(id)), null);
      for (Session sub : fanout.snapshot()) {
        fanout.unsubscribe(sub);
      }
    }
    state = null;
    upload.forgetTarget(); // an upload may have moved it too: read again when a submit needs it
    epoch++;
    loaded = true;
  }

  /** The document's row as last read or changed; null when there is none. */
  DocumentRow row() {
    return row;
  }

  /** A row just written or moved on: the document is otherwise as it was. */
  void rowChanged(DocumentRow r) {
    row = r;
  }

  /** Counts the reloads: outcomes of batches sequenced before one are stale. */
  long epoch() {
    return epoch;
  }

  /** Forgets what was read: the next request reads it again. */
  void invalidate() {
    loaded = false;
    keyEpoch = null;
    state = null;
    upload.forgetTarget();
    scheduler.invalidateReads();
  }

  /**
   * The sequencer's state of the live document, read on first need.
   *
   * @throws RequestScheduler.WaitForCommits when batches are being committed: it is read once they
   *     are stored
   * @throws RequestScheduler.WaitForLoad when it must be read first
   */
  SequencerState sequencerState() {
    if (state == null) {
      if (scheduler.committing() > 0) {
        throw new WaitForCommits();
      }
      DocumentRow r = row;
      throw scheduler.loadFirst(() -> ctx.loader().sequencerState(r), st -> state = st);
    }
    return state;
  }

  /** The sequencer's state as it is in memory, or null when it is not. */
  SequencerState loadedState() {
    return state;
  }

  /** A sequencer's state just read, with the row installed with it. */
  void stateRead(SequencerState st) {
    state = st;
  }

  /** Forgets the sequencer's state: it is read again when next needed. */
  void dropState() {
    state = null;
  }

  /**
   * Forgets what is cached in memory (the head text, roles) once nobody follows the document; the
   * next request reads it again from the latest checkpoint. Keeps memory to the open documents.
   */
  private void release() {
    invalidate();
    row = null;
    roles.forget();
  }

  /** Batches handed to the appender and not yet decided. */
  int committing() {
    return scheduler.committing();
  }

  /** What is done with the operations of the loaded document. */
  PayloadPolicy policy() {
    return policy;
  }

  // ---- roles ----

  /** Remembers a role just changed (null: none). */
  void roleChanged(String user, Role role) {
    roles.known(user, Optional.ofNullable(role));
  }

  /** Forgets every role read. */
  void forgetRoles() {
    roles.forget();
  }

  /** The user's role on the loaded live document, or null (reading it first if needed). */
  Role roleOrNull(String user) {
    return roles.roleOf(row, user, this::readRole);
  }

  /** Refuses unless the session's user has at least {@code needed} on a live document. */
  void requireRole(Session s, Role needed) {
    load();
    roles.require(s.user(), roleOrNull(s.user()), needed);
  }

  private RuntimeException readRole(String user) {
    return scheduler.loadFirst(() -> ctx.loader().role(id, user), r -> roles.known(user, r));
  }
}
