package dev.quire.relay.store;

import dev.quire.ot.protocol.WireSequenced;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Each document's history: the sequenced batches (their operations as sent, and in readable
 * documents their canonical operations) and the checkpoints of the text. Batches are added only
 * through a {@link BatchAppender}.
 *
 * <p>Implementations are thread-safe. A read sees every batch whose append was reported committed
 * before the read began. Every method throws {@link StoreException} when the storage fails.
 */
public interface HistoryStore {

  /**
   * One batch to append at revisions {@code entry.firstRevision()} onwards: the document's head is
   * expected to be {@code entry.firstRevision() - 1}.
   *
   * @param canonical the canonical operation (JSON) of each revision, or null when the relay does
   *     not read payloads
   * @param digest identifies the batch's content, to tell a resend from a conflicting reuse
   * @param checkpoint the text after the batch to keep as a checkpoint at its last revision, or
   *     null
   * @param keyEpoch the key epoch an encrypted document's batch is sealed under, 0 for a batch that
   *     is not sealed: a storage shared by relays refuses it ({@link AppendOutcome.StaleEpoch})
   *     when it is not the document's current epoch as it decides the append
   */
  record Append(
      String doc,
      WireSequenced entry,
      List<String> canonical,
      byte[] digest,
      String checkpoint,
      long keyEpoch) {
    /** A batch that is not sealed. */
    public Append(
        String doc, WireSequenced entry, List<String> canonical, byte[] digest, String checkpoint) {
      this(doc, entry, canonical, digest, checkpoint, 0);
    }

    public Append {
      Objects.requireNonNull(doc, "doc == null");
      Objects.requireNonNull(entry, "entry == null");
      Objects.requireNonNull(digest, "digest == null");
      if (canonical != null) {
        canonical = List.copyOf(canonical);
        if (canonical.size() != entry.batch().size()) {
          throw new IllegalArgumentException("one canonical operation per batch operation");
        }
      }
    }

    /** The head the document must have for this batch to follow it. */
    public long expectedHead() {
      return entry.firstRevision() - 1;
    }
  }

  /** Where an earlier batch was placed. */
  record StoredBatch(
      long batchSeq, long firstRevision, int size, long timestampMillis, byte[] digest) {

    /**
     * The batch in the current row of {@code rs}, its five columns from {@code column} on in this
     * order: batch seq, first revision, size, timestamp, digest. Both storages select them so.
     */
    public static StoredBatch read(java.sql.ResultSet rs, int column) throws java.sql.SQLException {
      return new StoredBatch(
          rs.getLong(column),
          rs.getLong(column + 1),
          rs.getInt(column + 2),
          rs.getLong(column + 3),
          rs.getBytes(column + 4));
    }
  }

  /**
   * A stored batch in full: what a relay that did not sequence it needs to send it and to take it
   * into its sequencer (its key and digest, to recognise a resend; its canonical operations, to
   * move the head text on).
   *
   * @param canonical the canonical operation (JSON) of each revision, or null where not computed
   */
  record StoredEntry(WireSequenced entry, List<String> canonical, byte[] digest) {
    public StoredEntry {
      Objects.requireNonNull(entry, "entry == null");
      Objects.requireNonNull(digest, "digest == null");
    }
  }

  /** The document's text at {@code revision}. */
  record Checkpoint(long revision, String text) {}

  /** The latest batch of each (author, client id) in a document. */
  record LatestBatch(String author, String clientId, StoredBatch batch) {}

  /**
   * The latest batch of every (author, client id) that wrote to {@code doc}, to dedupe from: one
   * per client, whatever the length of the history.
   */
  List<LatestBatch> latestBatches(String doc);

  /**
   * The batch {@code author} sent as ({@code clientId}, {@code seq}) if it was sequenced, else the
   * first later batch of that client, if any (which makes {@code seq} a batch sent out of order).
   */
  Optional<StoredBatch> findBatchAtOrAfter(String doc, String author, String clientId, long seq);

  /**
   * Whole batches holding the revisions after {@code afterRevision}, in order, about {@code
   * pageSize} revisions: batches are added while the page stays within it, and there is always at
   * least one batch when there is any history after {@code afterRevision}. The first batch may
   * start at or before {@code afterRevision} when that revision is inside it.
   */
  default List<WireSequenced> page(String doc, long afterRevision, int pageSize) {
    return page(doc, afterRevision, pageSize, Long.MAX_VALUE);
  }

  /**
   * Like {@link #page(String, long, int)}, and at most {@code maxBytes} on the wire ({@link
   * WireSequenced#wireBytesBound}) unless a single batch is larger: then it comes alone.
   */
  List<WireSequenced> page(String doc, long afterRevision, int pageSize, long maxBytes);

  /**
   * The batches within revisions {@code afterRevision + 1} to {@code toRevision}, in full and in
   * order (fewer when the history ends before): what a relay reads to take in other writers'
   * batches. Both ends are expected to be batch boundaries (heads the document had). Callers bound
   * the range: it is read at once.
   */
  default List<StoredEntry> entries(String doc, long afterRevision, long toRevision) {
    List<StoredEntry> out = new ArrayList<>();
    for (long after = afterRevision; after < toRevision; ) {
      List<WireSequenced> page = page(doc, after, (int) Math.min(1024, toRevision - after));
      if (page.isEmpty()) {
        break;
      }
      List<String> canonical =
          canonical(doc, page.get(0).firstRevision(), page.get(page.size() - 1).lastRevision());
      int at = 0;
      for (WireSequenced e : page) {
        if (e.lastRevision() > toRevision) {
          return out;
        }
        List<String> ops = new ArrayList<>(e.batch().size());
        for (int i = at; i < at + e.batch().size() && i < canonical.size(); i++) {
          if (canonical.get(i) != null) {
            ops.add(canonical.get(i));
          }
        }
        at += e.batch().size();
        StoredBatch stored =
            findBatchAtOrAfter(doc, e.author(), e.batch().clientId(), e.batch().batchSeq())
                .orElseThrow(
                    () -> new StoreException("the batch at " + e.firstRevision() + " vanished"));
        out.add(new StoredEntry(e, ops.size() == e.batch().size() ? ops : null, stored.digest()));
      }
      after = page.get(page.size() - 1).lastRevision();
    }
    return out;
  }

  /** A document's row and the batches stored after a revision, as one read saw them. */
  record RowAndEntries(DocumentStore.DocumentRow row, List<StoredEntry> entries) {
    public RowAndEntries {
      entries = List.copyOf(entries);
    }
  }

  /**
   * The document's row (null when there is none) and, when it is live and its head is past {@code
   * afterRevision} by at most {@code maxRevisions}, the batches after {@code afterRevision} up to
   * that head, in full and in order as {@link #entries} gives them; otherwise no batches. What a
   * relay reads to take in the batches other writers stored after the head it holds.
   */
  RowAndEntries rowAndEntriesAfter(String doc, long afterRevision, long maxRevisions);

  /** The latest checkpoint revision at or before {@code revision}, if any. */
  OptionalLong checkpointAtOrBefore(String doc, long revision);

  /** The checkpoint at exactly {@code revision}. */
  Optional<Checkpoint> checkpoint(String doc, long revision);

  /**
   * The smallest base revision of the batches placed after {@code revision}, if any: a reader who
   * starts from a checkpoint at {@code revision} can canonicalise them all only if it is at least
   * {@code revision}.
   */
  OptionalLong minBaseAfter(String doc, long revision);

  /**
   * The canonical operations (JSON, null where not computed) of revisions {@code from..to}, one per
   * revision, fewer when the history ends before {@code to}.
   */
  List<String> canonical(String doc, long from, long to);

  /**
   * What a document's history takes in the store: the length of its operations as sent, of its
   * canonical operations as stored (those equal to the operations as sent take none), and of its
   * checkpoints' texts, in characters (a checkpoint's in UTF-8 bytes on PostgreSQL).
   */
  record StoredSize(long operations, long canonical, long checkpoints, long checkpointCount) {}

  /**
   * The sizes of {@code doc}'s history as stored: a row-size query of its batches and checkpoints.
   */
  StoredSize storedSize(String doc);

  /** Number of revisions of {@code doc} whose canonical operation was not computed (opaque). */
  long missingCanonical(String doc);

  /**
   * Fills in derived data for revisions stored without it: their canonical operations from {@code
   * firstRevision} on, and checkpoints. Payloads are never changed.
   */
  void fillDerived(
      String doc, long firstRevision, List<String> canonical, List<Checkpoint> checkpoints);
}
