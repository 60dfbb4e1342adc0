package dev.quire.relay.store;

import dev.quire.relay.store.HistoryStore.StoredBatch;
import dev.quire.relay.store.HistoryStore.StoredEntry;
import java.util.List;
import java.util.Objects;

/** What became of an append handed to a {@link BatchAppender}. */
public sealed interface AppendOutcome {

  /** The batch is stored, durably, at the revisions it was given. */
  AppendOutcome COMMITTED = new Committed();

  /** See {@link #COMMITTED}: the one instance. */
  record Committed() implements AppendOutcome {}

  /**
   * Nothing was stored: another writer took those revisions. The document's head is now {@code
   * head}, beyond the expected one; the caller takes in the batches it missed and appends again
   * with the next revision numbers.
   *
   * @param missed the batches after the expected head up to {@code head}, in order, when the
   *     storage read them while deciding (it does when they are few); otherwise empty, and the
   *     caller reads them
   * @param turn when not null, the document's next turn, held for the caller: it appends its next
   *     run of the document through it, or releases it
   */
  record Conflict(long head, List<StoredEntry> missed, BatchAppender.Turn turn)
      implements AppendOutcome {
    public Conflict {
      missed = List.copyOf(missed);
    }

    /** A conflict that holds no turn. */
    public Conflict(long head, List<StoredEntry> missed) {
      this(head, missed, null);
    }

    /** A conflict whose missed batches the caller reads itself. */
    public Conflict(long head) {
      this(head, List.of(), null);
    }
  }

  /**
   * Nothing was stored: this (document, author, client id, batch sequence number) is stored
   * already, as {@code stored}; the caller answers with its revisions (after comparing digests).
   */
  record Duplicate(StoredBatch stored) implements AppendOutcome {
    public Duplicate {
      Objects.requireNonNull(stored, "stored == null");
    }
  }

  /**
   * Nothing was stored: the batch is sealed under another key epoch than the encrypted document's
   * current one, {@code current}, as the storage decided the append (another relay rotated the key
   * meanwhile). The sender seals it again under the current epoch.
   */
  record StaleEpoch(long current) implements AppendOutcome {}

  /**
   * Nothing was stored, or it is not known to be: the storage failed ({@code cause} says how). The
   * caller may try again later after reading the document's head.
   */
  record Failed(StoreException cause) implements AppendOutcome {
    public Failed {
      Objects.requireNonNull(cause, "cause == null");
    }
  }
}
