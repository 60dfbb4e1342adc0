package dev.quire.relay.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract, held by the data directory (H2 plus the journal). */
class EmbeddedStorageContractTest extends RelayStorageContract {
  @TempDir Path dir;

  @Override
  protected RelayStorage openEmpty() {
    return EmbeddedStorage.open(dir, 4);
  }

  @Override
  protected RelayStorage reopen() {
    return EmbeddedStorage.open(dir, 4);
  }
}
