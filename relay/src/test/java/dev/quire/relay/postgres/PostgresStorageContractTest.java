package dev.quire.relay.postgres;

import dev.quire.relay.store.RelayStorage;
import dev.quire.relay.store.RelayStorageContract;
import java.util.Map;

/** The storage contract on a real PostgreSQL, each test in a fresh database. */
class PostgresStorageContractTest extends RelayStorageContract {
  @Override
  protected RelayStorage openEmpty() {
    return PostgresStorage.open(PgUrl.of(PostgresServer.freshDatabase(), Map.of()), 4);
  }

  @Override
  protected boolean sharedByRelays() {
    return true;
  }
}
