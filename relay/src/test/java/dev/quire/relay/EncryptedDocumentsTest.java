package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.crypto.BatchCipher;
import dev.quire.ot.crypto.SealedBatch;
import dev.quire.ot.crypto.TitleCipher;
import dev.quire.ot.history.Ed25519;
import dev.quire.ot.history.HistoryChain;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.DeviceKeys;
import dev.quire.ot.protocol.DocumentInfo;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.KeyEnvelope;
import dev.quire.ot.protocol.RelaySignature;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.SealedTitle;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.postgres.PgUrl;
import dev.quire.relay.postgres.PostgresServer;
import dev.quire.relay.postgres.PostgresStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End-to-end encrypted documents (protocol 6) on the relay, on both storages: it checks what needs
 * no key (role, registered device, signature, epoch, size, dedup) and stores the sealed batches as
 * sent.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EncryptedDocumentsTest {
  @TempDir Path dir;
  private Relay relay;
  private final List<TestClient> clients = new ArrayList<>();
  private final KeyPair aliceDevice = Ed25519.generate();
  private final KeyPair bobDevice = Ed25519.generate();
  private final byte[] key1 = BatchCipher.newKey();
  private TestClient alice;
  private TestClient bob;
  private TestClient carol;
  private String pgUrl; // the database, when the storage is PostgreSQL

  @AfterEach
  void stop() {
    clients.forEach(TestClient::close);
    if (relay != null) {
      relay.close();
    }
  }

  private void start(String storage) throws Exception {
    if (storage.equals("postgres")) {
      pgUrl = PostgresServer.freshDatabase();
      relay = RelayFixture.start(dir, b -> b.database(PgUrl.of(pgUrl, Map.of())));
    } else {
      relay = RelayFixture.start(dir);
    }
    alice = login(relay.store().users().add("alice"), "alice-laptop");
    bob = login(relay.store().users().add("bob"), "bob-desk");
    carol = login(relay.store().users().add("carol"), "carol-phone");
  }

  private TestClient login(String token, String clientId) throws Exception {
    TestClient c = TestClient.login(relay.port(), token, clientId);
    clients.add(c);
    return c;
  }

  private static DeviceKeys keysOf(KeyPair device, int agreementByte) {
    byte[] agreement = new byte[32];
    agreement[0] = (byte) agreementByte;
    return new DeviceKeys(Ed25519.publicKey(device), Base64.getEncoder().encodeToString(agreement));
  }

  private static void register(TestClient c, DeviceKeys keys) throws Exception {
    c.send(new ClientMessage.RegisterDevice(keys));
    assertThat(c.expect(ServerMessage.DeviceRegistered.class).keys()).isEqualTo(keys);
  }

  private static KeyEnvelope envelope(long epoch, String user, String client) {
    return new KeyEnvelope(epoch, user, client, Base64.getEncoder().encodeToString(new byte[80]));
  }

  private static WireBatch sealedBatch(
      byte[] key, long epoch, KeyPair device, String client, long seq, long base, String text) {
    SealedBatch s =
        SealedBatch.seal(
            key,
            epoch,
            device.getPrivate(),
            "secret",
            client,
            seq,
            base,
            ("[[\"" + text + "\"]]").getBytes(StandardCharsets.UTF_8));
    return new WireBatch(client, seq, base, List.of(s.toJson()), 1_000L);
  }

  /** Alice's encrypted document "secret", Bob its editor and Carol its viewer, devices known. */
  private void encryptedDocument() throws Exception {
    alice.send(new ClientMessage.Create("secret", "Secret", true));
    assertThat(alice.expect(ServerMessage.Created.class).document().encrypted()).isTrue();
    register(alice, keysOf(aliceDevice, 1));
    register(bob, keysOf(bobDevice, 2));
    alice.send(new ClientMessage.Share("secret", "bob", Role.EDITOR));
    alice.expect(ServerMessage.Shared.class);
    alice.send(new ClientMessage.Share("secret", "carol", Role.VIEWER));
    alice.expect(ServerMessage.Shared.class);
    bob.await(ServerMessage.Available.class, a -> a.document().encrypted());
    carol.await(ServerMessage.Available.class, a -> a.document().encrypted());
    alice.send(
        new ClientMessage.Seal(
            "secret",
            1,
            false,
            List.of(envelope(1, "alice", "alice-laptop"), envelope(1, "bob", "bob-desk"))));
    assertThat(alice.expect(ServerMessage.Sealed.class).epoch()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"embedded", "postgres"})
  void theRelaySignsTheCiphertextChain_withoutATextHash(String storage) throws Exception {
    start(storage);
    encryptedDocument();
    WireBatch first = sealedBatch(key1, 1, aliceDevice, "alice-laptop", 1, 0, "one");
    WireBatch two = sealedBatch(key1, 1, bobDevice, "bob-desk", 1, 1, "two");
    two = new WireBatch("bob-desk", 1, 1, List.of(two.operations().get(0), "0"), 2_000L);
    alice.send(new ClientMessage.Submit("secret", first));
    assertThat(alice.expectAck().firstRevision()).isEqualTo(1);
    bob.send(new ClientMessage.Submit("secret", two));
    assertThat(bob.expectAck().firstRevision()).isEqualTo(2);

    carol.send(new ClientMessage.Signatures("secret", 0));
    ServerMessage.Signatures sg = carol.expect(ServerMessage.Signatures.class);
    assertThat(sg.complete()).isTrue();
    assertThat(sg.signatures()).extracting(RelaySignature::revision).containsExactly(3L);
    RelaySignature atHead = sg.signatures().get(0);
    assertThat(atHead.textHash()).isNull(); // the relay cannot read the text
    carol.send(new ClientMessage.Open("secret", 0, false));
    List<WireSequenced> stored = carol.expect(ServerMessage.History.class).batches();
    String chain = HistoryChain.GENESIS;
    for (WireSequenced w : stored) {
      for (int i = 0; i < w.batch().size(); i++) {
        chain =
            HistoryChain.next(
                chain,
                new HistoryChain.Revision(
                    w.firstRevision() + i,
                    w.batch().baseRevision(),
                    w.firstRevision(),
                    w.author(),
                    w.batch().clientId(),
                    w.batch().batchSeq(),
                    w.timestampMillis(),
                    w.batch().madeAt(),
                    w.batch().operations().get(i)));
      }
    }
    assertThat(atHead.chain()).isEqualTo(chain); // over the sealed elements and placeholders
    assertThat(Ed25519.verify(sg.key(), atHead.statement("secret"), atHead.signature())).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"embedded", "postgres"})
  void aSignedBatchAtTheCurrentEpochIsStoredAsSent_andResendsAreAnsweredAsResends(String storage)
      throws Exception {
    start(storage);
    encryptedDocument();
    WireBatch first = sealedBatch(key1, 1, aliceDevice, "alice-laptop", 1, 0, "marker-text");
    alice.send(new ClientMessage.Submit("secret", first));
    assertThat(alice.expectAck().firstRevision()).isEqualTo(1);
    // The resend of a stored batch is answered with its revisions, even after a rotation.
    alice.send(
        new ClientMessage.Seal("secret", 2, true, List.of(envelope(2, "alice", "alice-laptop"))));
    assertThat(alice.expect(ServerMessage.Sealed.class).epoch()).isEqualTo(2);
    alice.send(new ClientMessage.Submit("secret", first));
    assertThat(alice.expectAck().firstRevision()).isEqualTo(1);

    bob.send(new ClientMessage.Open("secret", 0, false));
    ServerMessage.History h = bob.expect(ServerMessage.History.class);
    assertThat(h.batches()).extracting(WireSequenced::batch).containsExactly(first);
    assertThat(h.batches().get(0).batch().operations().get(0)).doesNotContain("marker-text");
    bob.send(new ClientMessage.Keys("secret"));
    ServerMessage.Keys k = bob.expect(ServerMessage.Keys.class);
    assertThat(k.epoch()).isEqualTo(2);
    assertThat(k.envelopes())
        .extracting(e -> e.epoch() + " from " + e.user() + "/" + e.clientId())
        .containsExactly("1 from alice/alice-laptop");
    bob.send(new ClientMessage.Devices("secret"));
    assertThat(bob.expect(ServerMessage.Devices.class).devices())
        .extracting(d -> d.user() + "/" + d.sealed())
        .containsExactly("alice/true", "bob/false");
  }

  @ParameterizedTest
  @ValueSource(strings = {"embedded", "postgres"})
  void whatTheRelayChecksWithoutAKey(String storage) throws Exception {
    start(storage);
    encryptedDocument();
    // Forged: signed by another key than the device's.
    WireBatch forged = sealedBatch(key1, 1, Ed25519.generate(), "bob-desk", 1, 0, "x");
    bob.send(new ClientMessage.Submit("secret", forged));
    assertThat(bob.expectError(ErrorCode.BAD_SIGNATURE).message()).contains("bob-desk");
    // A signature of another context (base revision) does not hold either.
    WireBatch signed = sealedBatch(key1, 1, bobDevice, "bob-desk", 1, 0, "x");
    WireBatch moved =
        new WireBatch("bob-desk", 1, 0, signed.operations(), 1_000L).withMadeAt(2_000L);
    WireBatch otherSeq = new WireBatch("bob-desk", 2, 0, signed.operations(), 1_000L);
    bob.send(new ClientMessage.Submit("secret", otherSeq));
    bob.expectError(ErrorCode.BAD_SIGNATURE);
    // Plain operations, or notes beside the sealed element: malformed.
    bob.send(new ClientMessage.Submit("secret", RelayFixture.append("bob-desk", 1, 0, 0, "plain")));
    assertThat(bob.expectError(ErrorCode.MALFORMED).message()).contains("encrypted");
    // An unregistered device.
    TestClient bobPhone = login(relay.store().users().issueToken("bob"), "bob-phone");
    KeyPair phone = Ed25519.generate();
    bobPhone.send(
        new ClientMessage.Submit("secret", sealedBatch(key1, 1, phone, "bob-phone", 1, 0, "x")));
    bobPhone.expectError(ErrorCode.UNKNOWN_DEVICE);
    // A viewer, even with a registered device.
    KeyPair carolDevice = Ed25519.generate();
    register(carol, keysOf(carolDevice, 3));
    carol.send(
        new ClientMessage.Submit(
            "secret", sealedBatch(key1, 1, carolDevice, "carol-phone", 1, 0, "x")));
    carol.expectError(ErrorCode.FORBIDDEN);
    // Anything but placeholders after the sealed element.
    bob.send(
        new ClientMessage.Submit(
            "secret",
            new WireBatch(
                "bob-desk", 1, 0, List.of(signed.operations().get(0), "[\"x\"]"), 1_000L)));
    assertThat(bob.expectError(ErrorCode.MALFORMED).message()).contains("placeholder");
    // Too many operations.
    List<String> many = new ArrayList<>();
    for (int i = 0; i < RelayFixture.TEST_LIMITS.maxBatchOperations() + 1; i++) {
      many.add(signed.operations().get(0));
    }
    bob.send(new ClientMessage.Submit("secret", new WireBatch("bob-desk", 1, 0, many, 1_000L)));
    bob.expectError(ErrorCode.BATCH_TOO_LARGE);
    // A changed device key is refused; the registered one stays.
    bob.send(new ClientMessage.RegisterDevice(keysOf(Ed25519.generate(), 2)));
    bob.expectError(ErrorCode.DEVICE_KEY_CHANGED);
    // None of it was stored; the well-signed batch is (madeAt is not signed, nor part of it).
    bob.send(new ClientMessage.Submit("secret", moved));
    assertThat(bob.expectAck().firstRevision()).isEqualTo(1);
    assertThat(relay.store().documents().find("secret").orElseThrow().head()).isEqualTo(1);

    // After a rotation, a batch at the old epoch is stale (retry once sealed again).
    alice.send(new ClientMessage.Seal("secret", 2, true, List.of(envelope(2, "bob", "bob-desk"))));
    alice.expect(ServerMessage.Sealed.class);
    WireBatch old = sealedBatch(key1, 1, bobDevice, "bob-desk", 2, 1, "y");
    bob.send(new ClientMessage.Submit("secret", old));
    ServerMessage.Error stale = bob.expectError(ErrorCode.STALE_EPOCH);
    assertThat(stale.retry()).isTrue();
    assertThat(stale.message()).contains("is 2");
    WireBatch again = sealedBatch(BatchCipher.newKey(), 2, bobDevice, "bob-desk", 2, 1, "y");
    bob.send(new ClientMessage.Submit("secret", again));
    assertThat(bob.expectAck().firstRevision()).isEqualTo(2);
  }

  @Test
  void onPostgres_aRotationThroughAnotherRelay_makesABatchAtTheOldEpochStale_beforeThisRelayHears()
      throws Exception {
    start("postgres");
    encryptedDocument();
    alice.send(new ClientMessage.Open("secret", 0, false)); // keeps the document in memory
    alice.expect(ServerMessage.History.class);
    bob.send(
        new ClientMessage.Submit("secret", sealedBatch(key1, 1, bobDevice, "bob-desk", 1, 0, "x")));
    assertThat(bob.expectAck().firstRevision()).isEqualTo(1); // this relay holds epoch 1 now
    // Another relay on the same database rotates the key; its notice has not come here (none is
    // sent through the storage alone).
    try (PostgresStorage other = PostgresStorage.open(PgUrl.of(pgUrl, Map.of()), 2)) {
      assertThat(
              other
                  .keys()
                  .seal(
                      "secret",
                      2,
                      true,
                      "alice",
                      "alice-laptop",
                      List.of(envelope(2, "bob", "bob-desk"))))
          .isTrue();
    }

    bob.send(
        new ClientMessage.Submit("secret", sealedBatch(key1, 1, bobDevice, "bob-desk", 2, 1, "y")));
    assertThat(bob.expectError(ErrorCode.STALE_EPOCH).message()).contains("is 2");
    assertThat(relay.store().documents().find("secret").orElseThrow().head()).isEqualTo(1);
    WireBatch again = sealedBatch(BatchCipher.newKey(), 2, bobDevice, "bob-desk", 2, 1, "y");
    bob.send(new ClientMessage.Submit("secret", again));
    assertThat(bob.expectAck().firstRevision()).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"embedded", "postgres"})
  void sealingAndRotating_areForMembersDevices_rotationForTheOwnerOneEpochAtATime(String storage)
      throws Exception {
    start(storage);
    encryptedDocument();
    bob.send(new ClientMessage.Seal("secret", 2, true, List.of()));
    bob.expectError(ErrorCode.FORBIDDEN);
    alice.send(new ClientMessage.Seal("secret", 3, true, List.of()));
    assertThat(alice.expectError(ErrorCode.STALE_EPOCH).message()).contains("to epoch 2");
    alice.send(new ClientMessage.Seal("secret", 2, false, List.of()));
    alice.expectError(ErrorCode.STALE_EPOCH);
    // A device that is not a member's.
    TestClient dave = login(relay.store().users().add("dave"), "dave-pc");
    register(dave, keysOf(Ed25519.generate(), 4));
    alice.send(new ClientMessage.Seal("secret", 1, false, List.of(envelope(1, "dave", "dave-pc"))));
    alice.expectError(ErrorCode.UNKNOWN_DEVICE);
    // Anyone with a role may seal the current key for a member's device lacking it.
    KeyPair carolDevice = Ed25519.generate();
    register(carol, keysOf(carolDevice, 3));
    bob.send(
        new ClientMessage.Seal("secret", 1, false, List.of(envelope(1, "carol", "carol-phone"))));
    bob.expect(ServerMessage.Sealed.class);
    carol.send(new ClientMessage.Keys("secret"));
    assertThat(carol.expect(ServerMessage.Keys.class).envelopes())
        .extracting(KeyEnvelope::user)
        .containsExactly("bob");
    // Not for a readable document; not for a stranger.
    RelayFixture.create(alice, "plain");
    alice.send(new ClientMessage.Devices("plain"));
    alice.expectError(ErrorCode.NOT_ENCRYPTED);
    dave.send(new ClientMessage.Keys("secret"));
    dave.expectError(ErrorCode.UNKNOWN_DOCUMENT);
    alice.send(new ClientMessage.ListDocuments());
    assertThat(alice.expect(ServerMessage.Documents.class).documents())
        .extracting(d -> d.doc() + "=" + d.encrypted())
        .containsExactly("plain=false", "secret=true");
  }

  /** Runs {@code quire relay ARGS} on this relay's storage; its exit code, its error output. */
  private String relayCommand(String... args) {
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine cmd = RelayMain.commandLine();
    cmd.setOut(new java.io.PrintWriter(new java.io.StringWriter(), true));
    cmd.setErr(new java.io.PrintWriter(err, true));
    List<String> all = new ArrayList<>();
    if (pgUrl != null) {
      all.addAll(List.of("--database", pgUrl));
    } else {
      all.addAll(List.of("--data", dir.resolve("data").toString()));
    }
    all.addAll(List.of(args));
    int code = cmd.execute(all.toArray(String[]::new));
    return code + " " + err;
  }

  private boolean rotationDue(TestClient c) throws Exception {
    c.send(new ClientMessage.Devices("secret"));
    return c.expect(ServerMessage.Devices.class).rotationDue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"embedded", "postgres"})
  void anAdministratorsRemoval_makesTheKeyDueToRotate_untilTheOwnerRotatesIt(String storage)
      throws Exception {
    start(storage);
    encryptedDocument();
    RelayFixture.create(alice, "plain");
    assertThat(relayCommand("grant", "plain", "bob", "editor")).startsWith("0 ");
    assertThat(relayCommand("grant", "plain", "bob", "none"))
        .startsWith("0 ")
        .doesNotContain("rotates");
    assertThat(relay.store().keys().rotationDue("plain")).isFalse();
    assertThat(rotationDue(alice)).isFalse();
    // Removing a user who has no role changes nothing.
    relay.store().users().add("dave");
    assertThat(relayCommand("grant", "secret", "dave", "none"))
        .startsWith("0 ")
        .doesNotContain("rotates");
    assertThat(rotationDue(alice)).isFalse();

    assertThat(relayCommand("grant", "secret", "carol", "none"))
        .startsWith("0 ")
        .contains("carol is now none of secret")
        .contains("its key rotates when its owner's client next connects");
    assertThat(rotationDue(alice)).isTrue();
    assertThat(rotationDue(bob)).isTrue();
    // Until the owner rotates, the members go on under the current epoch.
    bob.send(
        new ClientMessage.Submit("secret", sealedBatch(key1, 1, bobDevice, "bob-desk", 1, 0, "b")));
    assertThat(bob.expectAck().firstRevision()).isEqualTo(1);
    // Bad input is refused; a refused rotation clears nothing.
    assertThat(relayCommand("grant", "nodoc", "carol", "none"))
        .startsWith("1 ")
        .contains("no document nodoc");
    alice.send(new ClientMessage.Seal("secret", 3, true, List.of()));
    alice.expectError(ErrorCode.STALE_EPOCH);
    assertThat(rotationDue(alice)).isTrue();

    alice.send(
        new ClientMessage.Seal(
            "secret",
            2,
            true,
            List.of(envelope(2, "alice", "alice-laptop"), envelope(2, "bob", "bob-desk"))));
    assertThat(alice.expect(ServerMessage.Sealed.class).epoch()).isEqualTo(2);
    assertThat(rotationDue(alice)).isFalse();
    assertThat(relay.store().keys().rotationDue("secret")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"embedded", "postgres"})
  void aRevokedDevice_isRefused_getsNoKey_andTheKeyIsDueToRotate(String storage) throws Exception {
    start(storage);
    encryptedDocument();
    String bobToken = relay.store().users().issueToken("bob");
    TestClient phone = login(bobToken, "bob-phone");
    register(phone, keysOf(Ed25519.generate(), 5));
    alice.send(
        new ClientMessage.Seal("secret", 1, false, List.of(envelope(1, "bob", "bob-phone"))));
    alice.expect(ServerMessage.Sealed.class);
    bob.send(new ClientMessage.UserDevices());
    assertThat(bob.expect(ServerMessage.UserDevices.class).devices())
        .extracting(d -> d.clientId())
        .containsExactly("bob-desk", "bob-phone");

    // Bad input: the asking device itself, a device Bob does not have.
    bob.send(new ClientMessage.RevokeDevice("bob-desk"));
    assertThat(bob.expectError(ErrorCode.FORBIDDEN).message()).contains("another of your devices");
    bob.send(new ClientMessage.RevokeDevice("alice-laptop"));
    bob.expectError(ErrorCode.UNKNOWN_DEVICE);

    bob.send(new ClientMessage.RevokeDevice("bob-phone"));
    assertThat(bob.expect(ServerMessage.DeviceRevoked.class).documents()).isEqualTo(1);
    ServerMessage.Error closed = phone.expect(ServerMessage.Error.class);
    assertThat(closed.code()).isEqualTo(ErrorCode.DEVICE_REVOKED);
    TestClient again = TestClient.connect(relay.port());
    clients.add(again);
    again.send(
        new ClientMessage.Hello(
            dev.quire.ot.protocol.ProtocolCodec.VERSION, bobToken, "bob-phone"));
    assertThat(again.expectError(ErrorCode.DEVICE_REVOKED).message()).contains("revoked");
    bob.send(new ClientMessage.UserDevices());
    assertThat(bob.expect(ServerMessage.UserDevices.class).devices())
        .extracting(d -> d.clientId())
        .containsExactly("bob-desk");
    assertThat(relay.store().keys().envelopesFor("secret", "bob", "bob-phone")).isEmpty();

    // The owner's client is told; nothing is sealed for the revoked device any more.
    alice.send(new ClientMessage.Devices("secret"));
    ServerMessage.Devices devices = alice.expect(ServerMessage.Devices.class);
    assertThat(devices.rotationDue()).isTrue();
    assertThat(devices.devices())
        .extracting(d -> d.clientId())
        .containsExactly("alice-laptop", "bob-desk");
    alice.send(new ClientMessage.Seal("secret", 2, true, List.of(envelope(2, "bob", "bob-phone"))));
    alice.expectError(ErrorCode.UNKNOWN_DEVICE);
    alice.send(
        new ClientMessage.Seal(
            "secret",
            2,
            true,
            List.of(envelope(2, "alice", "alice-laptop"), envelope(2, "bob", "bob-desk"))));
    alice.expect(ServerMessage.Sealed.class);
    assertThat(rotationDue(alice)).isFalse();
  }

  @Test
  void inOpenMode_devicesCannotBeRevoked() throws Exception {
    relay = RelayFixture.start(dir, b -> b.openMode(true));
    TestClient one = login("", "guest-one");
    TestClient two = login("", "guest-two");
    register(two, keysOf(Ed25519.generate(), 6));
    one.send(new ClientMessage.RevokeDevice("guest-two"));
    assertThat(one.expectError(ErrorCode.FORBIDDEN).message()).contains("open mode");
    assertThat(relay.store().keys().revoked(RelayContext.GUEST, "guest-two")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"embedded", "postgres"})
  void theRelaysStoredDataHoldsNoPlaintext(String storage) throws Exception {
    start(storage);
    encryptedDocument();
    String marker = "okapi-plaintext-marker";
    SealedBatch s =
        SealedBatch.seal(
            key1,
            1,
            aliceDevice.getPrivate(),
            "secret",
            "alice-laptop",
            1,
            0,
            ("{\"notes\":[{\"kind\":\"comment\",\"id\":\"c1\",\"from\":0,\"to\":1,\"text\":\""
                    + marker
                    + "\"}],\"operations\":[[\""
                    + marker
                    + "\"],[\"x\"]]}")
                .getBytes(StandardCharsets.UTF_8));
    alice.send(
        new ClientMessage.Submit(
            "secret", new WireBatch("alice-laptop", 1, 0, List.of(s.toJson(), "0"), 1_000L)));
    assertThat(alice.expectAck().firstRevision()).isEqualTo(1);
    assertThat(relay.store().documents().find("secret").orElseThrow().head()).isEqualTo(2);
    relay.close();
    String stored = storage.equals("postgres") ? tableContents() : dataFiles();
    assertThat(stored).contains("Secret").contains("alice-laptop"); // it read the data
    assertThat(stored).doesNotContain(marker);
    relay = null;
  }

  @ParameterizedTest
  @ValueSource(strings = {"embedded", "postgres"})
  void sealedTitles_areStoredAndServedAsSent_neverInPlainText(String storage) throws Exception {
    start(storage);
    register(alice, keysOf(aliceDevice, 1));
    SealedTitle first = TitleCipher.seal("titled", 1, key1, "Quokka plans");
    alice.send(new ClientMessage.Create("titled", SealedTitle.PLACEHOLDER, true, first));
    DocumentInfo created = alice.expect(ServerMessage.Created.class).document();
    assertThat(created.title()).isEqualTo(SealedTitle.PLACEHOLDER);
    assertThat(created.sealedTitle()).isEqualTo(first);
    alice.send(new ClientMessage.Share("titled", "bob", Role.EDITOR));
    alice.expect(ServerMessage.Shared.class);
    DocumentInfo available =
        bob.await(ServerMessage.Available.class, a -> a.document().doc().equals("titled"))
            .document();
    assertThat(TitleCipher.open("titled", key1, available.sealedTitle())).isEqualTo("Quokka plans");

    // An editor renames it: the subscribers get the sealed title, the listing serves it.
    alice.send(new ClientMessage.Open("titled", 0, false));
    alice.expect(ServerMessage.History.class);
    SealedTitle second = TitleCipher.seal("titled", 1, key1, "Wombat plans");
    bob.send(new ClientMessage.Rename("titled", SealedTitle.PLACEHOLDER, second));
    assertThat(bob.expect(ServerMessage.Renamed.class).sealedTitle()).isEqualTo(second);
    ServerMessage.Renamed told = alice.expect(ServerMessage.Renamed.class);
    assertThat(told.title()).isEqualTo(SealedTitle.PLACEHOLDER);
    assertThat(TitleCipher.open("titled", key1, told.sealedTitle())).isEqualTo("Wombat plans");
    bob.send(new ClientMessage.ListDocuments());
    DocumentInfo listed = bob.expect(ServerMessage.Documents.class).documents().get(0);
    assertThat(listed.title()).isEqualTo(SealedTitle.PLACEHOLDER);
    assertThat(listed.sealedTitle()).isEqualTo(second);

    // A sealed title only for an encrypted document; one not well formed is refused.
    alice.send(new ClientMessage.Create("readable", "Readable", false, first));
    assertThat(alice.expectError(ErrorCode.NOT_ENCRYPTED).message()).contains("sealed title");
    alice.send(new ClientMessage.Create("readable", "Readable"));
    alice.expect(ServerMessage.Created.class);
    alice.send(new ClientMessage.Rename("readable", SealedTitle.PLACEHOLDER, first));
    alice.expectError(ErrorCode.NOT_ENCRYPTED);
    alice.send(
        "{\"type\":\"rename\",\"id\":\"bad\",\"doc\":\"titled\",\"title\":\"t\","
            + "\"sealedTitle\":{\"epoch\":1,\"sealed\":\"Wombat plans\"}}");
    assertThat(alice.expectError(ErrorCode.MALFORMED).message())
        .contains("sealedTitle.sealed must be base64");
    alice.send(new ClientMessage.Rename("readable", "Readable, renamed"));
    assertThat(alice.expect(ServerMessage.Renamed.class).sealedTitle()).isNull();
    assertThat(relay.store().documents().find("readable").orElseThrow().title())
        .isEqualTo("Readable, renamed");
    assertThat(relay.store().documents().find("titled").orElseThrow().sealedTitle())
        .isEqualTo(second);

    relay.close();
    String stored = storage.equals("postgres") ? tableContents() : dataFiles();
    assertThat(stored).contains("Readable, renamed").contains(second.sealed().substring(0, 20));
    assertThat(stored).doesNotContain("Quokka").doesNotContain("Wombat");
    relay = null;
  }

  /** Every file of the data directory, its bytes as Latin-1. */
  private String dataFiles() throws Exception {
    StringBuilder all = new StringBuilder();
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir)) {
      for (Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
        all.append(new String(java.nio.file.Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
      }
    }
    return all.toString();
  }

  /** Every row of every table of the database, as text. */
  private String tableContents() throws Exception {
    StringBuilder all = new StringBuilder();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(pgUrl);
        java.sql.Statement st = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (java.sql.ResultSet rs =
          st.executeQuery(
              "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String t : tables) {
        try (java.sql.ResultSet rs = st.executeQuery("SELECT * FROM \"" + t + "\"")) {
          int n = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            for (int i = 1; i <= n; i++) {
              all.append(rs.getString(i)).append('\t');
            }
          }
        }
      }
    }
    return all.toString();
  }
}
