package dev.quire.relay;

import dev.quire.ot.protocol.Role;
import dev.quire.relay.store.DocumentStore.DocumentRow;
import java.util.Optional;

/**
 * Reads what a document's actor keeps in memory. The actor calls it on the loader threads, never on
 * the threads that sequence documents, so a document that is slow to read delays only its own
 * requests. Implementations must be thread-safe.
 */
interface DocumentLoader {

  /** The document's row, deleted or not, if there is one. */
  Optional<DocumentRow> row(String doc);

  /** {@code user}'s role on {@code doc}, if any. */
  Optional<Role> role(String doc, String user);

  /** What the sequencer of the live document {@code row} needs, at {@code row.head()}. */
  SequencerState sequencerState(DocumentRow row);
}
