package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.relay.postgres.PgUrl;
import dev.quire.relay.postgres.PostgresServer;
import dev.quire.relay.postgres.PostgresStorage;
import dev.quire.relay.store.DocumentFeed;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trash with two relays on one PostgreSQL: a delete, a restore or a purge through one relay
 * reaches the users and documents of the other through the document feed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TrashAcrossRelaysTest {
  @TempDir Path dir;
  private final List<Relay> relays = new ArrayList<>();
  private final List<TestClient> clients = new ArrayList<>();

  @AfterEach
  void stop() {
    clients.forEach(TestClient::close);
    relays.forEach(Relay::close);
  }

  private Relay start(String name, PgUrl url) {
    Relay r = RelayFixture.start(dir.resolve(name), b -> b.database(url));
    relays.add(r);
    return r;
  }

  private TestClient login(Relay r, String token, String clientId) throws Exception {
    TestClient c = TestClient.login(r.port(), token, clientId);
    clients.add(c);
    return c;
  }

  private static void awaitDeletedAndUnavailable(TestClient c) throws InterruptedException {
    boolean deleted = false;
    boolean unavailable = false;
    while (!deleted || !unavailable) {
      ServerMessage m =
          c.await(
              ServerMessage.class,
              x -> x instanceof ServerMessage.Deleted || x instanceof ServerMessage.Unavailable);
      deleted |= m instanceof ServerMessage.Deleted;
      unavailable |= m instanceof ServerMessage.Unavailable;
    }
  }

  @Test
  void deleteRestoreAndPurgeOnOneRelay_reachTheOtherRelaysUsersAndFeed() throws Exception {
    PgUrl url = PgUrl.of(PostgresServer.freshDatabase(), Map.of());
    String owner;
    String bob;
    try (PostgresStorage storage = PostgresStorage.open(url, 2)) {
      owner = storage.users().add("owner");
      bob = storage.users().add("bob");
      storage.documents().create("doc", "Shared", "owner", 1);
      storage.documents().setRole("doc", "bob", Role.EDITOR);
    }
    Relay a = start("a", url);
    Relay b = start("b", url);
    TestClient ownerOnA = login(a, owner, "o-a");
    TestClient ownerOnB = login(b, owner, "o-b");
    TestClient bobOnB = login(b, bob, "b");
    assertThat(RelayFixture.openAll(bobOnB, "doc", 0)).isEmpty();

    ownerOnA.send(new ClientMessage.Delete("doc"));
    ownerOnA.await(ServerMessage.Deleted.class, d -> true);
    awaitDeletedAndUnavailable(bobOnB); // a subscriber: both, in either order
    ownerOnB.await(ServerMessage.Unavailable.class, u -> u.doc().equals("doc"));

    ownerOnB.send(new ClientMessage.Trash(null));
    assertThat(ownerOnB.await(ServerMessage.Trash.class, t -> true).documents())
        .extracting(d -> d.doc())
        .containsExactly("doc");
    ownerOnB.send(new ClientMessage.Restore("doc"));
    ownerOnB.await(ServerMessage.Restored.class, r -> true);
    assertThat(
            ownerOnA
                .await(ServerMessage.Available.class, x -> x.document().doc().equals("doc"))
                .document()
                .role())
        .isEqualTo(Role.OWNER);
    bobOnB.await(ServerMessage.Available.class, x -> x.document().doc().equals("doc"));
    // Relay A read the document as deleted; it is live there again.
    ownerOnA.send(new ClientMessage.Submit("doc", RelayFixture.append("o-a", 1, 0, 0, "x")));
    assertThat(ownerOnA.await(ServerMessage.Ack.class, x -> true).firstRevision()).isEqualTo(1);

    LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
    try (PostgresStorage listener = PostgresStorage.open(url, 2)) {
      listener
          .feed()
          .listen(
              new DocumentFeed.Listener() {
                @Override
                public void moved(String doc, long head) {
                  heard.add("moved " + doc);
                }

                @Override
                public void changed(String doc) {
                  heard.add(doc);
                }
              });
      // A feed polls once it listens, and the document moved lately: then it hears notices.
      assertThat(heard.poll(30, TimeUnit.SECONDS)).isEqualTo("moved doc");
      ownerOnA.send(new ClientMessage.Delete("doc"));
      ownerOnA.await(ServerMessage.Deleted.class, d -> true);
      ownerOnA.send(new ClientMessage.Purge("doc"));
      ownerOnA.await(ServerMessage.Purged.class, p -> true);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      int changes = 0;
      while (changes < 2 && System.nanoTime() < deadline) { // the delete's and the purge's
        String doc = heard.poll(100, TimeUnit.MILLISECONDS);
        if ("doc".equals(doc)) {
          changes++;
        }
      }
      assertThat(changes).isGreaterThanOrEqualTo(2);
    }
    ownerOnB.send(new ClientMessage.Restore("doc"));
    ServerMessage.Error gone = ownerOnB.await(ServerMessage.Error.class, e -> true);
    assertThat(gone.code()).as(gone.message()).isEqualTo(ErrorCode.UNKNOWN_DOCUMENT);
  }
}
