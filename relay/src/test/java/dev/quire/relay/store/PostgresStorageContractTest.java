package dev.quire.relay.store;

import dev.quire.relay.postgres.PgUrl;
import dev.quire.relay.postgres.PostgresServer;
import dev.quire.relay.postgres.PostgresStorage;
import java.util.Map;
import java.util.Optional;

/** The storage contract on a real PostgreSQL, with a second storage on it as another relay. */
class PostgresStorageContractTest extends RelayStorageContract {
  private PgUrl url;

  @Override
  protected RelayStorage openEmpty() {
    url = PgUrl.of(PostgresServer.freshDatabase(), Map.of());
    return PostgresStorage.open(url, 4);
  }

  @Override
  protected Optional<RelayStorage> openAnotherWriter() {
    return Optional.of(PostgresStorage.open(url, 4));
  }

  @Override
  protected RelayStorage reopen() {
    return PostgresStorage.open(url, 4);
  }
}
