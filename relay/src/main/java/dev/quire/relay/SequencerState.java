package dev.quire.relay;

import dev.quire.relay.store.HistoryStore.StoredBatch;
import java.util.Map;
import java.util.Objects;

/**
 * What a document's sequencer reads before it takes submits: the head text it canonicalises against
 * (readable mode) and each client's latest batch, to recognise resends. Read on a loader thread,
 * then confined to the document's executor, which updates both as it sequences.
 *
 * @param text the head text, or null in opaque mode or when {@code unreadable}
 * @param unreadable why the stored history cannot be read as operations, or null
 * @param latest each client's latest batch (mutable: the sequencer records each new one)
 */
record SequencerState(DocumentText text, String unreadable, Map<ClientKey, StoredBatch> latest) {
  SequencerState {
    Objects.requireNonNull(latest, "latest == null");
  }

  /** A client of a document: batch sequence numbers count per (author, client id). */
  record ClientKey(String author, String clientId) {}
}
