package dev.quire.relay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.quire.ot.protocol.DocumentInfo;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.HistoryStore.Append;
import dev.quire.relay.store.HistoryStore.Checkpoint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RelayStorage} promises about appends and reading history back (and, briefly,
 * documents, users, tokens and client ids), run against each implementation by a subclass: the
 * embedded one (H2 and its journal) and PostgreSQL. Each test starts on an empty storage.
 */
public abstract class AppendAndHistoryContract {
  protected RelayStorage storage;
  protected BatchAppender appender;

  /** A new, empty storage. */
  protected abstract RelayStorage openEmpty();

  /**
   * True when other processes may write the same documents (PostgreSQL): the storage then decides
   * conflicts and recognises resent batches itself. The embedded storage has one writer, the relay
   * that holds it, which recognises resends from memory; it refuses an append at a stale head.
   */
  protected abstract boolean sharedByRelays();

  @BeforeEach
  void openStorage() {
    storage = openEmpty();
    appender = storage.startAppender(nanos -> {});
    storage.users().add("alice");
    storage.users().add("bob");
    storage.documents().create("doc", "Notes", "alice", 100);
  }

  @AfterEach
  void closeStorage() {
    appender.close();
    storage.close();
  }

  /** A batch of {@code ops} by {@code author} at revisions {@code first..}, based on first - 1. */
  protected static Append batch(
      String doc, long first, String author, String client, long seq, String... ops) {
    WireSequenced entry =
        new WireSequenced(
            first,
            author,
            1000 + first,
            new WireBatch(client, seq, first - 1, List.of(ops), 900 + first));
    return new Append(doc, entry, null, digest(doc, client, seq, ops), null);
  }

  private static byte[] digest(String doc, String client, long seq, String... ops) {
    return Tokens.sha256(
        (doc + "\n" + client + "\n" + seq + "\n" + String.join("\n", ops))
            .getBytes(StandardCharsets.UTF_8));
  }

  /** Appends and waits for the outcome. */
  protected AppendOutcome append(Append a) throws Exception {
    CompletableFuture<AppendOutcome> outcome = new CompletableFuture<>();
    appender.append(a, outcome::complete);
    return outcome.get(30, TimeUnit.SECONDS);
  }

  private long head(String doc) {
    return storage.documents().find(doc).orElseThrow().head();
  }

  @Test
  void anAppendAtTheHeadCommitsAndMovesIt() throws Exception {
    assertThat(append(batch("doc", 1, "alice", "c1", 1, "[\"a\"]")))
        .isEqualTo(AppendOutcome.COMMITTED);
    assertThat(append(batch("doc", 2, "alice", "c1", 2, "[1,\"b\"]", "[2,\"c\"]")))
        .isEqualTo(AppendOutcome.COMMITTED);
    assertThat(head("doc")).isEqualTo(3);
    List<WireSequenced> page = storage.history().page("doc", 0, 100);
    assertThat(page).extracting(WireSequenced::firstRevision).containsExactly(1L, 2L);
    assertThat(page.get(1).batch().operations()).containsExactly("[1,\"b\"]", "[2,\"c\"]");
    assertThat(page.get(1).author()).isEqualTo("alice");
    assertThat(page.get(1).timestampMillis()).isEqualTo(1002);
  }

  @Test
  void anAppendAtAStaleHeadIsAConflictAndStoresNothing() throws Exception {
    append(batch("doc", 1, "alice", "c1", 1, "[\"a\"]"));
    AppendOutcome stale = append(batch("doc", 1, "bob", "c2", 1, "[\"x\"]"));
    if (sharedByRelays()) {
      assertThat(stale).isInstanceOf(AppendOutcome.Conflict.class);
      assertThat(((AppendOutcome.Conflict) stale).head()).isEqualTo(1);
    } else {
      assertThat(stale).isInstanceOf(AppendOutcome.Failed.class);
    }
    assertThat(head("doc")).isEqualTo(1);
    assertThat(storage.history().page("doc", 0, 100))
        .singleElement()
        .satisfies(e -> assertThat(e.author()).isEqualTo("alice"));
    // The loser takes the next revision and commits.
    assertThat(append(batch("doc", 2, "bob", "c2", 1, "[1,\"x\"]")))
        .isEqualTo(AppendOutcome.COMMITTED);
  }

  @Test
  void aResentBatchIsADuplicateAnsweredWithItsOriginalRevisions() throws Exception {
    append(batch("doc", 1, "alice", "c1", 1, "[\"a\"]"));
    append(batch("doc", 2, "bob", "c2", 1, "[1,\"b\"]", "[2,\"c\"]"));
    // What a relay recognises a resend from, in memory or after a restart.
    assertThat(storage.history().findBatchAtOrAfter("doc", "bob", "c2", 1))
        .hasValueSatisfying(b -> assertThat(b.firstRevision()).isEqualTo(2));
    assertThat(storage.history().latestBatches("doc"))
        .filteredOn(l -> l.clientId().equals("c2"))
        .singleElement()
        .satisfies(l -> assertThat(l.batch().firstRevision()).isEqualTo(2));
    if (!sharedByRelays()) {
      return; // the one relay answers the resend from those; it never reaches the storage
    }
    // Resent through another relay, which sequenced it at its own idea of the head.
    AppendOutcome again = append(batch("doc", 4, "bob", "c2", 1, "[1,\"b\"]", "[2,\"c\"]"));
    assertThat(again).isInstanceOf(AppendOutcome.Duplicate.class);
    HistoryStore.StoredBatch stored = ((AppendOutcome.Duplicate) again).stored();
    assertThat(stored.firstRevision()).isEqualTo(2);
    assertThat(stored.size()).isEqualTo(2);
    assertThat(stored.batchSeq()).isEqualTo(1);
    assertThat(stored.digest()).isEqualTo(digest("doc", "c2", 1, "[1,\"b\"]", "[2,\"c\"]"));
    assertThat(head("doc")).isEqualTo(3);
  }

  @Test
  void aBatchKeepsItsNotesExactlyAsSent() throws Exception {
    String notes = "[{\"kind\":\"comment\",\"id\":\"c1\",\"from\":0,\"to\":1,\"text\":\"😀\"}]";
    Append plain = batch("doc", 1, "alice", "c1", 1, "[\"a\"]");
    WireSequenced e = plain.entry();
    WireSequenced withNotes =
        new WireSequenced(2, "alice", 1002, new WireBatch("c1", 2, 1, List.of("[1]"), 902, notes));
    assertThat(append(plain)).isEqualTo(AppendOutcome.COMMITTED);
    assertThat(append(new Append("doc", withNotes, null, plain.digest(), null)))
        .isEqualTo(AppendOutcome.COMMITTED);
    List<WireSequenced> page = storage.history().page("doc", 0, 100);
    assertThat(page).extracting(x -> x.batch().notes()).containsExactly(null, notes);
    assertThat(page.get(0)).isEqualTo(e);
  }

  @Test
  void pagesHoldWholeBatchesWithinTheirCountAndBytes() throws Exception {
    long next = 1;
    for (int seq = 1; seq <= 5; seq++) { // batches of 3 revisions: 1-3, 4-6, ..., 13-15
      append(batch("doc", next, "alice", "c1", seq, "[\"a\"]", "[1,\"b\"]", "[2,\"c\"]"));
      next += 3;
    }
    assertThat(storage.history().page("doc", 0, 7))
        .extracting(WireSequenced::firstRevision)
        .containsExactly(1L, 4L);
    // Each batch keeps its author's time, apart from the relay's.
    assertThat(storage.history().page("doc", 0, 7))
        .extracting(e -> e.batch().madeAt(), WireSequenced::timestampMillis)
        .containsExactly(tuple(901L, 1001L), tuple(904L, 1004L));
    // A revision inside a batch: the page starts with that batch.
    assertThat(storage.history().page("doc", 4, 6))
        .extracting(WireSequenced::firstRevision)
        .containsExactly(4L, 7L);
    // A page smaller than one batch still holds that batch.
    assertThat(storage.history().page("doc", 12, 1))
        .extracting(WireSequenced::firstRevision)
        .containsExactly(13L);
    assertThat(storage.history().page("doc", 15, 100)).isEmpty();
    long one = storage.history().page("doc", 0, 1).get(0).wireBytesBound();
    assertThat(storage.history().page("doc", 0, 100, 2 * one))
        .extracting(WireSequenced::firstRevision)
        .containsExactly(1L, 4L);
    assertThat(storage.history().page("doc", 0, 100, 1)).hasSize(1); // one batch, alone
  }

  @Test
  void theLatestBatchOfEachClientAndTheBatchAtOrAfterASeq() throws Exception {
    append(batch("doc", 1, "alice", "c1", 1, "[\"a\"]"));
    append(batch("doc", 2, "bob", "c2", 4, "[1,\"b\"]"));
    append(batch("doc", 3, "alice", "c1", 2, "[2,\"c\"]"));
    assertThat(storage.history().latestBatches("doc"))
        .extracting(l -> l.author() + "/" + l.clientId() + "/" + l.batch().batchSeq())
        .containsExactlyInAnyOrder("alice/c1/2", "bob/c2/4");
    assertThat(storage.history().findBatchAtOrAfter("doc", "bob", "c2", 2))
        .hasValueSatisfying(b -> assertThat(b.firstRevision()).isEqualTo(2));
    assertThat(storage.history().findBatchAtOrAfter("doc", "alice", "c1", 2))
        .hasValueSatisfying(b -> assertThat(b.firstRevision()).isEqualTo(3));
    assertThat(storage.history().findBatchAtOrAfter("doc", "alice", "c1", 3)).isEmpty();
  }

  @Test
  void checkpointsAndCanonicalOperations() throws Exception {
    WireSequenced first =
        new WireSequenced(1, "alice", 5, new WireBatch("c1", 1, 0, List.of("[\"ab\"]"), 5));
    Append readable = new Append("doc", first, List.of("[\"ab\"]"), new byte[32], "ab");
    assertThat(append(readable)).isEqualTo(AppendOutcome.COMMITTED);
    append(batch("doc", 2, "alice", "c1", 2, "[2,\"c\"]", "[3,\"d\"]")); // no canonical
    assertThat(storage.history().checkpointAtOrBefore("doc", 3)).hasValue(1);
    assertThat(storage.history().checkpoint("doc", 1)).contains(new Checkpoint(1, "ab"));
    assertThat(storage.history().checkpoint("doc", 2)).isEmpty();
    assertThat(storage.history().canonical("doc", 1, 3)).containsExactly("[\"ab\"]", null, null);
    assertThat(storage.history().missingCanonical("doc")).isEqualTo(2);
    assertThat(storage.history().minBaseAfter("doc", 1)).hasValue(1);
    assertThat(storage.history().minBaseAfter("doc", 3)).isEmpty();

    storage
        .history()
        .fillDerived(
            "doc", 2, List.of("[2,\"c\"]", "[3,\"d\"]"), List.of(new Checkpoint(3, "abcd")));
    assertThat(storage.history().canonical("doc", 1, 3))
        .containsExactly("[\"ab\"]", "[2,\"c\"]", "[3,\"d\"]");
    assertThat(storage.history().missingCanonical("doc")).isZero();
    assertThat(storage.history().checkpointAtOrBefore("doc", 3)).hasValue(3);
    assertThat(storage.history().checkpoint("doc", 3)).contains(new Checkpoint(3, "abcd"));
    // Payloads never change.
    assertThat(storage.history().page("doc", 1, 10).get(0).batch().operations())
        .containsExactly("[2,\"c\"]", "[3,\"d\"]");
  }

  @Test
  void canonicalOperationsEqualToThoseSent_areStoredOnce_andEveryReaderGetsThemBack()
      throws Exception {
    Append same = batch("doc", 1, "alice", "c1", 1, "[\"abc\"]");
    Append mixed = batch("doc", 2, "bob", "c2", 1, "[1,\"b\"]", "[2,\"c\"]", "[3,\"d\"]");
    Append opaque = batch("doc", 5, "alice", "c1", 2, "[4,\"e\"]");
    append(new Append("doc", same.entry(), List.of("[\"abc\"]"), same.digest(), null));
    append(
        new Append(
            "doc",
            mixed.entry(),
            List.of("[1,\"b\"]", "[2,\"X\"]", "[3,\"d\"]"),
            mixed.digest(),
            null));
    append(opaque); // no canonical operations

    List<String> expected = Arrays.asList("[\"abc\"]", "[1,\"b\"]", "[2,\"X\"]", "[3,\"d\"]", null);
    assertThat(storage.history().canonical("doc", 1, 5)).isEqualTo(expected);
    assertThat(storage.history().canonical("doc", 3, 3)).containsExactly("[2,\"X\"]");
    assertThat(storage.history().missingCanonical("doc")).isEqualTo(1);
    assertThat(storage.history().entries("doc", 0, 5))
        .extracting(HistoryStore.StoredEntry::canonical)
        .containsExactly(
            List.of("[\"abc\"]"), List.of("[1,\"b\"]", "[2,\"X\"]", "[3,\"d\"]"), null);
    assertThat(storage.history().rowAndEntriesAfter("doc", 1, 100).entries().get(0).canonical())
        .containsExactly("[1,\"b\"]", "[2,\"X\"]", "[3,\"d\"]");
    assertThat(storage.history().page("doc", 0, 10).get(1).batch().operations())
        .containsExactly("[1,\"b\"]", "[2,\"c\"]", "[3,\"d\"]");
    // Only the one that differs takes room (the markers a few characters at most).
    HistoryStore.StoredSize size = storage.history().storedSize("doc");
    assertThat(size.operations()).isBetween(35L, 37L); // H2 counts its line breaks too
    assertThat(size.canonical()).isBetween(7L, 7L + 2);

    // Filled in later, as a rebuild of an opaque history does: the same.
    storage.history().fillDerived("doc", 5, List.of("[4,\"e\"]"), List.of());
    assertThat(storage.history().canonical("doc", 5, 5)).containsExactly("[4,\"e\"]");
    assertThat(storage.history().missingCanonical("doc")).isZero();
    assertThat(storage.history().storedSize("doc").canonical()).isBetween(7L, 7L + 2);
  }

  @Test
  void documentsAndRoles() {
    DocumentStore docs = storage.documents();
    assertThat(docs.create("doc", "Again", "bob", 200)).isFalse();
    assertThat(docs.create("plain", "Plain", "bob", 200, PayloadKind.OPAQUE)).isTrue();
    assertThat(docs.find("plain").orElseThrow().payload()).isEqualTo(PayloadKind.OPAQUE);
    assertThat(docs.find("doc").orElseThrow().payload()).isNull();
    assertThat(docs.find("doc").orElseThrow().title()).isEqualTo("Notes");
    assertThat(docs.find("nothing")).isEmpty();
    assertThat(docs.role("doc", "alice")).contains(Role.OWNER);
    assertThat(docs.role("doc", "bob")).isEmpty();
    docs.setRole("doc", "bob", Role.VIEWER);
    assertThat(docs.role("doc", "bob")).contains(Role.VIEWER);
    docs.setRole("doc", "bob", Role.EDITOR);
    assertThat(docs.list("bob", false))
        .extracting(DocumentInfo::doc)
        .containsExactly("doc", "plain");
    docs.setRole("doc", "bob", null);
    assertThat(docs.role("doc", "bob")).isEmpty();
    docs.setRole("doc", "alice", null); // the owner's role stays
    assertThat(docs.role("doc", "alice")).contains(Role.OWNER);
    docs.rename("doc", "Renamed", 300);
    assertThat(docs.find("doc").orElseThrow().title()).isEqualTo("Renamed");
    docs.markDeleted("doc", 400);
    assertThat(docs.find("doc").orElseThrow().deleted()).isTrue();
    assertThat(docs.role("doc", "alice")).isEmpty();
    assertThat(docs.list("alice", false)).isEmpty();
    assertThat(docs.list("alice", true)).extracting(DocumentInfo::doc).containsExactly("plain");
    assertThat(docs.create("doc", "Reused", "bob", 500)).isFalse(); // ids are not reused
  }

  @Test
  void usersAndTokens() {
    UserStore users = storage.users();
    String token = users.add("carol");
    assertThat(users.authenticate(token)).contains("carol");
    assertThat(users.authenticate(token + "x")).isEmpty();
    String second = users.issueToken("carol");
    assertThat(users.authenticate(second)).contains("carol");
    assertThat(users.list())
        .filteredOn(u -> u.name().equals("carol"))
        .singleElement()
        .satisfies(u -> assertThat(u.activeTokens()).isEqualTo(2));
    assertThatThrownBy(() -> users.add("carol")).isInstanceOf(StoreException.class);
    assertThatThrownBy(() -> users.add("Not A Name")).isInstanceOf(IllegalArgumentException.class);
    users.revoke("carol");
    assertThat(users.authenticate(token)).isEmpty();
    assertThat(users.isActive("carol")).isFalse();
    assertThatThrownBy(() -> users.issueToken("carol")).isInstanceOf(StoreException.class);
    assertThatThrownBy(() -> users.revoke("nobody")).isInstanceOf(StoreException.class);
    users.ensure("guest");
    users.ensure("guest");
    assertThat(users.isActive("guest")).isTrue();
  }

  @Test
  void aClientIdBelongsToTheFirstUserWhoBindsIt() {
    assertThat(storage.clientIds().bind("laptop", "alice")).isEqualTo("alice");
    assertThat(storage.clientIds().bind("laptop", "bob")).isEqualTo("alice");
    assertThat(storage.clientIds().bind("laptop", "alice")).isEqualTo("alice");
    assertThat(storage.clientIds().bind("phone", "bob")).isEqualTo("bob");
  }

  @Test
  void anAppendToAMissingOrDeletedDocumentFailsAndStoresNothing() throws Exception {
    assertThat(append(batch("nothing", 1, "alice", "c1", 1, "[\"a\"]")))
        .isInstanceOf(AppendOutcome.Failed.class);
    storage.documents().markDeleted("doc", 5);
    assertThat(append(batch("doc", 1, "alice", "c1", 1, "[\"a\"]")))
        .isInstanceOf(AppendOutcome.Failed.class);
    assertThat(head("doc")).isZero();
    assertThat(storage.history().page("doc", 0, 10)).isEmpty();
  }

  @Test
  void appendsOfOneDocumentGivenAtOnceAreDecidedInOrder() throws Exception {
    List<CompletableFuture<AppendOutcome>> outcomes = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
      CompletableFuture<AppendOutcome> o = new CompletableFuture<>();
      outcomes.add(o);
      appender.append(batch("doc", i, "alice", "c1", i, "[" + (i - 1) + ",\"x\"]"), o::complete);
    }
    for (CompletableFuture<AppendOutcome> o : outcomes) {
      assertThat(o.get(30, TimeUnit.SECONDS)).isEqualTo(AppendOutcome.COMMITTED);
    }
    assertThat(head("doc")).isEqualTo(50);
    assertThat(
            Arrays.asList(
                storage.history().page("doc", 0, 100).stream()
                    .mapToLong(WireSequenced::firstRevision)
                    .boxed()
                    .toArray()))
        .hasSize(50);
  }

  @Test
  void aRunIsStoredInOrder_andARunAtAStaleHeadStoresNothing() throws Exception {
    CompletableFuture<RunOutcome> first = new CompletableFuture<>();
    appender.appendRun(
        List.of(
            batch("doc", 1, "alice", "c1", 1, "[\"a\"]"),
            batch("doc", 2, "alice", "c1", 2, "[1,\"b\"]", "[2,\"c\"]"),
            batch("doc", 4, "alice", "c1", 3, "[3,\"d\"]")),
        first::complete);
    assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(RunOutcome.allCommitted(3));
    assertThat(head("doc")).isEqualTo(4);

    CompletableFuture<RunOutcome> stale = new CompletableFuture<>();
    appender.appendRun(
        List.of(
            batch("doc", 2, "bob", "c2", 1, "[1,\"x\"]"),
            batch("doc", 3, "bob", "c2", 2, "[2,\"y\"]")),
        stale::complete);
    RunOutcome lost = stale.get(30, TimeUnit.SECONDS);
    assertThat(lost.committed()).isZero();
    if (sharedByRelays()) {
      AppendOutcome.Conflict conflict = (AppendOutcome.Conflict) lost.stop();
      assertThat(conflict.head()).isEqualTo(4);
      // What it missed, when it comes with the conflict, is everything after its expected head.
      if (!conflict.missed().isEmpty()) {
        assertThat(conflict.missed())
            .extracting(m -> m.entry().firstRevision())
            .containsExactly(2L, 4L);
      }
    } else {
      assertThat(lost.stop()).isInstanceOf(AppendOutcome.Failed.class);
    }
    assertThat(head("doc")).isEqualTo(4);
    assertThat(storage.history().findBatchAtOrAfter("doc", "bob", "c2", 1)).isEmpty();
  }

  @Test
  void entriesAreTheBatchesInFull_withTheirCanonicalOperationsAndDigests() throws Exception {
    Append a = batch("doc", 1, "alice", "c1", 1, "[\"a\"]");
    Append b = batch("doc", 2, "bob", "c2", 1, "[1,\"b\"]", "[2,\"c\"]");
    Append withCanonical =
        new Append(b.doc(), b.entry(), List.of("[1,\"B\"]", "[2,\"C\"]"), b.digest(), null);
    append(a);
    append(withCanonical);
    append(batch("doc", 4, "alice", "c1", 2, "[3,\"d\"]"));

    List<HistoryStore.StoredEntry> entries = storage.history().entries("doc", 1, 3);

    assertThat(entries)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.entry()).isEqualTo(b.entry());
              assertThat(e.canonical()).containsExactly("[1,\"B\"]", "[2,\"C\"]");
              assertThat(e.digest()).isEqualTo(b.digest());
            });
    assertThat(storage.history().entries("doc", 0, 4))
        .extracting(e -> e.entry().firstRevision())
        .containsExactly(1L, 2L, 4L);
    assertThat(storage.history().entries("doc", 0, 1).get(0).canonical()).isNull();
  }

  @Test
  void entriesKeepTheirNotes() throws Exception {
    String notes = "[{\"kind\":\"comment\",\"id\":\"c1\",\"from\":0,\"to\":1,\"text\":\"x\"}]";
    Append plain = batch("doc", 1, "alice", "c1", 1, "[\"a\"]");
    WireSequenced withNotes =
        new WireSequenced(2, "alice", 1002, new WireBatch("c1", 2, 1, List.of("[1]"), 902, notes));
    append(plain);
    assertThat(append(new Append("doc", withNotes, null, plain.digest(), null)))
        .isEqualTo(AppendOutcome.COMMITTED);

    assertThat(storage.history().entries("doc", 0, 2))
        .extracting(e -> e.entry().batch().notes())
        .containsExactly(null, notes);
  }

  @Test
  void theRowAndTheBatchesAfterARevision_areReadTogether() throws Exception {
    String notes = "[{\"kind\":\"version\",\"name\":\"v1\"}]";
    Append a = batch("doc", 1, "alice", "c1", 1, "[\"a\"]");
    Append b = batch("doc", 2, "bob", "c2", 1, "[1,\"b\"]", "[2,\"c\"]");
    Append withCanonical =
        new Append(b.doc(), b.entry(), List.of("[1,\"B\"]", "[2,\"C\"]"), b.digest(), null);
    WireSequenced noted =
        new WireSequenced(
            4, "alice", 1004, new WireBatch("c1", 2, 3, List.of("[3,\"d\"]"), 904, notes));
    append(a);
    append(withCanonical);
    append(new Append("doc", noted, null, a.digest(), null));
    storage.documents().rename("doc", "Renamed", 2_000);

    HistoryStore.RowAndEntries read = storage.history().rowAndEntriesAfter("doc", 1, 100);
    assertThat(read.row().title()).isEqualTo("Renamed");
    assertThat(read.row().head()).isEqualTo(4);
    assertThat(read.entries())
        .extracting(HistoryStore.StoredEntry::entry)
        .containsExactly(b.entry(), noted);
    assertThat(read.entries().get(0).canonical()).containsExactly("[1,\"B\"]", "[2,\"C\"]");
    assertThat(read.entries().get(0).digest()).isEqualTo(b.digest());
    assertThat(read.entries().get(1).canonical()).isNull();

    // Too far behind to read at once, nothing after the head, no such document, a deleted one.
    assertThat(storage.history().rowAndEntriesAfter("doc", 0, 3).entries()).isEmpty();
    assertThat(storage.history().rowAndEntriesAfter("doc", 0, 3).row().head()).isEqualTo(4);
    assertThat(storage.history().rowAndEntriesAfter("doc", 4, 100).entries()).isEmpty();
    assertThat(storage.history().rowAndEntriesAfter("nothing", 0, 100).row()).isNull();
    assertThat(storage.history().rowAndEntriesAfter("nothing", 0, 100).entries()).isEmpty();
    storage.documents().markDeleted("doc", 3_000);
    HistoryStore.RowAndEntries deleted = storage.history().rowAndEntriesAfter("doc", 1, 100);
    assertThat(deleted.row().deleted()).isTrue();
    assertThat(deleted.entries()).isEmpty();
  }
}
