package dev.quire.relay;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.HistoryStore;
import dev.quire.relay.store.PayloadKind;
import java.util.List;
import java.util.OptionalLong;

/**
 * Reading one document's history: {@code open} answers a page of it (after a snapshot when that
 * skips at least a page) and subscribes the reader once it has reached the head; {@code signatures}
 * answers the relay's signed checkpoints. Runs on the document's executor, as the actor's requests
 * do.
 */
final class DocumentHistory {
  private final DocumentActor actor;
  private final String id;
  private final RelayContext ctx;

  DocumentHistory(DocumentActor actor, String id, RelayContext ctx) {
    this.actor = actor;
    this.id = id;
    this.ctx = ctx;
  }

  void open(Session s, String rid, ClientMessage.Open m) {
    actor.requireRole(s, Role.VIEWER);
    long head = requireKnown(m.fromRevision());
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
      actor.fanout().subscribe(s, head); // live batches follow on from head
    }
    s.answer(rid, new ServerMessage.History(id, page, head, complete));
  }

  /**
   * Answers {@code signatures}: the relay's signed checkpoints of the history after {@code
   * fromRevision}, up to the head (signed now if needed, see {@link HistorySigner}).
   */
  void signatures(Session s, String rid, ClientMessage.Signatures m) {
    actor.requireRole(s, Role.VIEWER);
    long head = requireKnown(m.fromRevision());
    boolean readable = ctx.config().payloadKindOf(actor.row()) == PayloadKind.READABLE;
    s.answer(rid, ctx.signer().answer(id, m.fromRevision(), head, readable));
  }

  /** The document's head, which {@code fromRevision} must not be beyond. */
  private long requireKnown(long fromRevision) {
    long head = actor.row().head();
    if (fromRevision > head) {
      throw new Refusal(
          ErrorCode.BASE_AHEAD,
          "fromRevision " + fromRevision + " is beyond the head revision " + head);
    }
    return head;
  }

  /**
   * The batches of {@code page} up to revision {@code head}: another relay may have stored more
   * already, which reach this one's subscribers live, once, when it catches up.
   */
  static List<WireSequenced> upTo(long head, List<WireSequenced> page) {
    int n = page.size();
    while (n > 0 && page.get(n - 1).lastRevision() > head) {
      n--;
    }
    return n == page.size() ? page : page.subList(0, n);
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
    return snapshotRevision(
        ctx.store().history(), id, from, head, ctx.config().limits().pageSize());
  }

  /** {@link #snapshotRevision(long, long)} over {@code history}, for pages of {@code pageSize}. */
  static OptionalLong snapshotRevision(
      HistoryStore history, String id, long from, long head, int pageSize) {
    OptionalLong c = history.checkpointAtOrBefore(id, head);
    while (c.isPresent() && c.getAsLong() - from >= pageSize) {
      long cp = c.getAsLong();
      OptionalLong minBase = history.minBaseAfter(id, cp);
      if (minBase.isEmpty() || minBase.getAsLong() >= cp) {
        return c;
      }
      c = history.checkpointAtOrBefore(id, minBase.getAsLong());
    }
    return OptionalLong.empty();
  }
}
