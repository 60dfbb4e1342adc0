package dev.quire.editor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.sync.Batch;
import dev.quire.ot.sync.ClientState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStoreTest {
  @TempDir Path dir;
  private LocalStore store;

  @BeforeEach
  void open() {
    store = LocalStore.open(dir);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private void reopen() {
    store.close();
    store = LocalStore.open(dir);
  }

  private static TextOperation append(int length, String text) {
    return TextOperation.splice(length, length, 0, text);
  }

  private static Revision revision(long rev, long base, long first, TextOperation op) {
    return new Revision(rev, base, first, "bob", "cb", rev, 1000 + rev, op, op);
  }

  @Test
  void settings_roundTripAndStartEmpty() throws Exception {
    assertThat(store.settings().get()).isEqualTo(Settings.empty());
    Settings s = Settings.of("ws://127.0.0.1:7070,wss://b.example.org", "tok", "Alice", "#ff0000");
    store.saveSettings(s).get();
    reopen();
    assertThat(store.settings().get()).isEqualTo(s);
    assertThat(s.toString()).doesNotContain("tok");
  }

  @Test
  void createDocument_withInitialTextPutsItInTheOutbox() throws Exception {
    assertThat(store.createDocument("d1", "Notes", 5, false, List.of(append(0, "héllo 😀"))).get())
        .isTrue();
    assertThat(store.createDocument("d1", "Other", 6, false, List.of()).get()).isFalse();
    reopen();
    LocalDocument d = store.document("d1").get().orElseThrow();
    assertThat(d.title()).isEqualTo("Notes");
    assertThat(d.pending()).isEqualTo(1);
    assertThat(d.syncState()).isEqualTo("local");
    assertThat(store.localText("d1").get()).isEqualTo("héllo 😀");
    LoadedDocument loaded = store.load("d1").get();
    assertThat(loaded.headText()).isEmpty();
    assertThat(loaded.state().queued()).containsExactly(append(0, "héllo 😀"));
    assertThat(loaded.state().inFlight()).isNull();
    assertThat(loaded.pendingMadeAt()).containsExactly(5L);
  }

  @Test
  void outbox_localEditsBatchAndAcknowledgementSurviveRestarts() throws Exception {
    store.createDocument("d", "D", 1, true, List.of()).get();
    store.localEdits("d", List.of(append(0, "a"), append(1, "b")), List.of(10L, 11L));
    store.localEdits("d", List.of(append(2, "c")), List.of(12L)).get();
    Batch batch = new Batch(store.clientId(), 1, 0, List.of(append(0, "a"), append(1, "b")));
    store.batchSent("d", batch, 2).get();
    reopen();
    ClientState state = store.load("d").get().state();
    assertThat(state.inFlight()).isEqualTo(batch);
    assertThat(state.inFlightOperations()).isEqualTo(batch.operations());
    assertThat(state.queued()).containsExactly(append(2, "c"));
    assertThat(state.nextBatchSeq()).isEqualTo(2);

    List<Revision> revs =
        List.of(
            new Revision(1, 0, 1, "alice", store.clientId(), 1, 50, append(0, "a"), append(0, "a")),
            new Revision(
                2, 0, 1, "alice", store.clientId(), 1, 50, append(1, "b"), append(1, "b")));
    store.received("d", revs, List.of(), new OutboxChange.Acknowledged(2)).get();
    reopen();
    LoadedDocument loaded = store.load("d").get();
    assertThat(loaded.headText()).isEqualTo("ab");
    assertThat(loaded.state().revision()).isEqualTo(2);
    assertThat(loaded.state().inFlight()).isNull();
    assertThat(loaded.state().queued()).containsExactly(append(2, "c"));
    assertThat(loaded.pendingMadeAt()).containsExactly(12L);
    assertThat(store.localText("d").get()).isEqualTo("abc");
    assertThat(store.revisions("d", 1, 2).get()).isEqualTo(revs);
  }

  @Test
  void received_refusesAGapAndStoresNothingOfIt() throws Exception {
    store.createDocument("d", "D", 1, true, List.of()).get();
    CompletableFuture<Void> f =
        store.received(
            "d", List.of(revision(2, 1, 2, append(1, "x"))), List.of(), OutboxChange.unchanged());
    assertThatThrownBy(f::get)
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("not at revision 1");
    // Fail-stop: later writes are refused too, and nothing was stored.
    assertThatThrownBy(() -> store.localEdits("d", List.of(append(0, "a")), List.of(1L)).get())
        .hasCauseInstanceOf(StoreException.class);
    reopen();
    assertThat(store.document("d").get().orElseThrow().head()).isZero();
    assertThat(store.document("d").get().orElseThrow().pending()).isZero();
  }

  @Test
  void replacedOutbox_supersedesEarlierOutboxChangesInTheSameGroup() throws Exception {
    store.createDocument("d", "D", 1, true, List.of()).get();
    // Queued without waiting, so they are likely to commit in one group; correct either way.
    store.localEdits("d", List.of(append(0, "x")), List.of(1L));
    store.localEdits("d", List.of(append(1, "y")), List.of(2L));
    TextOperation remote = append(0, "R");
    List<TextOperation> rebased = List.of(append(1, "x"), append(2, "y"));
    store
        .received(
            "d",
            List.of(revision(1, 0, 1, remote)),
            List.of(),
            new OutboxChange.Replaced(rebased, List.of(1L, 2L), null, 1))
        .get();
    store.localEdits("d", List.of(append(3, "z")), List.of(3L)).get();
    reopen();
    LoadedDocument loaded = store.load("d").get();
    assertThat(loaded.state().queued())
        .containsExactly(append(1, "x"), append(2, "y"), append(3, "z"));
    assertThat(loaded.pendingMadeAt()).containsExactly(1L, 2L, 3L);
    assertThat(store.localText("d").get()).isEqualTo("Rxyz");
  }

  @Test
  void replacedOutbox_afterAnAcknowledgementKeepsOrderWhetherItsSizeChangesOrNot()
      throws Exception {
    store.createDocument("d", "D", 1, true, List.of()).get();
    store
        .localEdits(
            "d", List.of(append(0, "a"), append(1, "b"), append(2, "c")), List.of(1L, 2L, 3L))
        .get();
    store.batchSent("d", new Batch(store.clientId(), 1, 0, List.of(append(0, "a"))), 2).get();
    store
        .received(
            "d",
            List.of(
                new Revision(
                    1, 0, 1, "me", store.clientId(), 1, 9, append(0, "a"), append(0, "a"))),
            List.of(),
            new OutboxChange.Acknowledged(1))
        .get();
    // Same size: rewritten in place (the rows are numbered from 1 now).
    store
        .received(
            "d",
            List.of(revision(2, 1, 2, append(1, "R"))),
            List.of(),
            new OutboxChange.Replaced(
                List.of(append(2, "b"), append(3, "c")), List.of(2L, 3L), null, 2))
        .get();
    store.localEdits("d", List.of(append(4, "d")), List.of(4L)).get();
    reopen();
    assertThat(store.localText("d").get()).isEqualTo("aRbcd");
    assertThat(store.pendingTimes("d").get()).containsExactly(2L, 3L, 4L);
    // Another size: the outbox is written anew.
    store
        .received(
            "d",
            List.of(),
            List.of(),
            new OutboxChange.Replaced(List.of(append(2, "bcd")), List.of(5L), null, 2))
        .get();
    store.localEdits("d", List.of(append(5, "e")), List.of(6L)).get();
    reopen();
    assertThat(store.localText("d").get()).isEqualTo("aRbcde");
    assertThat(store.pendingTimes("d").get()).containsExactly(5L, 6L);
  }

  @Test
  void sealedBatches_areKeptOncePerFirstRevision_readBackAsTheyTravelled_andDeletedWithTheDocument()
      throws Exception {
    store.createDocument("secret", "S", 1, true, List.of()).get();
    store.createDocument("other", "O", 2, true, List.of()).get();
    String sealed = "{\"epoch\":1,\"sealed\":\"AAAA\",\"signature\":\"BBBB\"}";
    dev.quire.ot.protocol.WireSequenced one =
        new dev.quire.ot.protocol.WireSequenced(
            1,
            "alice",
            10,
            new dev.quire.ot.protocol.WireBatch("dev-a", 1, 0, List.of(sealed, "0", "0"), 9));
    dev.quire.ot.protocol.WireSequenced two =
        new dev.quire.ot.protocol.WireSequenced(
            4, "bob", 20, new dev.quire.ot.protocol.WireBatch("dev-b", 7, 3, List.of(sealed), 19));
    store.saveSealedBatches("secret", List.of(one, two)).get();
    store.saveSealedBatches("secret", List.of(two)).get(); // received again: kept once
    store.saveSealedBatches("other", List.of(one)).get();
    reopen();
    assertThat(store.sealedBatches("secret", 1, 10).get()).containsExactly(one, two);
    assertThat(store.sealedBatches("secret", 2, 10).get()).containsExactly(two);
    assertThat(store.sealedDevices("secret").get())
        .containsExactly(
            java.util.Map.entry("alice", "dev-a"), java.util.Map.entry("bob", "dev-b"));
    assertThat(store.deleteDocument("secret", 5).get()).isTrue();
    assertThat(store.sealedBatches("secret", 1, 10).get()).isEmpty();
    assertThat(store.sealedBatches("other", 1, 10).get()).containsExactly(one);
  }

  @Test
  void deleteDocument_removesItsRowsOnlyAndRemembersTheRelayDelete() throws Exception {
    store.createDocument("shared", "S", 1, true, List.of()).get();
    store.createDocument("mine", "M", 2, false, List.of(append(0, "local"))).get();
    store.createDocument("other", "O", 3, true, List.of()).get();
    List<Revision> revs = new ArrayList<>();
    for (int i = 0; i < LocalStore.CHECKPOINT_INTERVAL; i++) {
      revs.add(revision(i + 1, i, i + 1, append(i, "x")));
    }
    store
        .received(
            "shared",
            revs,
            List.of(new LocalStore.Checkpoint(1000, "x".repeat(1000))),
            OutboxChange.unchanged())
        .get();
    store.received("other", revs, List.of(), OutboxChange.unchanged()).get();
    store.localEdits("shared", List.of(append(1000, "!")), List.of(9L)).get();

    assertThat(store.deleteDocument("shared", 50).get()).isTrue();
    assertThat(store.deleteDocument("mine", 51).get()).isTrue();
    assertThat(store.deleteDocument("nope", 52).get()).isFalse();
    reopen();

    assertThat(store.documents().get()).extracting(LocalDocument::id).containsExactly("other");
    assertThat(store.revisions("shared", 1, 1000).get()).isEmpty();
    assertThat(store.revisions("other", 1, 1000).get()).hasSize(1000);
    assertThat(store.pendingTimes("shared").get()).isEmpty();
    assertThatThrownBy(() -> store.textAt("shared", 1000).get())
        .hasMessageContaining("no document shared");
    // Only the document the relay has is to be deleted there; its id stays taken until then.
    assertThat(store.pendingRelayDeletes().get()).containsExactly("shared");
    assertThat(store.createDocument("shared", "Again", 60, false, List.of()).get()).isFalse();
    assertThat(store.createDocument("mine", "Again", 61, false, List.of()).get()).isTrue();
    store.relayDeleteAnswered("shared").get();
    assertThat(store.pendingRelayDeletes().get()).isEmpty();
    // A new document with the old id starts empty, with no leftover outbox or checkpoint.
    assertThat(store.createDocument("shared", "Again", 62, false, List.of()).get()).isTrue();
    assertThat(store.localText("shared").get()).isEmpty();
    assertThat(store.localText("mine").get()).isEmpty();
    store.localEdits("shared", List.of(append(0, "new")), List.of(63L)).get();
    reopen();
    assertThat(store.localText("shared").get()).isEqualTo("new");
  }

  @Test
  void textAt_anyRevisionFromCheckpointsAndTheLog() throws Exception {
    store.createDocument("d", "D", 1, true, List.of()).get();
    int n = 2 * LocalStore.CHECKPOINT_INTERVAL + 17;
    List<Revision> revs = new ArrayList<>();
    List<LocalStore.Checkpoint> cps = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    List<String> texts = new ArrayList<>(List.of(""));
    for (int r = 1; r <= n; r++) {
      String ch = r % 10 == 0 ? "\n" : r % 7 == 0 ? "😀" : "a";
      revs.add(revision(r, r - 1, r, append(text.codePointCount(0, text.length()), ch)));
      text.append(ch);
      texts.add(text.toString());
      if (r % LocalStore.CHECKPOINT_INTERVAL == 0) {
        cps.add(new LocalStore.Checkpoint(r, text.toString()));
      }
    }
    store.received("d", revs, cps, OutboxChange.unchanged()).get();
    reopen();
    for (long r : new long[] {0, 1, 999, 1000, 1001, 2000, n}) {
      assertThat(store.textAt("d", r).get()).as("revision %d", r).isEqualTo(texts.get((int) r));
    }
    LoadedDocument loaded = store.load("d").get();
    assertThat(loaded.headText()).isEqualTo(text.toString());
    assertThat(loaded.tailFrom()).isEqualTo(2 * LocalStore.CHECKPOINT_INTERVAL + 1);
    assertThat(loaded.tail()).hasSize(17);
    String at2000 = texts.get(2000);
    assertThat(store.lengthAt("d", 2000).get())
        .isEqualTo(at2000.codePointCount(0, at2000.length()));
    assertThatThrownBy(() -> store.textAt("d", n + 1).get()).hasMessageContaining("revisions 0..");
    assertThat(store.document("d").get().orElseThrow().relayHead()).isEqualTo(n);
  }

  @Test
  void log_aBatchIsStoredInBlocksAndEveryRangeReadsBackItsRevisions() throws Exception {
    store.createDocument("d", "D", 1, true, List.of()).get();
    List<Revision> revs = new ArrayList<>();
    int length = 0;
    revs.add(new Revision(1, 0, 1, "alice", "ca", 1, 50, append(0, "x"), append(0, "x")));
    length++;
    for (int i = 0; i < 2_600; i++) { // one batch: blocks of 1,000, and by size at the end
      long r = revs.size() + 1;
      String key = i >= 2_590 ? "é".repeat(40_000) : i % 5 == 0 ? "🇫🇷" : i % 5 == 1 ? "\n" : "a";
      TextOperation op = append(length, key);
      TextOperation original = i % 9 == 4 ? append(0, key) : op; // sent on an older base
      revs.add(new Revision(r, 1, 2, "bob", "cb", 7, 60, op, original));
      length = op.targetLength();
    }
    store.received("d", revs.subList(0, 1_500), List.of(), OutboxChange.unchanged()).get();
    store
        .received("d", revs.subList(1_500, revs.size()), List.of(), OutboxChange.unchanged())
        .get();
    reopen();
    int n = revs.size();
    assertThat(store.revisions("d", 1, n).get()).isEqualTo(revs);
    for (long[] range : new long[][] {{1, 1}, {2, 2}, {999, 1_002}, {1_500, 1_501}, {n, n + 5}}) {
      assertThat(store.revisions("d", range[0], range[1]).get())
          .as("revisions %d..%d", range[0], range[1])
          .isEqualTo(revs.subList((int) range[0] - 1, (int) Math.min(range[1], n)));
    }
    assertThat(store.operations("d", 1_001, 1_003).get())
        .containsExactly(
            revs.get(1_000).operation(), revs.get(1_001).operation(), revs.get(1_002).operation());
    assertThat(store.lengthAt("d", 1_501).get()).isEqualTo(revs.get(1_500).length());
    assertThat(store.lengthAt("d", 0).get()).isZero();
    assertThatThrownBy(() -> store.lengthAt("d", n + 1).get())
        .hasMessageContaining("no revision " + (n + 1));

    store.close();
    try (var c = java.sql.DriverManager.getConnection(ProfileDatabase.url(dir), "quire", "");
        var rs =
            c.createStatement()
                .executeQuery(
                    "SELECT COUNT(*), MAX(op_count), MAX(LENGTH(operations) + LENGTH(originals))"
                        + " FROM log_blocks")) {
      rs.next();
      assertThat(rs.getInt(1)).as("blocks").isBetween(5, 12);
      assertThat(rs.getInt(2)).isEqualTo(LogBlocks.BLOCK_OPS);
      assertThat(rs.getInt(3)).isLessThan(LogBlocks.BLOCK_CHARS + 2 * 40_010);
    } finally {
      store = LocalStore.open(dir);
    }
  }

  @Test
  void durability_isMeasuredAndWritesAreGrouped() throws Exception {
    store.createDocument("d", "D", 1, false, List.of()).get();
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      all.add(store.localEdits("d", List.of(append(i, "x")), List.of((long) i)));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
    DurabilityStats stats = store.durability();
    assertThat(stats.writes()).isGreaterThanOrEqualTo(501);
    assertThat(stats.commits()).isLessThan(stats.writes());
    assertThat(stats.maxMillis()).isPositive();
    assertThat(store.localText("d").get()).hasSize(500);
  }

  @Test
  void rename_marksTheTitleForTheNextSync() throws Exception {
    store.createDocument("d", "Old", 1, true, List.of()).get();
    assertThat(store.document("d").get().orElseThrow().syncState()).isEqualTo("synced");
    store.rename("d", "New").get();
    LocalDocument d = store.document("d").get().orElseThrow();
    assertThat(d.title()).isEqualTo("New");
    assertThat(d.titleSynced()).isFalse();
    assertThat(d.syncState()).isEqualTo("unsent");
  }

  @Test
  void closedStore_refusesWork() {
    store.close();
    assertThatThrownBy(() -> store.documents().get()).hasCauseInstanceOf(StoreException.class);
    store = LocalStore.open(dir);
  }

  @Test
  void documentsListeners_hearOfCommittedDocumentChangesButNotOfLocalEdits() throws Exception {
    java.util.concurrent.atomic.AtomicInteger heard =
        new java.util.concurrent.atomic.AtomicInteger();
    LocalStore.DocumentsListener l = heard::incrementAndGet;
    store.addDocumentsListener(l);
    store.createDocument("d", "T", 1, false, List.of()).get();
    assertThat(heard.get()).isEqualTo(1);
    store.createDocument("d", "T", 1, false, List.of()).get(); // taken: nothing changed
    assertThat(heard.get()).isEqualTo(1);
    store.rename("d", "U").get();
    store.relayState("d", true, true, 0L).get();
    store.markSynced("d", 5).get();
    store.syncError("d", "stopped").get();
    assertThat(heard.get()).isEqualTo(5);
    store.localEdits("d", List.of(TextOperation.splice(0, 0, 0, "x")), List.of(6L)).get();
    assertThat(heard.get()).isEqualTo(5);
    assertThat(store.deleteDocument("d", 7).get()).isTrue();
    assertThat(heard.get()).isEqualTo(6);
    store.removeDocumentsListener(l);
    store.createDocument("e", "T", 1, false, List.of()).get();
    assertThat(heard.get()).isEqualTo(6);
  }
}
