package dev.quire.relay;

import static dev.quire.relay.RelayFixture.append;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.cursor.Selection;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.ot.sync.Batch;
import dev.quire.ot.sync.Canonicaliser;
import dev.quire.ot.sync.MemoryLog;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SequencingTest {
  @TempDir Path dir;
  Relay relay;
  TestClient alice;
  TestClient bob;

  @BeforeEach
  void start() throws Exception {
    relay = RelayFixture.start(dir);
    String a = relay.store().users().add("alice");
    String b = relay.store().users().add("bob");
    alice = TestClient.login(relay.port(), a, "ca");
    bob = TestClient.login(relay.port(), b, "cb");
    RelayFixture.create(alice, "doc");
    share("bob", Role.EDITOR);
    bob.expect(ServerMessage.Available.class);
  }

  @AfterEach
  void stop() {
    relay.close();
  }

  private void share(String user, Role role) throws InterruptedException {
    alice.send(new ClientMessage.Share("doc", user, role));
    alice.expect(ServerMessage.Shared.class);
  }

  private TestClient carol() throws InterruptedException {
    TestClient carol = TestClient.login(relay.port(), relay.store().users().add("carol"), "cc");
    share("carol", Role.VIEWER);
    carol.expect(ServerMessage.Available.class);
    return carol;
  }

  private long head() {
    return relay.store().documents().find("doc").orElseThrow().head();
  }

  /** Alice appends {@code n} one-letter batches to a document of {@code head} letters. */
  private void typeLetters(long head, int n) throws InterruptedException {
    for (int i = 0; i < n; i++) {
      long base = head + i;
      alice.send(new ClientMessage.Submit("doc", append("ca", base + 1, base, (int) base, "x")));
      assertThat(alice.expectAck().firstRevision()).isEqualTo(base + 1);
    }
  }

  @Test
  void batchSeqGaps_areAccepted_butNeverGoingBack() throws Exception {
    // Sequence numbers only have to increase (docs/protocol.md, submit): 2, then 7.
    alice.send(new ClientMessage.Submit("doc", append("ca", 2, 0, 0, "ab")));
    assertThat(alice.expectAck().firstRevision()).isEqualTo(1);
    alice.send(new ClientMessage.Submit("doc", append("ca", 7, 1, 2, "c")));
    assertThat(alice.expectAck().firstRevision()).isEqualTo(2);
    alice.send(new ClientMessage.Submit("doc", append("ca", 5, 2, 3, "d")));
    alice.expectError(ErrorCode.BATCH_CONFLICT); // below one already sequenced
    alice.send(new ClientMessage.Submit("doc", append("ca", 7, 1, 2, "c")));
    assertThat(alice.expectAck().firstRevision()).as("a resend of 7").isEqualTo(2);
  }

  @Test
  void submit_isAckedToTheSubmitterAndBroadcastToTheOthers() throws Exception {
    alice.send(new ClientMessage.Open("doc", 0, false));
    assertThat(alice.expect(ServerMessage.History.class).complete()).isTrue();
    bob.send(new ClientMessage.Open("doc", 0, false));
    bob.expect(ServerMessage.History.class);

    WireBatch batch =
        WireBatch.of(
            new Batch(
                "ca",
                1,
                0,
                List.of(
                    TextOperation.builder().insert("héllo 😀").build(),
                    TextOperation.builder().retain(7).insert("!").build())),
            1_000L);
    alice.send(new ClientMessage.Submit("doc", batch));
    ServerMessage.Ack ack = alice.expectAck();
    assertThat(ack.batchSeq()).isEqualTo(1);
    assertThat(ack.firstRevision()).isEqualTo(1);

    WireSequenced seq = bob.expectSequenced();
    assertThat(seq.firstRevision()).isEqualTo(1);
    assertThat(seq.lastRevision()).isEqualTo(2);
    assertThat(seq.author()).isEqualTo("alice");
    assertThat(seq.timestampMillis()).isEqualTo(ack.timestampMillis());
    assertThat(seq.batch()).isEqualTo(batch);
    alice.expectSilence(200); // one acknowledgement, nothing more
  }

  @Test
  void everySubscriber_getsEveryBatchInRevisionOrder_itsOwnAsItsAck() throws Exception {
    bob.send(new ClientMessage.Open("doc", 0, false));
    bob.expect(ServerMessage.History.class);
    alice.send(new ClientMessage.Open("doc", 0, false));
    alice.expect(ServerMessage.History.class);
    for (int i = 0; i < 10; i++) {
      alice.send(new ClientMessage.Submit("doc", append("ca", i + 1, 0, 0, "a")));
      bob.send(new ClientMessage.Submit("doc", append("cb", i + 1, 0, 0, "b")));
    }
    for (TestClient c : List.of(alice, bob)) {
      long seen = 0;
      while (seen < 20) {
        ServerMessage m = c.next();
        assertThat(m).isInstanceOf(ServerMessage.Sequenced.class); // no separate ack
        for (WireSequenced w : ((ServerMessage.Sequenced) m).batches()) {
          assertThat(w.firstRevision()).isEqualTo(seen + 1);
          seen = w.lastRevision();
        }
      }
    }
    assertThat(head()).isEqualTo(20);
  }

  @Test
  void submitterGoneBeforeItsAck_stillBroadcastsToTheOthers() throws Exception {
    bob.send(new ClientMessage.Open("doc", 0, false));
    bob.expect(ServerMessage.History.class);
    String token = relay.store().users().issueToken("alice");
    int hastyCount = 10;
    for (int i = 0; i < hastyCount; i++) {
      TestClient hasty = TestClient.login(relay.port(), token, "hasty-" + i);
      hasty.send(new ClientMessage.Submit("doc", append("hasty-" + i, 1, 0, 0, "h")));
      // The relay answers a message of unknown type at once, in the order received: its answer
      // shows that the submit is in the relay's hands. Then the submitter goes, most often
      // before its ack (regression: a failed ack once skipped the broadcast).
      hasty.send("{\"type\":\"no-such-type\"}");
      hasty.await(ServerMessage.Error.class, e -> e.code() == ErrorCode.UNKNOWN_TYPE);
      hasty.closeConnection(1000, "gone");
    }
    // Every submit got through, so Bob gets every one of them, in order, and nothing else.
    long seen = 0;
    while (seen < hastyCount) {
      for (WireSequenced w : bob.expect(ServerMessage.Sequenced.class).batches()) {
        assertThat(w.firstRevision()).isEqualTo(seen + 1);
        seen = w.lastRevision();
      }
    }
    long stored = head();
    assertThat(stored).isEqualTo(hastyCount);
    assertThat(seen).isEqualTo(stored);
    bob.expectSilence(200);
  }

  @Test
  void documentLeftByEveryone_isReadAgainFromItsCheckpoint() throws Exception {
    alice.send(new ClientMessage.Open("doc", 0, false));
    alice.expect(ServerMessage.History.class);
    typeLetters(0, 15);
    alice.send(new ClientMessage.Unsubscribe("doc"));
    alice.expect(ServerMessage.Unsubscribed.class);
    alice.send(new ClientMessage.Submit("doc", append("ca", 16, 15, 14, "wrong length")));
    alice.expectError(ErrorCode.OPERATION_MISMATCH);
    typeLetters(15, 1);
    assertThat(RelayFixture.storedText(relay, "doc")).isEqualTo("x".repeat(16));
  }

  @Test
  void open_fromZero_pagesWholeBatchesThenSubscribes() throws Exception {
    typeLetters(0, 25);
    List<WireSequenced> all = RelayFixture.openAll(bob, "doc", 0);
    assertThat(all).extracting(WireSequenced::firstRevision).startsWith(1L, 2L).hasSize(25);
    alice.send(new ClientMessage.Submit("doc", append("ca", 26, 25, 25, "y")));
    alice.expectAck();
    assertThat(bob.expectSequenced().firstRevision()).isEqualTo(26);
  }

  @Test
  void open_pagesHoldAboutPageSizeRevisions() throws Exception {
    typeLetters(0, 25);
    bob.send(new ClientMessage.Open("doc", 0, false));
    ServerMessage.History first = bob.expect(ServerMessage.History.class);
    assertThat(first.complete()).isFalse();
    assertThat(first.head()).isEqualTo(25);
    assertThat(first.batches()).hasSize(RelayFixture.TEST_LIMITS.pageSize());
  }

  @Test
  void open_fromTheMiddle_sendsOnlyWhatFollows() throws Exception {
    typeLetters(0, 12);
    List<WireSequenced> tail = RelayFixture.openAll(bob, "doc", 7);
    assertThat(tail)
        .extracting(WireSequenced::firstRevision)
        .containsExactly(8L, 9L, 10L, 11L, 12L);
  }

  @Test
  void open_fromInsideABatch_startsWithTheWholeBatch() throws Exception {
    alice.send(
        new ClientMessage.Submit(
            "doc",
            WireBatch.of(
                new Batch(
                    "ca",
                    1,
                    0,
                    List.of(
                        TextOperation.builder().insert("a").build(),
                        TextOperation.builder().retain(1).insert("b").build(),
                        TextOperation.builder().retain(2).insert("c").build())),
                1_000L)));
    alice.expectAck();
    List<WireSequenced> tail = RelayFixture.openAll(bob, "doc", 2);
    assertThat(tail).hasSize(1);
    assertThat(tail.get(0).firstRevision()).isEqualTo(1);
  }

  @Test
  void open_atHead_isCompleteAndEmpty() throws Exception {
    typeLetters(0, 3);
    bob.send(new ClientMessage.Open("doc", 3, false));
    ServerMessage.History h = bob.expect(ServerMessage.History.class);
    assertThat(h.batches()).isEmpty();
    assertThat(h.complete()).isTrue();
  }

  @Test
  void open_beyondHead_isRefused() throws Exception {
    typeLetters(0, 3);
    bob.send(new ClientMessage.Open("doc", 4, false));
    bob.expectError(ErrorCode.BASE_AHEAD);
  }

  @Test
  void open_withSnapshot_sendsACheckpointAndTheTailAfterIt() throws Exception {
    typeLetters(0, 34); // checkpoints every 10 revisions: at 10, 20, 30
    bob.send(new ClientMessage.Open("doc", 0, true));
    ServerMessage.Snapshot snap = bob.expect(ServerMessage.Snapshot.class);
    assertThat(snap.revision()).isEqualTo(30);
    assertThat(snap.text()).isEqualTo("x".repeat(30));
    ServerMessage.History h = bob.expect(ServerMessage.History.class);
    assertThat(h.batches())
        .extracting(WireSequenced::firstRevision)
        .containsExactly(31L, 32L, 33L, 34L);
    assertThat(h.complete()).isTrue();
  }

  @Test
  void open_withSnapshot_notWorthItWhenCloseToHead() throws Exception {
    typeLetters(0, 34);
    bob.send(new ClientMessage.Open("doc", 25, true));
    assertThat(bob.expect(ServerMessage.History.class).batches()).hasSize(9);
  }

  @Test
  void open_withSnapshot_skipsACheckpointThatLaterBatchesReachBehind() throws Exception {
    typeLetters(0, 30);
    // Bob's batch at revision 31 was based on revision 25: a reader starting from checkpoint 30
    // could not canonicalise it; one starting from checkpoint 20 can.
    bob.send(new ClientMessage.Submit("doc", append("cb", 1, 25, 25, "B")));
    assertThat(bob.expectAck().firstRevision()).isEqualTo(31);
    typeLetters(31, 3);
    TestClient carol = carol();
    carol.send(new ClientMessage.Open("doc", 0, true));
    ServerMessage.Snapshot snap = carol.expect(ServerMessage.Snapshot.class);
    assertThat(snap.revision()).isEqualTo(20);
    ServerMessage.History h = carol.expect(ServerMessage.History.class);
    assertThat(h.batches().get(0).firstRevision()).isEqualTo(21);
  }

  @Test
  void resubmit_ofTheSameBatch_returnsTheSameRevisionsAndAppendsNothing() throws Exception {
    bob.send(new ClientMessage.Open("doc", 0, false));
    bob.expect(ServerMessage.History.class);
    WireBatch batch = append("ca", 1, 0, 0, "hi");
    alice.send(new ClientMessage.Submit("doc", batch));
    ServerMessage.Ack first = alice.expectAck();
    bob.expectSequenced();
    alice.send(new ClientMessage.Submit("doc", batch));
    assertThat(alice.expectAck()).isEqualTo(first);
    bob.expectSilence(200);
    assertThat(head()).isEqualTo(1);
  }

  @Test
  void resubmit_afterReconnect_returnsTheSameRevisions() throws Exception {
    WireBatch batch = append("ca", 1, 0, 0, "hi");
    alice.send(new ClientMessage.Submit("doc", batch));
    ServerMessage.Ack first = alice.expectAck();
    alice.closeBlocking();
    String token = relay.store().users().issueToken("alice");
    TestClient again = TestClient.login(relay.port(), token, "ca");
    again.send(new ClientMessage.Submit("doc", batch));
    assertThat(again.expectAck()).isEqualTo(first);
    assertThat(head()).isEqualTo(1);
  }

  @Test
  void resubmit_withOtherContent_isAConflictAndStoresNothing() throws Exception {
    alice.send(new ClientMessage.Submit("doc", append("ca", 1, 0, 0, "hi")));
    alice.expectAck();
    alice.send(new ClientMessage.Submit("doc", append("ca", 1, 0, 0, "ho")));
    alice.expectError(ErrorCode.BATCH_CONFLICT);
    assertThat(head()).isEqualTo(1);
  }

  @Test
  void batchOlderThanTheClientsLatest_isAConflictAndStoresNothing() throws Exception {
    alice.send(new ClientMessage.Submit("doc", append("ca", 5, 0, 0, "five")));
    alice.expectAck();
    alice.send(new ClientMessage.Submit("doc", append("ca", 4, 1, 4, "four")));
    ServerMessage.Error e = alice.expectError(ErrorCode.BATCH_CONFLICT);
    assertThat(e.message()).contains("in order");
    assertThat(head()).isEqualTo(1);
  }

  @Test
  void concurrentBatch_isSequencedAfterAndEveryReplicaCanonicalisesIt() throws Exception {
    alice.send(new ClientMessage.Submit("doc", append("ca", 1, 0, 0, "abc")));
    alice.expectAck();
    // Both edit revision 1 ("abc"): alice deletes "a", bob appends "!".
    alice.send(
        new ClientMessage.Submit(
            "doc",
            WireBatch.of(
                new Batch("ca", 2, 1, List.of(TextOperation.builder().delete(1).retain(2).build())),
                1_000L)));
    alice.expectAck();
    bob.send(new ClientMessage.Submit("doc", append("cb", 1, 1, 3, "!")));
    assertThat(bob.expectAck().firstRevision()).isEqualTo(3);
    MemoryLog log = new MemoryLog();
    String text = "";
    for (WireSequenced w : RelayFixture.openAll(carol(), "doc", 0)) {
      var sb = w.toSequencedBatch();
      var canonical = Canonicaliser.canonicalise(log, sb.batch());
      log.append(sb, canonical);
      for (TextOperation op : canonical) {
        text = op.apply(text);
      }
    }
    assertThat(text).isEqualTo("bc!");
  }

  @Test
  void presence_isRelayedToOthersOnlyAndLeaveFollowsADisconnect() throws Exception {
    alice.send(new ClientMessage.Open("doc", 0, false));
    alice.expect(ServerMessage.History.class);
    bob.send(new ClientMessage.Open("doc", 0, false));
    bob.expect(ServerMessage.History.class);
    alice.send(new ClientMessage.Presence("doc", 0, Selection.caret(0), "Alice", "#ff0000"));
    ServerMessage.PresenceOf p = bob.expect(ServerMessage.PresenceOf.class);
    assertThat(p.user()).isEqualTo("alice");
    assertThat(p.name()).isEqualTo("Alice");
    assertThat(p.selection()).isEqualTo(Selection.caret(0));
    alice.expectSilence(200);
    alice.closeBlocking();
    ServerMessage.Leave leave = bob.expect(ServerMessage.Leave.class);
    assertThat(leave.session()).isEqualTo(p.session());
    assertThat(leave.user()).isEqualTo("alice");
  }

  @Test
  void presence_withoutOpen_isRefused() throws Exception {
    bob.send(new ClientMessage.Presence("doc", 0, Selection.caret(0), "Bob", "#00ff00"));
    bob.expectError(ErrorCode.NOT_SUBSCRIBED);
  }

  @Test
  void unsubscribe_stopsLiveMessagesAndTellsOthers() throws Exception {
    alice.send(new ClientMessage.Open("doc", 0, false));
    alice.expect(ServerMessage.History.class);
    bob.send(new ClientMessage.Open("doc", 0, false));
    bob.expect(ServerMessage.History.class);
    bob.send(new ClientMessage.Unsubscribe("doc"));
    bob.expect(ServerMessage.Unsubscribed.class);
    alice.expect(ServerMessage.Leave.class);
    alice.send(new ClientMessage.Submit("doc", append("ca", 1, 0, 0, "a")));
    alice.expectAck();
    bob.expectSilence(200);
  }
}
