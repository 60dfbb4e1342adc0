package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.protocol.Role;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ShareTest {
  @TempDir Path dir;
  private TestRelay relay;
  private TestClient alice;
  private TestClient bob;

  @BeforeEach
  void setUp() throws Exception {
    relay = TestRelay.start(dir.resolve("relay"));
    alice = new TestClient(dir.resolve("alice"), relay.uri(), relay.user("alice"), "alice");
    bob = new TestClient(dir.resolve("bob"), relay.uri(), relay.user("bob"), "bob");
    // Alice makes a document offline; it reaches the relay as hers.
    alice.store.createDocument("notes", "notes.md", 1, false, List.of()).get();
    DocumentSession a = alice.open("notes");
    alice.edit(a, 0, 0, "from alice");
    alice.start();
    alice.awaitSettled();
    bob.start();
  }

  @AfterEach
  void tearDown() {
    alice.close();
    bob.close();
    relay.close();
  }

  private void share(TestClient c, String doc, String user, Role role) throws Exception {
    CompletableFuture<Void> f = c.owner.call(() -> c.engine.share(doc, user, role));
    f.get(30, TimeUnit.SECONDS);
  }

  @Test
  void theOwnerSharesWithAnEditorWhoThenSeesAndEditsIt() throws Exception {
    share(alice, "notes", "bob", Role.EDITOR);
    bob.owner.call(bob.engine::syncAllDocuments).get(30, TimeUnit.SECONDS);
    TestClient.await("bob has notes", () -> bob.store.document("notes").join().isPresent());
    DocumentSession b = bob.open("notes");
    TestClient.await("bob caught up", () -> bob.text(b).equals("from alice"));
    bob.edit(b, 0, 0, "bob and ");
    DocumentSession a = alice.open("notes");
    TestClient.await("alice sees bob", () -> alice.text(a).equals("bob and from alice"));
  }

  @Test
  void aViewerMayReadButNotEdit() throws Exception {
    share(alice, "notes", "bob", Role.VIEWER);
    bob.owner.call(bob.engine::syncAllDocuments).get(30, TimeUnit.SECONDS);
    TestClient.await("bob has notes", () -> bob.store.document("notes").join().isPresent());
    DocumentSession b = bob.open("notes");
    TestClient.await("bob caught up", () -> bob.text(b).equals("from alice"));
    TestClient.await("bob knows he is a viewer", () -> bob.onOwner(b::readOnly));
    // refused at once, in words, before anything is queued: the document never goes into error
    assertThatThrownBy(() -> bob.edit(b, 0, 0, "nope "))
        .hasStackTraceContaining("You can only read this document");
    assertThat(bob.text(b)).isEqualTo("from alice");
    assertThat(bob.status(b).state()).isNotEqualTo(SyncStatus.State.ERROR);
    assertThat(bob.store.document("notes").join().orElseThrow().pending()).isZero();
    assertThat(relay.relay().store().documents().find("notes").orElseThrow().head()).isEqualTo(1);
  }

  @Test
  void refusalsComeBackWithTheRelaysReason() throws Exception {
    ExecutionException unknown =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> share(alice, "notes", "carol", Role.EDITOR));
    assertThat(unknown.getCause().getMessage()).contains("UNKNOWN_USER");

    share(alice, "notes", "bob", Role.EDITOR);
    bob.owner.call(bob.engine::syncAllDocuments).get(30, TimeUnit.SECONDS);
    TestClient.await("bob has notes", () -> bob.store.document("notes").join().isPresent());
    bob.open("notes");
    bob.awaitSettled();
    ExecutionException notOwner =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> share(bob, "notes", "alice", Role.VIEWER));
    assertThat(notOwner.getCause().getMessage()).contains("refused to share");

    assertThatThrownBy(() -> share(alice, "missing", "bob", Role.EDITOR))
        .hasCauseInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not have this document");
  }
}
