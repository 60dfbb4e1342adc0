package dev.quire.relay.store;

/**
 * Tells relay processes sharing one storage that documents moved on, or were renamed, deleted or
 * shared. A notice is only a wake-up: "document D now has head H", or "document D changed"; the
 * batches, the row and the roles themselves are read from the storage. Notices may be merged,
 * reordered or lost; an implementation that can lose them also re-announces heads within a bounded
 * time, so a listener learns of every head eventually. A process is not told of its own
 * publications.
 *
 * <p>Thread-safe.
 */
public interface DocumentFeed extends AutoCloseable {

  /** Told of another process's notices. */
  @FunctionalInterface
  interface Listener {
    /**
     * Document {@code doc} has head {@code head} (or later). Called on the feed's own thread; must
     * be quick and must not throw.
     */
    void moved(String doc, long head);

    /**
     * Document {@code doc}'s row or roles changed (renamed, deleted, shared). Called on the feed's
     * own thread; must be quick and must not throw.
     */
    default void changed(String doc) {}

    /**
     * Notices of changes may have been lost (the feed was cut off from the other processes for a
     * while): any document's row or roles may have changed. Called on the feed's own thread; must
     * be quick and must not throw.
     */
    default void changedAny() {}

    /**
     * {@code user}'s role on {@code doc} changed (and so the document's roles): the user's
     * connections may need to be told. Called on the feed's own thread; must be quick and must not
     * throw.
     */
    default void shared(String doc, String user) {
      changed(doc);
    }
  }

  /**
   * Announces that {@code doc}'s head is {@code head}, after the append that made it is committed.
   * Never blocks and never throws: a notice that cannot be sent is dropped (and logged).
   */
  void publish(String doc, long head);

  /**
   * Announces that {@code doc}'s row or roles changed, after the change is committed. Never blocks
   * and never throws: a notice that cannot be sent is dropped (and logged); other processes then
   * see the change when they next read the document.
   */
  void changed(String doc);

  /**
   * Announces that {@code user}'s role on {@code doc} changed, after the change is committed; as
   * {@link #changed}, naming the user.
   */
  default void shared(String doc, String user) {
    changed(doc);
  }

  /** Sets the one listener told of other processes' notices (replacing any earlier one). */
  void listen(Listener listener);

  /** Stops telling and publishing. Idempotent; never throws. */
  @Override
  void close();

  /**
   * A feed for a relay that is the only process on its storage: it tells nobody, and hears none.
   */
  DocumentFeed NONE =
      new DocumentFeed() {
        @Override
        public void publish(String doc, long head) {}

        @Override
        public void changed(String doc) {}

        @Override
        public void listen(Listener listener) {}

        @Override
        public void close() {}

        @Override
        public String toString() {
          return "DocumentFeed.NONE";
        }
      };
}
