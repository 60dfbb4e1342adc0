package dev.quire.ot.protocol;

/**
 * A document in its owner's trash, as {@code trash} lists it (protocol 5).
 *
 * @param doc the document id
 * @param title its title when it was deleted
 * @param head its latest revision, kept with its history
 * @param deletedMillis when it was deleted, epoch milliseconds (relay clock)
 * @param purgeAtMillis when the relay purges it unless it is restored first (relay clock)
 */
public record TrashedDocument(
    String doc, String title, long head, long deletedMillis, long purgeAtMillis) {

  public TrashedDocument {
    Ids.requireDocumentId(doc);
    Ids.requireTitle(title);
    if (head < 0) {
      throw new IllegalArgumentException("head must not be negative, was " + head);
    }
  }
}
