package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.relay.postgres.PgUrl;
import dev.quire.relay.postgres.PostgresServer;
import dev.quire.relay.store.HistoryStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A purge removes a document's history a few rows per transaction after the one that marks it
 * purged. A relay stopped between those steps (killed, or its machine lost) leaves history rows
 * that nothing reads: the next relay to start on the storage removes them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InterruptedPurgeTest {
  @TempDir Path dir;

  @Test
  void embedded_aPurgeCutShort_isFinishedWhenTheRelayStartsAgain() throws Exception {
    purgeCutShort_isFinishedOnTheNextStart(() -> RelayFixture.start(dir));
  }

  @Test
  void onPostgres_aPurgeCutShort_isFinishedWhenARelayStartsAgain() throws Exception {
    PgUrl url = PgUrl.of(PostgresServer.freshDatabase(), Map.of());
    purgeCutShort_isFinishedOnTheNextStart(() -> RelayFixture.start(dir, b -> b.database(url)));
  }

  private static void purgeCutShort_isFinishedOnTheNextStart(Supplier<Relay> start)
      throws Exception {
    try (Relay relay = start.get()) {
      String token = relay.store().users().add("zoe");
      TestClient zoe = TestClient.login(relay.port(), token, "zoe-desk");
      try {
        RelayFixture.create(zoe, "doc");
        for (int i = 0; i < 25; i++) { // more than a purge step's rows, and checkpoints
          zoe.send(
              new ClientMessage.Submit("doc", RelayFixture.append("zoe-desk", i + 1, i, i, "x")));
          zoe.expectAck();
        }
      } finally {
        zoe.close();
      }
      HistoryStore.StoredSize before = relay.store().history().storedSize("doc");
      assertThat(before.operations()).isPositive();
      assertThat(before.checkpointCount()).isPositive();
      // What a stop right after a purge's first transaction leaves.
      relay.store().documents().markDeleted("doc", 1_000);
      assertThat(relay.store().documents().markPurged("doc", 2_000)).isTrue();
    }

    try (Relay relay = start.get()) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      HistoryStore.StoredSize left = relay.store().history().storedSize("doc");
      while (!left.equals(new HistoryStore.StoredSize(0, 0, 0, 0))
          && System.nanoTime() < deadline) {
        Thread.onSpinWait();
        left = relay.store().history().storedSize("doc");
      }
      assertThat(left).isEqualTo(new HistoryStore.StoredSize(0, 0, 0, 0));
      assertThat(relay.store().history().latestBatches("doc")).isEmpty();
      assertThat(relay.store().documents().find("doc").orElseThrow().deleted()).isTrue();
    }
  }
}
