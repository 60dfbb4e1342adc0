package dev.quire.relay.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The append and history contract on the embedded storage (H2 and its journal) in a fresh data
 * directory.
 */
class EmbeddedAppendAndHistoryTest extends AppendAndHistoryContract {
  @TempDir Path dir;

  @Override
  protected RelayStorage openEmpty() {
    return EmbeddedStorage.open(dir, 8);
  }

  @Override
  protected boolean sharedByRelays() {
    return false;
  }
}
