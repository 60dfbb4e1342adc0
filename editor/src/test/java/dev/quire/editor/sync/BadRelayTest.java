package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalStore;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.ot.sync.Batch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Bad responses from the network are reported and never corrupt the local copy. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadRelayTest {
  @TempDir Path dir;
  private FakeRelay fake;
  private TestClient client;

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.close();
    }
    if (fake != null) {
      fake.shutDown();
    }
  }

  static String welcome() {
    return ProtocolCodec.encode(
        new ServerMessage.Welcome(
            ProtocolCodec.VERSION, "alice", "s1", false, TestRelay.LIMITS, "fake-relay"));
  }

  private static WireSequenced entry(long first, long base, String client, TextOperation op) {
    return WireSequenced.of(
        new dev.quire.ot.sync.SequencedBatch(
            first, "bob", 1000, new Batch(client, first, base, List.of(op))));
  }

  private DocumentSession clientWithLocalEdit() throws Exception {
    client = new TestClient(dir.resolve("p"), fake.uri(), "t", "alice");
    client.addRemoteDocument("doc");
    DocumentSession s = client.open("doc");
    client.edit(s, 0, 0, "mine");
    return s;
  }

  @Test
  void listingReadBeforeOurDelete_doesNotBringTheDocumentBack() throws Exception {
    // The relay answers a listing on another thread than the delete, so a listing asked for
    // before the delete may arrive after the delete's answer and still hold the document. This
    // relay holds back its listings until the delete, then sends them after its answer.
    List<String> heldListings = new java.util.concurrent.CopyOnWriteArrayList<>(); // their ids
    java.util.concurrent.atomic.AtomicBoolean deleted =
        new java.util.concurrent.atomic.AtomicBoolean();
    String stale =
        FakeRelay.encode(
            new ServerMessage.Documents(
                List.of(
                    new dev.quire.ot.protocol.DocumentInfo(
                        "doc", "T", 1, 0, 1, dev.quire.ot.protocol.Role.OWNER))));
    fake =
        FakeRelay.begin(
            (m, conn) -> {
              if (m instanceof ClientMessage.Hello) {
                return List.of(welcome());
              }
              if (m instanceof ClientMessage.ListDocuments) {
                if (deleted.get()) {
                  return List.of(FakeRelay.encode(new ServerMessage.Documents(List.of())));
                }
                heldListings.add(fake.currentId());
                return List.of();
              }
              if (m instanceof ClientMessage.Delete d) {
                deleted.set(true);
                List<String> out = new ArrayList<>();
                out.add(FakeRelay.encode(new ServerMessage.Deleted(d.doc())));
                for (String id : heldListings) {
                  out.add(FakeRelay.withId(stale, id));
                }
                heldListings.clear();
                return out;
              }
              return List.of();
            });
    client = new TestClient(dir.resolve("p"), fake.uri(), "t", "alice");
    client.addRemoteDocument("doc");
    assertThat(client.owner.call(() -> client.engine.delete("doc")).get(30, TimeUnit.SECONDS))
        .isTrue();
    client.owner.call(() -> client.engine.syncAllDocuments());
    client.start();
    client.awaitSettled();
    assertThat(fake.count(ClientMessage.Delete.class)).isEqualTo(1);
    assertThat(client.store.documents().get()).isEmpty();
    assertThat(fake.count(ClientMessage.Open.class)).isZero();
  }

  @Test
  void answersOutOfOrder_areMatchedToTheirRequestsById() throws Exception {
    // The relay holds the first share's answer and refuses the second at once. Matched by "the
    // oldest request for this document", the refusal would fail the first share and the second
    // would wait forever.
    java.util.concurrent.atomic.AtomicReference<String> heldId =
        new java.util.concurrent.atomic.AtomicReference<>();
    fake =
        FakeRelay.begin(
            (m, conn) -> {
              if (m instanceof ClientMessage.Hello) {
                return List.of(welcome());
              }
              if (m instanceof ClientMessage.Open o) {
                return List.of(
                    FakeRelay.encode(new ServerMessage.History(o.doc(), List.of(), 0, true)));
              }
              if (m instanceof ClientMessage.ListDocuments) {
                return List.of(FakeRelay.encode(new ServerMessage.Documents(List.of())));
              }
              if (m instanceof ClientMessage.Share sh && sh.user().equals("bob")) {
                heldId.set(fake.currentId());
                return List.of();
              }
              if (m instanceof ClientMessage.Share sh) {
                return List.of(
                    FakeRelay.encode(
                        ServerMessage.Error.of(
                            dev.quire.ot.protocol.ErrorCode.UNKNOWN_USER,
                            "no user named " + sh.user(),
                            sh.doc(),
                            "share")),
                    FakeRelay.withId(
                        FakeRelay.encode(
                            new ServerMessage.Shared(
                                sh.doc(), "bob", dev.quire.ot.protocol.Role.EDITOR)),
                        heldId.get()));
              }
              return List.of();
            });
    client = new TestClient(dir.resolve("p"), fake.uri(), "t", "alice");
    client.addRemoteDocument("doc");
    client.open("doc");
    client.start();
    client.awaitSettled();
    var toBob =
        client.owner.call(
            () -> client.engine.share("doc", "bob", dev.quire.ot.protocol.Role.EDITOR));
    var toNobody =
        client.owner.call(
            () -> client.engine.share("doc", "nobody", dev.quire.ot.protocol.Role.EDITOR));
    assertThat(toBob).succeedsWithin(java.time.Duration.ofSeconds(10));
    assertThat(toNobody)
        .failsWithin(java.time.Duration.ofSeconds(10))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withMessageContaining("UNKNOWN_USER");
  }

  @Test
  void listingInPages_isFollowedToItsEnd() throws Exception {
    List<String> afters = new java.util.concurrent.CopyOnWriteArrayList<>();
    fake =
        FakeRelay.begin(
            (m, conn) -> {
              if (m instanceof ClientMessage.Hello) {
                return List.of(welcome());
              }
              if (m instanceof ClientMessage.ListDocuments l) {
                afters.add(String.valueOf(l.after()));
                String doc = l.after() == null ? "a" : "b";
                return List.of(
                    FakeRelay.encode(
                        new ServerMessage.Documents(
                            List.of(
                                new dev.quire.ot.protocol.DocumentInfo(
                                    doc, "T " + doc, 1, 0, 1, dev.quire.ot.protocol.Role.OWNER)),
                            l.after() != null)));
              }
              if (m instanceof ClientMessage.Open o) {
                return List.of(
                    FakeRelay.encode(new ServerMessage.History(o.doc(), List.of(), 0, true)));
              }
              if (m instanceof ClientMessage.Members mb) { // the owner keeps who has a role
                return List.of(
                    FakeRelay.withId(
                        FakeRelay.encode(new ServerMessage.Members(mb.doc(), List.of())),
                        fake.currentId()));
              }
              return List.of();
            });
    client = new TestClient(dir.resolve("p"), fake.uri(), "t", "alice");
    client.owner.call(() -> client.engine.syncAllDocuments());
    client.start();
    client.awaitSettled();
    assertThat(client.store.documents().get())
        .extracting(d -> d.id())
        .containsExactlyInAnyOrder("a", "b");
    assertThat(afters).startsWith("null", "a");
  }

  @Test
  void close_fromAnotherThreadWhileReconnecting_endsTheConnectionsForGood() throws Exception {
    // A relay that never says welcome: the client drops each connection and tries again.
    fake =
        FakeRelay.begin(
            (m, conn) -> List.of(FakeRelay.encode(new ServerMessage.Documents(List.of()))));
    client = new TestClient(dir.resolve("p"), fake.uri(), "t", "alice");
    client.start();
    TestClient.await("reconnecting", () -> fake.connections.size() >= 3);
    client.engine.close(); // on this thread, not the owner
    TestClient.await("no connection left", () -> fake.getConnections().isEmpty());
    int made = fake.connections.size();
    // Nothing can signal a connection that is never made: wait three times the longest backoff.
    Thread.sleep(1500);
    assertThat(fake.connections).hasSize(made);
    assertThat(fake.getConnections()).isEmpty();
  }

  @Test
  void malformedMessage_isReportedAndTheClientReconnectsWithTheLocalCopyIntact() throws Exception {
    fake =
        FakeRelay.begin(
            (m, conn) ->
                m instanceof ClientMessage.Hello
                    ? List.of(welcome(), "{\"type\":\"history\",\"doc\":42}", "not json at all")
                    : List.of());
    DocumentSession s = clientWithLocalEdit();
    client.start();
    TestClient.await("two connections", () -> fake.connections.size() >= 2);
    assertThat(client.problems).anySatisfy(p -> assertThat(p).contains("malformed"));
    assertThat(client.text(s)).isEqualTo("mine");
    client.stop();
    client.store.flush().get();
    assertThat(client.store.localText("doc").get()).isEqualTo("mine");
    assertThat(client.store.document("doc").get().orElseThrow().head()).isZero();
  }

  @Test
  void entryThatDoesNotApply_stopsSyncAndKeepsWhatCameBeforeIt() throws Exception {
    TextOperation good = TextOperation.splice(0, 0, 0, "ok ");
    TextOperation bad = TextOperation.splice(99, 0, 0, "?"); // expects 99 code points
    fake =
        FakeRelay.begin(
            (m, conn) -> {
              if (m instanceof ClientMessage.Hello) {
                return List.of(welcome());
              }
              if (m instanceof ClientMessage.Open) {
                return List.of(
                    FakeRelay.encode(
                        new ServerMessage.History(
                            "doc",
                            List.of(entry(1, 0, "cb", good), entry(2, 1, "cb", bad)),
                            2,
                            true)));
              }
              return List.of();
            });
    DocumentSession s = clientWithLocalEdit();
    client.start();
    TestClient.await("error", () -> client.status(s).state() == SyncStatus.State.ERROR);
    assertThat(client.status(s).error()).contains("revision 2").contains("does not apply");
    assertThat(client.text(s)).isEqualTo("mineok "); // the unsent local edit goes first on a tie
    assertThat(fake.count(ClientMessage.Submit.class)).isZero();
    client.close();
    client = null;
    try (LocalStore store = LocalStore.open(dir.resolve("p"))) {
      assertThat(store.document("doc").get().orElseThrow().head()).isEqualTo(1);
      assertThat(store.document("doc").get().orElseThrow().syncError()).contains("does not apply");
      assertThat(store.textAt("doc", 1).get()).isEqualTo("ok ");
      assertThat(store.localText("doc").get()).isEqualTo("mineok ");
    }
  }

  @Test
  void relayThatIsBehind_isReportedNotAccepted() throws Exception {
    fake =
        FakeRelay.begin(
            (m, conn) -> {
              if (m instanceof ClientMessage.Hello) {
                return List.of(welcome());
              }
              if (m instanceof ClientMessage.Open o) {
                return List.of(
                    FakeRelay.encode(new ServerMessage.History("doc", List.of(), 0, true)));
              }
              return List.of();
            });
    client = new TestClient(dir.resolve("p"), fake.uri(), "t", "alice");
    client.addRemoteDocument("doc");
    TextOperation op = TextOperation.splice(0, 0, 0, "abc");
    client
        .store
        .received(
            "doc",
            List.of(new dev.quire.editor.store.Revision(1, 0, 1, "bob", "cb", 1, 5, op, op)),
            List.of(),
            new dev.quire.editor.store.OutboxChange.Unchanged())
        .get();
    DocumentSession s = client.open("doc");
    client.start();
    TestClient.await("error", () -> client.status(s).state() == SyncStatus.State.ERROR);
    assertThat(client.status(s).error()).contains("relay is behind");
    assertThat(client.text(s)).isEqualTo("abc");
    assertThat(fake.count(ClientMessage.Submit.class)).isZero();
  }

  @Test
  void ownBatchAmongSequenced_isItsAcknowledgement() throws Exception {
    fake =
        FakeRelay.begin(
            (m, conn) -> {
              if (m instanceof ClientMessage.Hello) {
                return List.of(welcome());
              }
              if (m instanceof ClientMessage.Open) {
                return List.of(
                    FakeRelay.encode(new ServerMessage.History("doc", List.of(), 0, true)));
              }
              if (m instanceof ClientMessage.Submit sub) {
                // Bob's batch was sequenced first; ours follows it in the same message.
                return List.of(
                    FakeRelay.encode(
                        new ServerMessage.Sequenced(
                            "doc",
                            List.of(
                                entry(1, 0, "cb", TextOperation.splice(0, 0, 0, "bob ")),
                                new WireSequenced(2, "alice", 2000, sub.batch())))));
              }
              return List.of();
            });
    DocumentSession s = clientWithLocalEdit();
    client.start();
    TestClient.await("synced", () -> client.status(s).isSynced());
    assertThat(client.onOwner(s::revision)).isEqualTo(2);
    assertThat(client.text(s)).contains("bob ").contains("mine").hasSize(8);
    assertThat(client.problems).isEmpty();
    assertThat(fake.count(ClientMessage.Submit.class)).isEqualTo(1);
    client.store.flush().get();
    assertThat(client.store.localText("doc").get()).isEqualTo(client.text(s));
    assertThat(client.store.revisions("doc", 1, 2).get())
        .extracting(dev.quire.editor.store.Revision::author)
        .containsExactly("bob", "alice");
  }

  @Test
  void ownBatchSequencedAtARevisionAlreadyHeld_isReportedNotAccepted() throws Exception {
    TextOperation bobs = TextOperation.splice(0, 0, 0, "abc");
    fake =
        FakeRelay.begin(
            (m, conn) -> {
              if (m instanceof ClientMessage.Hello) {
                return List.of(welcome());
              }
              if (m instanceof ClientMessage.Open) {
                return List.of(
                    FakeRelay.encode(
                        new ServerMessage.History(
                            "doc", List.of(entry(1, 0, "cb", bobs)), 1, true)));
              }
              if (m instanceof ClientMessage.Submit sub) {
                // Bob's revision 2, then a claim that our batch holds revision 2 as well.
                return List.of(
                    FakeRelay.encode(
                        new ServerMessage.Sequenced(
                            "doc", entry(2, 1, "cb", TextOperation.splice(3, 3, 0, "d")))),
                    FakeRelay.encode(
                        new ServerMessage.Sequenced(
                            "doc", new WireSequenced(2, "alice", 2000, sub.batch()))));
              }
              return List.of();
            });
    DocumentSession s = clientWithLocalEdit();
    client.start();
    TestClient.await("error", () -> client.status(s).state() == SyncStatus.State.ERROR);
    assertThat(client.status(s).error()).contains("impossible revisions");
    assertThat(client.text(s)).contains("mine").contains("abcd");
    assertThat(client.onOwner(s::revision)).isEqualTo(2);
    assertThat(fake.count(ClientMessage.Submit.class)).isEqualTo(1);
  }

  @Test
  void refusedBatch_keepsTheTextSurfacesTheErrorAndDoesNotLoop() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean otherRefused =
        new java.util.concurrent.atomic.AtomicBoolean();
    fake =
        FakeRelay.begin(
            (m, conn) -> {
              if (m instanceof ClientMessage.Hello) {
                return List.of(welcome());
              }
              if (m instanceof ClientMessage.Open o) {
                return List.of(
                    FakeRelay.encode(new ServerMessage.History(o.doc(), List.of(), 0, true)));
              }
              if (m instanceof ClientMessage.Submit sub && sub.doc().equals("doc")) {
                return List.of(
                    FakeRelay.encode(
                        ServerMessage.Error.of(
                            dev.quire.ot.protocol.ErrorCode.OPERATION_MISMATCH,
                            "does not apply here",
                            "doc",
                            "submit")));
              }
              if (m instanceof ClientMessage.Submit sub) {
                // "other": refused once in a way the client retries, then taken.
                return List.of(
                    otherRefused.getAndSet(true)
                        ? FakeRelay.encode(
                            new ServerMessage.Ack(sub.doc(), sub.batch().batchSeq(), 1, 5))
                        : FakeRelay.encode(
                            ServerMessage.Error.of(
                                dev.quire.ot.protocol.ErrorCode.INTERNAL,
                                "busy",
                                sub.doc(),
                                "submit")));
              }
              return List.of();
            });
    DocumentSession s = clientWithLocalEdit();
    client.addRemoteDocument("other");
    DocumentSession other = client.open("other");
    client.start();
    TestClient.await("error", () -> client.status(s).state() == SyncStatus.State.ERROR);
    // A retryable refusal that comes after the mismatch is retried and taken: had the client
    // taken the mismatch for one to retry, it would have resent "doc" first.
    client.edit(other, 0, 0, "ok");
    TestClient.await("other synced", () -> client.status(other).isSynced());
    assertThat(submitsOf("other")).isEqualTo(2);
    assertThat(submitsOf("doc")).isEqualTo(1);
    assertThat(client.status(s).error()).contains("OPERATION_MISMATCH");
    assertThat(client.text(s)).isEqualTo("mine");
    client.edit(s, 4, 0, "!"); // still editable, still saved
    client.store.flush().get();
    assertThat(client.store.localText("doc").get()).isEqualTo("mine!");
    assertThat(submitsOf("doc")).isEqualTo(1);
  }

  private long submitsOf(String doc) {
    return fake.received.stream()
        .filter(m -> m instanceof ClientMessage.Submit sub && sub.doc().equals(doc))
        .count();
  }

  @Test
  void retryableRefusal_resendsTheSameBatch() throws Exception {
    fake =
        FakeRelay.begin(
            (m, conn) -> {
              if (m instanceof ClientMessage.Hello) {
                return List.of(welcome());
              }
              if (m instanceof ClientMessage.Open) {
                return List.of(
                    FakeRelay.encode(new ServerMessage.History("doc", List.of(), 0, true)));
              }
              if (m instanceof ClientMessage.Submit sub) {
                return List.of(
                    sub.batch().batchSeq() == 1 && fakeSubmits() < 3
                        ? FakeRelay.encode(
                            ServerMessage.Error.of(
                                dev.quire.ot.protocol.ErrorCode.INTERNAL, "busy", "doc", "submit"))
                        : FakeRelay.encode(
                            new ServerMessage.Ack("doc", sub.batch().batchSeq(), 1, 77)));
              }
              return List.of();
            });
    DocumentSession s = clientWithLocalEdit();
    client.start();
    TestClient.await("synced", () -> client.status(s).isSynced());
    List<WireBatch> sent =
        fake.received.stream()
            .filter(ClientMessage.Submit.class::isInstance)
            .map(m -> ((ClientMessage.Submit) m).batch())
            .toList();
    assertThat(sent).hasSize(3).containsOnly(sent.get(0));
  }

  @Test
  void tooLargeWithoutDocument_stopsThatDocumentInsteadOfResendingForever() throws Exception {
    fake =
        FakeRelay.begin(
            (m, conn) -> {
              if (m instanceof ClientMessage.Hello) {
                return List.of(welcome());
              }
              if (m instanceof ClientMessage.Open o) {
                return List.of(
                    FakeRelay.encode(new ServerMessage.History(o.doc(), List.of(), 0, true)));
              }
              if (m instanceof ClientMessage.Submit sub && sub.doc().equals("doc")) {
                return List.of(
                    FakeRelay.encode(
                        ServerMessage.Error.of(
                            dev.quire.ot.protocol.ErrorCode.MESSAGE_TOO_LARGE,
                            "message of 2000000 bytes over the limit",
                            null,
                            null)),
                    FakeRelay.CLOSE_TOO_BIG);
              }
              if (m instanceof ClientMessage.Submit sub) {
                return List.of(
                    FakeRelay.encode(
                        new ServerMessage.Ack(sub.doc(), sub.batch().batchSeq(), 1, 5)));
              }
              return List.of();
            });
    DocumentSession s = clientWithLocalEdit();
    client.addRemoteDocument("small");
    DocumentSession small = client.open("small");
    client.start();
    TestClient.await("error", () -> client.status(s).state() == SyncStatus.State.ERROR);
    assertThat(client.status(s).error()).contains("too large").contains("MESSAGE_TOO_LARGE");
    // The relay closed the connection. Wait until the client is back (backoff 20..500 ms) and
    // live on "small" again: a client resending "doc" on every connection would have done so.
    TestClient.await(
        "reconnected", () -> fake.connections.size() >= 2 && client.status(small).isSynced());
    assertThat(fake.count(ClientMessage.Submit.class)).isLessThanOrEqualTo(2);
    assertThat(
            fake.received.stream()
                .filter(m -> m instanceof ClientMessage.Submit sub && sub.doc().equals("doc"))
                .count())
        .isEqualTo(1);
    assertThat(client.text(s)).isEqualTo("mine");
    // The other document still syncs after the reconnect.
    client.edit(small, 0, 0, "ok");
    TestClient.await("small synced", () -> client.status(small).isSynced());
    client.stop();
    client.store.flush().get();
    assertThat(client.store.localText("doc").get()).isEqualTo("mine");
    assertThat(client.store.document("doc").get().orElseThrow().syncError()).contains("too large");
  }

  private int fakeSubmits() {
    return (int) fake.count(ClientMessage.Submit.class);
  }
}
