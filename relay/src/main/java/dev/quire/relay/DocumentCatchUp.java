package dev.quire.relay;

import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.RequestScheduler.WaitForCommits;
import dev.quire.relay.store.DocumentStore.DocumentRow;
import dev.quire.relay.store.HistoryStore;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one document up with the batches other relay processes store: takes them into its sequencer
 * and head text when they follow on from what it holds ({@link PendingRuns#takeIn}), or reads the
 * document again on a loader thread when they do not; either way its subscribers receive what they
 * missed, once. Runs on the document's executor, as the actor's requests do.
 */
final class DocumentCatchUp {
  private static final Logger log = LoggerFactory.getLogger(DocumentCatchUp.class);

  // Other writers' batches up to this many revisions are read and taken into the sequencer's
  // state; beyond, the state is read again.
  private static final long MAX_TAKE_IN_REVISIONS = 2048;

  private final DocumentActor actor;
  private final String id;
  private final RelayContext ctx;
  private final RequestScheduler scheduler;

  DocumentCatchUp(DocumentActor actor, String id, RelayContext ctx, RequestScheduler scheduler) {
    this.actor = actor;
    this.id = id;
    this.ctx = ctx;
    this.scheduler = scheduler;
  }

  /**
   * Another relay process stored batches of this document up to {@code head}: when that is beyond
   * what this one holds, it catches up, sending them to its subscribers.
   */
  void moved(long head) {
    DocumentRow row = actor.row();
    LiveFanout fanout = actor.fanout();
    if (row == null
        || row.deleted()
        || (head <= row.head() && (fanout.count() == 0 || head <= fanout.liveHead()))) {
      return;
    }
    if (scheduler.committing() > 0) {
      throw new WaitForCommits(); // what is in flight first (a conflict catches up by itself)
    }
    if (actor.loadedState() != null
        && head > row.head()
        && head - row.head() <= MAX_TAKE_IN_REVISIONS) {
      takeInFrom(row.head());
    } else {
      catchUp(row.head());
    }
  }

  /**
   * Takes in {@code missed}, batches other writers stored after the sequencer's head up to {@code
   * head}, and queues them for the subscribers. False, having changed nothing, when they do not
   * follow on from what the document holds (then it must be read).
   */
  boolean takeIn(List<HistoryStore.StoredEntry> missed, long head) {
    SequencerState st = actor.loadedState();
    DocumentRow row = actor.row();
    PayloadPolicy policy = actor.policy();
    if (st == null || row == null || row.deleted() || policy == null) {
      return false;
    }
    LiveFanout fanout = actor.fanout();
    long subscribersHead = fanout.count() > 0 ? fanout.liveHead() : Long.MAX_VALUE;
    switch (PendingRuns.takeIn(st, policy, subscribersHead, missed, head, fanout::add)) {
      case NOT_FOLLOWING:
        return false;
      case STATE_LOST:
        actor.dropState(); // part taken in: read it again
        return false;
      case TAKEN:
      default:
        break;
    }
    if (!missed.isEmpty()) {
      WireSequenced last = missed.get(missed.size() - 1).entry();
      actor.rowChanged(row.withHead(last.lastRevision(), last.timestampMillis()));
    }
    return true;
  }

  /**
   * Reads the row and the batches other writers stored after revision {@code from} (the head of the
   * sequencer's state), and takes them in, sending them to the subscribers; reads the whole state
   * again when they do not follow on.
   */
  private void takeInFrom(long from) {
    SequencerState readFor = actor.loadedState();
    long readIn = actor.epoch();
    try {
      scheduler.loadFirst(
          () -> ctx.store().history().rowAndEntriesAfter(id, from, MAX_TAKE_IN_REVISIONS),
          m -> {
            DocumentRow r = m.row();
            if (actor.loadedState() == readFor
                && actor.epoch() == readIn
                && r != null
                && !r.deleted()
                && r.head() - from <= MAX_TAKE_IN_REVISIONS
                && takeIn(m.entries(), r.head())) {
              DocumentRow row = actor.row();
              actor.rowChanged(r.withHead(row.head(), row.lastChangeMillis()));
              return;
            }
            catchUp(from);
          });
    } catch (RuntimeException e) { // an earlier read failed, or stopping: read it all again
      log.warn("Document {}: catching up failed: {}", id, e.toString());
      actor.invalidate();
    }
  }

  /** What the document looked like after other writers' batches, read on a loader thread. */
  private record Read(DocumentRow row, List<WireSequenced> missed, SequencerState state) {}

  /**
   * Reads the batches other writers stored after revision {@code from} (or after the last one the
   * subscribers have, when that is earlier) and the document as they left it; then sends the
   * subscribers what they do not have and takes the state read. Every request waits meanwhile.
   */
  void catchUp(long from) {
    LiveFanout fanout = actor.fanout();
    long start = fanout.count() > 0 ? Math.min(from, fanout.liveHead()) : from;
    try {
      scheduler.loadFirst(() -> read(start), this::install);
    } catch (RuntimeException e) { // an earlier read failed, or stopping: read it all again
      log.warn("Document {}: catching up failed: {}", id, e.toString());
      actor.invalidate();
    }
  }

  private Read read(long from) {
    DocumentRow r = ctx.loader().row(id).orElse(null);
    if (r == null || r.deleted()) {
      return new Read(r, List.of(), null);
    }
    List<WireSequenced> missed = new ArrayList<>();
    int pageSize = ctx.config().limits().pageSize();
    long pageBytes = LiveFanout.pageBytes(ctx.config());
    for (long after = from; after < r.head(); ) {
      List<WireSequenced> page = ctx.store().history().page(id, after, pageSize, pageBytes);
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
    return new Read(r, missed, ctx.loader().sequencerState(r));
  }

  private void install(Read c) {
    actor.fanout().addAll(c.missed());
    actor.installRow(c.row());
    actor.stateRead(c.state());
  }
}
