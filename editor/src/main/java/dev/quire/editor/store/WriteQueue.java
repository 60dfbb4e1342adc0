package dev.quire.editor.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit on the store's thread. Writes queue up from any thread; one flush task commits
 * everything queued in a single transaction, and the next flush is scheduled as soon as a write
 * arrives while none is pending. So under a stream of edits each commit carries every edit made
 * during the previous one, and no edit waits longer than about two commits.
 *
 * <p>Within one group, a write that replaces a document's whole outbox makes earlier outbox changes
 * of that document in the same group unnecessary; they are skipped (their log and document-row
 * parts are not).
 */
final class WriteQueue {
  private static final Logger log = LoggerFactory.getLogger(WriteQueue.class);

  /** A unit of work committed with others. */
  interface Write {
    /**
     * Applies the write. {@code skipOutbox} holds the documents whose outbox a later write of the
     * same group replaces.
     */
    void apply(Connection c, Set<String> skipOutbox) throws SQLException;
  }

  /** Work on the connection that returns a value. */
  interface SqlFunction<T> {
    T apply(Connection c) throws SQLException;
  }

  private record Pending(
      Write write,
      @Nullable String replacesOutboxOf,
      CompletableFuture<Void> done,
      long queuedNanos) {}

  private final Connection connection;
  private final Executor executor;
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean flushScheduled = new AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicInteger holds =
      new java.util.concurrent.atomic.AtomicInteger();
  private final Map<String, Long> nextSeq = new HashMap<>(); // store thread only
  private volatile @Nullable StoreException failed;

  // Statistics, guarded by this.
  private final long[] recent = new long[DurabilityStats.WINDOW];
  private int recentCount;
  private int recentNext;
  private long writes;
  private long commits;
  private long maxNanos;

  WriteQueue(Connection connection, Executor executor) {
    this.connection = connection;
    this.executor = executor;
  }

  CompletableFuture<Void> submit(Write w) {
    return submit(w, null);
  }

  /** Queues {@code w}; {@code replacesOutboxOf} names the document whose outbox it replaces. */
  CompletableFuture<Void> submit(Write w, @Nullable String replacesOutboxOf) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    StoreException f = failed;
    if (f != null) {
      done.completeExceptionally(f);
      return done;
    }
    queue.add(new Pending(w, replacesOutboxOf, done, System.nanoTime()));
    scheduleFlush();
    return done;
  }

  /** Writes submitted until {@link #release()} wait to be committed together. */
  void hold() {
    holds.incrementAndGet();
  }

  void release() {
    if (holds.decrementAndGet() == 0 && !queue.isEmpty()) {
      scheduleFlush();
    }
  }

  private void scheduleFlush() {
    if (holds.get() > 0) {
      return; // release() schedules it
    }
    if (flushScheduled.compareAndSet(false, true)) {
      try {
        executor.execute(this::flush);
      } catch (RejectedExecutionException e) {
        failAll(new StoreException("the local store is closed", e));
      }
    }
  }

  /** Runs {@code work} on the store's thread, after every write queued before it. */
  <T> CompletableFuture<T> read(SqlFunction<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      executor.execute(
          () -> {
            try {
              result.complete(work.apply(connection));
              connection.commit(); // end the read's transaction
            } catch (SQLException e) {
              result.completeExceptionally(new StoreException("reading failed: " + e, e));
            } catch (RuntimeException e) {
              result.completeExceptionally(e);
            } catch (Error e) { // the heap ran out: fail this read rather than leave it unanswered
              result.completeExceptionally(
                  new StoreException("reading failed: " + e.getMessage(), e));
            }
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new StoreException("the local store is closed", e));
    }
    return result;
  }

  private void flush() {
    flushScheduled.set(false);
    List<Pending> group = new ArrayList<>();
    for (Pending p; (p = queue.poll()) != null; ) {
      group.add(p);
    }
    if (group.isEmpty()) {
      return;
    }
    if (failed != null) {
      group.forEach(p -> p.done().completeExceptionally(failed));
      return;
    }
    List<Set<String>> skips = skipSets(group);
    try {
      for (int i = 0; i < group.size(); i++) {
        group.get(i).write().apply(connection, skips.get(i));
      }
      connection.commit();
    } catch (SQLException | RuntimeException | Error e) { // Error: leave no write unanswered
      rollback();
      StoreException err =
          e instanceof StoreException se
              ? se
              : new StoreException("saving to the local store failed: " + e.getMessage(), e);
      log.error("Local store write failed; refusing further writes", e);
      failed = err;
      group.forEach(p -> p.done().completeExceptionally(err));
      return;
    }
    record(group);
    group.forEach(p -> p.done().complete(null));
  }

  private static List<Set<String>> skipSets(List<Pending> group) {
    List<Set<String>> out = new ArrayList<>(group.size());
    Set<String> later = Set.of();
    for (int i = group.size() - 1; i >= 0; i--) {
      out.add(later);
      String doc = group.get(i).replacesOutboxOf();
      if (doc != null && !later.contains(doc)) {
        Set<String> s = new HashSet<>(later);
        s.add(doc);
        later = Set.copyOf(s);
      }
    }
    java.util.Collections.reverse(out);
    return out;
  }

  private void rollback() {
    nextSeq.clear();
    try {
      connection.rollback();
    } catch (SQLException e) {
      log.warn("Rollback failed: {}", e.getMessage());
    }
  }

  private void failAll(StoreException e) {
    failed = e;
    for (Pending p; (p = queue.poll()) != null; ) {
      p.done().completeExceptionally(e);
    }
  }

  /** Reserves {@code n} outbox sequence numbers for {@code doc} (store thread). */
  long takeSeqs(Connection c, String doc, int n) throws SQLException {
    Long next = nextSeq.get(doc);
    if (next == null) {
      next = Outbox.nextSeq(c, doc);
    }
    nextSeq.put(doc, next + n);
    return next;
  }

  /** The outbox of {@code doc} was emptied: numbering starts again (store thread). */
  void resetSeqs(String doc) {
    nextSeq.put(doc, 0L);
  }

  private synchronized void record(List<Pending> group) {
    long now = System.nanoTime();
    commits++;
    for (Pending p : group) {
      long waited = now - p.queuedNanos();
      writes++;
      maxNanos = Math.max(maxNanos, waited);
      recent[recentNext] = waited;
      recentNext = (recentNext + 1) % recent.length;
      recentCount = Math.min(recentCount + 1, recent.length);
    }
  }

  synchronized DurabilityStats stats() {
    return DurabilityStats.of(writes, commits, recent, recentCount, maxNanos);
  }
}
