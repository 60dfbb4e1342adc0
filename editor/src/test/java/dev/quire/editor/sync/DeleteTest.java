package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Deleting documents: live, offline then reconnecting, by someone who may not, by someone else. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeleteTest {
  @TempDir Path dir;
  private TestRelay relay;
  private TestClient alice; // owns "doc"
  private TestClient bob; // may edit "doc"
  private DocumentSession a;
  private DocumentSession b;
  private String aliceToken;

  @BeforeEach
  void setUp() throws Exception {
    relay = TestRelay.start(dir.resolve("relay"));
    aliceToken = relay.user("alice");
    String at = aliceToken;
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
    alice.edit(a, 0, 0, "hello");
    alice.awaitSettled();
    TestClient.await("bob has it", () -> bob.onOwner(b::revision) == 1L);
  }

  @AfterEach
  void tearDown() {
    for (AutoCloseable c : new AutoCloseable[] {alice, bob, relay}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private boolean deletedOnRelay(String id) {
    return relay.relay().store().documents().find(id).orElseThrow().deleted();
  }

  private boolean delete(TestClient c, String id) throws Exception {
    return c.owner.call(() -> c.engine.delete(id)).get(30, TimeUnit.SECONDS);
  }

  @Test
  void ownerDeletesLive_relayDeletesItAndAnEditorWithUnsentEditsKeepsThemAndIsTold()
      throws Exception {
    bob.stop();
    bob.edit(b, 5, 0, " from bob"); // unsent when the document goes
    assertThat(delete(alice, "doc")).isTrue();

    alice.awaitSettled();
    assertThat(deletedOnRelay("doc")).isTrue();
    assertThat(alice.store.document("doc").get()).isEmpty();
    assertThat(alice.store.pendingRelayDeletes().get()).isEmpty();
    assertThat(alice.onOwner(a::isDeleted)).isTrue();
    assertThatThrownBy(
            () ->
                alice.owner.call(
                    () -> {
                      a.splice(0, 0, "x");
                      return null;
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("document doc was deleted");
    assertThat(alice.problems).isEmpty();

    bob.start();
    TestClient.await("bob told", () -> bob.status(b).state() == SyncStatus.State.ERROR);
    assertThat(bob.text(b)).isEqualTo("hello from bob");
    assertThat(bob.store.localText("doc").get()).isEqualTo("hello from bob");
    assertThat(bob.problems).anySatisfy(p -> assertThat(p).startsWith("doc: "));
  }

  @Test
  void subscribedEditor_isToldWhenTheOwnerDeletesAndKeepsItsCopy() throws Exception {
    assertThat(delete(alice, "doc")).isTrue();
    TestClient.await("bob told", () -> bob.status(b).state() == SyncStatus.State.ERROR);
    assertThat(bob.status(b).error()).contains("deleted on the relay").contains("0 unsent");
    assertThat(bob.text(b)).isEqualTo("hello");
    assertThat(bob.store.document("doc").get()).isPresent();
  }

  @Test
  void offlineDelete_isKeptAndSentAtTheNextConnectionAndNotBroughtBack() throws Exception {
    alice.stop();
    alice.edit(a, 5, 0, "!"); // unsent, deleted with the document
    assertThat(delete(alice, "doc")).isTrue();
    assertThat(alice.store.pendingRelayDeletes().get()).containsExactly("doc");
    assertThat(deletedOnRelay("doc")).isFalse();
    alice.close();

    // Restarted, as after quitting: the request is in the profile. Listing the relay's documents
    // in the same connection must not bring the document back before the relay has deleted it.
    alice = new TestClient(dir.resolve("alice"), relay.uri(), aliceToken, "alice");
    alice.owner.call(() -> alice.engine.syncAllDocuments()).get(30, TimeUnit.SECONDS);
    alice.start();
    alice.awaitSettled();
    assertThat(deletedOnRelay("doc")).isTrue();
    assertThat(alice.store.pendingRelayDeletes().get()).isEmpty();
    assertThat(alice.store.documents().get()).isEmpty();
    assertThat(alice.problems).isEmpty();
    TestClient.await("bob told", () -> bob.status(b).state() == SyncStatus.State.ERROR);
  }

  @Test
  void notTheOwner_relayRefusesItIsReportedAndForgotten() throws Exception {
    assertThat(delete(bob, "doc")).isTrue();
    TestClient.await("refusal heard", () -> !bob.problems.isEmpty());
    bob.awaitSettled();
    assertThat(bob.problems).anySatisfy(p -> assertThat(p).contains("FORBIDDEN").contains("owner"));
    assertThat(bob.store.pendingRelayDeletes().get()).isEmpty();
    assertThat(bob.store.document("doc").get()).isEmpty();
    assertThat(deletedOnRelay("doc")).isFalse();
    // Alice is unaffected.
    alice.edit(a, 5, 0, "!");
    alice.awaitSettled();
    assertThat(alice.problems).isEmpty();
  }
}
