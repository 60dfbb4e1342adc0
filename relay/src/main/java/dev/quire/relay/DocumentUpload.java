package dev.quire.relay;

import dev.quire.ot.crypto.SealedBatch;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.DocumentInfo;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.Member;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.SequencerState.ClientKey;
import dev.quire.relay.store.DocumentStore.DocumentRow;
import dev.quire.relay.store.HistoryStore;
import dev.quire.relay.store.HistoryStore.Append;
import dev.quire.relay.store.HistoryUploads;
import dev.quire.relay.store.PayloadKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A page of a history uploaded by a client (protocol 5's {@code upload}): to refill a relay that
 * lost a document, or lacks the end of one. The relay never rewrites what it holds: batches of the
 * page at revisions it has must be the very batches stored there; those after its head are checked
 * as a submit's are (size, order of each client's batches, and in readable documents that the
 * operations apply) and stored together, in one transaction, keeping their authors, client ids,
 * batch sequence numbers and times. Runs on the document's executor, as the actor's requests do.
 *
 * <p>Who may upload: anybody a document the relay does not know (the uploader becomes its owner, as
 * with {@code create}); the owner or an editor the end of one it knows. The uploader is trusted for
 * the authors it names, and recorded with each batch it uploads.
 */
final class DocumentUpload {
  private final DocumentActor actor;
  private final String id;
  private final RelayContext ctx;
  private final RequestScheduler scheduler;
  private OptionalLong target; // an unfinished upload's head, read on first need; or null

  DocumentUpload(DocumentActor actor, String id, RelayContext ctx, RequestScheduler scheduler) {
    this.actor = actor;
    this.id = id;
    this.ctx = ctx;
    this.scheduler = scheduler;
  }

  /**
   * Refuses a submit while the document's history is being uploaded and is not complete: the new
   * batch would have to go after revisions the relay does not have yet.
   */
  void requireNoUpload() {
    if (target == null) {
      throw scheduler.loadFirst(() -> ctx.store().uploads().target(id), t -> target = t);
    }
    if (target.isPresent()) {
      throw new Refusal(
          ErrorCode.UPLOAD_IN_PROGRESS,
          "the history of "
              + id
              + " is being uploaded, up to revision "
              + target.getAsLong()
              + ", and is at "
              + actor.row().head()
              + ": send the batch again once it is complete");
    }
  }

  /** An upload may have moved the document: whether one is under way is read when next needed. */
  void forgetTarget() {
    target = null;
  }

  void upload(Session s, String rid, ClientMessage.Upload m) {
    actor.load();
    DocumentRow row = actor.row();
    boolean creating = row == null;
    if (row != null && (row.deleted() || actor.roleOrNull(s.user()) == null)) {
      // As for create: the id is taken, whoever holds it (see docs/protocol.md, create).
      throw new Refusal(ErrorCode.DOCUMENT_EXISTS, "a document with id " + id + " exists already");
    }
    if (!creating) {
      actor.requireRole(s, Role.EDITOR);
      if (m.encrypted() && !row.encrypted()) {
        throw new Refusal(ErrorCode.NOT_ENCRYPTED, id + " is not an encrypted document");
      }
      if (row.encrypted()) {
        // Uploaded batches would skip the device and epoch checks: not taken.
        throw new Refusal(
            ErrorCode.FORBIDDEN, id + " is encrypted: its history is not taken by upload");
      }
    }
    if (actor.committing() > 0) {
      throw new RequestScheduler.WaitForCommits();
    }
    long head = creating ? 0 : row.head();
    List<WireSequenced> batches = m.batches();
    requireSizes(batches);
    if (creating && m.encrypted()) {
      requireSealed(batches);
    }
    if (m.sealedTitle() != null && !m.encrypted()) {
      throw new Refusal(
          ErrorCode.NOT_ENCRYPTED, "a sealed title is for an encrypted document only");
    }
    List<WireSequenced> fresh = freshBatches(batches, head);
    if (fresh.isEmpty() && !creating) {
      // A resend, or a page the relay has all of: nothing to store.
      s.answer(rid, new ServerMessage.Uploaded(id, head, head >= m.head()));
      return;
    }
    PayloadKind kind = m.encrypted() ? PayloadKind.ENCRYPTED : ctx.config().payloadKind();
    SequencerState state = creating ? emptyState(kind) : actor.sequencerState();
    PayloadPolicy policy = creating ? PayloadPolicy.of(kind, interval()) : actor.policy();
    List<Append> appends;
    try {
      appends = prepare(state, policy, fresh, head);
    } finally {
      if (!creating) {
        actor.invalidate(); // the head text moved on with the page: read it again
      }
    }
    HistoryUploads.NewDocument create =
        creating
            ? new HistoryUploads.NewDocument(
                m.title(), s.user(), m.created(), kind, m.members(), m.sealedTitle())
            : null;
    HistoryUploads.Page page =
        new HistoryUploads.Page(
            id, create, s.user(), head, appends, m.head(), !ctx.config().openMode());
    HistoryUploads.Outcome outcome = ctx.store().uploads().store(page);
    stored(s, rid, m, outcome, fresh, creating);
  }

  private void stored(
      Session s,
      String rid,
      ClientMessage.Upload m,
      HistoryUploads.Outcome outcome,
      List<WireSequenced> fresh,
      boolean creating) {
    if (outcome instanceof HistoryUploads.Stored st) {
      actor.installRow(ctx.loader().row(id).orElse(null)); // just written: a quick read
      forgetTarget();
      actor.fanout().addAll(fresh);
      if (!fresh.isEmpty()) {
        ctx.store().feed().publish(id, st.head());
      }
      if (creating) {
        ctx.store().feed().changed(id);
        announce(s);
      }
      s.answer(rid, new ServerMessage.Uploaded(id, st.head(), st.complete()));
      return;
    }
    actor.invalidate();
    throw refusal(outcome);
  }

  private Refusal refusal(HistoryUploads.Outcome outcome) {
    if (outcome instanceof HistoryUploads.HeadMoved h) {
      return new Refusal(
          ErrorCode.HISTORY_MISMATCH,
          "document " + id + " moved to revision " + h.head() + " meanwhile: send the page again");
    } else if (outcome instanceof HistoryUploads.ClientIdTaken t) {
      return new Refusal(
          ErrorCode.HISTORY_MISMATCH,
          "client id "
              + t.clientId()
              + " of a batch by "
              + t.author()
              + " belongs to "
              + t.owner()
              + ": a client id has one author; nothing was stored");
    } else if (outcome instanceof HistoryUploads.UnknownAuthor u) {
      return new Refusal(
          ErrorCode.UNKNOWN_USER,
          "author "
              + u.author()
              + " is not a user of this relay: add the user first; nothing was stored");
    }
    return new Refusal(ErrorCode.DOCUMENT_EXISTS, "a document with id " + id + " exists already");
  }

  /** Tells the uploader's other connections, and each member's, that the document is there. */
  private void announce(Session s) {
    DocumentRow row = actor.row();
    ctx.userSessions().send(s.user(), new ServerMessage.Available(row.info(Role.OWNER)), s);
    for (Member member : ctx.store().documents().members(id)) {
      if (!member.user().equals(s.user())) {
        DocumentInfo info = row.info(member.role());
        ctx.userSessions().send(member.user(), new ServerMessage.Available(info), null);
      }
    }
  }

  /**
   * Each batch of an encrypted upload is a sealed element and placeholders, as a submit's is; its
   * device signature and epoch are the uploader's word (docs/protocol.md, upload).
   */
  private static void requireSealed(List<WireSequenced> batches) {
    for (WireSequenced b : batches) {
      List<String> ops = b.batch().operations();
      try {
        SealedBatch.parse(ops.get(0));
      } catch (IllegalArgumentException e) {
        throw new Refusal(
            ErrorCode.MALFORMED, "revision " + b.firstRevision() + ": " + e.getMessage());
      }
      for (int i = 1; i < ops.size(); i++) {
        if (!"0".equals(ops.get(i))) {
          throw new Refusal(
              ErrorCode.MALFORMED,
              "revision " + (b.firstRevision() + i) + ": an encrypted batch's placeholder is 0");
        }
      }
    }
  }

  private void requireSizes(List<WireSequenced> batches) {
    int max = ctx.config().limits().maxBatchOperations();
    for (WireSequenced b : batches) {
      if (b.batch().size() > max) {
        throw new Refusal(
            ErrorCode.BATCH_TOO_LARGE,
            "the batch at revision "
                + b.firstRevision()
                + " has "
                + b.batch().size()
                + " operations; the limit is "
                + max);
      }
    }
  }

  /**
   * The batches of the page after revision {@code head}, once those up to it are found to be the
   * ones stored there.
   *
   * @throws Refusal {@code HISTORY_MISMATCH} when a batch differs from the stored one, straddles
   *     the head, or the page starts after the revision following it
   */
  private List<WireSequenced> freshBatches(List<WireSequenced> batches, long head) {
    if (batches.isEmpty()) {
      return List.of();
    }
    long first = batches.get(0).firstRevision();
    if (first > head + 1) {
      throw new Refusal(
          ErrorCode.HISTORY_MISMATCH,
          "the page starts at revision "
              + first
              + " but the relay's history of "
              + id
              + " ends at "
              + head
              + ": send the batches from revision "
              + (head + 1));
    }
    int n = 0;
    while (n < batches.size() && batches.get(n).firstRevision() <= head) {
      n++;
    }
    if (n > 0) {
      requireStored(batches.subList(0, n), head);
    }
    return batches.subList(n, batches.size());
  }

  private void requireStored(List<WireSequenced> known, long head) {
    WireSequenced last = known.get(known.size() - 1);
    if (last.lastRevision() > head) {
      throw mismatch(last.firstRevision(), "runs past the relay's head revision " + head);
    }
    HistoryStore history = ctx.store().history();
    int pageSize = ctx.config().limits().pageSize();
    int i = 0;
    long after = known.get(0).firstRevision() - 1;
    while (i < known.size()) {
      List<WireSequenced> stored = history.page(id, after, pageSize);
      if (stored.isEmpty()) {
        throw mismatch(known.get(i).firstRevision(), "is not in the relay's history");
      }
      for (WireSequenced b : stored) {
        if (i < known.size() && b.firstRevision() == known.get(i).firstRevision()) {
          if (!sameBatch(b, known.get(i))) {
            throw mismatch(b.firstRevision(), "differs from the batch stored there");
          }
          i++;
        } else if (i < known.size() && b.firstRevision() > known.get(i).firstRevision()) {
          throw mismatch(known.get(i).firstRevision(), "does not start where a stored batch does");
        }
      }
      after = stored.get(stored.size() - 1).lastRevision();
    }
  }

  /** The same batch: sender, numbers, times and operations. */
  static boolean sameBatch(WireSequenced a, WireSequenced b) {
    WireBatch x = a.batch();
    WireBatch y = b.batch();
    return a.firstRevision() == b.firstRevision()
        && a.author().equals(b.author())
        && a.timestampMillis() == b.timestampMillis()
        && x.clientId().equals(y.clientId())
        && x.batchSeq() == y.batchSeq()
        && x.madeAt() == y.madeAt()
        && Arrays.equals(BatchDigest.of(x), BatchDigest.of(y));
  }

  private Refusal mismatch(long revision, String what) {
    return new Refusal(
        ErrorCode.HISTORY_MISMATCH,
        "the uploaded batch at revision "
            + revision
            + " of "
            + id
            + " "
            + what
            + ": the histories differ, nothing was stored");
  }

  /**
   * The new batches as appends: each client's batches in increasing order, after those stored, and
   * in readable documents canonicalised (refused as a submit would be when they do not apply).
   */
  private List<Append> prepare(
      SequencerState state, PayloadPolicy policy, List<WireSequenced> fresh, long head) {
    Map<ClientKey, Long> lastSeq = new HashMap<>();
    List<Append> appends = new ArrayList<>(fresh.size());
    long at = head;
    for (WireSequenced e : fresh) {
      WireBatch wb = e.batch();
      ClientKey key = new ClientKey(e.author(), wb.clientId());
      Long before = lastSeq.get(key);
      HistoryStore.StoredBatch stored = state.sequencer().repeated(key, wb.batchSeq());
      if ((before != null && wb.batchSeq() <= before) || stored != null) {
        throw mismatch(
            e.firstRevision(),
            "is batch "
                + wb.batchSeq()
                + " of client "
                + wb.clientId()
                + " by "
                + e.author()
                + ", which has a batch numbered as high before it");
      }
      lastSeq.put(key, wb.batchSeq());
      PayloadPolicy.Prepared prepared;
      try {
        prepared = policy.prepare(state, at, wb);
      } catch (Refusal r) {
        throw new Refusal(r.code(), "revision " + e.firstRevision() + ": " + r.getMessage());
      }
      policy.placed(state, prepared);
      appends.add(
          new Append(id, e, prepared.canonicalJson(), BatchDigest.of(wb), prepared.checkpoint()));
      at = e.lastRevision();
    }
    return appends;
  }

  /** The state of a document with no history yet, of payload {@code kind}. */
  private SequencerState emptyState(PayloadKind kind) {
    Sequencer sequencer = new Sequencer(0, new HashMap<>());
    if (kind.opaque()) {
      return new SequencerState(null, null, sequencer);
    }
    return new SequencerState(
        DocumentText.load(id, ctx.store().history(), 0, Math.max(1000, 2 * interval())),
        null,
        sequencer);
  }

  private int interval() {
    return ctx.config().checkpointInterval();
  }
}
