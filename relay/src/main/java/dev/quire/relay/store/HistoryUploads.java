package dev.quire.relay.store;

import dev.quire.ot.protocol.Member;
import dev.quire.ot.protocol.SealedTitle;
import dev.quire.relay.store.HistoryStore.Append;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Histories uploaded by clients (protocol 5's {@code upload}), to refill a relay that lost its data
 * or never had it. A page of an upload is stored in one transaction, with the guarantees of an
 * append: all of it or nothing, at an expected head, its batches' client ids bound to their
 * authors. The caller (the document's sequencer) has checked the batches against the history it
 * holds; the storage checks what only it can: the head, the id, the users and the client ids.
 * Implementations are thread-safe; every method throws {@link StoreException} when the storage
 * fails.
 */
public interface HistoryUploads {

  /**
   * A document the relay does not know, created by the page that uploads its first batches.
   *
   * @param owner the uploader, who becomes its owner
   * @param members the other roles to give, as the uploader's copy knows them: users the relay does
   *     not know are left out, and so is any entry for the owner
   * @param sealedTitle its title sealed by the uploader's client (protocol 8), or null; {@code
   *     title} is then not kept
   */
  record NewDocument(
      String title,
      String owner,
      long createdMillis,
      PayloadKind payload,
      List<Member> members,
      @Nullable SealedTitle sealedTitle) {
    /** A document whose title is not sealed. */
    public NewDocument(
        String title, String owner, long createdMillis, PayloadKind payload, List<Member> members) {
      this(title, owner, createdMillis, payload, members, null);
    }

    public NewDocument {
      Objects.requireNonNull(title, "title == null");
      Objects.requireNonNull(owner, "owner == null");
      members = List.copyOf(members);
    }
  }

  /**
   * One page to store: {@code appends} follow each other from revision {@code expectedHead + 1} (or
   * none, for a page that only creates the document).
   *
   * @param create the document to create first, or null when it exists
   * @param uploader the user uploading, recorded with each batch
   * @param target the head the whole upload goes to: until the document reaches it, submits wait
   * @param checkAuthors whether each batch's author must be a user of the relay, its client id then
   *     bound to that author (false in open mode, where everybody is the guest)
   */
  record Page(
      String doc,
      NewDocument create,
      String uploader,
      long expectedHead,
      List<Append> appends,
      long target,
      boolean checkAuthors) {
    public Page {
      Objects.requireNonNull(doc, "doc == null");
      Objects.requireNonNull(uploader, "uploader == null");
      appends = List.copyOf(appends);
      long next = expectedHead + 1;
      for (Append a : appends) {
        if (!a.doc().equals(doc) || a.entry().firstRevision() != next) {
          throw new IllegalArgumentException(
              "appends must follow each other from revision " + (expectedHead + 1));
        }
        next = a.entry().lastRevision() + 1;
      }
    }

    /** The head after the page. */
    public long lastRevision() {
      return appends.isEmpty()
          ? expectedHead
          : appends.get(appends.size() - 1).entry().lastRevision();
    }
  }

  /** What became of a page: stored, or nothing stored and why. */
  sealed interface Outcome {}

  /** The page is stored: the document is at {@code head}; {@code complete} when at the target. */
  record Stored(long head, boolean complete) implements Outcome {}

  /** Nothing stored: the document is not at the expected head (another writer moved it). */
  record HeadMoved(long head) implements Outcome {}

  /** Nothing stored: the page creates a document whose id is taken (live or deleted). */
  record Exists() implements Outcome {}

  /** Nothing stored: a batch's client id belongs to another user than the batch's author. */
  record ClientIdTaken(String clientId, String author, String owner) implements Outcome {}

  /** Nothing stored: a batch's author is not a user of the relay. */
  record UnknownAuthor(String author) implements Outcome {}

  /** Stores {@code page}, all of it or nothing. */
  Outcome store(Page page);

  /**
   * The head an unfinished upload of {@code doc} goes to, or empty when none is under way (or the
   * document does not exist).
   */
  OptionalLong target(String doc);

  /** Who uploaded the batch starting at {@code firstRevision}, or null when its author sent it. */
  String uploadedBy(String doc, long firstRevision);
}
