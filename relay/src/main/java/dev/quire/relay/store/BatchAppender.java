package dev.quire.relay.store;

import dev.quire.relay.store.HistoryStore.Append;
import java.util.List;

/**
 * Appends batches to documents' histories, asynchronously, each at an expected head: it is stored
 * only if the document's head is {@link Append#expectedHead()} then, which makes the storage the
 * commit point when several relay processes write one document. Obtained from {@link
 * RelayStorage#startAppender}; close it before the storage.
 *
 * <p>Thread-safe. Appends given by one thread for one document are decided in the order given.
 */
public interface BatchAppender extends AutoCloseable {

  /** Told what became of one append. */
  @FunctionalInterface
  interface Callback {
    /**
     * Called once per append, on a thread of the appender (or the caller's, see {@link
     * #tryAppendNow}). It must be quick and must not throw: hand further work to another executor.
     */
    void done(AppendOutcome outcome);
  }

  /**
   * Queues {@code append}; {@code callback} is told its outcome later, once: {@link
   * AppendOutcome#COMMITTED committed} (durable), {@link AppendOutcome.Conflict conflict}, {@link
   * AppendOutcome.Duplicate duplicate} or {@link AppendOutcome.Failed failed}. An append that
   * follows an earlier one of its document still in flight is decided after it.
   *
   * @throws IllegalStateException when the appender is closed
   */
  void append(Append append, Callback callback);

  /** Told what became of a run of appends. */
  @FunctionalInterface
  interface RunCallback {
    /** Called once per run, as {@link Callback#done} is. */
    void done(RunOutcome outcome);
  }

  /**
   * A document's next turn at the storage, held for a writer whose run conflicted: the document's
   * other writers wait until that writer appends its next run through it (placed after the batches
   * it missed, so it is stored) or releases it. Without it, the writer that just won would often
   * win again, its next run ready before the loser's. A turn lets go by itself after a short while;
   * a run given then is appended as any other. Thread-safe; use it once.
   */
  interface Turn {
    /** Appends {@code run} in this turn, or as {@link BatchAppender#appendRun} when it is over. */
    void appendRun(List<Append> run, RunCallback callback);

    /** Gives the turn up unused. */
    void release();
  }

  /**
   * Queues {@code run}: appends to one document at consecutive revisions, each placed after the one
   * before it, decided together and in order. They are stored up to the first one that cannot be
   * (its expected head is taken, it is a resend, or the storage fails); the ones after that are not
   * stored, since each was placed after it. {@code callback} is told once ({@link RunOutcome}). A
   * writer that shares its documents hands a document's queued batches over this way, paying one
   * decision for all of them. A conflict may hold the document's next turn ({@link
   * AppendOutcome.Conflict#turn}): the caller appends its next run of the document through it, or
   * releases it. The default appends them one by one, each once the one before it committed, and
   * holds no turn.
   *
   * @throws IllegalArgumentException when {@code run} is empty
   * @throws IllegalStateException when the appender is closed
   */
  default void appendRun(List<Append> run, RunCallback callback) {
    if (run.isEmpty()) {
      throw new IllegalArgumentException("an empty run");
    }
    appendFrom(List.copyOf(run), 0, callback);
  }

  private void appendFrom(List<Append> run, int next, RunCallback callback) {
    append(
        run.get(next),
        outcome -> {
          if (outcome != AppendOutcome.COMMITTED) {
            callback.done(new RunOutcome(next, outcome));
          } else if (next + 1 == run.size()) {
            callback.done(RunOutcome.allCommitted(run.size()));
          } else {
            try {
              appendFrom(run, next + 1, callback);
            } catch (IllegalStateException closed) {
              callback.done(
                  new RunOutcome(
                      next + 1,
                      new AppendOutcome.Failed(new StoreException("the appender is closed"))));
            }
          }
        });
  }

  /**
   * Appends {@code append} on the calling thread, if that is cheap now (nothing else is queued),
   * and tells {@code callback} on this thread before returning true; returns false, having done
   * nothing, otherwise: the caller then uses {@link #append}. For a caller with nothing else of its
   * document in flight. The default never does.
   */
  default boolean tryAppendNow(Append append, Callback callback) {
    return false;
  }

  /**
   * True when no other process appends to this storage: an append then conflicts only if an earlier
   * one failed, so a caller may give a document's next append before the earlier ones are decided.
   * When false, a caller gives one append per document at a time: a later one could be stored at
   * the revisions a conflicting earlier one was meant to take, after content it was never placed
   * after. The default is false.
   */
  default boolean isOnlyWriter() {
    return false;
  }

  /** True when every append given has been told its outcome. */
  boolean isIdle();

  /**
   * Stops taking appends, decides those queued, and tells their callbacks. Idempotent; never
   * throws.
   */
  @Override
  void close();
}
