package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.Revision;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireSequenced;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client with two relay addresses loses relay A with a batch in flight and moves on to relay B. B
 * runs on A's data directory once A is stopped: a relay sharing A's database, as relays on one
 * PostgreSQL do. The client's backoff is longer than the test may wait, so it must reach B at once,
 * without backing off.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FailoverTest {
  private static final long LONGER_THAN_THE_TEST_WAITS = 600_000;

  @TempDir Path dir;

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static SyncEngine.Config twoRelays(URI a, URI b, String token) {
    return new SyncEngine.Config(
        List.of(a, b),
        token,
        "alice",
        "#112233",
        LONGER_THAN_THE_TEST_WAITS,
        LONGER_THAN_THE_TEST_WAITS);
  }

  private static long head(TestRelay r) {
    return r.relay().store().documents().find("doc").orElseThrow().head();
  }

  /** The relay's batches of {@code clientId}, as (batch seq, first revision) pairs. */
  private static List<String> batchesOf(TestRelay r, String clientId) {
    return r.relay().store().history().page("doc", 0, 10_000).stream()
        .filter(ws -> ws.batch().clientId().equals(clientId))
        .map(WireSequenced::batch)
        .map(b -> "seq " + b.batchSeq())
        .toList();
  }

  @Test
  void batchCommittedByTheLostRelay_isAcknowledgedThroughTheNext_once() throws Exception {
    failOver(true);
  }

  @Test
  void batchTheLostRelayNeverGot_isResentUnchangedToTheNext_once() throws Exception {
    failOver(false);
  }

  /**
   * A commits the in-flight batch but its ack is lost ({@code committedByA}), or A never gets the
   * batch; then A goes away and B, on A's data, takes over.
   */
  private void failOver(boolean committedByA) throws Exception {
    Path data = dir.resolve("relay");
    TestRelay a = TestRelay.start(data);
    String token = a.user("alice");
    a.document("doc", "alice");
    URI b = URI.create("ws://127.0.0.1:" + freePort() + "/");
    TestRelay relayB = null;
    try (HoldingProxy toA = new HoldingProxy(a.uri().getPort());
        TestClient alice = new TestClient(dir.resolve("alice"), twoRelays(toA.uri(), b, token))) {
      alice.addRemoteDocument("doc");
      DocumentSession s = alice.open("doc");
      alice.start();
      alice.edit(s, 0, 0, "hello");
      alice.awaitSettled();
      assertThat(alice.onOwner(alice.engine::relay)).isEqualTo(toA.uri());

      if (committedByA) {
        toA.holdReplies();
      } else {
        toA.holdRequests();
      }
      alice.edit(s, 5, 0, " world");
      TestClient.await("the batch in flight", () -> alice.onOwner(() -> inFlight(s)));
      if (committedByA) {
        TestClient.await("A committed the batch", () -> head(a) == 2);
      }
      toA.holdReplies(); // nothing of A's shutdown reaches the client: its machine just vanishes
      a.stop();
      relayB = TestRelay.startOn(data, b.getPort());
      assertThat(head(relayB)).isEqualTo(committedByA ? 2 : 1);
      assertThat(alice.onOwner(() -> inFlight(s))).as("still in flight when A goes").isTrue();
      toA.cut(); // A's machine is gone

      alice.awaitSettled();
      assertThat(alice.onOwner(alice.engine::relay)).isEqualTo(b);
      assertThat(alice.onOwner(alice.engine::connectionDescription))
          .startsWith("Connected to " + b + " (" + toA.uri() + ": ");
      assertThat(alice.text(s)).isEqualTo("hello world");
      assertThat(head(relayB)).isEqualTo(2);
      String clientId = alice.store.clientId();
      assertThat(batchesOf(relayB, clientId)).containsExactly("seq 1", "seq 2"); // each once
      List<Revision> local = alice.store.revisions("doc", 1, 2).get();
      assertThat(local).extracting(Revision::batchSeq).containsExactly(1L, 2L);
      assertThat(alice.onOwner(s::revision)).isEqualTo(2);
      assertThat(alice.problems).isEmpty();
    } finally {
      if (relayB != null) {
        relayB.close();
      }
      a.close();
    }
  }

  private static boolean inFlight(DocumentSession s) {
    return s.sync().inFlight().isPresent();
  }

  /**
   * A relay that recognises a resend answers it with the revisions it first gave, which the client
   * may have seen already (its own batch, in the live stream): that ack changes nothing, and the
   * next batch follows as usual.
   */
  @Test
  void ackForABatchAlreadySeen_isTakenWithoutDuplicatingIt() throws Exception {
    FakeRelay relay =
        FakeRelay.begin(
            (m, conn) -> {
              if (m instanceof ClientMessage.Hello) {
                return List.of(
                    FakeRelay.encode(
                        new ServerMessage.Welcome(
                            dev.quire.ot.protocol.ProtocolCodec.VERSION,
                            "alice",
                            "s1",
                            false,
                            TestRelay.LIMITS,
                            "fake-relay")));
              }
              if (m instanceof ClientMessage.Open) {
                return List.of(
                    FakeRelay.encode(new ServerMessage.History("doc", List.of(), 0, true)));
              }
              if (m instanceof ClientMessage.Submit sub && sub.batch().batchSeq() == 1) {
                return List.of(
                    FakeRelay.encode(
                        new ServerMessage.Sequenced(
                            "doc", List.of(new WireSequenced(1, "alice", 2000, sub.batch())))),
                    FakeRelay.encode(new ServerMessage.Ack("doc", 1, 1, 2000)));
              }
              if (m instanceof ClientMessage.Submit sub) {
                return List.of(
                    FakeRelay.encode(
                        new ServerMessage.Sequenced(
                            "doc", List.of(new WireSequenced(2, "alice", 3000, sub.batch())))));
              }
              return List.of();
            });
    try (TestClient alice = new TestClient(dir.resolve("alice"), relay.uri(), "t", "alice")) {
      alice.addRemoteDocument("doc");
      DocumentSession s = alice.open("doc");
      alice.edit(s, 0, 0, "one");
      alice.start();
      TestClient.await("synced", () -> alice.status(s).isSynced());
      alice.edit(s, 3, 0, " two");
      TestClient.await(
          "the second batch synced",
          () -> alice.status(s).isSynced() && alice.onOwner(s::revision) == 2);
      assertThat(alice.text(s)).isEqualTo("one two");
      assertThat(alice.store.revisions("doc", 1, 2).get())
          .extracting(Revision::batchSeq)
          .containsExactly(1L, 2L);
      assertThat(relay.count(ClientMessage.Submit.class)).isEqualTo(2);
      assertThat(alice.problems).isEmpty();
    } finally {
      relay.shutDown();
    }
  }

  /**
   * A relay that answers hello with SHUTTING_DOWN (retryable; it closes the connection) is left at
   * once for the next address, which the user is told was passed over and why.
   */
  @Test
  void relayShuttingDown_isLeftAtOnceForTheNext() throws Exception {
    FakeRelay stopping =
        FakeRelay.begin(
            (m, conn) ->
                m instanceof ClientMessage.Hello
                    ? List.of(
                        FakeRelay.encode(
                            new ServerMessage.Error(
                                ErrorCode.SHUTTING_DOWN,
                                "the relay is stopping",
                                true,
                                null,
                                "hello")))
                    : List.of());
    try (TestRelay b = TestRelay.start(dir.resolve("relay"))) {
      String token = b.user("alice");
      b.document("doc", "alice");
      try (TestClient alice =
          new TestClient(dir.resolve("alice"), twoRelays(stopping.uri(), b.uri(), token))) {
        alice.addRemoteDocument("doc");
        DocumentSession s = alice.open("doc");
        alice.edit(s, 0, 0, "hi");
        alice.start();
        alice.awaitSettled();
        assertThat(alice.onOwner(alice.engine::connectionDescription))
            .isEqualTo(
                "Connected to "
                    + b.uri()
                    + " ("
                    + stopping.uri()
                    + ": SHUTTING_DOWN: the relay is stopping)");
        assertThat(head(b)).isEqualTo(1);
      }
    } finally {
      stopping.shutDown();
    }
  }
}
