package dev.quire.relay;

import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireSequenced;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.java_websocket.framing.Framedata;

/**
 * The subscribers of one document and what is sent to them live. Committed batches go out together,
 * in one message: one frame per subscriber for many batches rather than one per batch, which is
 * what bounds a document with hundreds of authors. Everything else (presence, renames, leaves) goes
 * out after the batches committed before it. Confined to the document's executor.
 */
final class LiveFanout {
  // Sending costs about the same per subscriber whatever a message holds, so a document with many
  // subscribers sends at most once per this much per subscriber (capped): 300 subscribers, once
  // every 15 ms. A lone submit after a quiet spell goes at once.
  private static final long LIVE_INTERVAL_PER_SUBSCRIBER_NANOS = 50_000;
  private static final long LIVE_INTERVAL_CAP_NANOS = 20_000_000;

  /** The executor's side of a task the fan-out queues: counted while it waits, as requests are. */
  interface Tasks {
    /** A task is about to be queued. */
    void started();

    /** A queued task ended (or could not be queued). */
    void finished();
  }

  private final String doc;
  private final RelayContext ctx;
  private final SerialExecutor executor;
  private final Tasks tasks;
  private final Runnable lastLeft;
  private final Set<Session> subscribers = new LinkedHashSet<>();
  private volatile int count;
  // Committed batches not yet sent, and the subscribers whose submit they answer.
  private final List<WireSequenced> live = new ArrayList<>();
  private final List<Map.Entry<Session, String>> liveAnswers = new ArrayList<>();
  private boolean flushQueued;
  // The last revision queued for the subscribers: a batch at or below it is not sent again, however
  // the catch-ups after conflicts and other relays' notices overlap.
  private long liveHead;
  private long lastSentNanos = System.nanoTime() - LIVE_INTERVAL_CAP_NANOS;

  /** {@code lastLeft} runs when the last subscriber has left. */
  LiveFanout(
      String doc, RelayContext ctx, SerialExecutor executor, Tasks tasks, Runnable lastLeft) {
    this.doc = doc;
    this.ctx = ctx;
    this.executor = executor;
    this.tasks = tasks;
    this.lastLeft = lastLeft;
  }

  /** How many follow the document; read from any thread. */
  int count() {
    return count;
  }

  boolean contains(Session s) {
    return subscribers.contains(s);
  }

  /** The subscribers now, to go through while some leave. */
  List<Session> snapshot() {
    return List.copyOf(subscribers);
  }

  /** The last revision queued for the subscribers (meaningful while there are any). */
  long liveHead() {
    return liveHead;
  }

  /**
   * Subscribes {@code s}, which has the history up to {@code head}; the first subscriber sets the
   * revision live batches start after.
   */
  void subscribe(Session s, long head) {
    if (s.isClosing()) {
      return;
    }
    if (subscribers.isEmpty()) {
      liveHead = head;
    }
    if (subscribers.add(s)) {
      count = subscribers.size();
      s.subscriptions.add(doc);
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

  void unsubscribe(Session s) {
    flush(); // it is owed what was committed while it was subscribed
    if (subscribers.remove(s)) {
      count = subscribers.size();
      s.subscriptions.remove(doc);
      if (subscribers.isEmpty()) {
        ctx.openDocuments().decrementAndGet();
        lastLeft.run();
      }
      broadcast(ProtocolCodec.encode(new ServerMessage.Leave(doc, s.id(), s.user())), s);
    }
  }

  /**
   * A committed batch to send; when {@code submitter} is a subscriber, the message carrying it
   * answers its request {@code rid} (else the caller acknowledges it).
   */
  void committed(WireSequenced entry, Session submitter, String rid) {
    liveAnswers.add(Map.entry(submitter, rid));
    add(entry);
  }

  /**
   * A committed batch (another writer's, or one already answered) to send, unless it was queued
   * already.
   */
  void add(WireSequenced entry) {
    if (entry.lastRevision() <= liveHead) {
      if (!liveAnswers.isEmpty() && !flushQueued) {
        schedule();
      }
      return;
    }
    liveHead = entry.lastRevision();
    live.add(entry);
    if (!flushQueued) {
      schedule();
    }
  }

  /** Batches another writer committed, in order, to send. */
  void addAll(List<WireSequenced> entries) {
    for (WireSequenced e : entries) {
      add(e);
    }
  }

  /**
   * Arranges for the committed batches to be sent: at once when nothing else is queued and the
   * document has not sent for a while; otherwise after the queued outcomes, or when the interval
   * since its last send is over.
   */
  private void schedule() {
    flushQueued = true;
    long interval =
        Math.min(LIVE_INTERVAL_CAP_NANOS, subscribers.size() * LIVE_INTERVAL_PER_SUBSCRIBER_NANOS);
    long wait = lastSentNanos + interval - System.nanoTime();
    if (wait <= 0 && !executor.hasQueued()) {
      flush(); // nothing else to wait for
      return;
    }
    tasks.started(); // not idle while batches wait to be sent
    try {
      if (wait <= 0) {
        executor.executeUrgent(this::flushTask);
      } else {
        ctx.timer()
            .schedule(
                () -> {
                  try {
                    executor.executeUrgent(this::flushTask);
                  } catch (RuntimeException e) { // shutting down: clients catch up on reconnect
                    tasks.finished();
                  }
                },
                wait,
                TimeUnit.NANOSECONDS);
      }
    } catch (RuntimeException e) { // shutting down: send now
      tasks.finished();
      flush();
    }
  }

  private void flushTask() {
    try {
      flush();
    } finally {
      tasks.finished();
    }
  }

  /**
   * Sends the committed batches not yet sent to every subscriber, in messages of at most a page of
   * revisions and of bytes, each encoded once for all.
   */
  void flush() {
    flushQueued = false;
    if (live.isEmpty()) {
      liveAnswers.forEach(a -> a.getKey().answered(a.getValue()));
      liveAnswers.clear();
      return;
    }
    lastSentNanos = System.nanoTime();
    int pageSize = ctx.config().limits().pageSize();
    long pageBytes = pageBytes(ctx.config());
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
      String json = ProtocolCodec.encode(new ServerMessage.Sequenced(doc, live.subList(from, to)));
      sendToSubscribers(json, null);
      from = to;
    }
    live.clear();
    liveAnswers.forEach(a -> a.getKey().answered(a.getValue()));
    liveAnswers.clear();
  }

  /** The most bytes of batches in one page or live message: it stays within the message limit. */
  static long pageBytes(RelayConfig config) {
    return Math.max(1, config.limits().maxMessageBytes() - WireSequenced.PAGE_OVERHEAD_BYTES);
  }

  /** Sends to every subscriber except {@code except}, after the committed batches not yet sent. */
  void broadcast(String json, Session except) {
    flush();
    sendToSubscribers(json, except);
  }

  /** Sends to {@code requester}, as the answer to its request {@code rid}, and every subscriber. */
  void sendToAll(ServerMessage m, Session requester, String rid) {
    requester.answer(rid, m);
    broadcast(ProtocolCodec.encode(m), requester);
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
}
