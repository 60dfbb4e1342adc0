package dev.quire.relay.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clean stop (SIGTERM) of a relay process while clients submit as fast as they can: the relay
 * writes every batch it acknowledged from its journal to H2 and leaves the journal empty, so that a
 * copy of H2 alone (a backup of the stopped relay) holds them all, and H2 has nothing to complain
 * about in its trace file.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RelayStopTest {
  private static final int JOURNAL_HEADER_BYTES = 8;

  @TempDir Path dir;

  @Test
  void sigtermUnderLoad_writesTheJournalToH2_leavesItEmpty_andNoTrace() throws Exception {
    int documents = 3;
    int clientsPerDocument = 3;
    Path data = dir.resolve("data");
    List<String> tokens = Fixture.users(data, clientsPerDocument);
    Fixture.documents(data, documents, clientsPerDocument);
    List<SyncClient> clients = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(documents * clientsPerDocument);
    try (RelayProcess relay = RelayProcess.start(data, dir.resolve("relay.log"))) {
      for (int d = 0; d < documents; d++) {
        for (int c = 0; c < clientsPerDocument; c++) {
          clients.add(
              new SyncClient(
                  "user" + c,
                  tokens.get(c),
                  "doc" + d,
                  "c" + d + "-" + c,
                  relay::port,
                  31L * d + c));
        }
      }
      List<Future<?>> running = new ArrayList<>();
      for (SyncClient c : clients) {
        running.add(
            threads.submit(
                () -> {
                  c.type(100_000, 0);
                  return null;
                }));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (acks(clients) < 300 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(acks(clients))
          .as("batches acknowledged before the stop")
          .isGreaterThanOrEqualTo(300);
      long traceBefore = sizeOrZero(data.resolve("relay.trace.db"));

      assertThat(relay.stop()).as("exit code after SIGTERM").isEqualTo(143);

      threads.shutdownNow(); // typing offline now; stop them and read what they were told
      for (Future<?> f : running) {
        try {
          f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          // the connection went mid-request: expected, the relay stopped
        } catch (java.util.concurrent.CancellationException e) {
          // not started
        }
      }
      assertThat(Files.size(data.resolve("relay.journal")))
          .as("relay.journal after a clean stop: its header only")
          .isEqualTo(JOURNAL_HEADER_BYTES);
      assertThat(sizeOrZero(data.resolve("relay.trace.db")))
          .as("bytes in H2's trace file after a clean stop")
          .isEqualTo(traceBefore);
      assertThat(Files.readString(dir.resolve("relay.log"))).doesNotContain("failed");
    }

    // H2 alone, without the journal that a restart would replay.
    Path h2Only = dir.resolve("h2-only");
    Files.createDirectories(h2Only);
    Files.copy(data.resolve("relay.mv.db"), h2Only.resolve("relay.mv.db"));
    int acknowledged = 0;
    for (int d = 0; d < documents; d++) {
      StoredHistory stored = StoredHistory.read(h2Only, "doc" + d);
      stored.assertContiguousAndUnique();
      for (SyncClient c : clients) {
        if (c.doc.equals(stored.doc())) {
          stored.assertHoldsEveryAck(c);
          acknowledged += c.acks.size();
        }
      }
    }
    assertThat(acknowledged).isGreaterThanOrEqualTo(300);
  }

  private static int acks(List<SyncClient> clients) {
    int n = 0;
    for (SyncClient c : clients) {
      n += c.ackCount;
    }
    return n;
  }

  private static long sizeOrZero(Path file) throws java.io.IOException {
    return Files.exists(file) ? Files.size(file) : 0;
  }
}
