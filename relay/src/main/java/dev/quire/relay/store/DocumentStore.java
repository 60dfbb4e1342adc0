package dev.quire.relay.store;

import dev.quire.ot.protocol.DocumentInfo;
import dev.quire.ot.protocol.Member;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.SealedTitle;
import java.util.List;
import java.util.Optional;

/**
 * Documents and who may do what with them. Deleting moves a document to its owner's trash: it is
 * marked deleted and keeps its history and roles, until it is restored (live again, as it was) or
 * purged (its history, checkpoints and roles removed for good). Its id is never reused. A
 * document's head moves only by appends ({@link BatchAppender}). Implementations are thread-safe;
 * each method is one transaction, and a change is durable when it returns. Every method throws
 * {@link StoreException} when the storage fails.
 */
public interface DocumentStore {
  /**
   * A document's row.
   *
   * @param payload how the relay treats the document's operations, or null for documents created
   *     before it was recorded: those take the relay's configured default
   * @param deletedMillis null while it is live
   * @param sealedTitle an encrypted document's title sealed by a member's client (protocol 8), or
   *     null; {@code title} is then {@link SealedTitle#PLACEHOLDER}
   */
  record DocumentRow(
      String id,
      String title,
      String owner,
      long createdMillis,
      long head,
      long lastChangeMillis,
      Long deletedMillis,
      PayloadKind payload,
      SealedTitle sealedTitle) {

    /** A row whose title is not sealed. */
    public DocumentRow(
        String id,
        String title,
        String owner,
        long createdMillis,
        long head,
        long lastChangeMillis,
        Long deletedMillis,
        PayloadKind payload) {
      this(id, title, owner, createdMillis, head, lastChangeMillis, deletedMillis, payload, null);
    }

    public boolean deleted() {
      return deletedMillis != null;
    }

    public DocumentInfo info(Role role) {
      return new DocumentInfo(
          id,
          title,
          createdMillis,
          head,
          lastChangeMillis,
          role,
          payload == PayloadKind.ENCRYPTED,
          sealedTitle);
    }

    /** This row at a new head, changed at {@code lastChangeMillis}. */
    public boolean encrypted() {
      return payload == PayloadKind.ENCRYPTED;
    }

    public DocumentRow withHead(long head, long lastChangeMillis) {
      return new DocumentRow(
          id,
          title,
          owner,
          createdMillis,
          head,
          lastChangeMillis,
          deletedMillis,
          payload,
          sealedTitle);
    }
  }

  /**
   * Creates a document owned by {@code owner}, at head 0.
   *
   * @param payload how the relay treats its operations, or null to follow the relay's configured
   *     default (as documents stored before it was recorded do)
   * @return false when the id is taken, by a live or a deleted document (nothing changed)
   */
  default boolean create(
      String id, String title, String owner, long nowMillis, PayloadKind payload) {
    return create(id, title, owner, nowMillis, payload, null);
  }

  /**
   * {@link #create(String, String, String, long, PayloadKind)} with the title sealed by the
   * creator's client: {@code sealedTitle} is kept and {@code title} is {@link
   * SealedTitle#PLACEHOLDER} (the relay keeps no plaintext of it).
   */
  boolean create(
      String id,
      String title,
      String owner,
      long nowMillis,
      PayloadKind payload,
      SealedTitle sealedTitle);

  /** Creates a document that follows the relay's configured payload kind (tools, tests). */
  default boolean create(String id, String title, String owner, long nowMillis) {
    return create(id, title, owner, nowMillis, null);
  }

  /** The document's row, deleted or not. */
  Optional<DocumentRow> find(String id);

  /** The user's role on a live document, if any. */
  Optional<Role> role(String id, String user);

  /** Everyone with a role on the document: the owner first, then the others by name. */
  List<Member> members(String id);

  /** Live documents {@code user} has a role on, or every live one when {@code all}. */
  List<DocumentInfo> list(String user, boolean all);

  /** Sets the document's title in plain text (a sealed one is dropped). */
  default void rename(String id, String title, long nowMillis) {
    rename(id, title, null, nowMillis);
  }

  /**
   * Sets the document's title: {@code sealedTitle} when not null (the title kept is then {@link
   * SealedTitle#PLACEHOLDER}), otherwise {@code title}.
   */
  void rename(String id, String title, SealedTitle sealedTitle, long nowMillis);

  /** Marks the document deleted (nothing happens when it is already). */
  void markDeleted(String id, long nowMillis);

  /** Gives {@code user} {@code role} on the document, or removes their role when null. */
  void setRole(String id, String user, Role role);

  /** A document in its owner's trash: deleted, its history kept, not purged. */
  record TrashRow(String id, String title, long head, long deletedMillis, SealedTitle sealedTitle) {
    /** A document whose title is not sealed. */
    public TrashRow(String id, String title, long head, long deletedMillis) {
      this(id, title, head, deletedMillis, null);
    }
  }

  /** The documents {@code owner} deleted and that are not purged, by id. */
  List<TrashRow> trash(String owner);

  /** Ids of the documents in any trash that were deleted before {@code cutoffMillis}. */
  List<String> deletedBefore(long cutoffMillis);

  /**
   * Takes a document out of the trash: live again, with its history and roles as they were.
   *
   * @return false when it is not in the trash (live, purged or unknown): nothing changed
   */
  boolean restore(String id);

  /**
   * Purges a document in the trash: removes its history, checkpoints and roles for good, and its
   * title; the row stays, deleted, so that its id is never reused.
   *
   * @return false when it is not in the trash (live, purged already, or unknown): nothing changed
   */
  boolean purge(String id, long nowMillis);

  /**
   * The first step of {@link #purge}, in one transaction: the document is purged for every reader
   * (its row says so, its roles and keys are gone); its history and checkpoints are still to be
   * removed, a few rows per transaction, by {@link #purge} or, when the relay stopped before they
   * all were, by {@link #finishPurges}.
   *
   * @return false when it is not in the trash (live, purged already, or unknown): nothing changed
   */
  boolean markPurged(String id, long nowMillis);

  /**
   * Removes the history rows that purges cut short left (the relay stopped between their steps), a
   * few per transaction; the relay runs it as it starts.
   *
   * @return the ids of the documents it finished purging, in order
   */
  List<String> finishPurges();
}
