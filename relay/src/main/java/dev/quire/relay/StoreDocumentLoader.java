package dev.quire.relay;

import dev.quire.ot.protocol.Role;
import dev.quire.relay.SequencerState.ClientKey;
import dev.quire.relay.store.DocumentStore.DocumentRow;
import dev.quire.relay.store.HistoryStore;
import dev.quire.relay.store.RelayStorage;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads documents from the relay's store. */
final class StoreDocumentLoader implements DocumentLoader {
  private static final Logger log = LoggerFactory.getLogger(StoreDocumentLoader.class);

  private final RelayStorage store;
  private final RelayConfig config;

  StoreDocumentLoader(RelayStorage store, RelayConfig config) {
    this.store = store;
    this.config = config;
  }

  @Override
  public Optional<DocumentRow> row(String doc) {
    return store.documents().find(doc);
  }

  @Override
  public Optional<Role> role(String doc, String user) {
    return store.documents().role(doc, user);
  }

  @Override
  public SequencerState sequencerState(DocumentRow row) {
    HistoryStore history = store.history();
    Map<ClientKey, HistoryStore.StoredBatch> latest = new HashMap<>();
    for (HistoryStore.LatestBatch b : history.latestBatches(row.id())) {
      latest.put(new ClientKey(b.author(), b.clientId()), b.batch());
    }
    Sequencer sequencer = new Sequencer(row.head(), latest);
    if (config.payloadKindOf(row).opaque()) {
      return new SequencerState(null, null, sequencer);
    }
    int keep = Math.max(1000, 2 * config.checkpointInterval());
    try {
      if (history.missingCanonical(row.id()) > 0) {
        DocumentRebuild.run(row.id(), history, row.head(), config.checkpointInterval());
      }
      return new SequencerState(
          DocumentText.load(row.id(), history, row.head(), keep), null, sequencer);
    } catch (IllegalArgumentException | IllegalStateException e) {
      String unreadable =
          "the stored history of " + row.id() + " cannot be read as operations: " + e.getMessage();
      log.warn("Document {}: {}", row.id(), unreadable);
      return new SequencerState(null, unreadable, sequencer);
    }
  }
}
