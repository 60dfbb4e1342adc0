package dev.quire.relay.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.relay.postgres.PgUrl;
import dev.quire.relay.postgres.PostgresServer;
import dev.quire.relay.postgres.PostgresStorage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three relay processes on one PostgreSQL, two clients on each co-editing one document. One relay
 * is killed with SIGKILL while they type; its clients fail over to the next relay they know and
 * resend their in-flight batch unchanged. Every acknowledged batch is stored exactly once, the
 * history has no gap, and every client ends with the same text as the database.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PostgresRelayKillTest {
  private static final int RELAYS = 3;
  private static final int CLIENTS_PER_RELAY = 2;
  private static final int EDITS = 120;

  @TempDir Path dir;

  @Test
  void sigkillOneOfThreeRelays_itsClientsFailOver_everyAckedBatchStoredOnce_andConverge()
      throws Exception {
    String database = PostgresServer.freshDatabase();
    PgUrl url = PgUrl.of(database, Map.of());
    int clientCount = RELAYS * CLIENTS_PER_RELAY;
    List<String> tokens;
    try (PostgresStorage store = PostgresStorage.open(url, 2)) {
      tokens = Fixture.users(store, clientCount);
      Fixture.documents(store, 1, clientCount);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    List<RelayProcess> relays = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(clientCount);
    try {
      for (int r = 0; r < RELAYS; r++) {
        relays.add(
            RelayProcess.start(
                dir.resolve("unused" + r),
                dir.resolve("relay" + r + ".log"),
                "--database",
                database));
      }
      List<SyncClient> clients = new ArrayList<>();
      for (int c = 0; c < clientCount; c++) {
        clients.add(
            new SyncClient(
                "user" + c, tokens.get(c), "doc0", "c" + c, failover(relays, c % RELAYS), 31L * c));
      }
      List<Future<?>> running = new ArrayList<>();
      for (SyncClient c : clients) {
        running.add(
            threads.submit(
                () -> {
                  c.type(EDITS, 30);
                  c.finish(deadline);
                  return null;
                }));
      }
      while (acks(clients) < 20 && System.nanoTime() < deadline) {
        Thread.sleep(5); // bounded poll (deadline): acks arrive on the clients' threads
      }
      assertThat(running).as("clients still typing at the kill").anyMatch(f -> !f.isDone());
      relays.get(0).kill(); // SIGKILL, mid-stream; it stays down
      for (Future<?> f : running) {
        f.get(200, TimeUnit.SECONDS);
      }
      long head = clients.stream().mapToLong(c -> c.sync.revision()).max().orElseThrow();
      for (SyncClient c : clients) {
        c.settle(head, deadline);
      }
      int failedOver = 0;
      for (int c = 0; c < clientCount; c++) {
        if (c % RELAYS == 0) {
          assertThat(clients.get(c).connects)
              .as("c%d connected again, to another relay", c)
              .isGreaterThan(1);
          failedOver++;
        }
      }
      clients.forEach(SyncClient::close);
      assertThat(failedOver).isEqualTo(CLIENTS_PER_RELAY);
      try (PostgresStorage store = PostgresStorage.open(url, 2)) {
        StoredHistory stored = StoredHistory.read(store, "doc0");
        stored.assertContiguousAndUnique();
        for (SyncClient c : clients) {
          stored.assertHoldsExactlyOnce(c);
        }
      }
    } finally {
      threads.shutdownNow();
      for (RelayProcess r : relays) {
        r.close();
      }
    }
  }

  /** The port of the client's own relay while it runs, else of the next one that does. */
  private static IntSupplier failover(List<RelayProcess> relays, int home) {
    return () -> {
      for (int i = 0; i < relays.size(); i++) {
        int p = relays.get((home + i) % relays.size()).port();
        if (p >= 0) {
          return p;
        }
      }
      return -1;
    };
  }

  private static int acks(List<SyncClient> clients) {
    int n = 0;
    for (SyncClient c : clients) {
      n += c.ackCount;
    }
    return n;
  }
}
