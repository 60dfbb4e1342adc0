package dev.quire.relay.postgres;

import dev.quire.relay.store.BatchAppender;
import dev.quire.relay.store.HistoryStore;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A document's next turn, held for a relay whose run conflicted: a transaction of {@link
 * PgAppender} locks the document's row and keeps it locked (other relays' appends to it wait) until
 * the run placed after what it missed comes through {@link #appendRun}, or the turn is released or
 * over. The run may come before the row is locked: it waits for the lock.
 */
final class PgTurn implements BatchAppender.Turn {
  /** A run given in the turn. */
  record Given(List<HistoryStore.Append> run, BatchAppender.RunCallback callback) {}

  private final CompletableFuture<@Nullable Given> next = new CompletableFuture<>();
  private final CompletableFuture<Void> locked = new CompletableFuture<>();
  private final BatchAppender otherwise;

  /** {@code otherwise} takes a run given once the turn is over. */
  PgTurn(BatchAppender otherwise) {
    this.otherwise = otherwise;
  }

  @Override
  public void appendRun(List<HistoryStore.Append> run, BatchAppender.RunCallback callback) {
    Objects.requireNonNull(callback, "callback == null");
    if (run.isEmpty()) {
      throw new IllegalArgumentException("an empty run");
    }
    if (!next.complete(new Given(List.copyOf(run), callback))) {
      otherwise.appendRun(run, callback); // over: queued as any other
    }
  }

  @Override
  public void release() {
    next.complete(null);
  }

  /** The document's row is locked for this turn. */
  void locked() {
    locked.complete(null);
  }

  /** Completes once the document's row is locked for this turn (for tests). */
  CompletableFuture<Void> whenLocked() {
    return locked;
  }

  /**
   * The turn could not be held (the row was never locked): it is over, and a run given to it
   * already goes to the appender's queue, as one given later does.
   */
  void giveUp() {
    if (!next.complete(null)) {
      Given given = next.getNow(null);
      if (given != null) {
        otherwise.appendRun(given.run(), given.callback());
      }
    }
  }

  /**
   * The run given within {@code millis}, or null when the turn was released or is over (then a run
   * given later goes to the appender's queue).
   */
  @Nullable Given await(long millis) throws InterruptedException {
    try {
      return next.get(millis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      next.complete(null);
      return next.getNow(null); // given just now, or over
    } catch (ExecutionException e) {
      throw new IllegalStateException("never completed exceptionally", e);
    } finally {
      next.complete(null); // interrupted: over
    }
  }
}
