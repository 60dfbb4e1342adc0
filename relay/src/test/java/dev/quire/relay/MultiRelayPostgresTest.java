package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.postgres.PgUrl;
import dev.quire.relay.postgres.PostgresServer;
import dev.quire.relay.postgres.PostgresStorage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two relay processes on one PostgreSQL: an author on each edits one document at the same time.
 * Every batch is acknowledged, each author sees the other's batches live, and both relays serve one
 * history without a gap or a revision given twice.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MultiRelayPostgresTest {
  private static final int BATCHES = 30;
  @TempDir Path dir;

  private Process startRelay(String database, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            List.of(
                java,
                "-DQUIRE_TEST_LOG_LEVEL=INFO",
                "-cp",
                System.getProperty("java.class.path"),
                RelayMain.class.getName(),
                "--metrics-port",
                "-1",
                "--port",
                "0",
                "--database",
                database));
    return builder.redirectError(log.toFile()).start();
  }

  private static int port(Process relay) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8));
    Matcher m = RelayProcessTest.LISTENING.matcher(String.valueOf(out.readLine()));
    assertThat(m.find()).as("first line names the port").isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static int drainOthers(TestClient c, String other, int max) throws Exception {
    int n = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      ServerMessage m = c.poll(200);
      if (m instanceof ServerMessage.Sequenced s) {
        for (WireSequenced e : s.batches()) {
          if (e.batch().clientId().equals(other)) {
            System.err.println(
                "late " + other + " " + e.batch().batchSeq() + " at " + e.firstRevision());
            n++;
          }
        }
      }
    }
    return n;
  }

  /** Submits BATCHES batches one at a time; returns how many of the other's batches came live. */
  private static Callable<Integer> author(TestClient c, String client, String other) {
    return () -> {
      int othersLive = 0;
      for (long seq = 1; seq <= BATCHES; seq++) {
        c.send(new ClientMessage.Submit("doc", RelayFixture.append(client, seq, 0, 0, client)));
        boolean acked = false;
        while (!acked) {
          ServerMessage m = c.next();
          if (m instanceof ServerMessage.Ack a && a.batchSeq() == seq) {
            acked = true;
          } else if (m instanceof ServerMessage.Sequenced s) {
            for (WireSequenced e : s.batches()) {
              if (e.batch().clientId().equals(client) && e.batch().batchSeq() == seq) {
                acked = true;
              } else if (e.batch().clientId().equals(other)) {
                System.err.println(
                    client
                        + " got "
                        + other
                        + " "
                        + e.batch().batchSeq()
                        + " at "
                        + e.firstRevision());
                othersLive++;
              }
            }
          } else if (m instanceof ServerMessage.Error e) {
            throw new AssertionError(client + " batch " + seq + ": " + e);
          }
        }
      }
      return othersLive;
    };
  }

  @Test
  void authorsOnTwoRelaysEditOneDocumentIntoOneHistory() throws Exception {
    String database = PostgresServer.freshDatabase();
    String aliceToken;
    String bobToken;
    try (PostgresStorage storage = PostgresStorage.open(PgUrl.of(database, Map.of()), 2)) {
      aliceToken = storage.users().add("alice");
      bobToken = storage.users().add("bob");
      storage.documents().create("doc", "Shared", "alice", 1);
      storage.documents().setRole("doc", "bob", Role.EDITOR);
    }
    Process a = startRelay(database, dir.resolve("a.log"));
    Process b = startRelay(database, dir.resolve("b.log"));
    ExecutorService authors = Executors.newFixedThreadPool(2);
    try {
      int portA = port(a);
      int portB = port(b);
      TestClient alice = TestClient.login(portA, aliceToken, "ca");
      TestClient bob = TestClient.login(portB, bobToken, "cb");
      assertThat(RelayFixture.openAll(alice, "doc", 0)).isEmpty();
      assertThat(RelayFixture.openAll(bob, "doc", 0)).isEmpty();
      Future<Integer> aliceSaw = authors.submit(author(alice, "ca", "cb"));
      Future<Integer> bobSaw = authors.submit(author(bob, "cb", "ca"));
      int aliceLive = aliceSaw.get(120, TimeUnit.SECONDS);
      int bobLive = bobSaw.get(120, TimeUnit.SECONDS);
      aliceLive += drainOthers(alice, "cb", 2 * BATCHES + 5 - aliceLive);
      bobLive += drainOthers(bob, "ca", 2 * BATCHES + 5 - bobLive);
      System.err.println("live: alice saw " + aliceLive + ", bob saw " + bobLive);

      List<WireSequenced> viaA =
          RelayFixture.openAll(TestClient.login(portA, aliceToken, "reader-a"), "doc", 0);
      List<WireSequenced> viaB =
          RelayFixture.openAll(TestClient.login(portB, bobToken, "reader-b"), "doc", 0);
      assertThat(viaB).isEqualTo(viaA);
      Set<String> batches = new HashSet<>();
      long expected = 1;
      for (WireSequenced e : viaA) {
        assertThat(e.firstRevision()).as("no gap, no revision twice").isEqualTo(expected);
        expected = e.lastRevision() + 1;
        assertThat(batches.add(e.batch().clientId() + "/" + e.batch().batchSeq())).isTrue();
      }
      assertThat(batches).hasSize(2 * BATCHES);
      assertThat(aliceLive)
          .as("bob's batches reach alice live, through the other relay")
          .isPositive();
      assertThat(bobLive).as("alice's batches reach bob live").isPositive();
    } finally {
      authors.shutdownNow();
      a.destroy();
      b.destroy();
      a.waitFor(30, TimeUnit.SECONDS);
      b.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
