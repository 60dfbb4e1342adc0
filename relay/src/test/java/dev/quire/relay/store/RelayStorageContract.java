package dev.quire.relay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.history.Ed25519;
import dev.quire.ot.protocol.DocumentInfo;
import dev.quire.ot.protocol.Member;
import dev.quire.ot.protocol.RelaySignature;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.SealedTitle;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.DocumentStore.DocumentRow;
import dev.quire.relay.store.HistoryStore.Append;
import dev.quire.relay.store.HistoryStore.LatestBatch;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link RelayStorage} promises, whatever keeps the data: a subclass per implementation
 * opens a fresh, empty one. Tests of several writers run where {@link #openAnotherWriter} gives a
 * second process's view of the same data.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class RelayStorageContract {
  protected RelayStorage storage;
  protected BatchAppender appender;

  /** A fresh, empty storage. */
  protected abstract RelayStorage openEmpty() throws Exception;

  /**
   * Another writer on the same data as the storage last opened (as another relay process sees it),
   * or empty where the implementation is its data's only writer.
   */
  protected Optional<RelayStorage> openAnotherWriter() throws Exception {
    return Optional.empty();
  }

  /** The same data as the storage last opened, opened again after it was closed (a restart). */
  protected abstract RelayStorage reopen() throws Exception;

  @BeforeEach
  void openStorage() throws Exception {
    storage = openEmpty();
    appender = storage.startAppender(nanos -> {});
    storage.users().add("alice");
    storage.users().add("bob");
    assertThat(storage.documents().create("doc", "T", "alice", 10, PayloadKind.READABLE)).isTrue();
  }

  @AfterEach
  void closeStorage() {
    appender.close();
    storage.close();
  }

  /** Appends on {@code to} and waits for the outcome. */
  protected static AppendOutcome appendAndWait(BatchAppender to, Append a) throws Exception {
    CompletableFuture<AppendOutcome> outcome = new CompletableFuture<>();
    to.append(a, outcome::complete);
    return outcome.get(30, TimeUnit.SECONDS);
  }

  /** A batch of {@code size} operations, by {@code author} on client "c", at revision first. */
  protected static Append batch(String author, long first, long seq, int size, String checkpoint) {
    List<String> ops = new java.util.ArrayList<>();
    List<String> canonical = new java.util.ArrayList<>();
    for (int i = 0; i < size; i++) {
      ops.add("[\"" + author + seq + "." + i + "\"]");
      canonical.add("[" + (first - 1 + i) + ",\"x\"]");
    }
    WireSequenced e =
        new WireSequenced(
            first, author, 100 + seq, new WireBatch("c", seq, first - 1, ops, 1_000L));
    byte[] digest = new byte[32];
    digest[0] = (byte) seq;
    digest[1] = (byte) size;
    return new Append("doc", e, canonical, digest, checkpoint);
  }

  private long head() {
    return storage.documents().find("doc").orElseThrow().head();
  }

  @Test
  void users_tokensAuthenticateUntilRevoked() {
    String token = storage.users().add("carol");
    String second = storage.users().issueToken("carol");
    assertThat(storage.users().authenticate(token)).contains("carol");
    assertThat(storage.users().authenticate(second)).contains("carol");
    assertThat(storage.users().authenticate("not a token")).isEmpty();
    assertThatThrownBy(() -> storage.users().add("carol")).isInstanceOf(StoreException.class);

    storage.users().revoke("carol");
    assertThat(storage.users().authenticate(token)).isEmpty();
    assertThat(storage.users().authenticate(second)).isEmpty();
    assertThat(storage.users().isActive("carol")).isFalse();
    assertThatThrownBy(() -> storage.users().issueToken("carol"))
        .isInstanceOf(StoreException.class);
    assertThat(storage.users().list())
        .extracting(UserStore.UserInfo::name, UserStore.UserInfo::revoked)
        .contains(org.assertj.core.groups.Tuple.tuple("carol", true));

    storage.users().ensure("guest");
    storage.users().ensure("guest"); // twice: no error
    assertThat(storage.users().isActive("guest")).isTrue();
  }

  @Test
  void documents_createdOnceWithTheirPayloadKind_renamedSharedAndDeleted() {
    DocumentRow row = storage.documents().find("doc").orElseThrow();
    assertThat(row.owner()).isEqualTo("alice");
    assertThat(row.head()).isZero();
    assertThat(row.payload()).isEqualTo(PayloadKind.READABLE);
    assertThat(storage.documents().create("sealed", "S", "bob", 11, PayloadKind.OPAQUE)).isTrue();
    assertThat(storage.documents().find("sealed").orElseThrow().payload())
        .isEqualTo(PayloadKind.OPAQUE);
    assertThat(storage.documents().create("legacy", "L", "bob", 12)).isTrue();
    assertThat(storage.documents().find("legacy").orElseThrow().payload()).isNull();
    assertThat(storage.documents().create("doc", "again", "bob", 13, PayloadKind.READABLE))
        .isFalse();

    assertThat(storage.documents().role("doc", "alice")).contains(Role.OWNER);
    assertThat(storage.documents().role("doc", "bob")).isEmpty();
    storage.documents().setRole("doc", "bob", Role.EDITOR);
    assertThat(storage.documents().role("doc", "bob")).contains(Role.EDITOR);
    assertThat(storage.documents().list("bob", false))
        .extracting(DocumentInfo::doc)
        .containsExactlyInAnyOrder("doc", "sealed", "legacy");
    storage.documents().setRole("doc", "bob", null);
    assertThat(storage.documents().role("doc", "bob")).isEmpty();

    storage.documents().rename("doc", "Renamed", 20);
    assertThat(storage.documents().find("doc").orElseThrow().title()).isEqualTo("Renamed");

    storage.documents().markDeleted("doc", 30);
    assertThat(storage.documents().find("doc").orElseThrow().deleted()).isTrue();
    assertThat(storage.documents().role("doc", "alice")).isEmpty();
    assertThat(storage.documents().list("alice", true))
        .extracting(DocumentInfo::doc)
        .doesNotContain("doc");
    assertThat(storage.documents().create("doc", "reused", "alice", 40, PayloadKind.READABLE))
        .isFalse(); // a deleted document's id is not reused
  }

  @Test
  void clientIds_belongToTheFirstUserForGood() {
    assertThat(storage.clientIds().bind("laptop", "alice")).isEqualTo("alice");
    assertThat(storage.clientIds().bind("laptop", "bob")).isEqualTo("alice");
    assertThat(storage.clientIds().bind("laptop", "alice")).isEqualTo("alice");
  }

  @Test
  void appendsAtTheExpectedHead_areCommittedAndReadBack() throws Exception {
    Append a = batch("alice", 1, 1, 3, null);
    Append b = batch("bob", 4, 1, 1, "xyzw");
    assertThat(appendAndWait(appender, a)).isSameAs(AppendOutcome.COMMITTED);
    assertThat(appendAndWait(appender, b)).isSameAs(AppendOutcome.COMMITTED);

    assertThat(head()).isEqualTo(4);
    HistoryStore history = storage.history();
    assertThat(history.page("doc", 0, 100)).containsExactly(a.entry(), b.entry());
    assertThat(history.page("doc", 2, 100)).containsExactly(a.entry(), b.entry());
    assertThat(history.page("doc", 3, 100)).containsExactly(b.entry());
    assertThat(history.page("doc", 0, 1)).containsExactly(a.entry()); // whole batches
    assertThat(history.page("doc", 4, 100)).isEmpty();
    assertThat(history.latestBatches("doc"))
        .extracting(LatestBatch::author, l -> l.batch().firstRevision())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("alice", 1L),
            org.assertj.core.groups.Tuple.tuple("bob", 4L));
    assertThat(history.findBatchAtOrAfter("doc", "alice", "c", 1))
        .get()
        .satisfies(s -> assertThat(s.digest()).isEqualTo(a.digest()));
    assertThat(history.findBatchAtOrAfter("doc", "alice", "c", 2)).isEmpty();
    assertThat(history.canonical("doc", 1, 4)).containsExactlyElementsOf(canonicalOf(a, b));
    assertThat(history.checkpointAtOrBefore("doc", 10)).hasValue(4);
    assertThat(history.checkpointAtOrBefore("doc", 3)).isEmpty();
    assertThat(history.checkpoint("doc", 4).orElseThrow().text()).isEqualTo("xyzw");
    assertThat(history.minBaseAfter("doc", 0)).hasValue(0);
    assertThat(history.minBaseAfter("doc", 3)).hasValue(3);
    assertThat(history.missingCanonical("doc")).isZero();
    assertThat(storage.isHealthy()).isTrue();
  }

  private static List<String> canonicalOf(Append... appends) {
    List<String> out = new java.util.ArrayList<>();
    for (Append a : appends) {
      out.addAll(a.canonical());
    }
    return out;
  }

  @Test
  void anAppendAtAnotherHead_storesNothing() throws Exception {
    assertThat(appendAndWait(appender, batch("alice", 1, 1, 2, null)))
        .isSameAs(AppendOutcome.COMMITTED);
    AppendOutcome stale = appendAndWait(appender, batch("bob", 2, 1, 1, null)); // head is 2
    assertThat(stale).isNotSameAs(AppendOutcome.COMMITTED);
    if (stale instanceof AppendOutcome.Conflict c) {
      assertThat(c.head()).isEqualTo(2);
    } else {
      assertThat(stale).isInstanceOf(AppendOutcome.Failed.class);
    }
    AppendOutcome gap = appendAndWait(appender, batch("bob", 5, 1, 1, null));
    assertThat(gap).isNotSameAs(AppendOutcome.COMMITTED);
    assertThat(head()).isEqualTo(2);
    assertThat(storage.history().findBatchAtOrAfter("doc", "bob", "c", 1)).isEmpty();
    assertThat(storage.history().page("doc", 0, 100)).hasSize(1);
  }

  @Test
  void anotherWritersAppend_makesTheLoserConflict_andResendsAreDuplicates() throws Exception {
    Optional<RelayStorage> other = openAnotherWriter();
    if (other.isEmpty()) {
      assertThat(appender.isOnlyWriter()).isTrue(); // only an only writer may skip this
      return;
    }
    assertThat(appender.isOnlyWriter()).isFalse();
    try (RelayStorage second = other.get();
        BatchAppender theirs = second.startAppender(nanos -> {})) {
      Append bobs = batch("bob", 1, 1, 2, null);
      assertThat(appendAndWait(theirs, bobs)).isSameAs(AppendOutcome.COMMITTED);

      AppendOutcome lost = appendAndWait(appender, batch("alice", 1, 1, 1, null));
      assertThat(lost).isInstanceOf(AppendOutcome.Conflict.class);
      assertThat(((AppendOutcome.Conflict) lost).head()).isEqualTo(2);
      assertThat(appendAndWait(appender, batch("alice", 3, 1, 1, null)))
          .isSameAs(AppendOutcome.COMMITTED);

      // Bob's batch resent through this storage after a failover: answered with its revisions.
      Append resent = batch("bob", 4, 1, 2, null);
      AppendOutcome dup = appendAndWait(appender, resent);
      assertThat(dup).isInstanceOf(AppendOutcome.Duplicate.class);
      assertThat(((AppendOutcome.Duplicate) dup).stored().firstRevision()).isEqualTo(1);
      assertThat(head()).isEqualTo(3);
      // Users are shared: a token issued through one works through the other, within a bound.
      String token = storage.users().issueToken("alice");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (second.users().authenticate(token).isEmpty() && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(second.users().authenticate(token)).contains("alice");
    }
  }

  @Test
  void identity_isAUuidThatStaysTheSame_andIsSharedByAnotherWriterOnTheSameData() throws Exception {
    String id = storage.identity();
    assertThat(java.util.UUID.fromString(id).toString()).isEqualTo(id);
    assertThat(storage.identity()).isEqualTo(id);
    Optional<RelayStorage> other = openAnotherWriter();
    if (other.isPresent()) {
      try (RelayStorage o = other.get()) {
        assertThat(o.identity()).isEqualTo(id);
      }
    }
  }

  @Test
  void signingKey_isMadeOnce_keptAcrossARestart_andSharedByAnotherWriter() throws Exception {
    AtomicInteger made = new AtomicInteger();
    Supplier<byte[]> generate =
        () -> {
          made.incrementAndGet();
          return Ed25519.generate().getPrivate().getEncoded();
        };
    byte[] key = storage.signatures().signingKey(generate);
    assertThat(Ed25519.fromPrivate(key)).isNotNull();
    assertThat(storage.signatures().signingKey(generate)).isEqualTo(key);
    Optional<RelayStorage> other = openAnotherWriter();
    if (other.isPresent()) {
      try (RelayStorage o = other.get()) {
        assertThat(o.signatures().signingKey(generate)).isEqualTo(key);
      }
    }
    assertThat(made).hasValue(1);
    appender.close();
    storage.close();
    storage = reopen();
    appender = storage.startAppender(nanos -> {});
    assertThat(storage.signatures().signingKey(generate)).isEqualTo(key);
    assertThat(made).hasValue(1);
  }

  @Test
  void signatures_areKeptInOrderPerDocument_andAddingOneAgainChangesNothing() {
    SignatureStore s = storage.signatures();
    RelaySignature at2 = new RelaySignature(2, "a".repeat(64), "b".repeat(64), "c2lnMg==");
    RelaySignature at4 = new RelaySignature(4, "c".repeat(64), null, "c2lnNA==");
    s.add("doc", at4);
    s.add("doc", at2);
    s.add("doc", new RelaySignature(2, "d".repeat(64), null, "other"));
    s.add("other", new RelaySignature(3, "e".repeat(64), null, "c2lnMw=="));
    assertThat(s.after("doc", 0, 10)).containsExactly(at2, at4);
    assertThat(s.after("doc", 2, 10)).containsExactly(at4);
    assertThat(s.after("doc", 0, 1)).containsExactly(at2);
    assertThat(s.latestAtOrBefore("doc", 3)).contains(at2);
    assertThat(s.latestAtOrBefore("doc", 1)).isEmpty();
    assertThat(s.latestAtOrBefore("doc", 9)).contains(at4);
  }

  @Test
  void members_areTheOwnerFirst_thenTheOthersByName() {
    storage.users().add("carol");
    storage.documents().setRole("doc", "carol", Role.VIEWER);
    storage.documents().setRole("doc", "bob", Role.EDITOR);
    assertThat(storage.documents().members("doc"))
        .containsExactly(
            new Member("alice", Role.OWNER),
            new Member("bob", Role.EDITOR),
            new Member("carol", Role.VIEWER));
  }

  // ---- uploaded histories ----

  /** A batch of {@code doc} by {@code author} on {@code clientId}, at revision first, one op. */
  private static final String NOTES = "[{\"kind\":\"version\",\"name\":\"draft\"}]";

  private static Append uploaded(String doc, String author, String clientId, long first, long seq) {
    WireSequenced e =
        new WireSequenced(
            first,
            author,
            500 + first,
            new WireBatch(clientId, seq, first - 1, List.of("[" + (first - 1) + ",\"x\"]"), 7));
    byte[] digest = new byte[32];
    digest[0] = (byte) first;
    return new Append(doc, e, List.of("[" + (first - 1) + ",\"x\"]"), digest, null);
  }

  /** {@code a} with {@code notes} (JSON) on its batch. */
  private static Append withNotes(Append a, String notes) {
    WireSequenced e = a.entry();
    WireBatch b = e.batch();
    return new Append(
        a.doc(),
        new WireSequenced(
            e.firstRevision(),
            e.author(),
            e.timestampMillis(),
            new WireBatch(
                b.clientId(), b.batchSeq(), b.baseRevision(), b.operations(), b.madeAt(), notes)),
        a.canonical(),
        a.digest(),
        a.checkpoint());
  }

  private static HistoryUploads.NewDocument newDocument(String owner) {
    return new HistoryUploads.NewDocument(
        "Up",
        owner,
        77,
        PayloadKind.READABLE,
        List.of(new Member("bob", Role.EDITOR), new Member("nobody", Role.VIEWER)));
  }

  @Test
  void uploads_createTheDocument_storeEachPageWhole_andFinishAtTheTarget() {
    HistoryUploads up = storage.uploads();
    HistoryUploads.Outcome first =
        up.store(
            new HistoryUploads.Page(
                "up",
                newDocument("alice"),
                "alice",
                0,
                List.of(uploaded("up", "alice", "ua", 1, 1), uploaded("up", "bob", "ub", 2, 4)),
                3,
                true));
    assertThat(first).isEqualTo(new HistoryUploads.Stored(2, false));
    DocumentRow row = storage.documents().find("up").orElseThrow();
    assertThat(row.owner()).isEqualTo("alice");
    assertThat(row.createdMillis()).isEqualTo(77);
    assertThat(row.head()).isEqualTo(2);
    assertThat(up.target("up")).hasValue(3);
    assertThat(storage.documents().members("up"))
        .containsExactly(new Member("alice", Role.OWNER), new Member("bob", Role.EDITOR));
    assertThat(storage.clientIds().bind("ub", "alice")).as("bound to its author").isEqualTo("bob");
    assertThat(up.uploadedBy("up", 2)).isEqualTo("alice");
    assertThat(storage.history().findBatchAtOrAfter("up", "bob", "ub", 4)).isPresent();

    HistoryUploads.Outcome second =
        up.store(
            new HistoryUploads.Page(
                "up",
                null,
                "bob",
                2,
                List.of(withNotes(uploaded("up", "alice", "ua", 3, 2), NOTES)),
                3,
                true));
    assertThat(second).isEqualTo(new HistoryUploads.Stored(3, true));
    assertThat(up.target("up")).isEmpty();
    List<WireSequenced> page = storage.history().page("up", 0, 100);
    assertThat(page).extracting(WireSequenced::firstRevision).containsExactly(1L, 2L, 3L);
    assertThat(page.get(1).author()).isEqualTo("bob");
    assertThat(page.get(1).timestampMillis()).isEqualTo(502);
    assertThat(page.get(1).batch().madeAt()).isEqualTo(7);
    assertThat(page.get(2).batch().notes())
        .as("an uploaded batch keeps its notes")
        .isEqualTo(NOTES);
    assertThat(storage.history().canonical("up", 1, 3))
        .containsExactly("[0,\"x\"]", "[1,\"x\"]", "[2,\"x\"]");
    assertThat(storage.history().storedSize("up").canonical())
        .as("canonical operations equal to those sent are stored once")
        .isZero();
    assertThat(up.uploadedBy("up", 3)).isEqualTo("bob");
    assertThat(storage.history().latestBatches("up"))
        .extracting(LatestBatch::clientId)
        .containsExactlyInAnyOrder("ua", "ub");
  }

  @Test
  void uploads_refuseATakenId_aMovedHead_anotherUsersClientId_andAnUnknownAuthor_storingNothing() {
    HistoryUploads up = storage.uploads();
    assertThat(
            up.store(
                new HistoryUploads.Page(
                    "doc",
                    newDocument("bob"),
                    "bob",
                    0,
                    List.of(uploaded("doc", "bob", "ub", 1, 1)),
                    1,
                    true)))
        .isInstanceOf(HistoryUploads.Exists.class);
    assertThat(
            up.store(
                new HistoryUploads.Page(
                    "doc",
                    null,
                    "alice",
                    5,
                    List.of(uploaded("doc", "alice", "ua", 6, 1)),
                    6,
                    true)))
        .isEqualTo(new HistoryUploads.HeadMoved(0));
    storage.clientIds().bind("taken", "bob");
    assertThat(
            up.store(
                new HistoryUploads.Page(
                    "up",
                    newDocument("alice"),
                    "alice",
                    0,
                    List.of(
                        uploaded("up", "alice", "ua", 1, 1),
                        uploaded("up", "alice", "taken", 2, 1)),
                    2,
                    true)))
        .isEqualTo(new HistoryUploads.ClientIdTaken("taken", "alice", "bob"));
    assertThat(
            up.store(
                new HistoryUploads.Page(
                    "up",
                    newDocument("alice"),
                    "alice",
                    0,
                    List.of(uploaded("up", "zed", "uz", 1, 1)),
                    1,
                    true)))
        .isEqualTo(new HistoryUploads.UnknownAuthor("zed"));
    assertThat(storage.documents().find("up")).as("nothing stored").isEmpty();
    assertThat(storage.clientIds().bind("ua", "bob")).as("not bound").isEqualTo("bob");
    assertThat(head()).isZero();
  }

  @Test
  void trash_keepsADeletedDocumentWithItsHistory_untilRestoredOrPurged() throws Exception {
    assertThat(appendAndWait(appender, batch("alice", 1, 1, 2, "ab")))
        .isSameAs(AppendOutcome.COMMITTED);
    storage.documents().setRole("doc", "bob", Role.EDITOR);
    DocumentStore docs = storage.documents();
    assertThat(docs.trash("alice")).isEmpty();
    assertThat(docs.restore("doc")).isFalse(); // live: not in the trash
    assertThat(docs.purge("doc", 25)).isFalse();
    assertThat(head()).isEqualTo(2);

    docs.markDeleted("doc", 30);
    assertThat(docs.trash("alice")).containsExactly(new DocumentStore.TrashRow("doc", "T", 2, 30));
    assertThat(docs.trash("bob")).isEmpty(); // only the owner's trash holds it
    assertThat(docs.deletedBefore(30)).isEmpty();
    assertThat(docs.deletedBefore(31)).containsExactly("doc");

    assertThat(docs.restore("doc")).isTrue();
    assertThat(docs.restore("doc")).isFalse();
    assertThat(docs.find("doc").orElseThrow().deleted()).isFalse();
    assertThat(docs.role("doc", "bob")).contains(Role.EDITOR);
    assertThat(docs.trash("alice")).isEmpty();
    assertThat(storage.history().page("doc", 0, 100)).hasSize(1);
    assertThat(head()).isEqualTo(2);

    docs.markDeleted("doc", 40);
    Optional<RelayStorage> other = openAnotherWriter();
    try (RelayStorage second = other.orElse(null)) {
      DocumentStore purging = second == null ? docs : second.documents();
      assertThat(purging.purge("doc", 50)).isTrue();
      assertThat(purging.purge("doc", 60)).isFalse();
    }
    DocumentRow purged = docs.find("doc").orElseThrow();
    assertThat(purged.deleted()).isTrue();
    assertThat(purged.head()).isZero();
    assertThat(purged.title()).isEqualTo("doc"); // the title goes with the text
    assertThat(docs.trash("alice")).isEmpty();
    assertThat(docs.deletedBefore(Long.MAX_VALUE)).isEmpty();
    assertThat(docs.restore("doc")).isFalse();
    assertThat(docs.members("doc")).isEmpty();
    assertThat(storage.history().page("doc", 0, 100)).isEmpty();
    assertThat(storage.history().latestBatches("doc")).isEmpty();
    assertThat(storage.history().checkpointAtOrBefore("doc", 10)).isEmpty();
    assertThat(docs.create("doc", "again", "alice", 70, PayloadKind.READABLE)).isFalse();
  }

  @Test
  void purgingALongHistory_removesEveryRowOfIt_aFewPerTransaction() throws Exception {
    // More batches and checkpoints than one transaction of a purge deletes (16 batches, one
    // checkpoint): the purge goes on until none are left.
    int batches = 40;
    for (int b = 1; b <= batches; b++) {
      assertThat(appendAndWait(appender, batch("alice", b, b, 1, b % 10 == 0 ? "text " + b : null)))
          .isSameAs(AppendOutcome.COMMITTED);
    }
    assertThat(storage.history().checkpointAtOrBefore("doc", batches)).isPresent();
    DocumentStore docs = storage.documents();
    docs.markDeleted("doc", 30);
    assertThat(docs.purge("doc", 40)).isTrue();
    assertThat(docs.purge("doc", 50)).isFalse();
    assertThat(docs.find("doc").orElseThrow().head()).isZero();
    assertThat(storage.history().page("doc", 0, 1000)).isEmpty();
    assertThat(storage.history().latestBatches("doc")).isEmpty();
    for (long r = 0; r <= batches; r += 10) {
      assertThat(storage.history().checkpointAtOrBefore("doc", r)).isEmpty();
    }
  }

  @Test
  void aPurgeCutShortAfterItsFirstStep_isFinished_andOnlyPurgedDocumentsAreTouched()
      throws Exception {
    for (int b = 1; b <= 20; b++) {
      appendAndWait(appender, batch("alice", b, b, 1, b % 10 == 0 ? "text " + b : null));
    }
    DocumentStore docs = storage.documents();
    docs.create("kept", "Kept", "alice", 5, PayloadKind.READABLE);
    docs.markDeleted("doc", 30);
    assertThat(docs.markPurged("doc", 40)).isTrue();
    assertThat(docs.markPurged("doc", 41)).isFalse();
    assertThat(storage.history().storedSize("doc").operations())
        .as("left by a stop here")
        .isPositive();

    assertThat(docs.finishPurges()).containsExactly("doc");
    assertThat(storage.history().storedSize("doc"))
        .isEqualTo(new HistoryStore.StoredSize(0, 0, 0, 0));
    assertThat(storage.history().latestBatches("doc")).isEmpty();
    assertThat(docs.finishPurges()).isEmpty();
    assertThat(docs.find("kept")).isPresent();
  }

  // ---- encrypted documents (protocol 6) ----

  private static final dev.quire.ot.protocol.DeviceKeys ALICE_LAPTOP =
      new dev.quire.ot.protocol.DeviceKeys(
          Ed25519.publicKey(Ed25519.generate()),
          java.util.Base64.getEncoder().encodeToString(new byte[32]));
  private static final dev.quire.ot.protocol.DeviceKeys BOB_DESK =
      new dev.quire.ot.protocol.DeviceKeys(
          Ed25519.publicKey(Ed25519.generate()),
          java.util.Base64.getEncoder()
              .encodeToString(
                  new byte[] {
                    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                    23, 24, 25, 26, 27, 28, 29, 30, 31, 32
                  }));

  private static dev.quire.ot.protocol.KeyEnvelope envelope(
      long epoch, String user, String client, String text) {
    return new dev.quire.ot.protocol.KeyEnvelope(
        epoch,
        user,
        client,
        java.util.Base64.getEncoder()
            .encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  void sealedTitles_areKeptAndServedAsSent_withAPlaceholderTitle_andDropWhenRenamedPlainOrPurged() {
    SealedTitle one =
        new SealedTitle(1, java.util.Base64.getEncoder().encodeToString(new byte[40]));
    SealedTitle two =
        new SealedTitle(2, java.util.Base64.getEncoder().encodeToString(new byte[50]));
    DocumentStore docs = storage.documents();
    assertThat(docs.create("secret", "Plans", "alice", 10, PayloadKind.ENCRYPTED, one)).isTrue();
    DocumentRow row = docs.find("secret").orElseThrow();
    assertThat(row.title()).isEqualTo(SealedTitle.PLACEHOLDER); // never the title sent beside it
    assertThat(row.sealedTitle()).isEqualTo(one);
    assertThat(docs.list("alice", false))
        .filteredOn(d -> d.doc().equals("secret"))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.title()).isEqualTo(SealedTitle.PLACEHOLDER);
              assertThat(d.sealedTitle()).isEqualTo(one);
              assertThat(d.encrypted()).isTrue();
            });

    docs.rename("secret", "Ignored", two, 20);
    row = docs.find("secret").orElseThrow();
    assertThat(row.title()).isEqualTo(SealedTitle.PLACEHOLDER);
    assertThat(row.sealedTitle()).isEqualTo(two);
    assertThat(row.lastChangeMillis()).isEqualTo(20);

    docs.markDeleted("secret", 30);
    assertThat(docs.trash("alice"))
        .containsExactly(new DocumentStore.TrashRow("secret", SealedTitle.PLACEHOLDER, 0, 30, two));
    assertThat(docs.restore("secret")).isTrue();

    docs.rename("secret", "Plain again", 40); // an older client's rename
    row = docs.find("secret").orElseThrow();
    assertThat(row.title()).isEqualTo("Plain again");
    assertThat(row.sealedTitle()).isNull();

    docs.rename("secret", "x", one, 50);
    docs.markDeleted("secret", 60);
    assertThat(docs.purge("secret", 70)).isTrue();
    assertThat(docs.find("secret").orElseThrow().sealedTitle()).isNull();

    // A readable document's title is as it was.
    assertThat(docs.find("doc").orElseThrow().title()).isEqualTo("T");
    assertThat(docs.find("doc").orElseThrow().sealedTitle()).isNull();
  }

  @Test
  void anUploadCreatingAnEncryptedDocument_keepsItsSealedTitle() {
    SealedTitle sealed =
        new SealedTitle(3, java.util.Base64.getEncoder().encodeToString(new byte[33]));
    storage
        .uploads()
        .store(
            new HistoryUploads.Page(
                "up",
                new HistoryUploads.NewDocument(
                    "Plans", "alice", 77, PayloadKind.ENCRYPTED, List.of(), sealed),
                "alice",
                0,
                List.of(),
                0,
                true));
    DocumentRow row = storage.documents().find("up").orElseThrow();
    assertThat(row.title()).isEqualTo(SealedTitle.PLACEHOLDER);
    assertThat(row.sealedTitle()).isEqualTo(sealed);
  }

  @Test
  void keys_devicesRegisterOnce_epochsRotateOneAtATime_envelopesReachTheirDevice()
      throws Exception {
    assertThat(storage.documents().create("secret", "S", "alice", 10, PayloadKind.ENCRYPTED))
        .isTrue();
    storage.documents().setRole("secret", "alice", Role.OWNER);
    storage.documents().setRole("secret", "bob", Role.EDITOR);
    KeyStore keys = storage.keys();

    assertThat(keys.device("alice", "laptop")).isEmpty();
    assertThat(keys.register("alice", "laptop", ALICE_LAPTOP)).isEqualTo(ALICE_LAPTOP);
    // A device's keys never change: the first registration stays.
    assertThat(keys.register("alice", "laptop", BOB_DESK)).isEqualTo(ALICE_LAPTOP);
    assertThat(keys.register("bob", "desk", BOB_DESK)).isEqualTo(BOB_DESK);
    assertThat(keys.register("carol", "phone", BOB_DESK)).isEqualTo(BOB_DESK); // no role

    assertThat(keys.epoch("secret")).isEqualTo(1);
    assertThat(
            keys.seal(
                "secret",
                1,
                false,
                "alice",
                "laptop",
                List.of(envelope(1, "alice", "laptop", "k1a"))))
        .isTrue();
    assertThat(keys.devices("secret", 1))
        .extracting(d -> d.user() + "/" + d.clientId() + "/" + d.sealed())
        .containsExactly("alice/laptop/true", "bob/desk/false");
    // The first envelope of an epoch for a device stays.
    keys.seal("secret", 1, false, "bob", "desk", List.of(envelope(1, "alice", "laptop", "other")));
    keys.seal("secret", 1, false, "alice", "laptop", List.of(envelope(1, "bob", "desk", "k1b")));

    // A rotation moves the epoch by one, with its envelopes, or not at all.
    assertThat(
            keys.seal(
                "secret", 3, true, "alice", "laptop", List.of(envelope(3, "alice", "laptop", "x"))))
        .isFalse();
    assertThat(keys.envelopesFor("secret", "alice", "laptop")).hasSize(1);
    Optional<RelayStorage> other = openAnotherWriter();
    try (RelayStorage second = other.orElse(null)) {
      KeyStore rotating = second == null ? keys : second.keys();
      assertThat(
              rotating.seal(
                  "secret",
                  2,
                  true,
                  "alice",
                  "laptop",
                  List.of(envelope(2, "alice", "laptop", "k2a"))))
          .isTrue();
      assertThat(rotating.seal("secret", 2, true, "alice", "laptop", List.of())).isFalse();
    }
    assertThat(keys.epoch("secret")).isEqualTo(2);
    assertThat(keys.envelopesFor("secret", "alice", "laptop"))
        .extracting(e -> e.epoch() + ":" + e.user() + "/" + e.clientId())
        .containsExactly("1:alice/laptop", "2:alice/laptop");
    assertThat(keys.envelopesFor("secret", "bob", "desk"))
        .extracting(
            e -> e.epoch() + ":" + new String(java.util.Base64.getDecoder().decode(e.envelope())))
        .containsExactly("1:k1b");
    assertThat(keys.devices("secret", 2))
        .extracting(d -> d.user() + "/" + d.sealed())
        .containsExactly("alice/true", "bob/false");

    WireSequenced byBob =
        new WireSequenced(1, "bob", 100, new WireBatch("desk", 1, 0, List.of("[\"x\"]"), 1_000L));
    assertThat(appendAndWait(appender, new Append("secret", byBob, null, new byte[32], null)))
        .isEqualTo(AppendOutcome.COMMITTED);
    storage.documents().setRole("secret", "bob", null);
    // A former member's device stays listed while its batches are in the history, not a member.
    assertThat(keys.devices("secret", 2))
        .extracting(d -> d.user() + "/" + d.member())
        .containsExactly("alice/true", "bob/false");

    appender.close();
    storage.close();
    storage = reopen();
    appender = storage.startAppender(nanos -> {});
    assertThat(storage.documents().find("secret").orElseThrow().payload())
        .isEqualTo(PayloadKind.ENCRYPTED);
    assertThat(storage.documents().list("alice", false))
        .filteredOn(d -> d.doc().equals("secret"))
        .extracting(DocumentInfo::encrypted)
        .containsExactly(true);
    assertThat(storage.keys().epoch("secret")).isEqualTo(2);
    assertThat(storage.keys().device("bob", "desk")).contains(BOB_DESK);

    storage.documents().markDeleted("secret", 20);
    assertThat(storage.documents().purge("secret", 30)).isTrue();
    assertThat(storage.keys().envelopesFor("secret", "alice", "laptop")).isEmpty();
    assertThat(storage.keys().epoch("secret")).isEqualTo(1);
  }

  @Test
  void keys_removingAMemberOfAnEncryptedDocument_makesARotationDue_thatOnlyARotationClears()
      throws Exception {
    assertThat(storage.documents().create("secret", "S", "alice", 10, PayloadKind.ENCRYPTED))
        .isTrue();
    storage.users().add("carol");
    storage.documents().setRole("secret", "bob", Role.EDITOR);
    storage.documents().setRole("secret", "carol", Role.VIEWER);
    storage.documents().setRole("doc", "bob", Role.EDITOR);
    KeyStore keys = storage.keys();
    keys.register("alice", "laptop", ALICE_LAPTOP);

    // Not for a readable document, a lesser role, or a user who had none.
    storage.documents().setRole("doc", "bob", null);
    storage.documents().setRole("secret", "bob", Role.VIEWER);
    storage.documents().setRole("secret", "dave", null);
    storage.documents().setRole("secret", "alice", null); // the owner's role stays
    assertThat(keys.rotationDue("doc")).isFalse();
    assertThat(keys.rotationDue("secret")).isFalse();

    storage.documents().setRole("secret", "carol", null);
    assertThat(keys.rotationDue("secret")).isTrue();
    // Sealing without rotating, or a rotation to the wrong epoch, leaves it due.
    keys.seal("secret", 1, false, "alice", "laptop", List.of(envelope(1, "alice", "laptop", "k")));
    assertThat(keys.seal("secret", 3, true, "alice", "laptop", List.of())).isFalse();
    assertThat(keys.rotationDue("secret")).isTrue();
    storage.documents().setRole("secret", "bob", null); // due already: stays due
    assertThat(keys.rotationDue("secret")).isTrue();

    Optional<RelayStorage> other = openAnotherWriter();
    try (RelayStorage second = other.orElse(null)) {
      KeyStore rotating = second == null ? keys : second.keys();
      assertThat(rotating.rotationDue("secret")).isTrue();
      assertThat(
              rotating.seal(
                  "secret",
                  2,
                  true,
                  "alice",
                  "laptop",
                  List.of(envelope(2, "alice", "laptop", "2"))))
          .isTrue();
    }
    assertThat(keys.rotationDue("secret")).isFalse();
    assertThat(keys.epoch("secret")).isEqualTo(2);

    storage.documents().setRole("secret", "carol", Role.EDITOR);
    storage.documents().setRole("secret", "carol", null);
    appender.close();
    storage.close();
    storage = reopen();
    appender = storage.startAppender(nanos -> {});
    assertThat(storage.keys().rotationDue("secret")).isTrue(); // durable
    storage.documents().markDeleted("secret", 20);
    assertThat(storage.documents().purge("secret", 30)).isTrue();
    assertThat(storage.keys().rotationDue("secret")).isFalse(); // a purge takes it away
  }

  @Test
  void keys_aRevokedDevice_losesItsEnvelopesAndMembership_andMakesItsUsersEncryptedKeysDue()
      throws Exception {
    assertThat(storage.documents().create("secret", "S", "alice", 10, PayloadKind.ENCRYPTED))
        .isTrue();
    assertThat(storage.documents().create("other", "O", "bob", 10, PayloadKind.ENCRYPTED)).isTrue();
    storage.documents().setRole("secret", "bob", Role.EDITOR);
    storage.documents().setRole("doc", "bob", Role.EDITOR); // readable: nothing to rotate
    KeyStore keys = storage.keys();
    keys.register("alice", "laptop", ALICE_LAPTOP);
    keys.register("bob", "desk", BOB_DESK);
    keys.register("bob", "phone", BOB_DESK);
    keys.seal(
        "secret",
        1,
        false,
        "alice",
        "laptop",
        List.of(envelope(1, "bob", "desk", "d"), envelope(1, "bob", "phone", "p")));
    assertThat(keys.devicesOf("bob"))
        .extracting(d -> d.clientId())
        .containsExactly("desk", "phone");

    assertThat(keys.revoke("bob", "nope", 50)).isEmpty();
    assertThat(keys.revoke("alice", "phone", 50)).isEmpty(); // another user's device
    assertThat(keys.revoke("bob", "phone", 50)).hasValue(2); // "secret" and "other"
    assertThat(keys.revoke("bob", "phone", 60)).isEmpty(); // revoked already

    assertThat(keys.revoked("bob", "phone")).isTrue();
    assertThat(keys.revoked("bob", "desk")).isFalse();
    assertThat(keys.devicesOf("bob")).extracting(d -> d.clientId()).containsExactly("desk");
    assertThat(keys.envelopesFor("secret", "bob", "phone")).isEmpty();
    assertThat(keys.envelopesFor("secret", "bob", "desk")).hasSize(1);
    assertThat(keys.rotationDue("secret")).isTrue();
    assertThat(keys.rotationDue("other")).isTrue();
    assertThat(keys.rotationDue("doc")).isFalse();
    assertThat(keys.devices("secret", 1))
        .extracting(d -> d.user() + "/" + d.clientId() + "/" + d.member())
        .containsExactly("alice/laptop/true", "bob/desk/true");
    // Its keys stay, to verify what it sent: it is listed, not as a member's, once it sent some.
    WireSequenced byPhone =
        new WireSequenced(1, "bob", 100, new WireBatch("phone", 1, 0, List.of("[\"x\"]"), 1L));
    assertThat(appendAndWait(appender, new Append("secret", byPhone, null, new byte[32], null)))
        .isEqualTo(AppendOutcome.COMMITTED);
    assertThat(keys.devices("secret", 1))
        .extracting(d -> d.user() + "/" + d.clientId() + "/" + d.member())
        .containsExactly("alice/laptop/true", "bob/desk/true", "bob/phone/false");
    assertThat(keys.device("bob", "phone")).contains(BOB_DESK);

    appender.close();
    storage.close();
    storage = reopen();
    appender = storage.startAppender(nanos -> {});
    assertThat(storage.keys().revoked("bob", "phone")).isTrue(); // durable
  }
}
