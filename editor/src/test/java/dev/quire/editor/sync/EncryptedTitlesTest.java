package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.crypto.TitleCipher;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.SealedTitle;
import dev.quire.relay.store.DocumentStore.DocumentRow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An encrypted document's title through the sync engine and a real relay (protocol 8): sealed by
 * the members' clients, opened by theirs, never held by the relay in plain text; sealed again under
 * a rotated key; and an old plain title sealed by the owner's client when it next connects.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EncryptedTitlesTest {
  private static final String TITLE = "Quokka plans";

  @TempDir Path dir;
  private TestRelay relay;
  private final List<TestClient> clients = new ArrayList<>();
  private TestClient alice;
  private DocumentSession onAlice;

  @BeforeEach
  void setUp() throws Exception {
    relay = TestRelay.start(dir.resolve("relay"));
    alice = client("alice");
    alice.store.createDocument("secret", TITLE, 1, false, List.of()).get();
    alice.engine.keyring().newDocument("secret").get();
    alice.store.createDocument("readable", "Readable title", 1, false, List.of()).get();
    onAlice = alice.open("secret");
    alice.open("readable");
    alice.start();
    alice.awaitSettled();
  }

  @AfterEach
  void tearDown() {
    clients.forEach(TestClient::close);
    if (relay != null) {
      relay.close();
    }
  }

  private TestClient client(String user) {
    return client(user, relay.user(user));
  }

  private TestClient client(String user, String token) {
    TestClient c = new TestClient(dir.resolve(user), relay.uri(), token, user);
    clients.add(c);
    return c;
  }

  /** A member's client that syncs every document, once it has the encrypted one. */
  private TestClient joined(String user) throws Exception {
    String token = relay.user(user);
    call(alice, () -> alice.engine.share("secret", user, Role.EDITOR));
    TestClient c = client(user, token);
    c.start();
    c.owner.call(c.engine::syncAllDocuments).get(30, TimeUnit.SECONDS);
    TestClient.await("has the document", () -> c.store.document("secret").join().isPresent());
    c.forgetTheWaitForTheKey();
    return c;
  }

  private static <T> T call(TestClient c, Supplier<CompletableFuture<T>> f) throws Exception {
    return c.owner.call(f::get).get(30, TimeUnit.SECONDS);
  }

  private DocumentRow onRelay(String doc) {
    return relay.relay().store().documents().find(doc).orElseThrow();
  }

  private static String title(TestClient c, String doc) {
    return c.store.document(doc).join().orElseThrow().title();
  }

  private String relayFiles() throws Exception {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(dir.resolve("relay"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
      }
    }
    return all.toString();
  }

  @Test
  void theTitleIsSealed_membersReadIt_renamesStaySealed_andTheRelayHoldsNoPlaintext()
      throws Exception {
    DocumentRow row = onRelay("secret");
    assertThat(row.title()).isEqualTo(SealedTitle.PLACEHOLDER);
    assertThat(row.sealedTitle()).isNotNull();
    assertThat(row.sealedTitle().epoch()).isEqualTo(1);
    byte[] key = alice.engine.keyring().key("secret", 1).orElseThrow();
    assertThat(TitleCipher.open("secret", key, row.sealedTitle())).isEqualTo(TITLE);
    assertThat(onRelay("readable").title()).isEqualTo("Readable title"); // as before
    assertThat(onRelay("readable").sealedTitle()).isNull();

    TestClient bob = joined("bob");
    TestClient.await("bob reads the title", () -> title(bob, "secret").equals(TITLE));
    DocumentSession onBob = bob.open("secret");
    bob.owner.run(() -> onBob.rename("Wombat notes"));
    TestClient.await(
        "alice reads bob's title", () -> title(alice, "secret").equals("Wombat notes"));
    assertThat(alice.onOwner(() -> onAlice.document().title())).isEqualTo("Wombat notes");
    assertThat(onRelay("secret").title()).isEqualTo(SealedTitle.PLACEHOLDER);
    assertThat(alice.problems).isEmpty();
    assertThat(bob.problems).isEmpty();

    relay.stop();
    String stored = relayFiles();
    assertThat(stored).contains("Readable title"); // the scan reads the relay's data
    assertThat(stored).doesNotContain("Quokka").doesNotContain("Wombat");
    relay.restart();
  }

  @Test
  void aRotation_sealsTheTitleUnderTheNewKey_whichAMemberAddedLaterReads() throws Exception {
    joined("bob");
    call(alice, () -> alice.engine.share("secret", "bob", null)); // rotates the key
    assertThat(relay.relay().store().keys().epoch("secret")).isEqualTo(2);
    TestClient.await(
        "the title is sealed under epoch 2",
        () ->
            onRelay("secret").sealedTitle() != null
                && onRelay("secret").sealedTitle().epoch() == 2);
    byte[] key2 = alice.engine.keyring().key("secret", 2).orElseThrow();
    assertThat(TitleCipher.open("secret", key2, onRelay("secret").sealedTitle())).isEqualTo(TITLE);
    TestClient carol = joined("carol");
    TestClient.await("carol reads the title", () -> title(carol, "secret").equals(TITLE));
    assertThat(alice.problems).isEmpty();
  }

  @Test
  void aTitleTheRelayHoldsInPlainText_isSealedWhenTheOwnersClientNextConnects() throws Exception {
    alice.stop();
    // As a relay older than sealed titles kept it: the title in plain text.
    relay.relay().store().documents().rename("secret", TITLE, System.currentTimeMillis());
    assertThat(onRelay("secret").sealedTitle()).isNull();
    alice.start();
    TestClient.await("sealed again", () -> onRelay("secret").sealedTitle() != null);
    assertThat(onRelay("secret").title()).isEqualTo(SealedTitle.PLACEHOLDER);
    assertThat(title(alice, "secret")).isEqualTo(TITLE);
    assertThat(alice.problems).isEmpty();
  }

  @Test
  void aTitleThatDoesNotOpen_isShownAsThePlaceholder_andTheListStillSyncs() throws Exception {
    // A sealed title bound to another document: it does not open with this document's key.
    byte[] key = alice.engine.keyring().key("secret", 1).orElseThrow();
    relay
        .relay()
        .store()
        .documents()
        .rename(
            "secret",
            SealedTitle.PLACEHOLDER,
            TitleCipher.seal("elsewhere", 1, key, "Moved here"),
            System.currentTimeMillis());
    TestClient dave = joined("dave");
    DocumentSession onDave = dave.open("secret");
    TestClient.await("dave has the keys", () -> dave.engine.keyring().key("secret", 1).isPresent());
    dave.awaitSettled();
    assertThat(title(dave, "secret")).isEqualTo(SealedTitle.PLACEHOLDER);
    assertThat(dave.onOwner(() -> onDave.document().title())).isEqualTo(SealedTitle.PLACEHOLDER);
    assertThat(dave.problems).isEmpty();
  }

  @Test
  void theTrash_showsThePlaceholder_andARestoreBringsTheTitleBackDecrypted() throws Exception {
    assertThat(call(alice, () -> alice.engine.delete("secret"))).isTrue();
    TestClient.await("deleted on the relay", () -> onRelay("secret").deleted());
    // The local copy went with its keys: the trash, read from the relay, cannot open the title.
    List<dev.quire.ot.protocol.TrashedDocument> trash = call(alice, alice.engine::trash);
    assertThat(trash)
        .singleElement()
        .satisfies(d -> assertThat(d.title()).isEqualTo(SealedTitle.PLACEHOLDER));
    call(alice, () -> alice.engine.restore("secret"));
    TestClient.await(
        "restored with its title", () -> alice.store.document("secret").join().isPresent());
    TestClient.await("the title opened", () -> title(alice, "secret").equals(TITLE));
    assertThat(onRelay("secret").title()).isEqualTo(SealedTitle.PLACEHOLDER);
    assertThat(alice.problems).isEmpty();
  }
}
