package dev.quire.relay;

import dev.quire.relay.postgres.PgUrl;
import dev.quire.relay.postgres.PostgresServer;
import java.util.Map;

/** {@link UploadTest} on a relay that keeps everything in PostgreSQL. */
class UploadPostgresTest extends UploadTest {
  private PgUrl url;

  @Override
  Relay startRelay() {
    if (url == null) {
      url = PgUrl.of(PostgresServer.freshDatabase(), Map.of());
    }
    return RelayFixture.start(dir, b -> b.database(url));
  }
}
