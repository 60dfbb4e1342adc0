package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.postgres.PgUrl;
import dev.quire.relay.postgres.PostgresStorage;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stops and starts again while a client writes through a relay on it. Meanwhile the
 * relay answers submits with a retryable error and the client resends the same batch; once the
 * database is back the relay commits again without being restarted, and every acknowledged batch is
 * stored exactly once, at the revision its ack gave, with no gap.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PostgresRestartUnderLoadTest {
  private static final int BATCHES = 150;

  @TempDir Path dir;

  private EmbeddedPostgres startDatabase(int port) throws Exception {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dir.resolve("pg"))
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }

  @Test
  void relayRefusesRetryablyWhileTheDatabaseIsDown_recovers_andLosesNoAckedBatch()
      throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    EmbeddedPostgres pg = startDatabase(port);
    PgUrl url = PgUrl.of(pg.getJdbcUrl("postgres", "postgres") + "&connectTimeout=2", Map.of());
    String token;
    try (PostgresStorage storage = PostgresStorage.open(url, 2)) {
      token = storage.users().add("alice");
      storage.documents().create("doc", "Notes", "alice", 1);
    }
    Map<Long, Long> acks = new TreeMap<>(); // batch seq -> first revision
    AtomicInteger acked = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try (Relay relay =
        RelayFixture.start(
            dir.resolve("relay"), b -> b.database(url).limits(RelayConfig.DEFAULT_LIMITS))) {
      TestClient alice = TestClient.login(relay.port(), token, "c1");
      Future<?> writing =
          writer.submit(
              () -> {
                for (long seq = 1; seq <= BATCHES; ) {
                  alice.send(
                      new ClientMessage.Submit("doc", RelayFixture.append("c1", seq, 0, 0, "x")));
                  ServerMessage m = alice.next();
                  if (m instanceof ServerMessage.Ack a) {
                    assertThat(a.batchSeq()).isEqualTo(seq);
                    Long earlier = acks.put(seq, a.firstRevision());
                    assertThat(earlier).isNull();
                    acked.incrementAndGet();
                    seq++;
                  } else if (m instanceof ServerMessage.Error e) {
                    assertThat(e.retry()).as("retryable: " + e.message()).isTrue();
                    refused.incrementAndGet();
                    Thread.sleep(100); // the client's back-off before it resends the same batch
                  } else {
                    throw new AssertionError("unexpected " + m);
                  }
                }
                return null;
              });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (acked.get() < 20 && System.nanoTime() < deadline) {
        Thread.sleep(5); // bounded poll: acks arrive on the writer's thread
      }
      pg.close(); // stops the server under load; its files stay
      while (refused.get() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(5); // bounded poll: until the relay has refused while it is down
      }
      assertThat(refused.get()).as("submits refused while the database is down").isPositive();
      int ackedWhileDown = acked.get();
      pg = startDatabase(port);
      writing.get(150, TimeUnit.SECONDS);
      assertThat(acked.get()).as("acks after the database came back").isGreaterThan(ackedWhileDown);
      alice.close();
    } finally {
      writer.shutdownNow();
    }
    try (PostgresStorage storage = PostgresStorage.open(url, 2)) {
      List<WireSequenced> stored = new ArrayList<>();
      long head = storage.documents().find("doc").orElseThrow().head();
      for (long after = 0; after < head; ) {
        List<WireSequenced> page = storage.history().page("doc", after, 500);
        assertThat(page).isNotEmpty();
        stored.addAll(page);
        after = page.get(page.size() - 1).lastRevision();
      }
      Map<Long, Long> storedAt = new TreeMap<>();
      long expected = 1;
      for (WireSequenced b : stored) {
        assertThat(b.firstRevision()).as("no gap, no revision twice").isEqualTo(expected);
        expected = b.lastRevision() + 1;
        assertThat(storedAt.put(b.batch().batchSeq(), b.firstRevision()))
            .as("batch %d stored once", b.batch().batchSeq())
            .isNull();
      }
      assertThat(storedAt).as("every acked batch, at its acked revision").isEqualTo(acks);
      assertThat(head).isEqualTo(BATCHES);
    } finally {
      pg.close();
    }
  }
}
