package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.crypto.BatchContent;
import dev.quire.ot.crypto.SealedBatch;
import dev.quire.ot.note.Note;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
 * End-to-end encrypted documents through the sync engine and a real relay: members co-edit online
 * and offline and converge, while the relay holds no plaintext of the text or the comments; a
 * removed member reads nothing after the rotation; a batch sealed before a rotation is sealed again
 * under the new key and stored once; a ciphertext changed on the relay is refused; a member's new
 * device gets the key from another member's client.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EncryptedSyncTest {
  private static final String TEXT_MARKER = "zebra-quartz-marker";
  private static final String COMMENT_MARKER = "walrus-comment-marker";

  @TempDir Path dir;
  private TestRelay relay;
  private final List<TestClient> clients = new ArrayList<>();
  private TestClient alice;
  private TestClient bob;
  private String bobToken;
  private DocumentSession onAlice;
  private DocumentSession onBob;

  @BeforeEach
  void setUp() throws Exception {
    relay = TestRelay.start(dir.resolve("relay"));
    String aliceToken = relay.user("alice");
    bobToken = relay.user("bob");
    alice = client("alice", aliceToken, "alice");
    alice.store.createDocument("secret", "Plans", 1, false, List.of()).get();
    alice.engine.keyring().newDocument("secret").get();
    onAlice = alice.open("secret");
    alice.start();
    alice.edit(onAlice, 0, 0, "hello " + TEXT_MARKER);
    alice.awaitSettled();
    call(alice, () -> alice.engine.share("secret", "bob", Role.EDITOR));
    bob = client("bob", bobToken, "bob");
    onBob = joined(bob);
  }

  @AfterEach
  void tearDown() {
    for (TestClient c : clients) {
      c.close();
    }
    if (relay != null) {
      relay.close();
    }
  }

  private TestClient client(String profile, String token, String name) {
    TestClient c = new TestClient(dir.resolve(profile), relay.uri(), token, name);
    clients.add(c);
    return c;
  }

  /** A client that syncs every document, once it has the encrypted one open with its text. */
  private DocumentSession joined(TestClient c) throws Exception {
    c.start();
    c.owner.call(c.engine::syncAllDocuments).get(30, TimeUnit.SECONDS);
    TestClient.await("has the document", () -> c.store.document("secret").join().isPresent());
    DocumentSession s = c.open("secret");
    TestClient.await(
        "has the text", () -> c.text(s).contains(TEXT_MARKER) && !c.onOwner(s::rebasePending));
    c.forgetTheWaitForTheKey(); // a device the members' devices had not seen waits for its key
    return s;
  }

  private static <T> T call(TestClient c, Supplier<CompletableFuture<T>> f) throws Exception {
    return c.owner.call(f::get).get(30, TimeUnit.SECONDS);
  }

  private List<WireSequenced> stored() {
    long head = relay.relay().store().documents().find("secret").orElseThrow().head();
    List<WireSequenced> out = new ArrayList<>();
    relay.relay().store().history().entries("secret", 0, head).forEach(e -> out.add(e.entry()));
    return out;
  }

  @Test
  void membersCoEditOnlineAndOffline_converge_andTheRelayStoresNoPlaintext() throws Exception {
    assertThat(alice.onOwner(() -> alice.engine.keyring().isEncrypted("secret"))).isTrue();
    assertThat(bob.onOwner(() -> bob.engine.keyring().isEncrypted("secret"))).isTrue();
    bob.owner.run(() -> onBob.addNote(new Note.Comment("c1", 0, 5, "why " + COMMENT_MARKER)));
    bob.edit(onBob, 0, 0, "[bob] ");
    TestClient.await(
        "alice sees bob's comment and edit",
        () ->
            alice.text(onAlice).startsWith("[bob] ")
                && alice.onOwner(() -> onAlice.comments().size()) == 1);
    assertThat(alice.onOwner(() -> onAlice.comments().get(0).text())).contains(COMMENT_MARKER);

    // Offline on both sides, then both reconnect: every edit arrives, both converge.
    alice.stop();
    bob.stop();
    alice.edit(onAlice, 0, 0, "A1 ");
    bob.edit(onBob, bob.text(onBob).length(), 0, " B1");
    alice.edit(onAlice, alice.text(onAlice).length(), 0, " A2");
    alice.start();
    bob.start();
    alice.awaitSettled();
    bob.awaitSettled();
    TestClient.await("converged", () -> alice.text(onAlice).equals(bob.text(onBob)));
    String text = alice.text(onAlice);
    assertThat(text).startsWith("A1 [bob] hello " + TEXT_MARKER).contains(" B1").contains(" A2");
    assertThat(alice.problems).isEmpty();
    assertThat(bob.problems).isEmpty();

    // What the relay stores is ciphertext: no marker in its files, nor in what it serves.
    for (WireSequenced ws : stored()) {
      assertThat(ws.batch().operations().get(0)).startsWith("{\"epoch\":");
      assertThat(ws.batch().notes()).isNull();
    }
    relay.stop();
    boolean idSeen = false; // the document's id is not encrypted: the scan sees it
    try (Stream<Path> files = Files.walk(dir.resolve("relay"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String raw = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertThat(raw)
            .as(f.toString())
            .doesNotContain(TEXT_MARKER)
            .doesNotContain(COMMENT_MARKER)
            .doesNotContain("Plans"); // the title is sealed too (protocol 8)
        idSeen |= raw.contains("alice-laptop") || raw.contains("secret");
      }
    }
    assertThat(idSeen).as("the scan reads the relay's data").isTrue();
    // The profiles keep the plaintext: it is the user's own copy.
    assertThat(alice.store.localText("secret").join()).contains(TEXT_MARKER);
    relay.restart();
  }

  @Test
  void aRemovedMember_cannotDecryptWhatIsSealedAfterTheRotation() throws Exception {
    String carolToken = relay.user("carol");
    call(alice, () -> alice.engine.share("secret", "carol", Role.EDITOR));
    TestClient carol = client("carol", carolToken, "carol");
    DocumentSession onCarol = joined(carol);
    bob.edit(onBob, 0, 0, "[bob] ");
    TestClient.await("alice has bob's edit", () -> alice.text(onAlice).startsWith("[bob] "));
    alice.awaitSettled();
    call(alice, () -> alice.engine.share("secret", "bob", null));
    assertThat(relay.relay().store().keys().epoch("secret")).isEqualTo(2);
    alice.edit(onAlice, 0, 0, "after the removal ");
    alice.awaitSettled();
    WireSequenced last = stored().get(stored().size() - 1);
    SealedBatch sealed = BatchContent.sealedOf(last.batch());
    assertThat(sealed.epoch()).isEqualTo(2);
    // Bob's profile keeps what it had (epoch 1), and has nothing that opens epoch 2.
    assertThat(bob.engine.keyring().key("secret", 1)).isPresent();
    assertThat(bob.engine.keyring().key("secret", 2)).isEmpty();
    String aliceDevice = alice.engine.keyring().publicKeys().signingKey();
    for (byte[] key : bob.engine.keyring().keys("secret").values()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> BatchContent.open(last, "secret", key, aliceDevice))
          .isInstanceOf(dev.quire.ot.crypto.UnreadableBatchException.class);
    }
    assertThat(bob.text(onBob)).doesNotContain("after the removal");
    assertThat(alice.text(onAlice)).startsWith("after the removal [bob] hello");
    // Carol stays: her client takes the new key Alice sealed for her, and seals under it.
    TestClient.await(
        "carol reads it", () -> carol.text(onCarol).startsWith("after the removal [bob] hello"));
    carol.edit(onCarol, 0, 0, "carol: ");
    TestClient.await("alice has it", () -> alice.text(onAlice).startsWith("carol: after"));
    assertThat(BatchContent.sealedOf(stored().get(stored().size() - 1).batch()).epoch())
        .isEqualTo(2);
    assertThat(bob.text(onBob)).doesNotContain("carol: ");
    // A member who joins after the removal reads the whole history, the removed member's batches
    // included (their device's key still verifies them), and gets every epoch's key.
    String daveToken = relay.user("dave");
    call(alice, () -> alice.engine.share("secret", "dave", Role.VIEWER));
    TestClient dave = client("dave", daveToken, "dave");
    DocumentSession onDave = joined(dave);
    TestClient.await("dave converges", () -> dave.text(onDave).equals(alice.text(onAlice)));
    assertThat(dave.problems).isEmpty();
  }

  /** Runs {@code quire relay grant ARGS} on the running relay; its exit code and error output. */
  private String grant(String... args) {
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine cmd = dev.quire.relay.RelayMain.commandLine();
    cmd.setOut(new java.io.PrintWriter(new java.io.StringWriter(), true));
    cmd.setErr(new java.io.PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("--data", dir.resolve("relay").toString(), "grant"));
    all.addAll(List.of(args));
    return cmd.execute(all.toArray(String[]::new)) + " " + err;
  }

  private long lastStoredEpoch() {
    List<WireSequenced> all = stored();
    return BatchContent.sealedOf(all.get(all.size() - 1).batch()).epoch();
  }

  @Test
  void anAdministratorsRemoval_rotatesTheKeyWhenTheOwnersClientConnects_withoutTheRemovedDevice()
      throws Exception {
    String carolToken = relay.user("carol");
    call(alice, () -> alice.engine.share("secret", "carol", Role.EDITOR));
    TestClient carol = client("carol", carolToken, "carol");
    DocumentSession onCarol = joined(carol);
    alice.awaitSettled();
    alice.stop();
    var keys = relay.relay().store().keys();

    // The relay's administrator removes Bob while the owner's client is offline.
    assertThat(grant("secret", "bob", "none"))
        .startsWith("0 ")
        .contains("its key rotates when its owner's client next connects");
    assertThat(keys.rotationDue("secret")).isTrue();
    // Until the owner's client connects, Carol goes on under the current epoch.
    carol.edit(onCarol, 0, 0, "before ");
    carol.awaitSettled();
    assertThat(lastStoredEpoch()).isEqualTo(1);
    assertThat(keys.epoch("secret")).isEqualTo(1);

    alice.start();
    TestClient.await("the key rotated", () -> keys.epoch("secret") == 2);
    assertThat(keys.rotationDue("secret")).isFalse();
    assertThat(keys.envelopesFor("secret", "bob", bob.store.clientId()))
        .extracting(dev.quire.ot.protocol.KeyEnvelope::epoch)
        .containsExactly(1L);
    assertThat(keys.envelopesFor("secret", "carol", carol.store.clientId()))
        .extracting(dev.quire.ot.protocol.KeyEnvelope::epoch)
        .contains(2L);
    TestClient.await("alice has carol's edit", () -> alice.text(onAlice).startsWith("before "));

    // Carol and Alice co-edit under epoch 2; Bob reads none of it.
    carol.edit(onCarol, 0, 0, "carol: ");
    TestClient.await("alice has it", () -> alice.text(onAlice).startsWith("carol: before "));
    assertThat(lastStoredEpoch()).isEqualTo(2);
    alice.edit(onAlice, 0, 0, "alice: ");
    TestClient.await("carol has it", () -> carol.text(onCarol).startsWith("alice: carol: "));
    assertThat(lastStoredEpoch()).isEqualTo(2);
    assertThat(keys.epoch("secret")).isEqualTo(2); // one rotation, not one per connection
    assertThat(bob.onOwner(() -> bob.engine.keyring().key("secret", 2))).isEmpty();
    assertThat(bob.text(onBob)).doesNotContain("carol: ");
    assertThat(alice.problems).isEmpty();
    assertThat(carol.problems).isEmpty();
  }

  @Test
  void aRevokedDevice_isRefused_andTheOwnersClientRotatesTheKeyWithoutIt() throws Exception {
    TestClient bobLaptop = client("bob-laptop", bobToken, "bob");
    DocumentSession onLaptop = joined(bobLaptop);
    String laptopId = bobLaptop.store.clientId();
    alice.awaitSettled();
    var keys = relay.relay().store().keys();
    assertThat(call(bob, bob.engine::userDevices))
        .extracting(dev.quire.ot.protocol.UserDevice::clientId)
        .containsExactlyInAnyOrder(bob.store.clientId(), laptopId);

    // Bob revokes his lost laptop from his desk; Alice's client, online, rotates the key.
    assertThat(call(bob, () -> bob.engine.revokeDevice(laptopId))).isEqualTo(1);
    TestClient.await(
        "the laptop is refused", () -> bobLaptop.onOwner(bobLaptop.engine::fatalError) != null);
    assertThat(bobLaptop.onOwner(bobLaptop.engine::fatalError))
        .contains("DEVICE_REVOKED")
        .contains("revoked by its user");
    TestClient.await("the key rotated", () -> keys.epoch("secret") == 2);
    assertThat(keys.rotationDue("secret")).isFalse();
    assertThat(keys.envelopesFor("secret", "bob", laptopId)).isEmpty();
    assertThat(keys.envelopesFor("secret", "bob", bob.store.clientId()))
        .extracting(dev.quire.ot.protocol.KeyEnvelope::epoch)
        .contains(2L);

    // Bob's desk and Alice co-edit under epoch 2; the laptop gets none of it.
    bob.edit(onBob, 0, 0, "desk: ");
    TestClient.await("alice has it", () -> alice.text(onAlice).startsWith("desk: hello"));
    assertThat(lastStoredEpoch()).isEqualTo(2);
    alice.edit(onAlice, 0, 0, "alice: ");
    TestClient.await("bob has it", () -> bob.text(onBob).startsWith("alice: desk: "));
    assertThat(bobLaptop.onOwner(() -> bobLaptop.engine.keyring().key("secret", 2))).isEmpty();
    assertThat(bobLaptop.text(onLaptop)).doesNotContain("desk: ");
    assertThat(alice.problems).isEmpty();
    assertThat(bob.problems).isEmpty();
  }

  @Test
  void aBatchSealedBeforeARotation_isRefusedAsStale_thenSealedAgainUnderTheNewKey_sentOnce()
      throws Exception {
    alice.awaitSettled();
    bob.awaitSettled();
    relay.user("carol"); // a member to remove: the removal rotates the key
    call(alice, () -> alice.engine.share("secret", "carol", Role.EDITOR));
    long[] sealedSeq = {-1};
    bob.owner.run(
        () -> {
          // Sealed under epoch 1 here; it goes to the relay only after this task, so the rotation
          // below always comes between the sealing and the sending.
          onBob.splice(0, 0, "[bob] ");
          sealedSeq[0] = onBob.sync().inFlight().orElseThrow().batchSeq();
          assertThat(bob.engine.keyring().key("secret", 2)).isEmpty();
          try {
            call(alice, () -> alice.engine.share("secret", "carol", null));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    assertThat(relay.relay().store().keys().epoch("secret")).isEqualTo(2);
    TestClient.await("alice has bob's edit", () -> alice.text(onAlice).startsWith("[bob] hello"));
    bob.awaitSettled();
    alice.awaitSettled();
    assertThat(alice.text(onAlice))
        .isEqualTo(bob.text(onBob))
        .isEqualTo("[bob] hello " + TEXT_MARKER);
    List<WireSequenced> bobs = byBob();
    assertThat(bobs).hasSize(1);
    assertThat(bobs.get(0).batch().batchSeq()).isEqualTo(sealedSeq[0]);
    assertThat(BatchContent.sealedOf(bobs.get(0).batch()).epoch()).isEqualTo(2);
    assertThat(bob.engine.keyring().key("secret", 2)).isPresent();
    assertThat(alice.problems).isEmpty();
    assertThat(bob.problems).isEmpty();
  }

  @Test
  void aBatchSealedOfflineBeforeARotation_reachesTheOtherMemberAfterReconnecting()
      throws Exception {
    alice.awaitSettled();
    bob.awaitSettled();
    relay.user("carol"); // a member to remove: the removal rotates the key
    call(alice, () -> alice.engine.share("secret", "carol", Role.EDITOR));
    long[] sealedSeq = {-1};
    bob.owner.run(
        () -> {
          onBob.splice(0, 0, "[bob offline] "); // sealed under epoch 1, and never sent:
          sealedSeq[0] = onBob.sync().inFlight().orElseThrow().batchSeq();
          bob.engine.stop(); // the connection goes before the send
        });
    call(alice, () -> alice.engine.share("secret", "carol", null));
    assertThat(relay.relay().store().keys().epoch("secret")).isEqualTo(2);
    alice.edit(onAlice, alice.text(onAlice).length(), 0, " [alice]");
    alice.awaitSettled();
    assertThat(byBob()).isEmpty();
    bob.start();
    TestClient.await(
        "alice has bob's offline edit", () -> alice.text(onAlice).startsWith("[bob offline] "));
    bob.awaitSettled();
    alice.awaitSettled();
    assertThat(alice.text(onAlice))
        .isEqualTo(bob.text(onBob))
        .isEqualTo("[bob offline] hello " + TEXT_MARKER + " [alice]");
    List<WireSequenced> bobs = byBob();
    assertThat(bobs).hasSize(1);
    assertThat(bobs.get(0).batch().batchSeq()).isEqualTo(sealedSeq[0]);
    assertThat(BatchContent.sealedOf(bobs.get(0).batch()).epoch()).isEqualTo(2);
    assertThat(alice.problems).isEmpty();
    assertThat(bob.problems).isEmpty();
  }

  @Test
  void aBatchStoredBeforeARotation_whoseAckWasLost_isNotSentAgain() throws Exception {
    alice.awaitSettled();
    bob.awaitSettled();
    relay.user("carol");
    call(alice, () -> alice.engine.share("secret", "carol", Role.EDITOR));
    boolean[] ackLost = {false};
    java.util.concurrent.CountDownLatch offline = new java.util.concurrent.CountDownLatch(1);
    bob.owner.run(
        () -> {
          onBob.splice(0, 0, "[bob] "); // sealed under epoch 1
          // Its send is queued on this thread once the batch and its sealed form are saved;
          // queued after it, this task waits for the relay to store it and drops the connection
          // before the acknowledgement is read.
          bob.store.flush().join();
          bob.owner.execute(
              () -> {
                try {
                  TestClient.await("the relay stores bob's batch", () -> byBob().size() == 1);
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
                bob.engine.stop();
                ackLost[0] = onBob.sync().inFlight().isPresent();
                offline.countDown();
              });
        });
    assertThat(offline.await(90, TimeUnit.SECONDS)).as("bob went offline").isTrue();
    assertThat(ackLost[0]).as("the acknowledgement was not read").isTrue();
    call(alice, () -> alice.engine.share("secret", "carol", null));
    assertThat(relay.relay().store().keys().epoch("secret")).isEqualTo(2);
    bob.start();
    bob.awaitSettled();
    TestClient.await("alice has bob's edit", () -> alice.text(onAlice).startsWith("[bob] hello"));
    alice.awaitSettled();
    assertThat(bob.text(onBob))
        .isEqualTo(alice.text(onAlice))
        .isEqualTo("[bob] hello " + TEXT_MARKER);
    List<WireSequenced> bobs = byBob();
    assertThat(bobs).hasSize(1);
    assertThat(BatchContent.sealedOf(bobs.get(0).batch()).epoch()).isEqualTo(1);
    assertThat(alice.problems).isEmpty();
    assertThat(bob.problems).isEmpty();
  }

  /** The batches the relay stores from Bob. */
  private List<WireSequenced> byBob() {
    return stored().stream().filter(ws -> ws.author().equals("bob")).toList();
  }

  @Test
  void aCiphertextChangedOnTheRelay_isRefusedNamingItsRevision_andTheLocalTextStays()
      throws Exception {
    alice.awaitSettled();
    bob.stop();
    alice.edit(onAlice, 0, 0, "tampered ");
    alice.awaitSettled();
    long head = relay.relay().store().documents().find("secret").orElseThrow().head();
    String before = bob.text(onBob);
    relay.stop();
    tamper(head);
    relay.restart();
    bob.start();
    TestClient.await(
        "bob's copy refuses it", () -> bob.status(onBob).state() == SyncStatus.State.ERROR);
    assertThat(bob.status(onBob).error())
        .contains("revision " + head)
        .contains("encrypted document secret")
        .contains("nothing of it was applied");
    assertThat(bob.text(onBob)).isEqualTo(before);
    assertThat(bob.store.localText("secret").join()).isEqualTo(before);
  }

  @Test
  void aDeviceKeyChangedOnTheRelay_isRefusedByTheMembersWhoPinnedIt() throws Exception {
    alice.awaitSettled();
    bob.awaitSettled();
    String bobClient = bob.store.clientId();
    alice.stop();
    bob.stop();
    relay.stop();
    String url =
        "jdbc:h2:file:" + dir.resolve("relay").resolve("relay") + ";DB_CLOSE_ON_EXIT=FALSE";
    try (Connection c = DriverManager.getConnection(url, "quire", "");
        PreparedStatement s =
            c.prepareStatement("UPDATE devices SET signing_key = ? WHERE client_id = ?")) {
      s.setString(
          1, dev.quire.ot.history.Ed25519.publicKey(dev.quire.ot.history.Ed25519.generate()));
      s.setString(2, bobClient);
      assertThat(s.executeUpdate()).isEqualTo(1);
    }
    relay.restart();
    String before = alice.text(onAlice);
    alice.start();
    TestClient.await(
        "alice's copy refuses the changed key",
        () -> alice.status(onAlice).state() == SyncStatus.State.ERROR);
    assertThat(alice.status(onAlice).error())
        .contains("device " + bobClient + " of bob")
        .contains("other keys")
        .contains("quire devices");
    assertThat(alice.text(onAlice)).isEqualTo(before);
  }

  /** Flips one bit of the ciphertext of the batch at {@code revision}, in the relay's H2 file. */
  private void tamper(long revision) throws Exception {
    String url =
        "jdbc:h2:file:" + dir.resolve("relay").resolve("relay") + ";DB_CLOSE_ON_EXIT=FALSE";
    try (Connection c = DriverManager.getConnection(url, "quire", "")) {
      String ops;
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT operations FROM batches WHERE doc_id = 'secret' AND first_revision = ?")) {
        s.setLong(1, revision);
        try (ResultSet rs = s.executeQuery()) {
          assertThat(rs.next()).isTrue();
          ops = rs.getString(1);
        }
      }
      String[] lines = ops.split("\n", -1);
      SealedBatch sealed = SealedBatch.parse(lines[0]);
      byte[] bytes = sealed.sealed();
      bytes[bytes.length / 2] ^= 1;
      lines[0] = new SealedBatch(sealed.epoch(), bytes, sealed.signature()).toJson();
      try (PreparedStatement s =
          c.prepareStatement(
              "UPDATE batches SET operations = ? WHERE doc_id = 'secret' AND first_revision = ?")) {
        s.setString(1, String.join("\n", lines));
        s.setLong(2, revision);
        assertThat(s.executeUpdate()).isEqualTo(1);
      }
      try (PreparedStatement s =
          c.prepareStatement(
              "UPDATE log SET payload = ? WHERE doc_id = 'secret' AND revision = ?")) {
        s.setString(1, lines[0]);
        s.setLong(2, revision);
        s.executeUpdate();
      }
    }
  }

  @Test
  void aMembersNewDevice_getsTheKeyFromAnotherMembersClient() throws Exception {
    bob.stop(); // only Alice's client is there to seal the key for Bob's new device
    TestClient bobLaptop = client("bob-laptop", bobToken, "bob");
    DocumentSession onLaptop = joined(bobLaptop);
    assertThat(bobLaptop.text(onLaptop)).isEqualTo(alice.text(onAlice));
    // It edits, and Alice reads it.
    bobLaptop.edit(onLaptop, 0, 0, "laptop: ");
    TestClient.await("alice has it", () -> alice.text(onAlice).startsWith("laptop: hello"));
    List<WireBatch> batches = new ArrayList<>();
    stored().forEach(ws -> batches.add(ws.batch()));
    assertThat(batches).allMatch(b -> b.operations().get(0).startsWith("{\"epoch\":"));
  }
}
