package dev.quire.ot.protocol;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A document as {@code list} and {@code created} describe it to one user.
 *
 * @param doc the document id
 * @param title its title
 * @param createdMillis when it was created, epoch milliseconds
 * @param head its latest revision, 0 when empty
 * @param lastChangeMillis when its last batch was sequenced (or it was created or renamed)
 * @param role the requesting user's role
 * @param encrypted whether it is end-to-end encrypted (protocol 6)
 * @param sealedTitle its title sealed by a member's client, or null when {@code title} is its title
 *     (protocol 8); {@code title} is then {@link SealedTitle#PLACEHOLDER}
 */
public record DocumentInfo(
    String doc,
    String title,
    long createdMillis,
    long head,
    long lastChangeMillis,
    Role role,
    boolean encrypted,
    @Nullable SealedTitle sealedTitle) {

  /** A document that is not end-to-end encrypted. */
  public DocumentInfo(
      String doc, String title, long createdMillis, long head, long lastChangeMillis, Role role) {
    this(doc, title, createdMillis, head, lastChangeMillis, role, false);
  }

  /** A document whose title is not sealed. */
  public DocumentInfo(
      String doc,
      String title,
      long createdMillis,
      long head,
      long lastChangeMillis,
      Role role,
      boolean encrypted) {
    this(doc, title, createdMillis, head, lastChangeMillis, role, encrypted, null);
  }

  public DocumentInfo {
    Ids.requireDocumentId(doc);
    Ids.requireTitle(title);
    Objects.requireNonNull(role, "role == null");
    if (head < 0) {
      throw new IllegalArgumentException("head must not be negative, was " + head);
    }
  }
}
