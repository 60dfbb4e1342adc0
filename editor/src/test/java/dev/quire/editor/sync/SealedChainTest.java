package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.crypto.BatchContent;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.WireSequenced;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each profile keeps an encrypted document's batches as the relay sequenced them (the ciphertext
 * chain): those it receives and its own acknowledged ones, identical on every member's profile and
 * to what the relay stores, with no revision missing.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SealedChainTest {
  @TempDir Path dir;
  private TestRelay relay;
  private final List<TestClient> clients = new ArrayList<>();

  @AfterEach
  void tearDown() {
    clients.forEach(TestClient::close);
    if (relay != null) {
      relay.close();
    }
  }

  private TestClient client(String name, String token) {
    TestClient c = new TestClient(dir.resolve(name), relay.uri(), token, name);
    clients.add(c);
    return c;
  }

  @Test
  void everyMemberKeepsTheBatchesAsTheRelaySequencedThem() throws Exception {
    relay = TestRelay.start(dir.resolve("relay"));
    TestClient alice = client("alice", relay.user("alice"));
    String bobToken = relay.user("bob");
    alice.store.createDocument("secret", "Plans", 1, false, List.of()).get();
    alice.engine.keyring().newDocument("secret").get();
    DocumentSession onAlice = alice.open("secret");
    alice.start();
    alice.edit(onAlice, 0, 0, "hello");
    alice.awaitSettled();
    alice.edit(onAlice, 5, 0, " world");
    alice.awaitSettled();
    alice
        .owner
        .call(() -> alice.engine.share("secret", "bob", Role.EDITOR))
        .get(30, TimeUnit.SECONDS);
    TestClient bob = client("bob", bobToken);
    bob.start();
    bob.owner.call(bob.engine::syncAllDocuments).get(30, TimeUnit.SECONDS);
    TestClient.await("bob has the document", () -> bob.store.document("secret").join().isPresent());
    DocumentSession onBob = bob.open("secret");
    TestClient.await("bob has the text", () -> bob.text(onBob).equals("hello world"));
    bob.edit(onBob, 0, 0, "Bob: ");
    bob.awaitSettled();
    TestClient.await("alice has bob's edit", () -> alice.text(onAlice).startsWith("Bob: "));
    alice.edit(onAlice, alice.text(onAlice).length(), 0, "!");
    alice.awaitSettled();
    TestClient.await("bob has alice's edit", () -> bob.text(onBob).endsWith("!"));
    long head = alice.onOwner(onAlice::revision);
    assertThat(head).isGreaterThanOrEqualTo(4);

    List<WireSequenced> onRelay = relay.relay().store().history().page("secret", 0, 1000);
    TestClient.await(
        "both profiles keep the whole chain",
        () ->
            alice.store.sealedBatches("secret", 1, head).join().equals(onRelay)
                && bob.store.sealedBatches("secret", 1, head).join().equals(onRelay));
    long next = 1;
    for (WireSequenced w : onRelay) {
      assertThat(w.firstRevision()).isEqualTo(next);
      assertThat(BatchContent.sealedOf(w.batch()).epoch()).isEqualTo(1);
      next = w.lastRevision() + 1;
    }
    assertThat(next - 1).isEqualTo(head);
    assertThat(onRelay).extracting(WireSequenced::author).contains("alice", "bob");
  }
}
