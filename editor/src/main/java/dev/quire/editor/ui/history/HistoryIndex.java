package dev.quire.editor.ui.history;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.Revision;
import dev.quire.ot.text.GapBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history view's model, off the event thread: builds the text and the authorship of any
 * revision from the local store.
 *
 * <p><b>How.</b> A background pass reads the log once, in chunks, replaying every operation into an
 * {@link AuthorSpans} and keeping an {@link Attribution} snapshot every {@link #SNAPSHOT_INTERVAL}
 * revisions (the store's checkpoint interval) with each revision's author and time. A frame for
 * revision r loads its block, the store's checkpoint text at the snapshot revision b below r and
 * the revisions b+1 .. b+interval-1 (a few recent blocks are cached), then replays at most
 * interval-1 operations into a gap buffer for the text and, from the snapshot, into an {@code
 * AuthorSpans} for the authorship. Until the pass has reached b, the text comes first and the
 * colouring when the pass gets there.
 *
 * <p><b>Threading.</b> Every field is confined to the index's own thread; the public methods hand
 * work to it and answer with futures completed there.
 */
final class HistoryIndex implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HistoryIndex.class);

  /** Authorship is snapshotted where the store keeps text checkpoints. */
  static final int SNAPSHOT_INTERVAL = LocalStore.CHECKPOINT_INTERVAL;

  /** Revisions read per store call in the background pass: small, so frames never wait long. */
  private static final int CHUNK = 2000;

  private static final int CACHED_BLOCKS = 8;

  private final LocalStore store;
  private final String docId;
  private final ExecutorService thread;
  private final LongConsumer progress;

  private final AuthorSpans live = new AuthorSpans();
  private final List<Attribution> snapshots = new ArrayList<>(List.of(Attribution.EMPTY));
  private final List<String> authors = new ArrayList<>();
  private final Map<String, Integer> authorIds = new HashMap<>();
  private final Map<Long, Block> blocks =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Block> eldest) {
          return size() > CACHED_BLOCKS;
        }
      };
  private final java.util.Set<Long> prefetching = new java.util.HashSet<>();
  private long indexed; // the pass has replayed revisions 1..indexed
  private long target;
  private boolean reading;
  private Pending pending; // the latest frame waiting for the pass

  /**
   * A snapshot revision's text, that revision itself (null for revision 0: its text is in the
   * checkpoint, its author and time are shown) and the revisions after it up to the next snapshot.
   */
  private record Block(long base, String text, Revision atBase, List<Revision> revisions) {
    static Block of(long base, String text, List<Revision> fromBase) {
      if (base == 0) {
        return new Block(base, text, null, fromBase);
      }
      if (fromBase.isEmpty() || fromBase.get(0).revision() != base) {
        throw new IllegalStateException("revision " + base + " is not in the local store");
      }
      return new Block(base, text, fromBase.get(0), fromBase.subList(1, fromBase.size()));
    }
  }

  private record Pending(Frame frame, Block block) {}

  /**
   * @param progress told, on the index's thread, how far the background pass has got
   */
  HistoryIndex(LocalStore store, String docId, LongConsumer progress) {
    this.store = store;
    this.docId = docId;
    this.progress = progress;
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "quire-history-" + docId);
              t.setDaemon(true);
              return t;
            });
  }

  /** Extends the background pass to {@code head} (a revision the store holds). */
  void indexTo(long head) {
    thread.execute(
        () -> {
          target = Math.max(target, head);
          readMore();
        });
  }

  /** The text, author and time of {@code revision}, and its colouring when known. */
  CompletableFuture<Frame> frame(long revision) {
    if (revision < 0) {
      throw new IllegalArgumentException("revision " + revision);
    }
    CompletableFuture<Frame> result = new CompletableFuture<>();
    thread.execute(
        () ->
            block(revision)
                .thenAcceptAsync(b -> result.complete(build(revision, b)), thread)
                .exceptionally(
                    e -> {
                      result.completeExceptionally(e);
                      return null;
                    }));
    return result;
  }

  private CompletableFuture<Block> block(long revision) {
    long base = revision / SNAPSHOT_INTERVAL * SNAPSHOT_INTERVAL;
    Block cached = blocks.get(base);
    if (cached != null && base + cached.revisions().size() >= revision) {
      return CompletableFuture.completedFuture(cached);
    }
    return store
        .textAt(docId, base)
        .thenCombine(
            store.revisions(docId, base, base + SNAPSHOT_INTERVAL - 1),
            (text, revs) -> Block.of(base, text, revs))
        .thenApplyAsync(
            b -> {
              if (base + b.revisions().size() < revision) {
                throw new IllegalStateException(
                    "revision " + revision + " of " + docId + " is not in the local store yet");
              }
              blocks.put(base, b);
              return b;
            },
            thread);
  }

  private Frame build(long revision, Block b) {
    GapBuffer text = new GapBuffer(b.text());
    int n = (int) (revision - b.base());
    for (int i = 0; i < n; i++) {
      text.apply(b.revisions().get(i).operation());
    }
    Revision r = n == 0 ? b.atBase() : b.revisions().get(n - 1);
    Frame f =
        new Frame(
            revision,
            text.toString(),
            r == null ? null : r.author(),
            r == null ? 0 : r.timestampMillis(),
            r == null ? 0 : r.madeAtMillis(),
            r == null ? List.of() : r.notes(),
            r != null && !r.operation().isNoop(),
            new CompletableFuture<>());
    prefetchAfter(b, n);
    if (indexed >= b.base()) {
      f.colouring().complete(colour(revision, b));
    } else {
      if (pending != null) {
        pending.frame().colouring().cancel(false);
      }
      pending = new Pending(f, b);
    }
    return f;
  }

  /** Past the middle of a block, loads the next one: playback then never waits for the store. */
  private void prefetchAfter(Block b, int n) {
    long next = b.base() + SNAPSHOT_INTERVAL;
    if (n > SNAPSHOT_INTERVAL / 2
        && next <= target
        && !blocks.containsKey(next)
        && prefetching.add(next)) {
      block(next)
          .whenCompleteAsync(
              (loaded, e) -> {
                prefetching.remove(next);
                if (e != null) {
                  log.debug("History of {}: prefetching revision {} failed: {}", docId, next, e);
                }
              },
              thread);
    }
  }

  private Frame.Colouring colour(long revision, Block b) {
    AuthorSpans spans = new AuthorSpans(snapshots.get((int) (b.base() / SNAPSHOT_INTERVAL)));
    int n = (int) (revision - b.base());
    for (int i = 0; i < n; i++) {
      Revision r = b.revisions().get(i);
      spans.apply(r.operation(), authorId(r.author()));
    }
    return new Frame.Colouring(revision, spans.snapshot(), authors);
  }

  private void readMore() {
    if (reading || indexed >= target) {
      return;
    }
    reading = true;
    long from = indexed + 1;
    store
        .revisions(docId, from, Math.min(target, indexed + CHUNK))
        .thenAcceptAsync(this::take, thread)
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                log.warn("History of {}: reading revisions from {} failed: {}", docId, from, e);
              }
            });
  }

  private void take(List<Revision> revs) {
    reading = false;
    for (Revision r : revs) {
      if (r.revision() != indexed + 1) {
        throw new IllegalStateException(
            "history of " + docId + ": expected revision " + (indexed + 1) + ", got " + r);
      }
      live.apply(r.operation(), authorId(r.author()));
      indexed = r.revision();
      if (indexed % SNAPSHOT_INTERVAL == 0) {
        snapshots.add(live.snapshot());
      }
    }
    if (revs.isEmpty()) {
      target = indexed; // the store has no more yet; a later indexTo asks again
    }
    progress.accept(indexed);
    if (pending != null && indexed >= pending.block().base()) {
      Pending p = pending;
      pending = null;
      p.frame().colouring().complete(colour(p.frame().revision(), p.block()));
    }
    readMore();
  }

  private int authorId(String author) {
    return authorIds.computeIfAbsent(
        author,
        a -> {
          authors.add(a);
          return authors.size() - 1;
        });
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
