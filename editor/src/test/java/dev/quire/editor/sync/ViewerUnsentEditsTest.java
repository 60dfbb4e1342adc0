package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.Role;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bob holds edits the relay has not taken when Alice makes him a viewer: the relay's refusal is
 * recognised, the edits are held (neither lost nor sent again and again), and the document goes on
 * syncing as a viewer's once Bob discards them or gets the editor role back.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ViewerUnsentEditsTest {
  @TempDir Path dir;
  private TestRelay relay;
  private TestClient alice;
  private TestClient bob;
  private DocumentSession a;
  private DocumentSession b;

  @BeforeEach
  void setUp() throws Exception {
    relay = TestRelay.start(dir.resolve("relay"));
    alice = new TestClient(dir.resolve("alice"), relay.uri(), relay.user("alice"), "alice");
    bob = new TestClient(dir.resolve("bob"), relay.uri(), relay.user("bob"), "bob");
    alice.store.createDocument("notes", "notes.md", 1, false, List.of()).get();
    a = alice.open("notes");
    alice.edit(a, 0, 0, "from alice");
    alice.start();
    alice.awaitSettled();
    share(Role.EDITOR);
    bob.start();
    bob.owner.call(bob.engine::syncAllDocuments).get(30, TimeUnit.SECONDS);
    TestClient.await("bob has notes", () -> bob.store.document("notes").join().isPresent());
    b = bob.open("notes");
    TestClient.await("bob caught up", () -> bob.text(b).equals("from alice"));
    bob.awaitSettled();
  }

  @AfterEach
  void tearDown() {
    alice.close();
    bob.close();
    relay.close();
  }

  private void share(Role role) throws Exception {
    CompletableFuture<Void> f = alice.owner.call(() -> alice.engine.share("notes", "bob", role));
    f.get(30, TimeUnit.SECONDS);
  }

  /** Bob edits offline; meanwhile Alice makes him a viewer; then he syncs. */
  private void offlineEditThenDowngrade() throws Exception {
    bob.stop();
    bob.edit(b, 0, 0, "bob was here. ");
    share(Role.VIEWER);
    bob.start();
    bob.awaitSettled();
  }

  @Test
  void offlineEdits_ofADowngradedEditor_areHeld_notAnError_andNotLost() throws Exception {
    offlineEditThenDowngrade();

    assertThat(bob.status(b).state()).isNotEqualTo(SyncStatus.State.ERROR);
    assertThat(bob.text(b)).isEqualTo("bob was here. from alice");
    assertThat(bob.onOwner(b::unacknowledged)).isEqualTo(1);
    bob.store.flush().get();
    assertThat(bob.store.document("notes").join().orElseThrow().pending()).isEqualTo(1);
    assertThat(bob.store.document("notes").join().orElseThrow().syncError()).isNull();
    assertThat(relay.relay().store().documents().find("notes").orElseThrow().head()).isEqualTo(1);
    // recognised as the relay's refusal for the role: held, said once, in words
    assertThat(bob.status(b).state()).isEqualTo(SyncStatus.State.REFUSED);
    assertThat(bob.onOwner(b::readOnly)).isTrue();
    assertThat(bob.store.document("notes").join().orElseThrow().syncState()).isEqualTo("refused");
    assertThat(bob.problems).anyMatch(p -> p.contains("made you a viewer"));

    // not sent again and again: a new connection holds them too
    bob.stop();
    bob.start();
    bob.awaitSettled();
    assertThat(bob.status(b).state()).isEqualTo(SyncStatus.State.REFUSED);
    assertThat(bob.status(b).error()).isNull();

    // Bob discards them: back to the relay's text, synced, and he follows Alice's edits as a viewer
    assertThat(bob.onOwner(b::discardUnsent)).isEqualTo(1);
    assertThat(bob.text(b)).isEqualTo("from alice");
    TestClient.await("bob synced", () -> bob.status(b).isSynced());
    alice.edit(a, 10, 0, ", still");
    TestClient.await("bob follows alice", () -> bob.text(b).equals("from alice, still"));
    bob.store.flush().get();
    assertThat(bob.store.localText("notes").get()).isEqualTo("from alice, still");
    assertThat(bob.store.document("notes").join().orElseThrow().syncState()).isEqualTo("synced");
    assertThat(relay.relay().store().documents().find("notes").orElseThrow().head()).isEqualTo(2);
  }

  @Test
  void heldEdits_goOut_whenTheEditorRoleComesBack() throws Exception {
    offlineEditThenDowngrade();
    assertThat(bob.status(b).state()).isEqualTo(SyncStatus.State.REFUSED);

    share(Role.EDITOR);
    TestClient.await("bob synced", () -> bob.status(b).isSynced());
    TestClient.await(
        "alice has bob's edit", () -> alice.text(a).equals("bob was here. from alice"));
    assertThat(relay.relay().store().documents().find("notes").orElseThrow().head()).isEqualTo(2);
  }

  @Test
  void discard_ofAnEditorsEditsNeverSent_bringsTheTextBack() throws Exception {
    bob.stop();
    bob.edit(b, 0, 0, "x");
    assertThat(bob.onOwner(b::discardUnsent)).isEqualTo(1); // never sent: nothing in flight
    assertThat(bob.text(b)).isEqualTo("from alice");
    assertThat(bob.onOwner(b::unacknowledged)).isZero();
  }
}
