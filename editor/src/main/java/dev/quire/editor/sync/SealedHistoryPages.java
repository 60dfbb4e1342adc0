package dev.quire.editor.sync;

import dev.quire.editor.store.LocalStore;
import dev.quire.ot.protocol.WireSequenced;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An encrypted document's ciphertext chain as the profile keeps it, revisions 1 to {@code head}, in
 * upload pages: each batch sealed as the relay sequenced it, so that a refilled relay holds the
 * very batches every member's copy was built from. Completes exceptionally when the profile lacks a
 * batch (it kept ciphertext only from some point on).
 */
final class SealedHistoryPages implements UploadPages {
  /** Revisions' worth of batches read from the profile at a time. */
  static final int READ_REVISIONS = 2_000;

  private final LocalStore store;
  private final String doc;
  private final long head;
  private final long maxPageBytes;
  private final Deque<WireSequenced> unread = new ArrayDeque<>();
  private long next = 1; // the first revision not read yet

  SealedHistoryPages(LocalStore store, String doc, long head, long maxPageBytes) {
    this.store = store;
    this.doc = doc;
    this.head = head;
    this.maxPageBytes = maxPageBytes;
  }

  @Override
  public long head() {
    return head;
  }

  @Override
  public boolean done() {
    return next > head && unread.isEmpty();
  }

  @Override
  public CompletableFuture<List<WireSequenced>> next() {
    if (!unread.isEmpty() || next > head) {
      return CompletableFuture.completedFuture(cut());
    }
    return store
        .sealedBatches(doc, next, Math.min(head, next + READ_REVISIONS - 1))
        .thenApply(
            batches -> {
              for (WireSequenced b : batches) {
                if (b.firstRevision() != next || b.lastRevision() > head) {
                  break;
                }
                unread.add(b);
                next = b.lastRevision() + 1;
              }
              if (unread.isEmpty()) {
                throw new IllegalStateException(
                    "the profile does not keep the ciphertext of revision "
                        + next
                        + " of "
                        + doc
                        + " (it received it before it kept ciphertext): it cannot be uploaded");
              }
              return cut();
            });
  }

  private List<WireSequenced> cut() {
    List<WireSequenced> page = new ArrayList<>();
    long bytes = 0;
    while (!unread.isEmpty()) {
      bytes += unread.peek().wireBytesBound();
      if (!page.isEmpty() && bytes > maxPageBytes) {
        break;
      }
      page.add(unread.poll());
    }
    return page;
  }
}
