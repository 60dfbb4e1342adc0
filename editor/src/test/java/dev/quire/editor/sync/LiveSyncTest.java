package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalDocument;
import dev.quire.editor.store.Revision;
import dev.quire.ot.cursor.Selection;
import dev.quire.ot.operation.TextOperation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LiveSyncTest {
  @TempDir Path dir;
  private TestRelay relay;
  private String aliceToken;
  private String bobToken;
  private TestClient alice;
  private TestClient bob;

  @BeforeEach
  void setUp() {
    relay = TestRelay.start(dir.resolve("relay"));
    aliceToken = relay.user("alice");
    bobToken = relay.user("bob");
  }

  @AfterEach
  void tearDown() {
    if (alice != null) {
      alice.close();
    }
    if (bob != null) {
      bob.close();
    }
    relay.close();
  }

  private void clients() {
    alice = new TestClient(dir.resolve("alice"), relay.uri(), aliceToken, "alice");
    bob = new TestClient(dir.resolve("bob"), relay.uri(), bobToken, "bob");
  }

  /** Random edits, astral characters included, as a user would type and delete. */
  static void randomEdits(TestClient c, DocumentSession s, Random rnd, int n) {
    String[] pieces = {"a", "b", " ", "\n", "😀", "é", "🇫🇷", "xyz"};
    for (int i = 0; i < n; i++) {
      c.owner.run(
          () -> {
            int len = s.length();
            if (len > 0 && rnd.nextInt(4) == 0) {
              int pos = rnd.nextInt(len);
              s.splice(pos, Math.min(1 + rnd.nextInt(3), len - pos), "");
            } else {
              s.splice(rnd.nextInt(len + 1), 0, pieces[rnd.nextInt(pieces.length)]);
            }
          });
    }
  }

  @Test
  void twoClientsEditingOneDocumentLive_converge() throws Exception {
    relay.document("doc", "alice", "bob");
    clients();
    alice.addRemoteDocument("doc");
    bob.addRemoteDocument("doc");
    DocumentSession a = alice.open("doc");
    DocumentSession b = bob.open("doc");
    alice.start();
    bob.start();
    alice.awaitSettled();
    bob.awaitSettled();

    Random rnd = new Random(42);
    Thread t = new Thread(() -> randomEdits(bob, b, new Random(7), 300));
    t.start();
    randomEdits(alice, a, rnd, 300);
    t.join();

    alice.awaitSettled();
    bob.awaitSettled();
    TestClient.await(
        "same revision", () -> alice.onOwner(a::revision).equals(bob.onOwner(b::revision)));
    assertThat(alice.text(a)).isEqualTo(bob.text(b)).isNotEmpty();
    assertThat(alice.status(a).isSynced()).isTrue();
    assertThat(alice.onOwner(a::revision)).isEqualTo(600);
    // The stores agree too, revision by revision.
    List<Revision> ra = alice.store.revisions("doc", 1, 600).get();
    List<Revision> rb = bob.store.revisions("doc", 1, 600).get();
    assertThat(ra).isEqualTo(rb);
    assertThat(ra).extracting(Revision::author).contains("alice", "bob");
    assertThat(alice.store.localText("doc").get()).isEqualTo(alice.text(a));
    assertThat(alice.problems).isEmpty();
    assertThat(bob.problems).isEmpty();
  }

  @Test
  void documentCreatedOffline_appearsOnTheRelayWithItsHistory() throws Exception {
    clients();
    alice.store.createDocument("offline-doc", "Made offline", 1, false, List.of()).get();
    DocumentSession a = alice.open("offline-doc");
    alice.edit(a, 0, 0, "Hello");
    alice.edit(a, 5, 0, ", world 😀");
    assertThat(alice.status(a).state()).isEqualTo(SyncStatus.State.OFFLINE);
    assertThat(alice.status(a).unacknowledged()).isEqualTo(2);
    alice.start();
    alice.awaitSettled();
    assertThat(alice.status(a).isSynced()).isTrue();
    assertThat(alice.store.document("offline-doc").get().orElseThrow().syncState())
        .isEqualTo("synced");

    // Bob may see it once shared; he finds it by listing.
    relay
        .relay()
        .store()
        .documents()
        .setRole("offline-doc", "bob", dev.quire.ot.protocol.Role.EDITOR);
    List<LocalDocument> added = new CopyOnWriteArrayList<>();
    bob.owner.run(
        () ->
            bob.engine.addListener(
                new SyncEngine.Listener() {
                  @Override
                  public void documentAdded(LocalDocument d) {
                    added.add(d);
                  }
                }));
    bob.start();
    bob.owner.call(bob.engine::syncAllDocuments).get(30, TimeUnit.SECONDS);
    TestClient.await("bob has it", () -> !bob.onOwner(bob.engine::sessions).isEmpty());
    bob.awaitSettled();
    DocumentSession b = bob.open("offline-doc");
    assertThat(bob.text(b)).isEqualTo("Hello, world 😀");
    assertThat(added).extracting(LocalDocument::title).containsExactly("Made offline");
    List<Revision> history = bob.store.revisions("offline-doc", 1, 10).get();
    assertThat(history).hasSize(2);
    assertThat(history).extracting(Revision::author).containsOnly("alice");
  }

  @Test
  void presence_isTransformedToTheReceiversText() throws Exception {
    relay.document("doc", "alice", "bob");
    clients();
    alice.addRemoteDocument("doc");
    bob.addRemoteDocument("doc");
    DocumentSession a = alice.open("doc");
    DocumentSession b = bob.open("doc");
    alice.start();
    bob.start();
    alice.edit(a, 0, 0, "hello world");
    alice.awaitSettled();
    TestClient.await("bob has it", () -> bob.text(b).equals("hello world"));
    List<Map<String, RemotePresence>> seen = new CopyOnWriteArrayList<>();
    bob.owner.run(
        () ->
            b.addListener(
                new DocumentListener() {
                  @Override
                  public void presenceChanged(Map<String, RemotePresence> bySession) {
                    seen.add(bySession);
                  }
                }));
    // Alice's caret after "hello"; Bob inserts before it, offline from Alice's point of view.
    alice.owner.run(() -> a.setSelection(Selection.caret(5)));
    TestClient.await("presence", () -> !bob.onOwner(b::presences).isEmpty());
    RemotePresence p = bob.onOwner(b::presences).values().iterator().next();
    assertThat(p.user()).isEqualTo("alice");
    assertThat(p.name()).isEqualTo("alice");
    assertThat(p.selection()).isEqualTo(Selection.caret(5));
    bob.edit(b, 0, 0, ">> ");
    assertThat(bob.onOwner(b::presences).values().iterator().next().selection())
        .isEqualTo(Selection.caret(8));
    alice.close();
    alice = null;
    TestClient.await("alice left", () -> bob.onOwner(b::presences).isEmpty());
  }

  @Test
  void edits_areDurableLocallyBeforeAnyNetwork() throws Exception {
    clients();
    alice.store.createDocument("d", "D", 1, false, List.of()).get();
    DocumentSession a = alice.open("d");
    for (int i = 0; i < 200; i++) {
      int at = i;
      alice.owner.run(() -> a.edit(TextOperation.splice(at, at, 0, "x")));
    }
    alice.store.flush().get();
    assertThat(alice.store.localText("d").get()).hasSize(200);
    assertThat(alice.store.durability().maxMillis()).isLessThan(2000);
  }

  @Test
  void largePaste_isSentInBatchesThatFitTheRelaysMessageLimit() throws Exception {
    relay.close();
    relay =
        TestRelay.start(
            dir.resolve("small-relay"),
            new dev.quire.ot.protocol.Limits(64 * 1024, 1000, 2000, 10_000, 10_000));
    aliceToken = relay.user("alice");
    bobToken = relay.user("bob");
    relay.document("doc", "alice", "bob");
    clients();
    alice.addRemoteDocument("doc");
    bob.addRemoteDocument("doc");
    DocumentSession a = alice.open("doc");
    DocumentSession b = bob.open("doc");
    alice.start();
    bob.start();
    alice.awaitSettled();
    String paste = "päste 😀 ".repeat(30_000); // 270,000 code points, ~420 KB of JSON
    alice.edit(a, 0, 0, paste);
    for (int i = 0; i < 40; i++) {
      alice.edit(a, i, 0, "k");
    }
    alice.awaitSettled();
    TestClient.await("bob has it", () -> bob.text(b).length() == alice.text(a).length());
    assertThat(bob.text(b)).isEqualTo(alice.text(a));
    assertThat(alice.problems).isEmpty();
  }

  @Test
  void rename_offlineThenLive_reachesTheRelayAndOthers() throws Exception {
    relay.document("doc", "alice", "bob");
    clients();
    alice.addRemoteDocument("doc");
    bob.addRemoteDocument("doc");
    DocumentSession a = alice.open("doc");
    DocumentSession b = bob.open("doc");
    bob.start();
    alice.owner.run(() -> a.rename("Renamed offline"));
    assertThat(alice.store.document("doc").get().orElseThrow().syncState()).isEqualTo("unsent");
    alice.start();
    alice.awaitSettled();
    assertThat(alice.store.document("doc").get().orElseThrow().syncState()).isEqualTo("synced");
    assertThat(relay.relay().store().documents().find("doc").orElseThrow().title())
        .isEqualTo("Renamed offline");
    alice.owner.run(() -> a.rename("Renamed live"));
    TestClient.await(
        "relay has the live title",
        () ->
            relay
                .relay()
                .store()
                .documents()
                .find("doc")
                .orElseThrow()
                .title()
                .equals("Renamed live"));
    alice.awaitSettled();
    assertThat(alice.status(a).isSynced()).isTrue();
    TestClient.await(
        "bob sees the title", () -> bob.onOwner(() -> b.document().title()).equals("Renamed live"));
    bob.store.flush().get();
    assertThat(bob.store.document("doc").get().orElseThrow().title()).isEqualTo("Renamed live");
  }

  @Test
  void rename_whileAnotherIsDisconnected_reachesThemWhenTheyReconnect() throws Exception {
    relay.document("doc", "alice", "bob");
    clients();
    alice.addRemoteDocument("doc");
    bob.addRemoteDocument("doc");
    DocumentSession a = alice.open("doc");
    DocumentSession b = bob.open("doc");
    alice.start();
    bob.start();
    alice.awaitSettled();
    bob.awaitSettled();
    bob.stop();
    alice.owner.run(() -> a.rename("Renamed while Bob was away"));
    TestClient.await(
        "relay has the title",
        () ->
            relay
                .relay()
                .store()
                .documents()
                .find("doc")
                .orElseThrow()
                .title()
                .equals("Renamed while Bob was away"));
    bob.start();
    TestClient.await(
        "bob sees the title",
        () -> bob.onOwner(() -> b.document().title()).equals("Renamed while Bob was away"));
  }
}
