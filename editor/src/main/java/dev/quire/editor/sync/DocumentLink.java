package dev.quire.editor.sync;

import dev.quire.editor.crypto.TitleSeal;
import dev.quire.editor.store.LocalDocument;
import dev.quire.ot.history.Ed25519;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.Member;
import dev.quire.ot.protocol.RelaySignature;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.SealedTitle;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.ot.sync.Batch;
import dev.quire.ot.sync.Delivery;
import dev.quire.ot.sync.SequencedBatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One document's conversation with the relay over the current connection: create it there if it was
 * made offline, push a title changed offline, catch up page by page from the last known revision,
 * then live: receive others' batches, send the outbox one batch at a time (each durable before it
 * is sent), and presence. Owner thread only.
 */
final class DocumentLink {
  private static final int MAX_SUBMIT_RETRIES = 8;
  private static final int MAX_GAPS_IN_A_ROW = 3;
  // How often a live encrypted document looks for members' devices that lack its key, and a
  // device that lacks a key asks again.
  static final long KEY_CHECK_MILLIS = 3_000;

  enum Phase {
    IDLE,
    CREATING,
    CATCHING_UP,
    UPLOADING,
    LIVE,
    FAILED,
    DELETED
  }

  private final SyncEngine engine;
  private final DocumentSession session;
  private Phase phase = Phase.IDLE;
  private RelayConnection conn;
  private long catchUpFrom;
  private long durableSeq;
  private boolean awaitingDurable;
  private int submitRetries;
  private int gapsInARow;
  private boolean stoppedAsGone; // failed because the relay no longer gives the document
  private boolean fetchingLog;
  private boolean signaturesPending; // asked the relay for its signatures, no answer yet
  private long signaturesAsked; // the head when they were last asked for
  private long signaturesFrom; // the revision they were last asked after
  private int signatureInterval = Integer.MAX_VALUE; // the relay's, once it answered
  private final ArrayDeque<Incoming> backlog = new ArrayDeque<>();
  private UploadPages uploading; // the history being uploaded, while UPLOADING
  private List<Member> uploadMembers = List.of();
  private boolean waitingForOwner; // the relay lacks the document; its owner may upload it
  private boolean refillPending; // stopped until the user confirms refilling the relay
  private final DocumentCrypto crypto; // keys and ciphertext, for an encrypted document
  private WireBatch lastSealed; // the encrypted batch last sent, kept in the chain once acked
  private boolean keysFresh; // devices and keys read from the relay on this connection
  private boolean relayTitleKnown; // relaySealedTitle is what the relay holds (protocol 8)
  private SealedTitle relaySealedTitle; // the relay's sealed title, null when it holds plain text
  private boolean titleUnread; // relaySealedTitle did not open here: tried again with new keys
  private boolean fetchingKeys; // reading them: messages wait in the backlog meanwhile
  private final List<Runnable> afterKeys = new ArrayList<>(); // what waits for that reading
  private boolean keysRetried; // read again for a batch that lacked a key: not again for it
  private RelayConnection keyChecksOn; // the connection the periodic key check runs on

  /** A message from the relay, with the request of ours it answers (null when unasked). */
  private record Incoming(ClientMessage request, ServerMessage message) {}

  DocumentLink(SyncEngine engine, DocumentSession session) {
    this.engine = engine;
    this.session = session;
    var st = session.sync().state();
    this.durableSeq = st.inFlight() != null ? st.inFlight().batchSeq() : st.nextBatchSeq() - 1;
    this.crypto = new DocumentCrypto(engine, session);
  }

  DocumentSession session() {
    return session;
  }

  Phase phase() {
    return phase;
  }

  String id() {
    return session.id();
  }

  // ---- connection events ----

  /**
   * The document was deleted from the profile: nothing more is sent or stored for it. The engine
   * sends the relay's delete itself.
   */
  void deleted() {
    phase = Phase.DELETED;
    conn = null;
    backlog.clear();
    session.markDeleted();
  }

  /** The connection said welcome: start with this document. */
  void connected(RelayConnection c) {
    if (phase == Phase.FAILED || phase == Phase.DELETED) {
      return;
    }
    conn = c;
    gapsInARow = 0;
    waitingForOwner = false;
    keysFresh = false;
    fetchingKeys = false;
    afterKeys.clear();
    if (!session.document().onRelay() && session.revision() > 0) {
      startUpload(); // an imported history: the relay gets it whole, authors and times kept
      return;
    }
    if (!session.document().onRelay()) {
      phase = Phase.CREATING;
      session.setStatus(SyncStatus.of(SyncStatus.State.CATCHING_UP, 0));
      send(createMessage());
      return;
    }
    if (!session.document().titleSynced() && !crypto.encrypted()) {
      sendTitle(); // an encrypted document's goes once its keys are read (startCatchUp)
    }
    startCatchUp();
  }

  void disconnected(SyncStatus.State shown) {
    conn = null;
    fetchingKeys = false;
    signaturesPending = false;
    backlog.clear();
    uploading = null;
    if (session.rebasePending()) {
      session.save(); // the catch-up stops here: keep what it brought
    }
    session.sync().connectionLost();
    session.presenceState().clear();
    session.firePresence();
    if (phase != Phase.FAILED && phase != Phase.DELETED) {
      phase = Phase.IDLE;
      session.setStatus(SyncStatus.of(shown, 0));
    }
  }

  /** A message about this document that answers no request of ours, in the order sent. */
  void message(ServerMessage m) {
    receive(new Incoming(null, m));
  }

  /** The relay's answer to {@code request}, one of this link's, matched by its id. */
  private void answer(ClientMessage request, ServerMessage m) {
    receive(new Incoming(request, m));
  }

  private void receive(Incoming in) {
    if (phase == Phase.FAILED || phase == Phase.DELETED || conn == null) {
      return;
    }
    if (fetchingLog || fetchingKeys) {
      backlog.add(in);
      return;
    }
    if (in.message() instanceof ServerMessage.History
        || in.message() instanceof ServerMessage.Sequenced) {
      in = plaintext(in);
      if (in == null) {
        return; // stopped, or waits for keys
      }
    }
    ServerMessage m = in.message();
    if (m instanceof ServerMessage.History h) {
      history(h, in);
    } else if (m instanceof ServerMessage.Sequenced s) {
      sequenced(s, in);
    } else if (m instanceof ServerMessage.Ack a) {
      ack(a);
    } else if (m instanceof ServerMessage.Signatures sg) {
      signatures(sg);
    } else if (m instanceof ServerMessage.Error
        && in.request() instanceof ClientMessage.Signatures) {
      signaturesPending = false; // the history file goes without them: nothing else depends on it
    } else if (m instanceof ServerMessage.Created c) {
      created(c);
    } else if (m instanceof ServerMessage.Uploaded u) {
      uploaded(u);
    } else if (m instanceof ServerMessage.Renamed r) {
      renamed(r);
    } else if (m instanceof ServerMessage.PresenceOf p) {
      // The relay keeps no presence: someone new has never seen our caret, so announce it again.
      boolean newcomer = !session.presenceState().knows(p.session());
      if (session.receivePresence(p)) {
        session.firePresence();
      }
      if (newcomer) {
        session.markSelectionDirty();
        pump();
      }
    } else if (m instanceof ServerMessage.Leave l) {
      session.presenceState().leave(l.session());
      session.firePresence();
    } else if (m instanceof ServerMessage.Error e) {
      error(in.request(), e);
    } else if (m instanceof ServerMessage.Deleted) {
      gone(
          "the document was deleted on the relay by its owner (it is in the owner's trash); this"
              + " copy is kept, with its "
              + session.unacknowledged()
              + " unsent edit(s), and syncs again if the owner restores it: export it, or delete"
              + " it here too");
    } else if (m instanceof ServerMessage.Unsubscribed
        && in.request() instanceof ClientMessage.Unsubscribe) {
      // our own, on the way to opening again (resubscribe): nothing stops
    } else if (m instanceof ServerMessage.Unsubscribed || m instanceof ServerMessage.Unavailable) {
      gone(
          "the relay stopped sending this document (deleted, or access removed); the local copy"
              + " is kept, and syncs again if the document comes back");
    }
  }

  // ---- creating and catching up ----

  private void created(ServerMessage.Created c) {
    if (phase != Phase.CREATING) {
      return;
    }
    engine.documentOnRelay(session, true);
    engine.roleOnRelay(session, c.document().role()); // the creator's: owner, for a refill
    relayTitleKnown = true;
    relaySealedTitle = c.document().sealedTitle();
    startCatchUp();
  }

  private void renamed(ServerMessage.Renamed r) {
    relayTitle(r.title(), r.sealedTitle());
  }

  /**
   * The title the relay holds (from {@code renamed}, or a listing): taken as this copy's when it
   * changed elsewhere, or marks this copy's as synced when it is the same. A sealed title this
   * profile cannot open leaves the local title as it is (a document new here shows the
   * placeholder), and is tried again when keys arrive. On the owner's client, a title held in plain
   * text or sealed under an older epoch is sealed under the newest key.
   */
  void relayTitle(String title, SealedTitle sealed) {
    relayTitleKnown = true;
    relaySealedTitle = sealed;
    Optional<String> shown =
        sealed == null ? Optional.of(title) : TitleSeal.open(engine.keyring(), id(), sealed);
    titleUnread = shown.isEmpty();
    LocalDocument local = session.document();
    if (shown.isPresent() && shown.get().equals(local.title())) {
      if (!local.titleSynced()) {
        engine.titleSynced(session);
      }
    } else if (shown.isPresent() && local.titleSynced()) {
      engine.titleFromRelay(session, shown.get()); // someone else renamed it
    }
    sealTitleIfStale();
  }

  /**
   * Keys were read or rotated: a title that did not open may now, and the owner's client seals a
   * title held in plain text or under an older epoch.
   */
  private void keysChanged() {
    if (titleUnread && relaySealedTitle != null) {
      relayTitle(SealedTitle.PLACEHOLDER, relaySealedTitle);
    } else {
      sealTitleIfStale();
    }
  }

  private void sealTitleIfStale() {
    if (conn == null
        || !relayTitleKnown
        || !crypto.encrypted()
        || session.role() != Role.OWNER
        || !session.document().titleSynced()
        || titleUnread
        || !TitleSeal.stale(engine.keyring(), id(), relaySealedTitle)) {
      return;
    }
    relayTitleKnown = false; // until the relay answers: sealed once
    sendTitle();
  }

  /** The title changed locally (told by the session, see {@link SyncEngine#open}). */
  void renamedLocally() {
    if (conn != null && phase == Phase.LIVE) {
      sendTitle();
    }
    updateLiveStatus();
  }

  /** The create request: an encrypted document's title sealed, never in plain text. */
  private ClientMessage.Create createMessage() {
    String title = session.document().title();
    if (!crypto.encrypted()) {
      return new ClientMessage.Create(id(), title, false);
    }
    return new ClientMessage.Create(
        id(),
        SealedTitle.PLACEHOLDER,
        true,
        TitleSeal.seal(engine.keyring(), id(), title).orElse(null));
  }

  /**
   * Sends this copy's title: an encrypted document's sealed under the newest key held, or not at
   * all while this profile holds none (it goes once the keys are read).
   */
  private void sendTitle() {
    String title = session.document().title();
    if (!crypto.encrypted()) {
      send(new ClientMessage.Rename(id(), title));
      return;
    }
    TitleSeal.seal(engine.keyring(), id(), title)
        .ifPresent(s -> send(new ClientMessage.Rename(id(), SealedTitle.PLACEHOLDER, s)));
  }

  private void startCatchUp() {
    if (crypto.encrypted() && !keysFresh) {
      refreshKeys(this::startCatchUp);
      return;
    }
    if (crypto.encrypted() && !session.document().titleSynced()) {
      sendTitle();
    }
    session.takeLeaving(); // a new subscription: the relay has no caret of ours to drop
    phase = Phase.CATCHING_UP;
    catchUpFrom = session.revision();
    session.setStatus(SyncStatus.of(SyncStatus.State.CATCHING_UP, 0));
    send(new ClientMessage.Open(id(), session.revision(), false));
  }

  private void history(ServerMessage.History h, Incoming in) {
    engine.store().inOneCommit(() -> historyPage(h, in)); // the last page's save and first batch
  }

  private void historyPage(ServerMessage.History h, Incoming in) {
    if (phase != Phase.CATCHING_UP) {
      return;
    }
    if (h.head() < session.revision()) {
      if (refill(
          "the relay is behind: it has revisions up to "
              + h.head()
              + " of the "
              + session.revision()
              + " this copy has")) {
        return;
      }
      fail(
          "the relay is behind: it has revisions up to "
              + h.head()
              + " but this copy has "
              + session.revision()
              + "; nothing was sent or changed");
      return;
    }
    if (needsOlderLog(h.batches(), in)) {
      return;
    }
    if (!takeAll(h.batches(), !h.complete())) {
      return;
    }
    if (!session.rebasePending()) {
      session.save(); // while the next page comes, the store writes this one
    } // else the log is saved with the outbox rebased past it, after a later page
    engine.relayHead(session, h.head());
    if (!h.complete()) {
      long received = session.revision() - catchUpFrom;
      session.setStatus(
          new SyncStatus(SyncStatus.State.CATCHING_UP, received, h.head() - catchUpFrom, 0, null));
      send(new ClientMessage.Open(id(), session.revision(), false));
      return;
    }
    if (session.revision() < h.head()) {
      fail(
          "the relay said the history was complete at "
              + h.head()
              + " but sent up to "
              + session.revision());
      return;
    }
    phase = Phase.LIVE;
    gapsInARow = 0;
    if (crypto.encrypted() && keyChecksOn != conn) {
      keyChecksOn = conn;
      scheduleKeyCheck(conn);
    }
    if (session.role() == Role.OWNER) {
      engine.keepMembers(id()); // to give the roles back to a relay this copy may refill
    }
    session.markSelectionDirty();
    updateLiveStatus();
    pump();
    askSignatures(0);
  }

  // ---- encrypted documents ----

  /**
   * Reads the document's devices and keys from the relay (once this device's keys are registered),
   * holding incoming messages meanwhile, then takes them and runs {@code then}. One reading at a
   * time: asked again meanwhile, it runs {@code then} too when the one under way is done.
   */
  private void refreshKeys(Runnable then) {
    afterKeys.add(then);
    if (fetchingKeys) {
      return;
    }
    RelayConnection on = conn;
    fetchingKeys = true;
    engine
        .deviceRegistered()
        .whenCompleteAsync(
            (v, e) -> {
              if (conn != on || conn == null) {
                return;
              }
              if (e != null) {
                fetchingKeys = false;
                afterKeys.clear();
                fail("this device's keys are not registered with the relay: " + e.getMessage());
                return;
              }
              crypto.refresh(
                  on,
                  () -> {
                    if (conn != on) {
                      return;
                    }
                    keysFresh = true;
                    fetchingKeys = false;
                    keysChanged();
                    List<Runnable> waiting = List.copyOf(afterKeys);
                    afterKeys.clear();
                    List<Incoming> again = List.copyOf(backlog);
                    backlog.clear();
                    again.forEach(this::receive);
                    waiting.forEach(Runnable::run);
                  },
                  why -> {
                    fetchingKeys = false;
                    afterKeys.clear();
                    if (conn == on) {
                      fail(why + "; the local text is kept");
                    }
                  });
            },
            engine.owner());
  }

  /**
   * A page or live message with its batches verified and decrypted, for an encrypted document; as
   * it is for another. Null when it stopped (a batch that does not verify or decrypt: nothing of
   * the message is applied) or waits for keys this profile does not have yet.
   */
  private Incoming plaintext(Incoming in) {
    ServerMessage m = in.message();
    List<WireSequenced> batches =
        m instanceof ServerMessage.History h
            ? h.batches()
            : ((ServerMessage.Sequenced) m).batches();
    if (!crypto.encrypted()) {
      if (!keysFresh && looksSealed(batches)) {
        // The relay knows it as encrypted before its listing told this profile: ask it.
        backlog.addFirst(in);
        refreshKeys(() -> {});
        return null;
      }
      return in;
    }
    List<WireSequenced> opened;
    try {
      opened = crypto.open(batches);
    } catch (DocumentCrypto.MissingKey k) {
      if (!keysRetried) {
        keysRetried = true;
        backlog.addFirst(in);
        refreshKeys(() -> {});
      } else {
        waitForKey(k.getMessage());
      }
      return null;
    } catch (dev.quire.ot.crypto.UnreadableBatchException e) {
      fail(e.getMessage() + "; the local text is kept");
      return null;
    }
    keysRetried = false;
    engine.store().saveSealedBatches(id(), batches); // the ciphertext chain, as sequenced
    ServerMessage plain =
        m instanceof ServerMessage.History h
            ? new ServerMessage.History(h.doc(), opened, h.head(), h.complete())
            : new ServerMessage.Sequenced(id(), opened);
    return new Incoming(in.request(), plain);
  }

  /**
   * A batch needs a key no member's device has sealed for this one yet: catch up again once one may
   * have (another member's client seals it when it sees this device lack it).
   */
  private void waitForKey(String what) {
    session.problem(what + ": waiting for a member's device to give this one the key");
    session.setStatus(SyncStatus.of(SyncStatus.State.CATCHING_UP, 0));
    phase = Phase.IDLE;
    RelayConnection on = conn;
    engine.after(
        () -> {
          if (conn == on && conn != null && phase == Phase.IDLE) {
            keysRetried = false;
            keysFresh = false;
            startCatchUp();
          }
        },
        KEY_CHECK_MILLIS);
  }

  /** While live, looks now and then for members' devices that lack the key, and seals it. */
  private void scheduleKeyCheck(RelayConnection on) {
    engine.after(
        () -> {
          if (conn != on || keyChecksOn != on) {
            return;
          }
          if (phase == Phase.LIVE && !fetchingKeys) {
            crypto.refresh(
                on,
                () -> {
                  if (conn == on) {
                    keysChanged();
                  }
                },
                why -> fail(why + "; the local text is kept"));
          }
          scheduleKeyCheck(on);
        },
        KEY_CHECK_MILLIS);
  }

  private static boolean looksSealed(List<WireSequenced> batches) {
    return !batches.isEmpty()
        && batches.get(0).batch().operations().get(0).startsWith("{\"epoch\":");
  }

  /**
   * The owner gave someone a role: an encrypted document's keys are sealed at once for the devices
   * of theirs the relay knows; {@code done} completes once the relay took them (devices registered
   * later get them from any member's client that sees them lack the key).
   */
  void memberAdded(java.util.concurrent.CompletableFuture<Void> done) {
    if (!crypto.encrypted() || conn == null) {
      done.complete(null);
      return;
    }
    crypto.refresh(
        conn,
        () -> done.complete(null),
        why -> {
          session.problem("the document's keys were not sealed for the new member: " + why);
          done.complete(null);
        });
  }

  /**
   * The owner removed a member: an encrypted document's key rotates, so that the member reads
   * nothing sealed after this; {@code done} completes once it did (or with why not).
   */
  void memberRemoved(java.util.concurrent.CompletableFuture<Void> done) {
    if (!crypto.encrypted() || conn == null) {
      done.complete(null);
      return;
    }
    crypto.rotate(
        conn,
        why -> {
          if (why == null) {
            keysChanged(); // the title goes under the new key
            done.complete(null);
          } else {
            done.completeExceptionally(
                new IllegalArgumentException("the member was removed, but " + why));
          }
        });
  }

  /**
   * An encrypted document just uploaded to a relay that had lost it: the relay is at epoch 1 with
   * no keys, so seal the keys this profile holds for the members' devices, epoch by epoch up to its
   * last, before anything new is sealed under an old epoch; then live.
   */
  private void restoreEpochs() {
    RelayConnection on = conn;
    crypto.restoreEpochs(
        on,
        why -> {
          if (conn != on) {
            return;
          }
          if (why != null) {
            fail(why + "; the local text is kept");
            return;
          }
          keysFresh = false;
          startCatchUp();
        });
  }

  // ---- the relay's signatures ----

  /** True while the relay's signatures of this history were asked for and have not come. */
  boolean signaturesPending() {
    return signaturesPending;
  }

  /**
   * Asks for the relay's signed checkpoints after {@code from} (protocol 5), to keep for history
   * files: after each catch-up, and when the synced history passes one of the relay's checkpoints,
   * so a synced copy has them up to the head it last caught up to or passed a checkpoint at.
   */
  private void askSignatures(long from) {
    signaturesPending = true;
    signaturesAsked = session.revision();
    signaturesFrom = from;
    send(new ClientMessage.Signatures(id(), from));
  }

  /** Keeps the signatures that verify with the key the relay named; asks for more if it said so. */
  private void signatures(ServerMessage.Signatures sg) {
    engine.store().saveRelaySignatures(id(), sg.key(), verified(sg));
    signatureInterval = sg.interval();
    if (!sg.complete() && conn != null) {
      List<RelaySignature> got = sg.signatures();
      askSignatures(got.isEmpty() ? signaturesFrom : got.get(got.size() - 1).revision());
    } else {
      signaturesPending = false;
    }
  }

  /** The signatures of {@code sg} that verify with the key the relay named. */
  static List<RelaySignature> verified(ServerMessage.Signatures sg) {
    List<RelaySignature> valid = new ArrayList<>();
    for (RelaySignature r : sg.signatures()) {
      if (Ed25519.verify(sg.key(), r.statement(sg.doc()), r.signature())) {
        valid.add(r);
      }
    }
    return valid;
  }

  /** Batches just sequenced; our own in-flight batch among them is its acknowledgement. */
  private void sequenced(ServerMessage.Sequenced s, Incoming in) {
    if (phase != Phase.LIVE) {
      return; // while catching up, the pages bring it
    }
    if (needsOlderLog(s.batches(), in)) {
      return;
    }
    long head = session.revision();
    var inFlight = session.sync().inFlight();
    WireSequenced ours = null;
    for (WireSequenced ws : s.batches()) {
      if (inFlight.isPresent()
          && ws.batch().clientId().equals(session.sync().clientId())
          && ws.batch().batchSeq() == inFlight.get().batchSeq()) {
        ours = ws;
      }
    }
    if (!takeAll(s.batches(), false)) {
      return;
    }
    if (ours == null) {
      saveAndGoOn();
      return;
    }
    var stillInFlight = session.sync().inFlight();
    if (stillInFlight.isPresent() && stillInFlight.get().batchSeq() == ours.batch().batchSeq()) {
      impossibleRevisions("sequenced", ours.batch().batchSeq(), ours.firstRevision(), head);
      return;
    }
    acknowledged();
  }

  /** The relay placed our batch where this copy already has revisions: stop, accept nothing. */
  private void impossibleRevisions(String what, long batchSeq, long firstRevision, long head) {
    stop(
        "the relay "
            + what
            + " batch "
            + batchSeq
            + " at revision "
            + firstRevision
            + ", which this copy already has from elsewhere (local head "
            + head
            + "): impossible revisions, not accepted");
  }

  /** Our in-flight batch is acknowledged: save, and send the next one. */
  private void acknowledged() {
    submitRetries = 0;
    saveAndGoOn();
  }

  private void saveAndGoOn() {
    engine
        .store()
        .inOneCommit(
            () -> {
              session.save();
              updateLiveStatus();
              pump();
            });
  }

  /**
   * Takes a page of sequenced batches; false when it stopped (a gap, or one that is bad). {@code
   * moreToCome}: more catch-up pages follow.
   */
  private boolean takeAll(List<WireSequenced> page, boolean moreToCome) {
    List<SequencedBatch> batches = new java.util.ArrayList<>(page.size());
    String malformed = null;
    for (WireSequenced ws : page) {
      try {
        batches.add(ws.toSequencedBatch());
      } catch (IllegalArgumentException e) { // MalformedMessageException included
        malformed =
            "revision " + ws.firstRevision() + " from the relay is malformed: " + e.getMessage();
        break;
      }
    }
    int gapAt;
    try {
      gapAt = session.receiveAll(batches, moreToCome);
    } catch (RuntimeException e) { // does not apply, or claims to be ours and is not
      return stop(
          "revision "
              + (session.revision() + 1)
              + " from the relay does not apply: "
              + e.getMessage());
    }
    if (gapAt >= 0) {
      return gap(batches.get(gapAt).firstRevision());
    }
    if (malformed != null) {
      return stop(malformed);
    }
    if (!batches.isEmpty()) {
      gapsInARow = 0;
    }
    return true;
  }

  private boolean gap(long first) {
    session.save();
    if (++gapsInARow > MAX_GAPS_IN_A_ROW) {
      return stop("the relay keeps sending revisions with gaps (at " + first + ")");
    }
    startCatchUp(); // fetch what is missing
    return false;
  }

  /**
   * True when the messages' batches are based on revisions older than the log window: those are
   * loaded from the store first and {@code in} is taken again afterwards.
   */
  private boolean needsOlderLog(List<WireSequenced> batches, Incoming in) {
    long minBase = Long.MAX_VALUE;
    for (WireSequenced ws : batches) {
      if (ws.lastRevision() > session.revision()) {
        minBase = Math.min(minBase, ws.batch().baseRevision());
      }
    }
    LocalLog log = session.log();
    if (minBase == Long.MAX_VALUE || log.covers(minBase) || minBase > session.revision()) {
      return false;
    }
    fetchingLog = true;
    backlog.addFirst(in);
    long base = minBase;
    long to = log.firstHeld() - 1;
    engine
        .store()
        .operations(id(), base + 1, to)
        .thenCombine(engine.store().lengthAt(id(), base), (ops, len) -> new Object[] {ops, len})
        .whenCompleteAsync(
            (r, e) -> {
              fetchingLog = false;
              if (e != null) {
                stop("cannot read the local log: " + e.getMessage());
                return;
              }
              @SuppressWarnings("unchecked")
              List<dev.quire.ot.operation.TextOperation> ops =
                  (List<dev.quire.ot.operation.TextOperation>) r[0];
              if (log.firstHeld() - 1 == to) {
                log.prepend(ops, (Integer) r[1]);
              }
              List<Incoming> again = List.copyOf(backlog);
              backlog.clear();
              again.forEach(this::receive);
            },
            engine.owner());
    return true;
  }

  // ---- sending ----

  /** A local edit or caret move (told by the session, see {@link SyncEngine#open}). */
  void localChange() {
    if (phase == Phase.LIVE) {
      updateLiveStatus();
      pump();
    }
  }

  /** Sends the next batch if nothing is in flight, and the caret if it moved. */
  void pump() {
    if (phase != Phase.LIVE || conn == null) {
      return;
    }
    if (session.takeLeaving()) {
      resubscribe();
      return;
    }
    session.takeSelection().ifPresent(this::sendPresence);
    if (awaitingDurable || session.storeError() != null || session.readOnly()) {
      return; // a viewer's edits are refused by the relay: held, see updateLiveStatus
    }
    Optional<Batch> next;
    try {
      next = session.nextBatch();
    } catch (IllegalStateException e) {
      fail(e.getMessage() + "; the local text is kept");
      return;
    }
    if (next.isEmpty()) {
      return;
    }
    Batch batch = next.get();
    WireBatch wire = session.wire(batch);
    if (crypto.encrypted()) {
      sendSealed(batch, wire);
      return;
    }
    if (batch.batchSeq() <= durableSeq) {
      send(new ClientMessage.Submit(id(), wire));
      return;
    }
    awaitingDurable = true;
    RelayConnection sentOn = conn;
    session
        .batchFormed(batch)
        .whenCompleteAsync(
            (v, e) -> {
              awaitingDurable = false;
              if (e != null) {
                stop("cannot save the outgoing batch: " + e.getMessage());
                return;
              }
              durableSeq = Math.max(durableSeq, batch.batchSeq());
              if (conn == sentOn && phase == Phase.LIVE) {
                send(new ClientMessage.Submit(id(), wire));
              }
              pump(); // after a reconnect meanwhile, this resends it
            },
            engine.owner());
  }

  /**
   * Sends an encrypted document's batch: sealed under the current key (the same ciphertext when it
   * is sent again), once both the batch and its sealed form are durable.
   */
  private void sendSealed(Batch batch, WireBatch plain) {
    java.util.concurrent.CompletableFuture<WireBatch> sealed = crypto.seal(plain);
    if (sealed == null) {
      session.sync().connectionLost(); // not sent: the same batch goes once the key is here
      if (keysFresh) {
        keysFresh = false; // read just now, and no key of the current epoch for this device
        waitForKey("no key of the current epoch of " + id() + " for this device yet");
      } else {
        refreshKeys(this::pump);
      }
      return;
    }
    awaitingDurable = true;
    RelayConnection sentOn = conn;
    java.util.concurrent.CompletableFuture<Void> durable =
        batch.batchSeq() <= durableSeq
            ? java.util.concurrent.CompletableFuture.completedFuture(null)
            : session.batchFormed(batch);
    durable
        .thenCombine(sealed, (v, w) -> w)
        .whenCompleteAsync(
            (wire, e) -> {
              awaitingDurable = false;
              if (e != null) {
                stop("cannot save the outgoing batch: " + e.getMessage());
                return;
              }
              durableSeq = Math.max(durableSeq, batch.batchSeq());
              if (conn == sentOn && phase == Phase.LIVE) {
                lastSealed = wire;
                send(new ClientMessage.Submit(id(), wire));
              } else {
                session.sync().connectionLost(); // not sent: the next connection sends it
              }
              pump();
            },
            engine.owner());
  }

  /**
   * Drops this connection's caret for the others: the protocol has no message for that but the
   * {@code leave} the relay sends when a connection unsubscribes, so unsubscribe and open again at
   * once, catching up from the local head as after a reconnect (a batch in flight is sent again and
   * recognised by the relay).
   */
  private void resubscribe() {
    send(new ClientMessage.Unsubscribe(id()));
    session.sync().connectionLost();
    startCatchUp();
  }

  private void sendPresence(dev.quire.ot.cursor.Selection s) {
    send(
        new ClientMessage.Presence(
            id(), session.revision(), s, engine.displayName(), engine.colour()));
  }

  private void ack(ServerMessage.Ack a) {
    if (phase != Phase.LIVE) {
      return;
    }
    long head = session.revision();
    Delivery d;
    try {
      d = session.acknowledge(a.batchSeq(), a.firstRevision(), engine.user(), a.timestampMillis());
    } catch (RuntimeException e) {
      stop("the relay's acknowledgement does not fit: " + e.getMessage());
      return;
    }
    if (d.status() == Delivery.Status.GAP) {
      gap(a.firstRevision());
      return;
    }
    if (lastSealed != null && lastSealed.batchSeq() == a.batchSeq()) {
      // Our own batch as the relay sequenced it: the ack is all of it the relay sends us.
      engine
          .store()
          .saveSealedBatches(
              id(),
              List.of(
                  new WireSequenced(
                      a.firstRevision(),
                      engine.user(),
                      a.timestampMillis(),
                      lastSealed.withMadeAt(madeAtAsStored(lastSealed, a.timestampMillis())))));
    }
    var inFlight = session.sync().inFlight();
    if (d.status() == Delivery.Status.DUPLICATE
        && inFlight.isPresent()
        && inFlight.get().batchSeq() == a.batchSeq()) {
      impossibleRevisions("acknowledged", a.batchSeq(), a.firstRevision(), head);
      return;
    }
    acknowledged();
  }

  /** The most an author's clock may be ahead of the relay's before the relay uses its own time. */
  private static final long MAX_MADE_AHEAD_MILLIS = 24L * 60 * 60 * 1000;

  /** A batch's {@code madeAt} as the relay stores it (docs/protocol.md, submit). */
  private static long madeAtAsStored(WireBatch b, long sequencedMillis) {
    return b.madeAt() > sequencedMillis + MAX_MADE_AHEAD_MILLIS ? sequencedMillis : b.madeAt();
  }

  /** An error about {@code request} (matched by its id), or about one the relay could not read. */
  private void error(ClientMessage request, ServerMessage.Error e) {
    String what = e.code().wireName() + ": " + e.message();
    String type = request != null ? request.type() : e.request();
    if (request instanceof ClientMessage.Submit sub && !isInFlight(sub)) {
      // An answer about a batch that is no longer the one in flight changes nothing.
      session.problem(
          "the relay refused an earlier send of batch "
              + sub.batch().batchSeq()
              + " ("
              + what
              + ")");
      return;
    }
    if (request instanceof ClientMessage.Submit && e.code() == ErrorCode.FORBIDDEN) {
      refused();
      return;
    }
    if (e.code() == ErrorCode.MESSAGE_TOO_LARGE || e.code() == ErrorCode.BATCH_TOO_LARGE) {
      tooLarge(what, e.code() == ErrorCode.BATCH_TOO_LARGE);
      if (e.code() == ErrorCode.BATCH_TOO_LARGE) {
        pump(); // the connection stays open: send the smaller batch now
      } // else the relay closes the connection, and the next one sends it
      return;
    }
    if ("submit".equals(type) && e.code() == ErrorCode.STALE_EPOCH) {
      // The key rotated: fetch the new one and seal the same batch (same number) under it.
      crypto.epochMoved();
      session.sync().connectionLost();
      keysFresh = false;
      refreshKeys(this::pump);
      return;
    }
    if ("submit".equals(type) && e.retry() && ++submitRetries <= MAX_SUBMIT_RETRIES) {
      session.problem("the relay could not take a batch yet (" + what + "); retrying");
      session.sync().connectionLost(); // send the same batch again
      engine.later(this::pump);
      return;
    }
    if ("presence".equals(type) || e.code() == ErrorCode.RATE_LIMITED) {
      session.problem(what);
      return;
    }
    if (e.retry()) { // the relay is stopping or hit a passing failure: ask again later
      RelayConnection asked = conn;
      engine.later(
          () -> {
            if (conn == asked && conn != null && phase != Phase.LIVE && phase != Phase.FAILED) {
              connected(conn);
            }
          });
      return;
    }
    if ("open".equals(type) && e.code() == ErrorCode.UNKNOWN_DOCUMENT) {
      unknownOnRelay(what);
      return;
    }
    if ("upload".equals(type) && e.code() == ErrorCode.HISTORY_MISMATCH) {
      fail(
          "the relay holds another history of this document than this copy ("
              + what
              + "); nothing of it was changed. The local copy is kept");
      return;
    }
    if ("open".equals(type)
        && e.code() == ErrorCode.BASE_AHEAD
        && refill(
            "the relay is behind: it does not have revision "
                + session.revision()
                + " that this copy has")) {
      return;
    }
    if ("open".equals(type) && e.code() == ErrorCode.BASE_AHEAD) {
      fail(
          "the relay is behind: it does not have revision "
              + session.revision()
              + " that this copy has ("
              + e.message()
              + "); nothing was sent or changed");
      return;
    }
    if ("rename".equals(type)) {
      session.problem("the relay refused the new title: " + what);
      return;
    }
    if (e.code() == ErrorCode.UNKNOWN_DOCUMENT) {
      goneFromRelay(what);
      return;
    }
    fail("the relay refused " + type + ": " + what + "; the local text is kept");
  }

  /**
   * The relay refused the batch in flight for the user's role: only a viewer's edits are refused,
   * and nothing of them was stored. The copy takes the viewer role, holds the batch (sent again,
   * unchanged, if the role becomes editor) and goes on receiving; the user decides about the held
   * edits.
   */
  private void refused() {
    engine.roleOnRelay(session, Role.VIEWER);
    session.sync().connectionLost(); // not answered: the batch is sent again if ever allowed
    updateLiveStatus();
  }

  /**
   * The user's role changed: a viewer's copy holds its unsent edits, an editor's sends them. Told
   * by the engine when the relay lists or announces the document.
   */
  void roleChanged() {
    if (phase == Phase.LIVE) {
      updateLiveStatus();
      pump();
    }
  }

  // ---- refilling the relay ----

  /**
   * The relay does not have the document. Its owner uploads it with its whole history once the user
   * confirmed refilling the relay; anybody else waits for the owner to do so.
   */
  private void goneFromRelay(String what) {
    gone(
        "the relay does not have this document any more (deleted, or access removed): "
            + what
            + "; the local text is kept, with its "
            + session.unacknowledged()
            + " unsent edit(s), and syncs again if the document comes back");
  }

  /**
   * The relay does not give its owner the document: deleted into the owner's trash (from another
   * device), which a restore brings back, or lost with the relay's data, which a refill brings
   * back. The owner's trash tells which.
   */
  private void unknownOnRelay(String what) {
    if (session.role() != Role.OWNER) {
      unknownToMember(what);
      return;
    }
    RelayConnection asked = conn;
    engine
        .trash()
        .whenComplete(
            (trashed, failure) -> {
              if (conn != asked || phase == Phase.FAILED) {
                return; // the connection changed meanwhile: the next one asks again
              }
              if (failure == null && trashed.stream().anyMatch(t -> t.doc().equals(id()))) {
                goneFromRelay(what + "; it is in its owner's trash");
              } else {
                lostByRelay();
              }
            });
  }

  /** A member's copy waits for its owner to bring the document back. */
  private void unknownToMember(String what) {
    waitingForOwner = true;
    fail(
        "the relay does not have this document ("
            + what
            + "); it is synced again once its owner's next sync uploads it. The local copy is"
            + " kept");
  }

  /** The relay lost the owner's document: the owner uploads it, once the user confirmed that. */
  private void lostByRelay() {
    if (engine.refillConfirmed()) {
      startUpload();
      return;
    }
    String why = "the relay does not have this document, which this profile owns";
    refillPending = true;
    engine.refillNeeded(id(), why);
    fail(why + ": 'quire sync --refill' uploads it with its whole history. The local copy is kept");
  }

  /**
   * The relay has less of the history than this copy (a relay restored from an older backup, or
   * refilled by a member who had seen less): the owner or an editor uploads the revisions it lacks
   * once the user confirmed refilling the relay. False when that is not for this copy to do.
   */
  private boolean refill(String why) {
    if (session.role() != Role.OWNER && session.role() != Role.EDITOR) {
      return false;
    }
    if (engine.refillConfirmed()) {
      startUpload();
      return true;
    }
    refillPending = true;
    engine.refillNeeded(id(), why);
    fail(why + ": 'quire sync --refill' uploads the revisions it lacks. The local copy is kept");
    return true;
  }

  /** The document is there again (its owner uploaded it): sync it if it was waiting for that. */
  void availableAgain() {
    if (waitingForOwner) {
      restart();
    }
  }

  /** The user confirmed refilling the relay: a document stopped for want of it starts again. */
  void refillConfirmed() {
    if (refillPending) {
      restart();
    }
  }

  /** Starts a document stopped for want of something that is there now. */
  private void restart() {
    if (phase != Phase.FAILED) {
      return;
    }
    waitingForOwner = false;
    refillPending = false;
    phase = Phase.IDLE;
    engine.clearFailure(session);
    if (conn != null) {
      connected(conn);
    }
  }

  /** Uploads the whole local history, page by page (protocol 5's {@code upload}). */
  private void startUpload() {
    phase = Phase.UPLOADING;
    long head = session.revision();
    session.setStatus(new SyncStatus(SyncStatus.State.UPLOADING, 0, head, 0, null));
    RelayConnection on = conn;
    session.save(); // the log the pages read, as this copy has it
    engine
        .store()
        .flush()
        .thenCompose(v -> engine.store().members(id()))
        .whenCompleteAsync(
            (members, e) -> {
              if (conn != on || phase != Phase.UPLOADING) {
                return;
              }
              if (e != null) {
                stop("cannot read who has access to the document: " + e.getMessage());
                return;
              }
              uploadMembers = members;
              uploading =
                  crypto.encrypted()
                      ? new SealedHistoryPages(engine.store(), id(), head, pageRoom(members))
                      : new HistoryPages(engine.store(), id(), head, pageRoom(members));
              sendUploadPage();
            },
            engine.owner());
  }

  /**
   * The UTF-8 bytes an upload's batches may take: a message less its other fields, each character
   * of the title and the members' names counted as if escaped.
   */
  private long pageRoom(List<Member> members) {
    long fields = WireSequenced.PAGE_OVERHEAD_BYTES + 6L * session.document().title().length();
    if (crypto.encrypted()) {
      fields += SealedTitle.MAX_SEALED + 60; // the sealed title, its names and epoch
    }
    for (Member m : members) {
      fields += 6L * m.user().length() + 40;
    }
    return engine.maxMessageBytes() - fields;
  }

  private void sendUploadPage() {
    RelayConnection on = conn;
    UploadPages pages = uploading;
    pages
        .next()
        .whenCompleteAsync(
            (page, e) -> {
              if (conn != on || phase != Phase.UPLOADING || uploading != pages) {
                return;
              }
              if (e != null) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                stop("cannot read the local history to upload it: " + cause.getMessage());
                return;
              }
              LocalDocument d = session.document();
              send(
                  new ClientMessage.Upload(
                      id(),
                      crypto.encrypted() ? SealedTitle.PLACEHOLDER : d.title(),
                      d.createdMillis(),
                      pages.head(),
                      uploadMembers,
                      page,
                      crypto.encrypted(),
                      crypto.encrypted()
                          ? TitleSeal.seal(engine.keyring(), id(), d.title()).orElse(null)
                          : null));
            },
            engine.owner());
  }

  private void uploaded(ServerMessage.Uploaded u) {
    if (phase != Phase.UPLOADING || uploading == null) {
      return;
    }
    long head = uploading.head();
    session.setStatus(new SyncStatus(SyncStatus.State.UPLOADING, u.head(), head, 0, null));
    if (u.complete() || (uploading.done() && u.head() >= head)) {
      uploading = null;
      engine.uploaded(session, u.head());
      if (crypto.encrypted()) {
        restoreEpochs(); // then live, as below
        return;
      }
      startCatchUp(); // live from here: what was unsent goes out after it
      return;
    }
    if (uploading.done()) {
      stop(
          "the relay has revisions up to "
              + u.head()
              + " once this copy's whole history up to "
              + head
              + " was uploaded");
      return;
    }
    sendUploadPage();
  }

  private boolean isInFlight(ClientMessage.Submit sub) {
    var inFlight = session.sync().inFlight();
    return inFlight.isPresent() && inFlight.get().batchSeq() == sub.batch().batchSeq();
  }

  // ---- state ----

  void updateLiveStatus() {
    if (phase != Phase.LIVE) {
      return;
    }
    boolean unsent = session.unacknowledged() > 0 || session.notesUnacknowledged();
    if (unsent && session.readOnly()) {
      holdRefused();
      return;
    }
    boolean synced = !unsent && session.document().titleSynced();
    session.setStatus(
        SyncStatus.of(synced ? SyncStatus.State.SYNCED : SyncStatus.State.SENDING, 0));
    if (synced) {
      engine.synced(session);
      if (!signaturesPending
          && session.revision() / signatureInterval > signaturesAsked / signatureInterval) {
        askSignatures(signaturesAsked); // the history passed one of the relay's checkpoints
      }
    }
  }

  /** Shows the held edits of a viewer's copy, telling the user once each time they come about. */
  private void holdRefused() {
    if (session.status().state() == SyncStatus.State.REFUSED) {
      session.setStatus(session.status()); // the unsent count may have changed
      return;
    }
    session.setStatus(SyncStatus.of(SyncStatus.State.REFUSED, 0));
    engine.refused(session);
  }

  private boolean stop(String why) {
    fail(why);
    return false;
  }

  /**
   * The relay no longer gives this user the document (deleted into its owner's trash, or access
   * removed): sync stops as for a failure, and carries on ({@link #resume}) when the relay makes
   * the document available again.
   */
  private void gone(String why) {
    fail(why);
    if (phase == Phase.FAILED) {
      stoppedAsGone = true;
    }
  }

  /** True when sync stopped because the relay no longer gave the document ({@link #gone}). */
  boolean stoppedAsGone() {
    return phase == Phase.FAILED && stoppedAsGone;
  }

  /**
   * The relay gives the document again (restored from the trash, or shared again): sync carries on
   * from the local copy, its unsent edits included, as after a reconnect, on {@code current} (null
   * when not connected: then at the next connection).
   */
  void resume(RelayConnection current) {
    if (!stoppedAsGone()) {
      return;
    }
    stoppedAsGone = false;
    phase = Phase.IDLE;
    conn = null;
    engine.resumed(session);
    if (current != null) {
      connected(current);
    } else {
      session.setStatus(SyncStatus.of(SyncStatus.State.OFFLINE, 0));
    }
  }

  /**
   * The relay refused the batch in flight as too large ({@code what}): for its operation count when
   * {@code tooManyOperations}, else for its bytes. It stored nothing, so the batch is withdrawn and
   * its operations go in smaller batches under the same batch number; when it cannot be made
   * smaller, sync of this document stops instead of sending it again forever.
   */
  void tooLarge(String what, boolean tooManyOperations) {
    if (phase == Phase.FAILED || phase == Phase.DELETED) {
      return;
    }
    var inFlight = session.sync().inFlight();
    if (inFlight.isEmpty()) {
      return; // withdrawn already: the error and the close that follows both say it
    }
    if (session.refusedAsTooLarge(tooManyOperations)) {
      durableSeq = Math.min(durableSeq, inFlight.get().batchSeq() - 1);
      session.problem("the relay refused a batch as too large (" + what + "); sending it in parts");
      return;
    }
    fail(
        "the relay refused this document's batch as too large ("
            + what
            + ") and it cannot be sent smaller; sync of this document stopped, so the batch is not"
            + " sent again. The local copy is kept");
  }

  /** Stops syncing this document until the engine starts again; the local copy stays as it is. */
  void fail(String why) {
    if (phase == Phase.FAILED || phase == Phase.DELETED) {
      return;
    }
    session.save();
    phase = Phase.FAILED;
    backlog.clear();
    session.presenceState().clear(); // nobody's caret can be followed any more
    session.firePresence();
    session.setStatus(new SyncStatus(SyncStatus.State.ERROR, 0, 0, 0, why));
    session.problem(why);
    engine.failed(session, why);
    if (conn != null) {
      send(new ClientMessage.Unsubscribe(id()));
    }
  }

  /** Sends a request; its answer comes back to {@link #answer}, matched by its id. */
  private void send(ClientMessage m) {
    if (conn != null && !engine.request(conn, m, answer -> answer(m, answer))) {
      conn = null; // closed: the engine hears of it and reconnects
    }
  }
}
