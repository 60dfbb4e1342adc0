package dev.quire.editor.sync;

import dev.quire.editor.store.LoadedDocument;
import dev.quire.editor.store.LocalDocument;
import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.OutboxChange;
import dev.quire.ot.cursor.Selection;
import dev.quire.ot.note.Anchor;
import dev.quire.ot.note.CommentThread;
import dev.quire.ot.note.DocumentNotes;
import dev.quire.ot.note.NamedVersion;
import dev.quire.ot.note.Note;
import dev.quire.ot.note.NoteCodec;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.sync.Batch;
import dev.quire.ot.sync.ClientState;
import dev.quire.ot.sync.ClientSync;
import dev.quire.ot.sync.Delivery;
import dev.quire.ot.sync.SequencedBatch;
import dev.quire.ot.text.GapBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * One open document: its local text, its sync state machine ({@link ClientSync}) and log, its
 * outbox, and its collaborators' carets. Edits are shown at once and handed to the store, which
 * makes them durable within one group commit; a {@link SyncEngine}, when there is one, sends them.
 *
 * <p>Getters only read. A catch-up with many unsent edits takes remote revisions into the log page
 * by page and rebases the queue past them once ({@link #receiveAll}): until then the text is the
 * one shown, without them, and the commands that need the queue rebased ({@link #save}, {@link
 * #nextBatch}, {@link #receive}...) rebase it first. A local edit meanwhile is made on the text
 * shown and is rebased with the rest of the queue.
 *
 * <p><b>Threading.</b> Owner thread only (the Swing event thread in the editor, a single-thread
 * executor in headless mode): every method, and every listener call. Storage work goes to the
 * store's thread and comes back through the owner executor.
 */
public final class DocumentSession {
  /** Inserts longer than this (code points) are split into several edits by {@link #splice}. */
  public static final int MAX_INSERT = 16 * 1024;

  /**
   * The most remote revisions a catch-up takes into the log before the local queue is rebased past
   * them (and they are shown and saved), however many pages are still to come.
   */
  static final int MAX_UNREBASED = 50_000;

  /**
   * Told of local changes that the relay should hear of: the sync engine's side of a session.
   * Called on the owner thread, after the session's own state has changed.
   */
  interface ChangeListener {
    ChangeListener NONE =
        new ChangeListener() {
          @Override
          public void changed(DocumentSession session) {}

          @Override
          public void renamed(DocumentSession session) {}
        };

    /** A local edit or a caret move: something to send. */
    void changed(DocumentSession session);

    /** The title changed locally. */
    void renamed(DocumentSession session);
  }

  private final LocalStore store;
  private final Executor owner;
  private final ChangeListener changes;
  private final LongSupplier clock;

  /** Why a viewer's edit is refused, in words for the user. */
  public static final String READ_ONLY =
      "You can only read this document: its owner gave you the viewer role. Ask them for the"
          + " editor role to change it.";

  /** A local edit refused because the user may only read the document; nothing changed. */
  public static final class ReadOnlyException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    ReadOnlyException(String message) {
      super(message);
    }
  }

  private @Nullable Role role; // as the relay last said; null when not known

  /** The user's role on the document as the relay last said it, or null when not known. */
  public @Nullable Role role() {
    return role;
  }

  /** True when the user may only read the document (a viewer): local edits are refused. */
  public boolean readOnly() {
    return role == Role.VIEWER;
  }

  /** The relay said the user's role on the document; tells the listeners when it changed. */
  void setRole(Role role) {
    if (role != this.role) {
      this.role = role;
      for (DocumentListener l : listeners) {
        l.roleChanged(role);
      }
    }
  }

  /** Edits made further apart than this go in separate batches (see {@link #opsThatFit}). */
  static final long BATCH_TIME_SPAN_MILLIS = 5 * 60_000L;

  private final String id;
  private final LocalLog log;
  private final GapBuffer text;
  private final ArrayDeque<Long> madeAt;
  private final Presences presences = new Presences();
  private final List<DocumentListener> listeners = new CopyOnWriteArrayList<>();
  private ClientSync sync;
  private final BatchLimits limits;
  private int syncMax; // the batch limit the current ClientSync was made with
  private LocalDocument document;
  private SyncStatus status;
  private int ackedSinceSave;
  private boolean outboxRebased;
  private Selection localSelection;
  private boolean selectionDirty;
  private boolean leaving; // no longer shown: collaborators should stop seeing our caret
  private String storeError;
  private boolean deleted;
  private String deferredAuthor; // the author of the last revision waiting for the rebase
  private List<Note> savedNotes; // the unsent notes as last handed to the store
  private boolean inFlightCleared; // a batch was acknowledged since the last save

  private DocumentSession(
      LocalStore store,
      Executor owner,
      LongSupplier clock,
      LoadedDocument d,
      int maxBatch,
      ChangeListener changes) {
    this.store = store;
    this.owner = owner;
    this.changes = Objects.requireNonNull(changes, "changes == null");
    this.clock = clock;
    this.id = d.document().id();
    this.document = d.document();
    this.log = new LocalLog(d.tailFrom(), d.lengthBeforeTail(), d.tail(), d.headText(), d.notes());
    this.limits = new BatchLimits(maxBatch);
    this.syncMax = maxBatch;
    this.sync = ClientSync.restore(d.state(), log, maxBatch);
    this.text = new GapBuffer(d.headText());
    d.state().inFlightOperations().forEach(text::apply);
    d.state().queued().forEach(text::apply);
    this.madeAt = new ArrayDeque<>(d.pendingMadeAt());
    this.savedNotes = d.state().notes();
    this.status =
        d.document().syncError() != null
            ? new SyncStatus(
                SyncStatus.State.ERROR, 0, 0, sync.unacknowledgedCount(), d.document().syncError())
            : SyncStatus.of(SyncStatus.State.OFFLINE, sync.unacknowledgedCount());
  }

  /**
   * Loads document {@code id} from {@code store}; completes on the owner thread.
   *
   * @param maxBatch the most operations per batch sent (the relay's limit)
   */
  public static CompletableFuture<DocumentSession> open(
      LocalStore store, String id, Executor owner, int maxBatch) {
    return open(store, id, owner, maxBatch, System::currentTimeMillis, ChangeListener.NONE);
  }

  /** As {@link #open(LocalStore, String, Executor, int)}, telling {@code changes} what to send. */
  static CompletableFuture<DocumentSession> open(
      LocalStore store,
      String id,
      Executor owner,
      int maxBatch,
      LongSupplier clock,
      ChangeListener changes) {
    return store
        .load(id)
        .thenCombine(store.relayRole(id), java.util.Map::entry)
        .thenApplyAsync(
            d -> {
              DocumentSession s =
                  new DocumentSession(store, owner, clock, d.getKey(), maxBatch, changes);
              s.role = d.getValue().orElse(null);
              return s;
            },
            owner);
  }

  public String id() {
    return id;
  }

  /** The document as last read from or written to the store. */
  public LocalDocument document() {
    return document;
  }

  /**
   * The local text: every revision received plus every local edit (the revisions of a catch-up
   * still under way once it has rebased the queue past them: see {@link #receiveAll}).
   */
  public String text() {
    return text.toString();
  }

  /** Length of the local text in code points. */
  public int length() {
    return sync.localLength();
  }

  /** The last revision in the local log. */
  public long revision() {
    return sync.revision();
  }

  /** Local edits the relay has not acknowledged. */
  public int unacknowledged() {
    return sync.unacknowledgedCount();
  }

  public SyncStatus status() {
    return status;
  }

  public void addListener(DocumentListener l) {
    listeners.add(Objects.requireNonNull(l, "listener == null"));
  }

  public void removeListener(DocumentListener l) {
    listeners.remove(l);
  }

  /**
   * A local edit, made by the user on the local text. Applied at once; durable within one group
   * commit; sent when connected.
   *
   * @throws dev.quire.ot.operation.OperationMismatchException when it does not fit the local text
   * @throws IllegalStateException when the store has failed and edits can no longer be saved, or
   *     the document was deleted
   */
  public void edit(TextOperation op) {
    requireNotDeleted();
    if (readOnly()) {
      throw new ReadOnlyException(READ_ONLY);
    }
    if (storeError != null) {
      throw new IllegalStateException("edits cannot be saved: " + storeError);
    }
    if (op.isNoop()) {
      sync.localEdit(op); // still checks the length
      return;
    }
    if (!sync.rebasePending()) {
      // The store appends the edit to its outbox: first bring its log and outbox to where this
      // edit was made (during a catch-up they may lag behind; see DocumentLink). While a rebase
      // is pending they are where the deferred revisions began, which is where this edit is made.
      save();
    }
    sync.localEdit(op); // checks the length before anything changes
    text.apply(op);
    long now = clock.getAsLong();
    madeAt.addLast(now);
    presences.localEdit(op);
    if (localSelection != null) {
      localSelection = localSelection.transform(op, true);
    }
    store.localEdits(id, List.of(op), List.of(now)).whenCompleteAsync(this::saved, owner);
    saveNotes(); // anchors of unsent comments moved with the edit
    if (status.state() == SyncStatus.State.SYNCED) {
      setStatus(SyncStatus.of(SyncStatus.State.SENDING, unacknowledged()));
    } else {
      setStatus(status); // the unacknowledged count changed
    }
    for (DocumentListener l : listeners) {
      l.localEdit(op);
    }
    changes.changed(this);
  }

  // ---- comments and named versions ----

  /**
   * Adds a comment, reply, resolve, edit, delete or version name: shown at once, saved with the
   * outbox, sent with the next batch. A comment's anchor is in the local text.
   *
   * @throws IllegalArgumentException when a comment's anchor lies beyond the local text
   */
  public void addNote(Note note) {
    requireNotDeleted();
    if (readOnly()) {
      throw new ReadOnlyException(READ_ONLY);
    }
    rebase();
    sync.addNote(note);
    saveNotes();
    fireNotes();
    changes.changed(this);
  }

  /**
   * Drops every local edit and note the relay has not acknowledged, bringing the text back to the
   * head revision's (the relay's text as this copy last received it): for a viewer's copy holding
   * edits the relay refuses ({@link SyncStatus.State#REFUSED}). Saved at once; the relay is told
   * nothing, as it never took them. Batch numbers already used are never given again. Returns how
   * many edits were dropped.
   *
   * @throws IllegalStateException when a batch of them is in flight and the user may edit: the
   *     relay may have taken it, so it is not this copy's to drop
   */
  public int discardUnsent() {
    requireNotDeleted();
    rebase();
    ClientState st = sync.state();
    if (st.inFlight() != null && !readOnly()) {
      throw new IllegalStateException(
          "some of the unsent edits of "
              + id
              + " were sent and the relay may have taken them: sync first, then discard what is"
              + " left");
    }
    int dropped = sync.unacknowledgedCount();
    boolean hadNotes = notesUnacknowledged();
    List<TextOperation> pending = new ArrayList<>(st.inFlightOperations());
    pending.addAll(st.queued());
    TextOperation undo = null;
    if (!pending.isEmpty()) {
      TextOperation all = pending.get(0);
      for (TextOperation op : pending.subList(1, pending.size())) {
        all = all.compose(op);
      }
      undo = all.invert(log.headText());
    }
    sync =
        ClientSync.restore(
            new ClientState(
                st.clientId(), st.revision(), st.nextBatchSeq(), null, List.of(), List.of()),
            log,
            syncMax);
    madeAt.clear();
    outboxRebased = true; // saved as an empty outbox that keeps the next batch number
    save();
    if (undo != null && !undo.isNoop()) {
      text.apply(undo);
      presences.localEdit(undo);
      if (localSelection != null) {
        localSelection = localSelection.transform(undo, true);
      }
      for (DocumentListener l : listeners) {
        l.remoteEdit(undo); // not the user's edit: it enters no undo history and is not sent
      }
      firePresence();
    }
    if (hadNotes) {
      fireNotes();
    }
    setStatus(status); // the unacknowledged count changed
    changes.changed(this);
    return dropped;
  }

  /** True while notes wait to be sent or acknowledged. */
  public boolean notesUnacknowledged() {
    return !sync.pendingNotes().isEmpty()
        || sync.inFlight().map(b -> !b.notes().isEmpty()).orElse(false);
  }

  /** The named versions every replica agrees on, in the order they were named. */
  public List<NamedVersion> versions() {
    return log.notes().versions();
  }

  /**
   * The named versions as they stand here: those every replica agrees on, less those whose removal
   * waits to be sent or acknowledged.
   */
  public List<NamedVersion> versionsShown() {
    List<Note.RemoveVersion> removed = unsentRemovals();
    return versions().stream()
        .filter(
            v ->
                removed.stream()
                    .noneMatch(r -> r.name().equals(v.name()) && r.revision() == v.revision()))
        .toList();
  }

  /** Version names not yet acknowledged by the relay. */
  public List<Note.Version> unsentVersions() {
    List<Note.Version> out = new ArrayList<>();
    sync.inFlight().ifPresent(b -> b.notes().forEach(n -> addVersion(out, n)));
    sync.pendingNotes().forEach(n -> addVersion(out, n));
    return out;
  }

  private static void addVersion(List<Note.Version> out, Note n) {
    if (n instanceof Note.Version v) {
      out.add(v);
    }
  }

  /** Removals of version names not yet acknowledged by the relay. */
  public List<Note.RemoveVersion> unsentRemovals() {
    List<Note.RemoveVersion> out = new ArrayList<>();
    sync.inFlight().ifPresent(b -> b.notes().forEach(n -> addRemoval(out, n)));
    sync.pendingNotes().forEach(n -> addRemoval(out, n));
    return out;
  }

  private static void addRemoval(List<Note.RemoveVersion> out, Note n) {
    if (n instanceof Note.RemoveVersion r) {
      out.add(r);
    }
  }

  /**
   * The comments as they stand in the local text: those every replica agrees on, then this user's
   * not yet acknowledged ({@link ShownComment#sent()} false), each anchor moved into the local
   * text.
   */
  public List<ShownComment> comments() {
    rebase();
    var st = sync.state();
    List<TextOperation> pending = new ArrayList<>(st.inFlightOperations());
    pending.addAll(st.queued());
    List<ShownComment> out = new ArrayList<>();
    for (CommentThread t : log.notes().comments()) {
      out.add(ShownComment.of(t, moved(t.anchor(), pending)));
    }
    Batch inFlight = st.inFlight();
    if (inFlight != null && inFlight.notes().stream().anyMatch(n -> n instanceof Note.Comment)) {
      List<TextOperation> concurrent = new ArrayList<>();
      for (long r = inFlight.baseRevision() + 1; r <= log.head(); r++) {
        concurrent.add(log.operation(r));
      }
      List<TextOperation> after =
          new ArrayList<>(DocumentNotes.concurrentAfter(inFlight.operations(), concurrent));
      after.addAll(st.queued());
      unsent(inFlight.notes(), after, out);
    }
    unsent(sync.pendingNotes(), List.of(), out);
    return out;
  }

  private static void unsent(List<Note> notes, List<TextOperation> after, List<ShownComment> out) {
    for (Note n : notes) {
      if (n instanceof Note.Comment c) {
        out.add(ShownComment.unsent(c, moved(new Anchor(c.from(), c.to()), after)));
      }
    }
  }

  private static Anchor moved(Anchor a, List<TextOperation> ops) {
    for (TextOperation op : ops) {
      a = a.transform(op);
    }
    return a;
  }

  private void saveNotes() {
    List<Note> now = sync.pendingNotes();
    if (!now.equals(savedNotes)) {
      savedNotes = now;
      store.pendingNotes(id, now).whenCompleteAsync(this::saved, owner);
    }
  }

  private void fireNotes() {
    for (DocumentListener l : listeners) {
      l.notesChanged();
    }
  }

  /** True once the document was deleted ({@link SyncEngine#delete}): it can no longer change. */
  public boolean isDeleted() {
    return deleted;
  }

  void markDeleted() {
    deleted = true;
  }

  private void requireNotDeleted() {
    if (deleted) {
      throw new IllegalStateException("document " + id + " was deleted");
    }
  }

  /** Deletes {@code deleteCount} code points at {@code position} and inserts {@code insert}. */
  public void splice(int position, int deleteCount, String insert) {
    if (insert.codePointCount(0, insert.length()) <= MAX_INSERT) {
      edit(TextOperation.splice(length(), position, deleteCount, insert));
      return;
    }
    edit(TextOperation.splice(length(), position, deleteCount, ""));
    int at = position;
    int i = 0;
    while (i < insert.length()) {
      int end = chunkEnd(insert, i);
      edit(TextOperation.splice(length(), at, 0, insert.substring(i, end)));
      at += insert.codePointCount(i, end);
      i = end;
    }
  }

  /**
   * A text as the edits that create it from an empty document: inserts of at most {@link
   * #MAX_INSERT} code points each (for imports and new documents).
   */
  public static List<TextOperation> insertsOf(String text) {
    List<TextOperation> ops = new ArrayList<>();
    int length = 0;
    int i = 0;
    while (i < text.length()) {
      int end = chunkEnd(text, i);
      ops.add(TextOperation.splice(length, length, 0, text.substring(i, end)));
      length += text.codePointCount(i, end);
      i = end;
    }
    return ops;
  }

  /**
   * Where the chunk of {@code text} from char {@code from} ends: {@link #MAX_INSERT} code points
   * later, or at the end. Counts only the chunk: counting the rest of the text each time made
   * importing or pasting tens of megabytes take minutes.
   */
  private static int chunkEnd(String text, int from) {
    int end = from;
    for (int n = 0; n < MAX_INSERT && end < text.length(); n++) {
      boolean pair =
          Character.isHighSurrogate(text.charAt(end))
              && end + 1 < text.length()
              && Character.isLowSurrogate(text.charAt(end + 1));
      end += pair ? 2 : 1;
    }
    return end;
  }

  /**
   * Gives the document a new title: saved at once, sent to the relay now when live, otherwise at
   * the next connection.
   *
   * @throws IllegalArgumentException when the title is empty or too long
   */
  public void rename(String title) {
    requireNotDeleted();
    dev.quire.ot.protocol.Ids.requireTitle(title);
    LocalDocument d = document;
    document =
        new LocalDocument(
            d.id(),
            title,
            d.createdMillis(),
            d.head(),
            d.pending(),
            d.onRelay(),
            false,
            d.relayHead(),
            d.lastSyncedMillis(),
            d.syncError(),
            d.relayRole());
    store.rename(id, title).whenCompleteAsync(this::saved, owner);
    changes.renamed(this);
  }

  /** The text at any revision of the log, from the store. */
  public CompletableFuture<String> textAt(long revision) {
    return store.textAt(id, revision);
  }

  // ---- presence ----

  /** The local caret or selection, in code points of the local text; sent when connected. */
  public void setSelection(Selection selection) {
    localSelection = Objects.requireNonNull(selection, "selection == null");
    selectionDirty = true;
    leaving = false;
    changes.changed(this);
  }

  /**
   * The document is no longer in front of the user (another one is shown): collaborators stop
   * seeing this user's caret in it, until the next {@link #setSelection}. It keeps syncing.
   */
  public void stopShowing() {
    if (localSelection != null) {
      localSelection = null;
      selectionDirty = false;
      leaving = true;
      changes.changed(this);
    }
  }

  /** Collaborators' carets and selections by session, in the current local text. */
  public Map<String, RemotePresence> presences() {
    return presences.current();
  }

  // ---- for the sync engine ----

  /** The sync state machine; while a rebase is pending, only what does not need it rebased. */
  ClientSync sync() {
    return sync;
  }

  LocalLog log() {
    return log;
  }

  private void restoreSync(int max) {
    rebase();
    sync = ClientSync.restore(sync.state(), log, max);
    syncMax = max;
  }

  /** Takes a sequenced batch from the relay; may throw if it does not fit (nothing changed). */
  Delivery receive(SequencedBatch sequenced) {
    rebase();
    int before = sync.unacknowledgedCount();
    boolean hadInFlight = sync.inFlight().isPresent();
    Delivery d = sync.receive(sequenced);
    inFlightCleared |= hadInFlight && sync.inFlight().isEmpty();
    taken(d, before, sequenced.author());
    if (!sequenced.batch().notes().isEmpty()) {
      fireNotes();
    }
    return d;
  }

  /**
   * Takes sequenced batches in order, as {@link #receive} would one by one; returns the index of
   * the first one that follows a gap (nothing from it on was taken), or -1. Throws, after keeping
   * everything before it, at the first one that does not apply.
   *
   * <p>With many unsent local edits and nothing in flight (the usual state after working offline),
   * taking them one by one would transform every remote operation past every local one, O(remote x
   * local); instead {@link ClientSync#receiveDeferred} takes them into the log and {@link
   * ClientSync#rebase} transforms the queue past all of them in one step.
   *
   * <p>When {@code moreToCome} (a catch-up page that is not the last), the rebase waits for the
   * next pages, so that the queue is rebased once per catch-up rather than once per page: until
   * then the remote operations are in the log but neither shown nor saved ({@link #rebasePending}).
   * At most {@link #MAX_UNREBASED} revisions wait.
   */
  int receiveAll(List<SequencedBatch> batches, boolean moreToCome) {
    if (!bulkWorthIt(batches)) {
      for (int i = 0; i < batches.size(); i++) {
        if (receive(batches.get(i)).status() == Delivery.Status.GAP) {
          return i;
        }
      }
      return -1;
    }
    if (!sync.rebasePending()) {
      save(); // edits made while the rebase waits go to the outbox as it is now
    }
    boolean waitForMore = false;
    try {
      int gapAt = sync.receiveDeferred(batches);
      int taken = gapAt < 0 ? batches.size() : gapAt;
      if (taken > 0) {
        deferredAuthor = batches.get(taken - 1).author();
      }
      waitForMore = moreToCome && gapAt < 0;
      return gapAt;
    } finally {
      if (!waitForMore || sync.deferredCount() >= MAX_UNREBASED) {
        rebase();
      }
    }
  }

  /** True when remote revisions are in the log but the local queue is not rebased past them. */
  boolean rebasePending() {
    return sync.rebasePending();
  }

  /** Rebases the local queue past the remote revisions taken since the last rebase, if any. */
  void rebase() {
    if (sync.rebasePending()) {
      taken(sync.rebase(), unacknowledged(), deferredAuthor);
      deferredAuthor = null;
    }
  }

  private boolean bulkWorthIt(List<SequencedBatch> batches) {
    if (batches.isEmpty() || sync.inFlight().isPresent() || sync.unacknowledgedCount() < 32) {
      return false;
    }
    for (SequencedBatch sb : batches) {
      if (sb.batch().clientId().equals(sync.clientId())) {
        return false;
      }
    }
    return true;
  }

  /** The relay acknowledged the in-flight batch. */
  Delivery acknowledge(long batchSeq, long firstRevision, String author, long timestamp) {
    rebase();
    int before = sync.unacknowledgedCount();
    // An ack carries no madeAt: the batch was sent with its first edit's time.
    Long first = madeAt.peekFirst();
    boolean hadNotes = sync.inFlight().map(b -> !b.notes().isEmpty()).orElse(false);
    Delivery d =
        sync.acknowledge(
            batchSeq, firstRevision, author, timestamp, first != null ? first : timestamp);
    inFlightCleared |= sync.inFlight().isEmpty();
    taken(d, before, author);
    if (hadNotes && sync.inFlight().isEmpty()) {
      fireNotes();
    }
    return d;
  }

  private void taken(Delivery d, int before, String author) {
    int acked = before - sync.unacknowledgedCount();
    for (int i = 0; i < acked; i++) {
      madeAt.removeFirst();
    }
    ackedSinceSave += acked;
    for (TextOperation op : d.toApply()) {
      text.apply(op);
      if (sync.unacknowledgedCount() > 0) {
        outboxRebased = true;
      }
      presences.remoteEdit(op, author);
      if (localSelection != null) {
        localSelection = localSelection.transform(op, false);
      }
      for (DocumentListener l : listeners) {
        l.remoteEdit(op);
      }
    }
    if (!d.toApply().isEmpty()) {
      presences.caughtUp(this);
      firePresence();
    }
  }

  /** Writes what was received since the last call, with the outbox change, in one commit. */
  void save() {
    rebase(); // the outbox is saved with the log it is based on
    saveNotes(); // anchors of unsent comments moved with what was received
    if (deleted || !log.hasUnsaved() && ackedSinceSave == 0 && !outboxRebased && !inFlightCleared) {
      return;
    }
    OutboxChange change;
    if (outboxRebased) {
      var st = sync.state();
      List<TextOperation> ops = new ArrayList<>();
      if (st.inFlight() == null || !st.inFlight().carriesOnlyNotes()) {
        ops.addAll(st.inFlightOperations()); // a batch of notes alone is not in the outbox
      }
      ops.addAll(st.queued());
      change =
          new OutboxChange.Replaced(ops, List.copyOf(madeAt), st.inFlight(), st.nextBatchSeq());
    } else if (ackedSinceSave > 0 || inFlightCleared) {
      change = new OutboxChange.Acknowledged(ackedSinceSave);
    } else {
      change = new OutboxChange.Unchanged();
    }
    ackedSinceSave = 0;
    outboxRebased = false;
    inFlightCleared = false;
    store
        .received(id, log.drainRevisions(), log.drainCheckpoints(), change)
        .whenCompleteAsync(this::saved, owner);
  }

  /**
   * Tells the relay's limits: operations per batch and bytes per message. They shape the batches
   * formed from now on; one in flight is sent again unchanged.
   */
  void setLimits(int maxBatch, int maxMessageBytes) {
    limits.relay(maxBatch, maxMessageBytes);
  }

  /**
   * The relay refused the batch in flight as too large: a {@code MESSAGE_TOO_LARGE} or {@code
   * BATCH_TOO_LARGE} error, or a close with 1009. It stored none of it, so its operations go back
   * to the head of the queue and the batch number is given again to the next batch, which is at
   * most half as large ({@link BatchLimits#refused}), its operations cut where one alone is too
   * large. The outbox is saved so. False, changing nothing, when the batch cannot be sent smaller.
   */
  boolean refusedAsTooLarge(boolean tooManyOperations) {
    rebase();
    Optional<Batch> inFlight = sync.inFlight();
    if (inFlight.isEmpty()) {
      return true; // nothing to withdraw
    }
    ClientState st = sync.state();
    if (!limits.refused(st.inFlightOperations(), tooManyOperations)) {
      return false;
    }
    List<TextOperation> queue = new ArrayList<>(st.inFlightOperations());
    queue.addAll(st.queued());
    sync =
        ClientSync.restore(
            new ClientState(
                st.clientId(), st.revision(), inFlight.get().batchSeq(), null, List.of(), queue),
            log,
            syncMax);
    outboxRebased = true;
    save();
    return true;
  }

  /**
   * The next batch to send: the in-flight one again, or a new one (durable before it is sent) of as
   * many queued operations as fit both the relay's operation and byte limits; an operation too
   * large for a message alone is first cut into parts that fit (saved with the outbox).
   *
   * @throws IllegalStateException when the next operation cannot be cut to fit the byte limit
   */
  Optional<Batch> nextBatch() {
    rebase();
    if (sync.inFlight().isEmpty() && sync.unacknowledgedCount() > 0) {
      int fit = opsThatFit();
      if (fit == 0) {
        cutFirstToFit();
        fit = opsThatFit();
      }
      if (fit == 0) {
        throw new IllegalStateException(
            "the next edit cannot be cut to fit the relay's message limit of "
                + limits.operationBytes()
                + " bytes of operations");
      }
      if (Math.min(syncMax, sync.unacknowledgedCount()) != fit) {
        // Nothing is in flight: a ClientSync restored with another limit is otherwise the same.
        restoreSync(fit);
      }
    }
    return sync.nextBatch(notesThatFit());
  }

  /**
   * How many of the waiting notes fit in a message beside the queued operations that go with them;
   * none leaves them for a batch of their own, which takes at least one (a single note is far below
   * any message limit a relay sets).
   */
  private int notesThatFit() {
    List<Note> waiting = sync.pendingNotes();
    if (waiting.isEmpty() || sync.inFlight().isPresent()) {
      return NoteCodec.MAX_NOTES;
    }
    long budget = limits.operationBytes(); // what the message holds besides its envelope
    List<TextOperation> queued = sync.state().queued();
    for (int i = 0; i < Math.min(limits.operations(), queued.size()); i++) {
      budget -= BatchLimits.wireBytes(queued.get(i));
    }
    int n = 0;
    for (Note note : waiting) {
      budget -= BatchLimits.utf8Bytes(NoteCodec.toJson(List.of(note)));
      if (budget < 0 || n == NoteCodec.MAX_NOTES) {
        break;
      }
      n++;
    }
    return n;
  }

  /**
   * How many queued operations, up to the batch limit, fit in one message and were made within
   * {@link #BATCH_TIME_SPAN_MILLIS} of the first: a batch carries one time, its first edit's, so
   * that edits made offline over hours keep their times in the history.
   */
  private int opsThatFit() {
    List<TextOperation> queued = sync.state().queued();
    int maxBatch = limits.operations();
    long budget = limits.operationBytes();
    long used = 0;
    int n = 0;
    java.util.Iterator<Long> times = madeAt.iterator(); // nothing in flight: the queue's times
    long first = madeAt.isEmpty() ? 0 : madeAt.peekFirst();
    for (TextOperation op : queued) {
      if (n == maxBatch) {
        break;
      }
      if (times.hasNext() && times.next() - first > BATCH_TIME_SPAN_MILLIS && n > 0) {
        break;
      }
      used += BatchLimits.wireBytes(op);
      if (used > budget) {
        break;
      }
      n++;
    }
    return n;
  }

  /**
   * Replaces the first queued operation, too large for a message alone, by parts that fit, each
   * with the time the operation was made. Nothing is in flight.
   */
  private void cutFirstToFit() {
    ClientState st = sync.state();
    List<TextOperation> parts = limits.fit(st.queued().get(0));
    if (parts.size() == 1) {
      return;
    }
    List<TextOperation> queue = new ArrayList<>(parts);
    queue.addAll(st.queued().subList(1, st.queued().size()));
    List<Long> times = new ArrayList<>(madeAt);
    Long first = times.remove(0);
    for (int i = 0; i < parts.size(); i++) {
      times.add(0, first);
    }
    madeAt.clear();
    madeAt.addAll(times);
    sync =
        ClientSync.restore(
            new ClientState(
                st.clientId(), st.revision(), st.nextBatchSeq(), null, List.of(), queue),
            log,
            syncMax);
    outboxRebased = true;
  }

  /**
   * The in-flight batch {@code b} as sent: with the time its first edit was made, which the outbox
   * keeps with that edit, so that the batch sent again after a restart carries the same time.
   */
  WireBatch wire(Batch b) {
    Long first = madeAt.peekFirst();
    return WireBatch.of(b, first != null ? first : clock.getAsLong());
  }

  CompletableFuture<Void> batchFormed(Batch b) {
    save(); // the stored outbox starts with the batch's operations: it is kept only once (V11)
    CompletableFuture<Void> sent = store.batchSent(id, b, sync.state().nextBatchSeq());
    saveNotes(); // the notes it took are no longer waiting
    return sent;
  }

  /** The local selection to announce, in head-revision coordinates, if it changed. */
  Optional<Selection> takeSelection() {
    if (!selectionDirty || localSelection == null) {
      return Optional.empty();
    }
    rebase();
    selectionDirty = false;
    return Optional.of(presences.toHead(localSelection, sync, log));
  }

  /** True once after {@link #stopShowing}: the relay should drop this connection's caret. */
  boolean takeLeaving() {
    boolean was = leaving;
    leaving = false;
    return was;
  }

  void markSelectionDirty() {
    selectionDirty = localSelection != null;
  }

  Presences presenceState() {
    return presences;
  }

  /**
   * A collaborator's caret from the relay, placed in the local text; true when shown ones moved.
   */
  boolean receivePresence(dev.quire.ot.protocol.ServerMessage.PresenceOf p) {
    rebase(); // carets are placed past the unacknowledged edits, as they are after the rebase
    return presences.received(p, sync, log);
  }

  void firePresence() {
    Map<String, RemotePresence> now = presences.current();
    for (DocumentListener l : listeners) {
      l.presenceChanged(now);
    }
  }

  void setDocument(LocalDocument d) {
    this.document = d;
  }

  void setStatus(SyncStatus s) {
    SyncStatus next =
        new SyncStatus(s.state(), s.caughtUp(), s.toCatchUp(), unacknowledged(), s.error());
    boolean changed = !next.equals(status);
    status = next;
    if (changed) {
      for (DocumentListener l : listeners) {
        l.statusChanged(next);
      }
    }
  }

  void problem(String message) {
    for (DocumentListener l : listeners) {
      l.problem(message);
    }
  }

  private void saved(Void v, Throwable failure) {
    if (failure != null && storeError == null) {
      Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
      storeError = String.valueOf(cause.getMessage());
      setStatus(
          new SyncStatus(SyncStatus.State.ERROR, 0, 0, 0, "the local store failed: " + storeError));
      problem("Edits can no longer be saved locally: " + storeError);
    }
  }

  /** Why the store refused to save, or null. */
  String storeError() {
    return storeError;
  }
}
