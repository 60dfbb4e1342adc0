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
 * The real-process variant of {@code ConvergenceTest}: many {@code ClientSync} clients on many
 * documents at once against a relay process, each dropping its connection once midway; every
 * replica ends with the relay's head text (rebuilt from the relay's own canonical operations in its
 * H2 file), and the stored history holds every client's edits exactly once.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ManyClientsProcessTest {
  @TempDir Path dir;

  @Test
  void manyClientsOnManyDocuments_convergeWithTheRelaysHeadText() throws Exception {
    run(6, 3, 60);
  }

  @Test
  @Tag("slow")
  void moreClientsAndEdits_convergeWithTheRelaysHeadText() throws Exception {
    run(20, 4, 200);
  }

  private void run(int documents, int clientsPerDocument, int edits) throws Exception {
    Path data = dir.resolve("data");
    List<String> tokens = Fixture.users(data, clientsPerDocument);
    Fixture.documents(data, documents, clientsPerDocument);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    List<SyncClient> clients = new ArrayList<>();
    try (RelayProcess relay = RelayProcess.start(data, dir.resolve("relay.log"))) {
      for (int d = 0; d < documents; d++) {
        for (int c = 0; c < clientsPerDocument; c++) {
          clients.add(
              new SyncClient(
                  "user" + c,
                  tokens.get(c),
                  "doc" + d,
                  "m" + d + "-" + c,
                  relay::port,
                  13L * d + c));
        }
      }
      ExecutorService threads = Executors.newFixedThreadPool(clients.size());
      List<Future<?>> running = new ArrayList<>();
      for (SyncClient c : clients) {
        running.add(
            threads.submit(
                () -> {
                  c.type(edits / 2, 3);
                  c.dropConnection();
                  c.type(edits - edits / 2, 3);
                  c.finish(deadline);
                  return null;
                }));
      }
      for (Future<?> f : running) {
        f.get(240, TimeUnit.SECONDS);
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
      clients.forEach(SyncClient::close);
      assertThat(relay.stop()).isEqualTo(143);
    }
    for (int d = 0; d < documents; d++) {
      StoredHistory stored = StoredHistory.read(data, "doc" + d);
      stored.assertContiguousAndUnique();
      for (SyncClient c : clients) {
        if (c.doc.equals(stored.doc())) {
          stored.assertHoldsExactlyOnce(c);
        }
      }
      assertThat(stored.headText()).isNotEmpty();
    }
  }
}
