package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.Revision;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Offline work, reconnects and relay restarts. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RecoveryTest {
  @TempDir Path dir;
  private TestRelay relay;
  private TestClient alice;
  private TestClient bob;
  private DocumentSession a;
  private DocumentSession b;

  @BeforeEach
  void setUp() throws Exception {
    relay = TestRelay.start(dir.resolve("relay"));
    String at = relay.user("alice");
    String bt = relay.user("bob");
    relay.document("doc", "alice", "bob");
    alice = new TestClient(dir.resolve("alice"), relay.uri(), at, "alice");
    bob = new TestClient(dir.resolve("bob"), relay.uri(), bt, "bob");
    alice.addRemoteDocument("doc");
    bob.addRemoteDocument("doc");
    a = alice.open("doc");
    b = bob.open("doc");
    alice.start();
    bob.start();
    alice.edit(a, 0, 0, "shared start\n");
    alice.awaitSettled();
    TestClient.await("bob caught up", () -> bob.onOwner(b::revision) == 1L);
  }

  @AfterEach
  void tearDown() {
    if (alice != null) {
      alice.close();
    }
    if (bob != null) {
      bob.close();
    }
    if (relay != null) {
      relay.close();
    }
  }

  private void type(TestClient c, DocumentSession s, Typist t, int n) {
    c.owner.run(
        () -> {
          for (int i = 0; i < n; i++) {
            t.type(s);
          }
        });
  }

  private void assertConverged(long revisions) throws Exception {
    alice.awaitSettled();
    bob.awaitSettled();
    TestClient.await(
        "same revision",
        () -> alice.onOwner(a::revision) == revisions && bob.onOwner(b::revision) == revisions);
    assertThat(alice.text(a)).isEqualTo(bob.text(b));
    assertThat(alice.store.localText("doc").get()).isEqualTo(alice.text(a));
    assertThat(bob.store.localText("doc").get()).isEqualTo(bob.text(b));
    assertThat(alice.problems).isEmpty();
    assertThat(bob.problems).isEmpty();
  }

  @Test
  void relayRestartedDuringSync_clientsReconnectByThemselvesAndConverge() throws Exception {
    Typist ta = new Typist(1);
    Typist tb = new Typist(2);
    for (int round = 0; round < 3; round++) {
      type(alice, a, ta, 100);
      type(bob, b, tb, 100);
      relay.stop(); // while batches are in flight
      type(alice, a, ta, 50);
      type(bob, b, tb, 50);
      TestClient.await("offline", () -> alice.status(a).state() != SyncStatus.State.SYNCED);
      relay.restart();
    }
    assertConverged(1 + 3 * 300);
    List<Revision> ra = alice.store.revisions("doc", 1, 901).get();
    assertThat(ra).isEqualTo(bob.store.revisions("doc", 1, 901).get());
    // Every edit exactly once: 150 per client per round, no duplicate batch.
    assertThat(ra.stream().filter(r -> r.author().equals("bob")).count()).isEqualTo(450);
  }

  @Test
  @Tag("slow")
  void tenThousandOfflineEditsAgainstTenThousandRemote_convergeWithBothHistoriesComplete()
      throws Exception {
    alice.stop();
    Typist ta = new Typist(11);
    Typist tb = new Typist(12);
    type(alice, a, ta, 10_000); // offline
    for (int i = 0; i < 100; i++) {
      type(bob, b, tb, 100); // live, in many batches
    }
    bob.awaitSettled();
    assertThat(bob.onOwner(b::revision)).isEqualTo(10_001L);

    long t0 = System.nanoTime();
    alice.start();
    assertConverged(20_001);
    long millis = (System.nanoTime() - t0) / 1_000_000;
    System.out.println(
        "reconnect to converged, 10,000 offline vs 10,000 remote: " + millis + " ms");

    List<Revision> all = alice.store.revisions("doc", 1, 20_001).get();
    assertThat(all).hasSize(20_001);
    assertThat(all.stream().filter(r -> r.author().equals("alice")).count()).isEqualTo(10_001);
    assertThat(all.stream().filter(r -> r.author().equals("bob")).count()).isEqualTo(10_000);
    assertThat(all).isEqualTo(bob.store.revisions("doc", 1, 20_001).get());
  }
}
