package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.ot.text.GapBuffer;
import dev.quire.relay.postgres.PgUrl;
import dev.quire.relay.postgres.PostgresServer;
import dev.quire.relay.postgres.PostgresStorage;
import dev.quire.relay.store.HistoryStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two relays on one PostgreSQL, authors on both writing one document as fast as their acks come:
 * every subscriber, on either relay, receives each revision live exactly once, in order, without a
 * gap, however the relays' conflicts, catch-ups and wake-ups interleave.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TwoRelaysLiveTest {
  private static final int AUTHORS_PER_RELAY = 2;
  private static final int BATCHES = 40;
  private static final int TOTAL = 2 * AUTHORS_PER_RELAY * BATCHES;

  @TempDir Path dir;
  private final List<Relay> relays = new ArrayList<>();
  private final List<TestClient> clients = new ArrayList<>();

  @AfterEach
  void stop() {
    clients.forEach(TestClient::close);
    relays.forEach(Relay::close);
  }

  private Relay start(String name, PgUrl url) {
    Relay r =
        RelayFixture.start(
            dir.resolve(name), b -> b.database(url).limits(RelayConfig.DEFAULT_LIMITS));
    relays.add(r);
    return r;
  }

  /** Everything live a subscriber received, batch by batch. */
  private static final class Seen {
    final List<WireSequenced> batches = new ArrayList<>();

    void record(ServerMessage m) {
      if (m instanceof ServerMessage.Sequenced s) {
        batches.addAll(s.batches());
      }
    }

    long last() {
      return batches.isEmpty() ? 0 : batches.get(batches.size() - 1).lastRevision();
    }
  }

  private TestClient login(Relay r, String token, String clientId) throws Exception {
    TestClient c = TestClient.login(r.port(), token, clientId);
    clients.add(c);
    assertThat(RelayFixture.openAll(c, "doc", 0)).isEmpty();
    return c;
  }

  /** Submits BATCHES batches one at a time, each once the previous is acknowledged. */
  private static Callable<Seen> author(TestClient c, String client) {
    return () -> {
      Seen seen = new Seen();
      for (long seq = 1; seq <= BATCHES; seq++) {
        c.send(
            new ClientMessage.Submit(
                "doc", RelayFixture.append(client, seq, 0, 0, token(client, seq))));
        boolean acked = false;
        while (!acked) {
          ServerMessage m = c.next();
          seen.record(m);
          if (m instanceof ServerMessage.Error e) {
            throw new AssertionError(client + " batch " + seq + ": " + e);
          }
          if (m instanceof ServerMessage.Sequenced s) {
            long n = seq;
            acked =
                s.batches().stream()
                    .anyMatch(
                        e -> e.batch().clientId().equals(client) && e.batch().batchSeq() == n);
          }
        }
      }
      drain(c, seen);
      return seen;
    };
  }

  /** The text a batch inserts: each batch's own, so that a misplaced one shows. */
  private static String token(String client, long seq) {
    return "<" + client + "." + seq + ">";
  }

  /**
   * The stored canonical operations replay from the empty text, each fitting the text before it;
   * every checkpoint (made from a relay's head text in memory, pending batches included) is the
   * text replayed to its revision; and every batch's text is in the end exactly once.
   */
  private static void assertTheLogAndCheckpointsAgree(PgUrl url) {
    try (PostgresStorage storage = PostgresStorage.open(url, 2)) {
      long head = storage.documents().find("doc").orElseThrow().head();
      List<String> canonical = storage.history().canonical("doc", 1, head);
      assertThat(canonical).hasSize((int) head).doesNotContainNull();
      GapBuffer text = new GapBuffer("");
      int checkpoints = 0;
      for (int r = 1; r <= head; r++) {
        text.apply(OperationCodec.fromJson(canonical.get(r - 1)));
        Optional<HistoryStore.Checkpoint> cp = storage.history().checkpoint("doc", r);
        if (cp.isPresent()) {
          checkpoints++;
          assertThat(cp.get().text()).as("checkpoint at %d", r).isEqualTo(text.toString());
        }
      }
      // Checkpoints come once the operations since the last amount to half the text
      // (CheckpointPolicy), further apart as the text grows: a handful in this history.
      assertThat(checkpoints).isGreaterThanOrEqualTo(5);
      String end = text.toString();
      for (int i = 0; i < 2 * AUTHORS_PER_RELAY; i++) {
        for (long seq = 1; seq <= BATCHES; seq++) {
          String t = token("c" + i, seq);
          assertThat(end.indexOf(t)).as(t).isNotNegative().isEqualTo(end.lastIndexOf(t));
        }
      }
    }
  }

  /** Receives until the subscriber has the whole history, then a little more for duplicates. */
  private static void drain(TestClient c, Seen seen) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (seen.last() < TOTAL && System.nanoTime() < deadline) {
      seen.record(c.poll(100));
    }
    long quiet = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
    while (System.nanoTime() < quiet) {
      seen.record(c.poll(100));
    }
  }

  @Test
  void everySubscriberOnEitherRelayReceivesEachRevisionOnceInOrder() throws Exception {
    PgUrl url = PgUrl.of(PostgresServer.freshDatabase(), Map.of());
    String owner;
    List<String> tokens = new ArrayList<>();
    try (PostgresStorage storage = PostgresStorage.open(url, 2)) {
      owner = storage.users().add("owner");
      storage.documents().create("doc", "Shared", "owner", 1);
      for (int i = 0; i < 2 * AUTHORS_PER_RELAY; i++) {
        tokens.add(storage.users().add("author" + i));
        storage.documents().setRole("doc", "author" + i, Role.EDITOR);
      }
    }
    Relay a = start("a", url);
    Relay b = start("b", url);
    TestClient watcherA = login(a, owner, "watch-a");
    TestClient watcherB = login(b, owner, "watch-b");
    List<TestClient> authors = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      authors.add(login(i % 2 == 0 ? a : b, tokens.get(i), "c" + i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(authors.size());
    try {
      List<Future<Seen>> seen = new ArrayList<>();
      for (int i = 0; i < authors.size(); i++) {
        seen.add(pool.submit(author(authors.get(i), "c" + i)));
      }
      List<Seen> all = new ArrayList<>();
      for (Future<Seen> f : seen) {
        all.add(f.get(150, TimeUnit.SECONDS));
      }
      for (TestClient w : List.of(watcherA, watcherB)) {
        Seen s = new Seen();
        drain(w, s);
        all.add(s);
      }
      for (int i = 0; i < all.size(); i++) {
        long expected = 1;
        for (WireSequenced e : all.get(i).batches) {
          assertThat(e.firstRevision())
              .as(
                  "subscriber %d: %s/%d at %d, each revision once, in order",
                  i, e.batch().clientId(), e.batch().batchSeq(), e.firstRevision())
              .isEqualTo(expected);
          expected = e.lastRevision() + 1;
        }
        assertThat(expected - 1).as("subscriber %d has every revision", i).isEqualTo(TOTAL);
      }
      assertTheLogAndCheckpointsAgree(url);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void renameShareAndDeleteThroughOneRelayReachTheOtherRelaysSubscribersAndUsers()
      throws Exception {
    PgUrl url = PgUrl.of(PostgresServer.freshDatabase(), Map.of());
    String owner;
    String bob;
    String carol;
    String dave;
    try (PostgresStorage storage = PostgresStorage.open(url, 2)) {
      owner = storage.users().add("owner");
      bob = storage.users().add("bob");
      carol = storage.users().add("carol");
      dave = storage.users().add("dave");
      storage.documents().create("doc", "Shared", "owner", 1);
      storage.documents().setRole("doc", "bob", Role.EDITOR);
      storage.documents().setRole("doc", "carol", Role.EDITOR);
    }
    Relay a = start("a", url);
    Relay b = start("b", url);
    TestClient ownerOnA = login(a, owner, "o");
    TestClient bobOnB = login(b, bob, "b");
    TestClient carolOnB = login(b, carol, "c");
    TestClient daveOnB = TestClient.login(b.port(), dave, "d"); // follows no document
    clients.add(daveOnB);

    ownerOnA.send(new ClientMessage.Share("doc", "dave", Role.VIEWER));
    ServerMessage.Available available =
        daveOnB.await(ServerMessage.Available.class, m -> m.document().doc().equals("doc"));
    assertThat(available.document().role()).isEqualTo(Role.VIEWER);
    ownerOnA.send(new ClientMessage.Share("doc", "dave", null));
    daveOnB.await(ServerMessage.Unavailable.class, m -> m.doc().equals("doc"));

    ownerOnA.send(new ClientMessage.Rename("doc", "Renamed on A"));
    ownerOnA.await(ServerMessage.Renamed.class, r -> true);
    bobOnB.await(ServerMessage.Renamed.class, r -> r.title().equals("Renamed on A"));

    ownerOnA.send(new ClientMessage.Share("doc", "carol", null));
    ownerOnA.await(ServerMessage.Shared.class, s -> true);
    carolOnB.await(ServerMessage.Unsubscribed.class, u -> u.doc().equals("doc"));

    ownerOnA.send(new ClientMessage.Share("doc", "bob", Role.VIEWER));
    ownerOnA.await(ServerMessage.Shared.class, s -> true);
    // Notices are handled in order: once the rename after it arrives, the new role is known.
    ownerOnA.send(new ClientMessage.Rename("doc", "Bob only reads"));
    bobOnB.await(ServerMessage.Renamed.class, r -> r.title().equals("Bob only reads"));
    bobOnB.send(new ClientMessage.Submit("doc", RelayFixture.append("b", 1, 0, 0, "x")));
    ServerMessage.Error refused = bobOnB.await(ServerMessage.Error.class, e -> true);
    assertThat(refused.code()).as(refused.message()).isEqualTo(ErrorCode.FORBIDDEN);

    ownerOnA.send(new ClientMessage.Delete("doc"));
    ownerOnA.await(ServerMessage.Deleted.class, d -> true);
    bobOnB.await(ServerMessage.Deleted.class, d -> d.doc().equals("doc"));
    bobOnB.send(new ClientMessage.Open("doc", 0, false));
    ServerMessage.Error gone = bobOnB.await(ServerMessage.Error.class, e -> true);
    assertThat(gone.code()).as(gone.message()).isEqualTo(ErrorCode.UNKNOWN_DOCUMENT);
  }
}
