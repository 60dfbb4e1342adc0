package dev.quire.relay;

import static dev.quire.relay.RelayFixture.append;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.Member;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Protocol 5's {@code upload}: a client refills a relay with a document's whole history, page by
 * page, keeping every batch's author, client id, sequence number and times; the relay never lets an
 * upload rewrite what it holds.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UploadTest {
  private static final long CREATED = 1_700_000_000_000L;

  @TempDir Path dir;
  Relay relay;
  TestClient alice;

  /**
   * A history of six one-insert batches, "abcdef": alice's client "ca" wrote a, b, e; bob's "cb"
   * wrote c, d, f; each with its own relay timestamp and author's time.
   */
  static List<WireSequenced> history() {
    String[] authors = {"alice", "alice", "bob", "bob", "alice", "bob"};
    List<WireSequenced> out = new ArrayList<>();
    long aliceSeq = 0;
    long bobSeq = 0;
    for (int i = 0; i < authors.length; i++) {
      boolean isAlice = authors[i].equals("alice");
      String client = isAlice ? "ca" : "cb";
      long seq = isAlice ? ++aliceSeq : ++bobSeq;
      WireBatch b =
          append(client, seq, i, i, String.valueOf((char) ('a' + i)))
              .withMadeAt(CREATED + 1000 * i);
      out.add(new WireSequenced(i + 1, authors[i], CREATED + 1000 * i + 500, b));
    }
    return out;
  }

  static ClientMessage.Upload page(List<WireSequenced> batches, long head) {
    return new ClientMessage.Upload(
        "doc", "Notes", CREATED, head, List.of(new Member("bob", Role.EDITOR)), batches);
  }

  /** A relay on its storage: a fresh one at first, the same data again afterwards. */
  Relay startRelay() {
    return RelayFixture.start(dir);
  }

  @BeforeEach
  void start() throws Exception {
    relay = startRelay();
    alice = TestClient.login(relay.port(), relay.store().users().add("alice"), "ca");
    relay.store().users().add("bob");
    relay.store().users().add("carol");
  }

  @AfterEach
  void stop() {
    relay.close();
  }

  private ServerMessage.Uploaded upload(TestClient c, ClientMessage.Upload m)
      throws InterruptedException {
    c.send(m);
    return c.expect(ServerMessage.Uploaded.class);
  }

  private ServerMessage.Error refused(TestClient c, ClientMessage m) throws InterruptedException {
    c.send(m);
    return c.expect(ServerMessage.Error.class);
  }

  private TestClient login(String user, String clientId) throws InterruptedException {
    return TestClient.login(relay.port(), relay.store().users().issueToken(user), clientId);
  }

  @Test
  void upload_refillsAnUnknownDocument_inPages_keepingEveryBatchAsItWas() throws Exception {
    List<WireSequenced> h = history();
    ServerMessage.Uploaded first = upload(alice, page(h.subList(0, 2), 6));
    assertThat(first.head()).isEqualTo(2);
    assertThat(first.complete()).isFalse();
    assertThat(upload(alice, page(h.subList(2, 4), 6)).head()).isEqualTo(4);
    ServerMessage.Uploaded last = upload(alice, page(h.subList(4, 6), 6));
    assertThat(last.head()).isEqualTo(6);
    assertThat(last.complete()).isTrue();

    assertThat(RelayFixture.openAll(alice, "doc", 0)).isEqualTo(h);
    assertThat(RelayFixture.storedText(relay, "doc")).isEqualTo("abcdef");
    var row = relay.store().documents().find("doc").orElseThrow();
    assertThat(row.owner()).isEqualTo("alice");
    assertThat(row.title()).isEqualTo("Notes");
    assertThat(row.createdMillis()).isEqualTo(CREATED);
    assertThat(relay.store().documents().role("doc", "bob")).contains(Role.EDITOR);
    assertThat(relay.store().uploads().uploadedBy("doc", 3)).isEqualTo("alice");
    assertThat(relay.store().clientIds().bind("cb", "carol"))
        .as("bound to its author")
        .isEqualTo("bob");

    // And it stays after a restart, from the database.
    alice.close();
    relay.close();
    relay = startRelay();
    alice = login("alice", "ca");
    assertThat(RelayFixture.openAll(alice, "doc", 0)).isEqualTo(h);
  }

  @Test
  void aResentPage_isRecognised_andAnInterruptedUploadResumesFromTheStart() throws Exception {
    List<WireSequenced> h = history();
    upload(alice, page(h.subList(0, 3), 6));
    assertThat(upload(alice, page(h.subList(0, 3), 6)).head()).as("resent").isEqualTo(3);
    alice.close();

    alice = login("alice", "ca"); // the connection was lost: start again from revision 1
    assertThat(upload(alice, page(h.subList(0, 4), 6)).head()).isEqualTo(4);
    assertThat(upload(alice, page(h.subList(4, 6), 6)).complete()).isTrue();
    assertThat(RelayFixture.openAll(alice, "doc", 0)).isEqualTo(h);
  }

  @Test
  void submits_waitUntilTheUploadIsComplete_thenResendsOfUploadedBatchesAreRecognised()
      throws Exception {
    List<WireSequenced> h = history();
    upload(alice, page(h.subList(0, 3), 6));
    TestClient bob = login("bob", "cb");
    ServerMessage.Error during =
        refused(bob, new ClientMessage.Submit("doc", append("cb", 9, 3, 3, "x")));
    assertThat(during.code()).isEqualTo(ErrorCode.UPLOAD_IN_PROGRESS);
    assertThat(during.retry()).isTrue();

    upload(alice, page(h.subList(3, 6), 6));
    // bob's client resends its batch 2 (revision 4), which it never saw acknowledged.
    bob.send(new ClientMessage.Submit("doc", h.get(3).batch()));
    ServerMessage.Ack resent = bob.expectAck();
    assertThat(resent.firstRevision()).isEqualTo(4);
    bob.send(new ClientMessage.Submit("doc", append("cb", 4, 6, 6, "g")));
    assertThat(bob.expectAck().firstRevision()).isEqualTo(7);
    assertThat(RelayFixture.storedText(relay, "doc")).isEqualTo("abcdefg");
  }

  @Test
  void anEditorWhoSawMore_addsTheTail_afterThePrefixIsVerified() throws Exception {
    List<WireSequenced> h = history();
    assertThat(upload(alice, page(h.subList(0, 4), 4)).complete()).isTrue();
    TestClient bob = login("bob", "cb");
    upload(bob, page(h.subList(0, 3), 6));
    ServerMessage.Uploaded tail = upload(bob, page(h.subList(3, 6), 6));
    assertThat(tail.head()).isEqualTo(6);
    assertThat(tail.complete()).isTrue();
    assertThat(RelayFixture.openAll(alice, "doc", 0)).isEqualTo(h);
    assertThat(relay.store().uploads().uploadedBy("doc", 5)).isEqualTo("bob");
    assertThat(relay.store().documents().find("doc").orElseThrow().owner()).isEqualTo("alice");
  }

  @Test
  void aSubscriber_getsTheUploadedTailLive() throws Exception {
    List<WireSequenced> h = history();
    upload(alice, page(h.subList(0, 4), 4));
    TestClient bob = login("bob", "cb");
    assertThat(RelayFixture.openAll(bob, "doc", 0)).hasSize(4);
    upload(alice, page(h, 6));
    List<WireSequenced> live = new ArrayList<>();
    while (live.size() < 2) {
      live.addAll(bob.expect(ServerMessage.Sequenced.class).batches());
    }
    assertThat(live).isEqualTo(h.subList(4, 6));
  }

  // ---- bad input: a clear error, nothing stored ----

  @Test
  void aPageThatLeavesAGap_isRefused() throws Exception {
    List<WireSequenced> h = history();
    ServerMessage.Error e = refused(alice, page(h.subList(2, 4), 6));
    assertThat(e.code()).isEqualTo(ErrorCode.HISTORY_MISMATCH);
    assertThat(e.message()).contains("starts at revision 3").contains("from revision 1");
    assertThat(relay.store().documents().find("doc")).isEmpty();

    // Batches of one page that do not follow each other are not a page.
    List<WireSequenced> holed = List.of(h.get(0), h.get(2));
    alice.send(holedPage(holed));
    ServerMessage.Error malformed = alice.expect(ServerMessage.Error.class);
    assertThat(malformed.code()).isEqualTo(ErrorCode.MALFORMED);
    assertThat(malformed.message()).contains("follow each other");
    assertThat(relay.store().documents().find("doc")).isEmpty();
  }

  /** An upload whose batches do not follow each other, written by hand (the record refuses it). */
  private static String holedPage(List<WireSequenced> batches) {
    String one = ProtocolCodec.encode("x1", page(batches.subList(0, 1), 6));
    String two = ProtocolCodec.encode("x1", page(batches.subList(1, 2), 6));
    String second = two.substring(two.indexOf("\"batches\":[") + "\"batches\":[".length());
    return one.substring(0, one.lastIndexOf("]}")) + "," + second;
  }

  @Test
  void anotherHistoryOfAKnownDocument_isRefused_andTheStoredOneStays() throws Exception {
    List<WireSequenced> h = history();
    upload(alice, page(h.subList(0, 4), 4));
    List<WireSequenced> other = new ArrayList<>(h);
    WireSequenced third = h.get(2);
    other.set(
        2,
        new WireSequenced(
            3, "bob", third.timestampMillis(), append("cb", 1, 2, 2, "X").withMadeAt(0)));
    ServerMessage.Error e = refused(alice, page(other, 6));
    assertThat(e.code()).isEqualTo(ErrorCode.HISTORY_MISMATCH);
    assertThat(e.message()).contains("revision 3").contains("differs");
    assertThat(RelayFixture.openAll(alice, "doc", 0)).isEqualTo(h.subList(0, 4));
    assertThat(relay.store().uploads().target("doc")).isEmpty();
  }

  @Test
  void aClientIdOfAnotherUser_isRefusedForTheBatchesOfItsAuthor() throws Exception {
    login("bob", "cb").close(); // "cb" is bob's for good
    List<WireSequenced> h = history();
    WireSequenced second = h.get(1);
    List<WireSequenced> forged =
        List.of(
            h.get(0),
            new WireSequenced(
                2,
                "alice",
                second.timestampMillis(),
                append("cb", 1, 1, 1, "b").withMadeAt(second.batch().madeAt())));
    ServerMessage.Error e = refused(alice, page(forged, 2));
    assertThat(e.code()).isEqualTo(ErrorCode.HISTORY_MISMATCH);
    assertThat(e.message()).contains("client id cb").contains("belongs to bob");
    assertThat(relay.store().documents().find("doc")).as("nothing stored").isEmpty();
  }

  @Test
  void anAuthorTheRelayDoesNotKnow_isRefused() throws Exception {
    WireSequenced b = new WireSequenced(1, "dave", CREATED, append("cd", 1, 0, 0, "a"));
    ServerMessage.Error e = refused(alice, page(List.of(b), 1));
    assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_USER);
    assertThat(e.message()).contains("dave");
    assertThat(relay.store().documents().find("doc")).isEmpty();
  }

  @Test
  void onlyTheOwnerOrAnEditor_mayAddToAKnownDocument() throws Exception {
    List<WireSequenced> h = history();
    upload(alice, page(h.subList(0, 2), 2));
    TestClient carol = login("carol", "cc");
    ServerMessage.Error stranger = refused(carol, page(h, 6));
    assertThat(stranger.code()).isEqualTo(ErrorCode.DOCUMENT_EXISTS);
    alice.send(new ClientMessage.Share("doc", "carol", Role.VIEWER));
    alice.expect(ServerMessage.Shared.class);
    carol.expect(ServerMessage.Available.class);
    ServerMessage.Error forbidden = refused(carol, page(h, 6));
    assertThat(forbidden.code()).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(relay.store().documents().find("doc").orElseThrow().head()).isEqualTo(2);
  }

  @Test
  void aBatchOverTheLimit_orOperationsThatDoNotApply_areRefused() throws Exception {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < RelayFixture.TEST_LIMITS.maxBatchOperations() + 1; i++) {
      many.add("[" + i + ",\"x\"]");
    }
    WireBatch big = new WireBatch("ca", 1, 0, many, CREATED);
    ServerMessage.Error tooLarge =
        refused(alice, page(List.of(new WireSequenced(1, "alice", CREATED, big)), many.size()));
    assertThat(tooLarge.code()).isEqualTo(ErrorCode.BATCH_TOO_LARGE);

    WireSequenced wrong = new WireSequenced(1, "alice", CREATED, append("ca", 1, 0, 5, "x"));
    ServerMessage.Error mismatch = refused(alice, page(List.of(wrong), 1));
    assertThat(mismatch.code()).isEqualTo(ErrorCode.OPERATION_MISMATCH);
    assertThat(mismatch.message()).contains("revision 1");
    assertThat(relay.store().documents().find("doc")).isEmpty();
  }

  @Test
  void anEncryptedUpload_createsAnEncryptedDocument_ofSealedBatchesOnly() throws Exception {
    java.security.KeyPair device = dev.quire.ot.history.Ed25519.generate();
    dev.quire.ot.crypto.SealedBatch sealed =
        dev.quire.ot.crypto.SealedBatch.seal(
            dev.quire.ot.crypto.BatchCipher.newKey(),
            3,
            device.getPrivate(),
            "doc",
            "ca",
            1,
            0,
            "{\"operations\":[[\"a\"],[1,\"b\"]]}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    WireSequenced ok =
        new WireSequenced(
            1, "alice", CREATED, new WireBatch("ca", 1, 0, List.of(sealed.toJson(), "0"), CREATED));
    WireSequenced plain = new WireSequenced(1, "alice", CREATED, append("ca", 1, 0, 0, "x"));
    ServerMessage.Error notSealed =
        refused(
            alice,
            new ClientMessage.Upload("doc", "Notes", CREATED, 1, List.of(), List.of(plain), true));
    assertThat(notSealed.code()).isEqualTo(ErrorCode.MALFORMED);
    assertThat(notSealed.message()).contains("revision 1");
    assertThat(relay.store().documents().find("doc")).isEmpty();

    // A sealed title (protocol 8) only with encrypted: true; kept instead of the title sent.
    dev.quire.ot.protocol.SealedTitle sealedTitle =
        dev.quire.ot.crypto.TitleCipher.seal(
            "doc", 3, dev.quire.ot.crypto.BatchCipher.newKey(), "Notes");
    assertThat(
            refused(
                    alice,
                    new ClientMessage.Upload(
                        "doc", "Notes", CREATED, 2, List.of(), List.of(), false, sealedTitle))
                .code())
        .isEqualTo(ErrorCode.NOT_ENCRYPTED);
    ServerMessage.Uploaded done =
        upload(
            alice,
            new ClientMessage.Upload(
                "doc",
                dev.quire.ot.protocol.SealedTitle.PLACEHOLDER,
                CREATED,
                2,
                List.of(),
                List.of(ok),
                true,
                sealedTitle));
    assertThat(done.complete()).isTrue();
    assertThat(relay.store().documents().find("doc").orElseThrow().payload())
        .isEqualTo(dev.quire.relay.store.PayloadKind.ENCRYPTED);
    assertThat(relay.store().documents().find("doc").orElseThrow().sealedTitle())
        .isEqualTo(sealedTitle);
    assertThat(relay.store().documents().find("doc").orElseThrow().title())
        .isEqualTo(dev.quire.ot.protocol.SealedTitle.PLACEHOLDER);
    assertThat(relay.store().history().page("doc", 0, 10)).containsExactly(ok);
    // An encrypted document the relay holds takes no upload; nor a plain one an encrypted upload.
    assertThat(refused(alice, page(List.of(ok), 2)).code()).isEqualTo(ErrorCode.FORBIDDEN);
    alice.send(new ClientMessage.Create("plain", "Plain", false));
    alice.expect(ServerMessage.Created.class);
    assertThat(
            refused(
                    alice,
                    new ClientMessage.Upload(
                        "plain", "Plain", CREATED, 2, List.of(), List.of(ok), true))
                .code())
        .isEqualTo(ErrorCode.NOT_ENCRYPTED);
  }

  @Test
  void aPageOverTheMessageLimit_closesTheConnection_andStoresNothing() throws Exception {
    List<WireSequenced> big = new ArrayList<>();
    String text = "y".repeat(20_000);
    for (int i = 0; i < 4; i++) {
      big.add(new WireSequenced(i + 1, "alice", CREATED, append("ca", i + 1, i, i * 20_000, text)));
    }
    alice.send(page(big, 4));
    ServerMessage.Error e = alice.expect(ServerMessage.Error.class);
    assertThat(e.code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
    assertThat(relay.store().documents().find("doc")).isEmpty();
  }
}
