package dev.quire.ot.protocol;

import org.jspecify.annotations.Nullable;

/**
 * A document in its owner's trash, as {@code trash} lists it (protocol 5).
 *
 * @param doc the document id
 * @param title its title when it was deleted
 * @param head its latest revision, kept with its history
 * @param deletedMillis when it was deleted, epoch milliseconds (relay clock)
 * @param purgeAtMillis when the relay purges it unless it is restored first (relay clock)
 * @param sealedTitle its title sealed by a member's client, or null (protocol 8)
 */
public record TrashedDocument(
    String doc,
    String title,
    long head,
    long deletedMillis,
    long purgeAtMillis,
    @Nullable SealedTitle sealedTitle) {

  /** A document whose title is not sealed. */
  public TrashedDocument(
      String doc, String title, long head, long deletedMillis, long purgeAtMillis) {
    this(doc, title, head, deletedMillis, purgeAtMillis, null);
  }

  public TrashedDocument {
    Ids.requireDocumentId(doc);
    Ids.requireTitle(title);
    if (head < 0) {
      throw new IllegalArgumentException("head must not be negative, was " + head);
    }
  }
}
