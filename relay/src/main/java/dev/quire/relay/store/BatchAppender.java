package dev.quire.relay.store;

import dev.quire.relay.store.HistoryStore.Append;

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

  /**
   * Appends {@code append} on the calling thread, if that is cheap now (nothing else is queued),
   * and tells {@code callback} on this thread before returning true; returns false, having done
   * nothing, otherwise: the caller then uses {@link #append}. For a caller with nothing else of its
   * document in flight. The default never does.
   */
  default boolean tryAppendNow(Append append, Callback callback) {
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
