package dev.quire.editor.sync;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.Revision;
import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A document's local history, revisions 1 to {@code head}, read from the profile as whole sequenced
 * batches, in pages that each fit in one {@code upload} message: every batch as its author sent it,
 * with its author, client id, batch sequence number, the relay's timestamp and the author's time.
 * Reads the log a bounded number of revisions at a time. Not thread-safe: one page at a time.
 */
final class HistoryPages implements UploadPages {
  /** Revisions read from the profile at a time. */
  static final int READ_REVISIONS = 2_000;

  private final LocalStore store;
  private final String doc;
  private final long head;
  private final long maxPageBytes;
  private final List<Revision> unread = new ArrayList<>(); // read, not yet in a page
  private long readUpTo; // the last revision read from the profile

  /**
   * @param maxPageBytes the most UTF-8 bytes the batches of a page may take ({@link
   *     WireSequenced#wireBytesBound}); a single larger batch still makes a page of its own
   */
  HistoryPages(LocalStore store, String doc, long head, long maxPageBytes) {
    this.store = Objects.requireNonNull(store, "store == null");
    this.doc = Objects.requireNonNull(doc, "doc == null");
    this.head = head;
    this.maxPageBytes = maxPageBytes;
  }

  @Override
  public long head() {
    return head;
  }

  @Override
  public boolean done() {
    return readUpTo >= head && unread.isEmpty();
  }

  /**
   * The next page: whole batches following the last page's; empty once {@link #done()}. Completes
   * exceptionally when the profile's log lacks revisions or has half a batch.
   */
  @Override
  public CompletableFuture<List<WireSequenced>> next() {
    return fill(false)
        .thenCompose(
            v -> {
              List<WireSequenced> page = cut();
              // null: not even one whole batch read yet; read on
              return page != null
                  ? CompletableFuture.completedFuture(page)
                  : fill(true).thenCompose(x -> next());
            });
  }

  /**
   * Reads until the unread revisions hold a page's worth of whole batches, or reach the head; with
   * {@code more}, at least one more stretch of the log.
   */
  private CompletableFuture<Void> fill(boolean more) {
    if (readUpTo >= head || (!more && unreadBytes() > maxPageBytes)) {
      return CompletableFuture.completedFuture(null);
    }
    long from = readUpTo + 1;
    long to = Math.min(head, readUpTo + READ_REVISIONS);
    return store
        .revisions(doc, from, to)
        .thenCompose(
            revs -> {
              if (revs.size() != to - from + 1 || revs.get(0).revision() != from) {
                throw new IllegalStateException(
                    "the profile's log of "
                        + doc
                        + " lacks revisions in "
                        + from
                        + ".."
                        + to
                        + ": its whole history cannot be uploaded");
              }
              unread.addAll(revs);
              readUpTo = to;
              return fill(false);
            });
  }

  private long unreadBytes() {
    return unread.size() * 64L; // a rough floor: pages are cut by the exact bound below
  }

  /**
   * Takes whole batches off the unread revisions while they fit in a page; null when the first is
   * not read to its end yet.
   */
  private List<WireSequenced> cut() {
    List<WireSequenced> page = new ArrayList<>();
    long bytes = 0;
    int i = 0;
    while (i < unread.size()) {
      int end = batchEnd(i);
      if (end < 0) {
        break; // the rest of this batch is not read yet
      }
      WireSequenced b = batch(unread.subList(i, end));
      bytes += b.wireBytesBound();
      if (!page.isEmpty() && bytes > maxPageBytes) {
        break;
      }
      page.add(b);
      i = end;
    }
    unread.subList(0, i).clear();
    return page.isEmpty() && !unread.isEmpty() ? null : page;
  }

  /** The index after the batch starting at {@code i}, or -1 when its end is not read yet. */
  private int batchEnd(int i) {
    long first = unread.get(i).batchFirst();
    if (first != unread.get(i).revision()) {
      throw new IllegalStateException(
          "the profile's log of "
              + doc
              + " starts revision "
              + unread.get(i).revision()
              + " inside a batch");
    }
    int j = i + 1;
    while (j < unread.size() && unread.get(j).batchFirst() == first) {
      j++;
    }
    return j < unread.size() || readUpTo >= head ? j : -1;
  }

  /** One batch as the relay sequenced it, from its revisions. */
  static WireSequenced batch(List<Revision> revs) {
    Revision r = revs.get(0);
    List<String> ops = new ArrayList<>(revs.size());
    for (Revision x : revs) {
      ops.add(OperationCodec.toJson(x.original()));
    }
    List<dev.quire.ot.note.Note> notes = revs.get(revs.size() - 1).notes();
    return new WireSequenced(
        r.revision(),
        r.author(),
        r.timestampMillis(),
        new WireBatch(
            r.clientId(),
            r.batchSeq(),
            r.baseRevision(),
            ops,
            r.madeAtMillis(),
            notes.isEmpty() ? null : dev.quire.ot.note.NoteCodec.toJson(notes)));
  }
}
