package dev.quire.relay.postgres;

import dev.quire.relay.store.AppendAndHistoryContract;
import dev.quire.relay.store.RelayStorage;
import java.util.Map;

/** The append and history contract on a real PostgreSQL, each test in a fresh database. */
class PostgresAppendAndHistoryTest extends AppendAndHistoryContract {
  @Override
  protected RelayStorage openEmpty() {
    return PostgresStorage.open(PgUrl.of(PostgresServer.freshDatabase(), Map.of()), 4);
  }

  @Override
  protected boolean sharedByRelays() {
    return true;
  }
}
