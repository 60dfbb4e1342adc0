package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.relay.Relay;
import dev.quire.relay.RelayConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A profile syncs with one relay's history: a relay of another identity among its addresses (one
 * that does not share the first one's database) is not synced with, and the problem names both.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RelayIdentityTest {
  private static final long LONG = 600_000;

  @TempDir Path dir;

  private static Relay openRelay(Path data) {
    return Relay.start(
        RelayConfig.builder(data)
            .port(0)
            .metricsPort(-1)
            .limits(TestRelay.LIMITS)
            .workerThreads(2)
            .openMode(true)
            .build());
  }

  private static URI uri(Relay r) {
    return URI.create("ws://127.0.0.1:" + r.port() + "/");
  }

  private static long head(Relay r) {
    return r.store().documents().find("doc").orElseThrow().head();
  }

  @Test
  void aRelayWithAnotherIdentity_isNotSyncedWith_andTheProblemNamesBoth() throws Exception {
    Relay a = openRelay(dir.resolve("a"));
    Relay b = openRelay(dir.resolve("b")); // independent: its own database, its own identity
    try {
      String idA = a.store().identity();
      String idB = b.store().identity();
      assertThat(idA).isNotEqualTo(idB);
      a.store().documents().create("doc", "Doc", "guest", 1);
      b.store().documents().create("doc", "Doc", "guest", 1);
      SyncEngine.Config config =
          new SyncEngine.Config(List.of(uri(a), uri(b)), "", "alice", "#112233", LONG, LONG);
      try (TestClient alice = new TestClient(dir.resolve("alice"), config)) {
        alice.addRemoteDocument("doc");
        DocumentSession s = alice.open("doc");
        alice.start();
        alice.edit(s, 0, 0, "hello");
        alice.awaitSettled();
        assertThat(head(a)).isEqualTo(1);
        assertThat(alice.store.relayIdentity()).isEqualTo(idA);

        a.close(); // the client moves on to b, which does not share a's history
        TestClient.await(
            "the problem reported",
            () -> alice.problems.stream().anyMatch(p -> p.contains(idB) && p.contains(idA)));
        alice.edit(s, 5, 0, " world");
        assertThat(head(b)).as("nothing sent to b").isZero();
        assertThat(alice.store.relayIdentity()).isEqualTo(idA);
      }
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void aRelayWithAnotherIdentity_isReportedOnce_notAtEveryRetryRound() throws Exception {
    Relay a = openRelay(dir.resolve("a"));
    Relay b = openRelay(dir.resolve("b"));
    try {
      String idB = b.store().identity();
      a.store().documents().create("doc", "Doc", "guest", 1);
      SyncEngine.Config config =
          new SyncEngine.Config(List.of(uri(a), uri(b)), "", "alice", "#112233", 10, 40);
      try (TestClient alice = new TestClient(dir.resolve("alice"), config)) {
        java.util.concurrent.atomic.AtomicInteger rounds =
            new java.util.concurrent.atomic.AtomicInteger();
        alice.owner.run(
            () ->
                alice.engine.addListener(
                    new SyncEngine.Listener() {
                      @Override
                      public void connectionLost(String reason) {
                        rounds.incrementAndGet();
                      }
                    }));
        alice.addRemoteDocument("doc");
        alice.open("doc");
        alice.start();
        alice.awaitSettled();
        a.close();
        int before = rounds.get();
        TestClient.await("five retry rounds", () -> rounds.get() >= before + 5);
        assertThat(alice.problems.stream().filter(p -> p.contains(idB)))
            .as("the identity problem, once: " + alice.problems)
            .hasSize(1);
      }
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void theIdentity_staysWithTheData() throws Exception {
    Path data = dir.resolve("r");
    Relay r = openRelay(data);
    String id = r.store().identity();
    r.close();
    Relay again = openRelay(data);
    try {
      assertThat(again.store().identity()).isEqualTo(id);
    } finally {
      again.close();
    }
  }
}
