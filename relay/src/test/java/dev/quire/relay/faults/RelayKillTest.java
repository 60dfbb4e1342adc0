package dev.quire.relay.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay as a real process, killed with SIGKILL in the middle of a stream of submits from
 * several {@code ClientSync} clients on real WebSockets, then started again on the same H2 files:
 * every acknowledged operation is stored exactly once at the revision its ack gave, the clients
 * resend their unacknowledged batches unchanged (the relay answers those it had committed with the
 * revisions it had given), and every replica converges with the relay's head text.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RelayKillTest {
  @TempDir Path dir;

  @Test
  void sigkillDuringSubmits_keepsEveryAckedEditOnce_clientsResend_andConverge() throws Exception {
    run(2, 3, 100, 1);
  }

  @Test
  @Tag("slow")
  void repeatedSigkills_manyClients_keepEveryAckedEditOnce_andConverge() throws Exception {
    run(4, 4, 600, 3);
  }

  private void run(int documents, int clientsPerDocument, int edits, int kills) throws Exception {
    Path data = dir.resolve("data");
    List<String> tokens = Fixture.users(data, clientsPerDocument);
    Fixture.documents(data, documents, clientsPerDocument);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    try (RelayProcess relay = RelayProcess.start(data, dir.resolve("relay.log"))) {
      List<SyncClient> clients = new ArrayList<>();
      for (int d = 0; d < documents; d++) {
        for (int c = 0; c < clientsPerDocument; c++) {
          clients.add(
              new SyncClient(
                  "user" + c,
                  tokens.get(c),
                  "doc" + d,
                  "c" + d + "-" + c,
                  relay::port,
                  97L * d + c));
        }
      }
      ExecutorService threads = Executors.newFixedThreadPool(clients.size());
      List<Future<?>> running = new ArrayList<>();
      for (SyncClient c : clients) {
        running.add(
            threads.submit(
                () -> {
                  c.type(edits, 30);
                  c.finish(deadline);
                  return null;
                }));
      }
      int killed = 0;
      for (int k = 0; k < kills; k++) {
        int before = acks(clients);
        while (acks(clients) < before + 5 && System.nanoTime() < deadline) {
          Thread.sleep(5); // bounded poll (deadline): acks arrive on the clients' threads
        }
        assertThat(running)
            .as("clients still typing when the relay is killed")
            .anyMatch(f -> !f.isDone());
        relay.kill(); // SIGKILL, mid-stream
        killed++;
        Thread.sleep(300); // clients keep typing offline meanwhile
        relay.restart();
      }
      for (Future<?> f : running) {
        f.get(200, TimeUnit.SECONDS);
      }
      threads.shutdown();
      for (int d = 0; d < documents; d++) {
        String doc = "doc" + d;
        long head =
            clients.stream()
                .filter(c -> c.doc.equals(doc))
                .mapToLong(c -> c.sync.revision())
                .max()
                .orElseThrow();
        for (SyncClient c : clients) {
          if (c.doc.equals(doc)) {
            c.settle(head, deadline);
          }
        }
      }
      double deduped = relay.metric("quire_relay_batches_deduplicated_total");
      int resends = clients.stream().mapToInt(c -> c.resends).sum();
      clients.forEach(SyncClient::close);
      assertThat(relay.stop()).as("exit code after SIGTERM").isEqualTo(143);
      System.out.printf(
          "RelayKillTest: %d SIGKILLs, %d in-flight batches resent, %.0f answered as duplicates"
              + " by the last relay process%n",
          killed, resends, deduped);
      assertThat(killed).isEqualTo(kills);
      for (int d = 0; d < documents; d++) {
        StoredHistory stored = StoredHistory.read(data, "doc" + d);
        stored.assertContiguousAndUnique();
        for (SyncClient c : clients) {
          if (c.doc.equals(stored.doc())) {
            stored.assertHoldsExactlyOnce(c);
          }
        }
      }
    }
  }

  private static int acks(List<SyncClient> clients) {
    int n = 0;
    for (SyncClient c : clients) {
      n += c.ackCount;
    }
    return n;
  }
}
