package dev.quire.relay.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.DocumentInfo;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.relay.store.EmbeddedStorage;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each kind of change the relay confirms that is not an edit (a document created, renamed, shared,
 * unshared or deleted, a client id bound, users and tokens) survives the relay process being killed
 * with SIGKILL right after the confirmation, as an acknowledged edit does. The relay first runs for
 * longer than H2 keeps freed file space (45 s): from then on H2 writes commits into reused space,
 * where after a crash it may not find them, and that is where these changes used to be lost.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("slow")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ConfirmedChangesKillTest {
  // H2's RETENTION_TIME, and a margin: how long the relay runs before H2 reuses freed space.
  private static final long WARM_MILLIS = 50_000;
  private static final long IDLE_BEFORE_KILL_MILLIS = 15_000;

  private Path data;
  private List<String> tokens; // user0 (alice), user1 (bob)
  private RelayProcess relay;
  private int connections;
  private final ExecutorService typing = Executors.newSingleThreadExecutor();
  private volatile boolean stopTyping;

  @BeforeAll
  void startAndRunAWhile(@TempDir Path dir) throws Exception {
    data = dir.resolve("data");
    tokens = Fixture.users(data, 2);
    // Kept in target/ for a look after a failure.
    relay = RelayProcess.start(data, Path.of("target", "ConfirmedChangesKillTest-relay.log"));
    RequestClient c = alice();
    create(c, "typed", "Typed");
    SyncClient typist = new SyncClient("user0", tokens.get(0), "typed", "typist", relay::port, 7);
    typing.submit(
        () -> {
          while (!stopTyping) { // edits all along, across every kill, as in a relay in use
            try {
              typist.type(200, 40);
            } catch (RuntimeException | AssertionError e) {
              // the relay went away mid-request: type on, the client reconnects
            }
          }
          return null;
        });
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WARM_MILLIS);
    for (int i = 0; System.nanoTime() < until; i++) {
      String doc = "busy-" + (i % 20);
      if (i < 20) {
        create(c, doc, "Busy");
      } else {
        c.request(new ClientMessage.Rename(doc, "Busy " + i), ServerMessage.Renamed.class);
      }
      Thread.sleep(20); // a steady trickle of commits, each replacing chunks H2 frees later
    }
    c.close();
  }

  @AfterAll
  void stop() throws Exception {
    stopTyping = true;
    typing.shutdownNow();
    relay.close();
  }

  @Test
  void createdDocument_survivesSigkill() throws Exception {
    warmUp();
    create(alice(), "made", "Made");
    crash();
    assertThat(list(alice()).stream().filter(d -> d.doc().equals("made")))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.title()).isEqualTo("Made");
              assertThat(d.role()).isEqualTo(Role.OWNER);
            });
  }

  @Test
  void newTitle_survivesSigkill() throws Exception {
    warmUp();
    RequestClient alice = alice();
    create(alice, "titled", "Old title");
    alice.request(new ClientMessage.Rename("titled", "New title"), ServerMessage.Renamed.class);
    crash();
    assertThat(titleOf(list(alice()), "titled")).contains("New title");
  }

  @Test
  void grantedRole_survivesSigkill() throws Exception {
    warmUp();
    RequestClient alice = alice();
    create(alice, "granted", "Granted");
    share(alice, "granted", Role.EDITOR);
    crash();
    assertThat(roleOf(list(bob()), "granted")).contains(Role.EDITOR);
  }

  @Test
  void revokedRole_staysRevokedAfterSigkill() throws Exception {
    warmUp();
    RequestClient alice = alice();
    create(alice, "revoked", "Revoked");
    share(alice, "revoked", Role.EDITOR);
    crash();
    warmUp();
    share(alice(), "revoked", null);
    crash();
    RequestClient bob = bob();
    assertThat(roleOf(list(bob), "revoked")).isEmpty();
    assertThat(bob.answer(new ClientMessage.Open("revoked", 0, false), ServerMessage.History.class))
        .isInstanceOfSatisfying(
            ServerMessage.Error.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_DOCUMENT));
  }

  @Test
  void deletedDocument_staysDeletedAfterSigkill() throws Exception {
    warmUp();
    RequestClient alice = alice();
    create(alice, "deleted", "Deleted");
    crash();
    warmUp();
    alice().request(new ClientMessage.Delete("deleted"), ServerMessage.Deleted.class);
    crash();
    RequestClient again = alice();
    assertThat(titleOf(list(again), "deleted")).isEmpty();
    assertThat(
            again.answer(new ClientMessage.Open("deleted", 0, false), ServerMessage.History.class))
        .isInstanceOfSatisfying(
            ServerMessage.Error.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_DOCUMENT));
  }

  @Test
  void boundClientId_survivesSigkill() throws Exception {
    warmUp();
    String clientId = "alice-" + ++connections;
    RequestClient.login(relay.port(), tokens.get(0), clientId).close(); // binds it to alice
    crash();
    assertThat(RequestClient.connect(relay.port()).hello(tokens.get(1), clientId))
        .as("bob's hello with alice's client id")
        .isInstanceOfSatisfying(
            ServerMessage.Error.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CLIENT_ID_TAKEN));
  }

  @Test
  void usersAndTokensMadeWhileStopped_surviveASigkillOfTheRelayAfter() throws Exception {
    assertThat(relay.stop()).isEqualTo(143);
    String carol;
    String bobsSecond;
    String dave;
    try (EmbeddedStorage store = EmbeddedStorage.open(data, 2)) { // as `quire relay user ...` does
      carol = store.users().add("carol");
      bobsSecond = store.users().issueToken("user1");
      dave = store.users().add("dave");
      store.users().revoke("dave");
    }
    relay.restart();
    warmUp(); // the relay writes on top of what the commands wrote
    crash();
    assertThat(RequestClient.login(relay.port(), carol, "carol-1")).isNotNull();
    assertThat(RequestClient.login(relay.port(), bobsSecond, "bob-second")).isNotNull();
    assertThat(RequestClient.connect(relay.port()).hello(dave, "dave-1"))
        .as("the revoked user's hello")
        .isInstanceOfSatisfying(
            ServerMessage.Error.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED));
  }

  // ---- helpers ----

  /**
   * A few changes right before the one under test, each replacing chunks H2 has freed: the change
   * then goes into reused file space too.
   */
  private void warmUp() throws InterruptedException {
    RequestClient c = alice();
    for (int i = 0; i < 8; i++) {
      c.request(new ClientMessage.Rename("busy-" + i, "Warm " + i), ServerMessage.Renamed.class);
    }
    c.close();
  }

  private void crash() throws Exception {
    // The relay idles a while after confirming, as one does between users' actions: H2 had lost
    // changes that long after confirming them too, not only the last instant's.
    Thread.sleep(IDLE_BEFORE_KILL_MILLIS);
    relay.kill(); // SIGKILL: nothing is flushed or closed
    relay.restart();
  }

  private RequestClient alice() throws InterruptedException {
    return RequestClient.login(relay.port(), tokens.get(0), "alice-" + ++connections);
  }

  private RequestClient bob() throws InterruptedException {
    return RequestClient.login(relay.port(), tokens.get(1), "bob-" + ++connections);
  }

  private static void create(RequestClient c, String doc, String title)
      throws InterruptedException {
    c.request(new ClientMessage.Create(doc, title), ServerMessage.Created.class);
  }

  private static void share(RequestClient alice, String doc, Role role)
      throws InterruptedException {
    alice.request(new ClientMessage.Share(doc, "user1", role), ServerMessage.Shared.class);
  }

  private static List<DocumentInfo> list(RequestClient c) throws InterruptedException {
    return c.request(new ClientMessage.ListDocuments(), ServerMessage.Documents.class).documents();
  }

  private static Optional<String> titleOf(List<DocumentInfo> docs, String doc) {
    return docs.stream().filter(d -> d.doc().equals(doc)).map(DocumentInfo::title).findFirst();
  }

  private static Optional<Role> roleOf(List<DocumentInfo> docs, String doc) {
    return docs.stream().filter(d -> d.doc().equals(doc)).map(DocumentInfo::role).findFirst();
  }
}
