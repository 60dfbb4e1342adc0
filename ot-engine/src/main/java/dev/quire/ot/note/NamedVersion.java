package dev.quire.ot.note;

import java.util.Objects;

/**
 * A name for a revision of a document.
 *
 * @param namedIn the last revision of the batch that named it
 */
public record NamedVersion(
    String name, long revision, String author, long madeAtMillis, long namedIn) {
  public NamedVersion {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(author, "author == null");
  }
}
