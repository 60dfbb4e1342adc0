package dev.quire.relay;

import java.util.Objects;

/**
 * What a document's sequencer reads before it takes submits: the revision numbers and each client's
 * latest batch ({@link Sequencer}), and in a readable document the head text it canonicalises
 * against. Read on a loader thread, then confined to the document's executor, which updates them as
 * it sequences.
 *
 * @param text the head text, or null in an opaque document or when {@code unreadable}
 * @param unreadable why the stored history cannot be read as operations, or null
 */
record SequencerState(DocumentText text, String unreadable, Sequencer sequencer) {
  SequencerState {
    Objects.requireNonNull(sequencer, "sequencer == null");
  }

  /** A client of a document: batch sequence numbers count per (author, client id). */
  record ClientKey(String author, String clientId) {}
}
