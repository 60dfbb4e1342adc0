package dev.quire.relay.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GroupCommitterTest {
  @TempDir Path dir;
  EmbeddedStorage store;
  GroupCommitter committer;
  final AtomicInteger commits = new AtomicInteger();

  @BeforeEach
  void open() {
    store = EmbeddedStorage.open(dir, 4);
    store.users().add("alice");
    for (String doc : List.of("a", "b")) {
      store.documents().create(doc, "T", "alice", 1, PayloadKind.READABLE);
    }
    committer = store.startAppender(nanos -> commits.incrementAndGet());
  }

  @AfterEach
  void close() {
    committer.close();
    store.close();
  }

  private static HistoryStore.Append append(String doc, long first, long seq) {
    WireSequenced e =
        new WireSequenced(
            first, "alice", 100 + seq, new WireBatch("c", seq, first - 1, ops(seq), 1_000L));
    return new HistoryStore.Append(doc, e, null, new byte[32], null);
  }

  private static List<String> ops(long seq) {
    return List.of("\"op" + seq + "\"");
  }

  @Test
  void aJournalPast16MiB_isEmptiedAfterH2IsClosedAndOpenedAgain_andWorkGoesOn() throws Exception {
    String big = "\"" + "x".repeat(200_000) + "\"";
    int count = 90; // about 18 MB
    CountDownLatch done = new CountDownLatch(count);
    for (int i = 1; i <= count; i++) {
      WireSequenced e =
          new WireSequenced(
              i, "alice", 100 + i, new WireBatch("c", i, i - 1, List.of(big), 1_000L));
      committer.append(
          new HistoryStore.Append("a", e, null, new byte[32], null),
          outcome -> {
            StoreException failure = failure(outcome);
            assertThat(failure).isNull();
            done.countDown();
          });
    }
    assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
    Path journalFile = dir.resolve(Journal.FILE_NAME);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (java.nio.file.Files.size(journalFile) > 8 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(java.nio.file.Files.size(journalFile)).as("journal emptied").isEqualTo(8);
    // H2, opened again, holds everything and takes more: reads, appends and other changes.
    assertThat(store.documents().find("a").orElseThrow().head()).isEqualTo(count);
    CountDownLatch next = new CountDownLatch(1);
    committer.append(
        append("a", count + 1, count + 1),
        outcome -> {
          StoreException failure = failure(outcome);
          assertThat(failure).isNull();
          next.countDown();
        });
    assertThat(next.await(10, TimeUnit.SECONDS)).isTrue();
    store.documents().rename("a", "After", 2);
    assertThat(store.documents().find("a").orElseThrow())
        .satisfies(d -> assertThat(d.head()).isEqualTo(count + 1))
        .satisfies(d -> assertThat(d.title()).isEqualTo("After"));
  }

  @Test
  void appendsOfSeveralDocuments_areCommittedInOrderAndToldOnlyAfterwards() throws Exception {
    int perDoc = 100;
    List<String> told = Collections.synchronizedList(new ArrayList<>());
    List<String> headsWhenTold = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(2 * perDoc);
    for (int i = 1; i <= perDoc; i++) {
      for (String doc : List.of("a", "b")) {
        String name = doc + i;
        long rev = i;
        committer.append(
            append(doc, i, i),
            outcome -> {
              StoreException failure = failure(outcome);
              assertThat(failure).isNull();
              told.add(name);
              // Committed means visible to any other connection by now.
              if (store.documents().find(doc).orElseThrow().head() < rev) {
                headsWhenTold.add(name);
              }
              done.countDown();
            });
      }
    }
    assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(headsWhenTold).as("told before committed").isEmpty();
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= perDoc; i++) {
      expected.add("a" + i);
      expected.add("b" + i);
    }
    assertThat(told).containsExactlyElementsOf(expected);
    assertThat(store.history().page("a", 0, 1000)).hasSize(perDoc);
    assertThat(store.history().page("b", 0, 1000)).hasSize(perDoc);
    assertThat(commits.get()).isBetween(1, 2 * perDoc);
    // Idle only once the last group's outcomes were told (so a stopping relay waits for them).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!committer.isIdle() && System.nanoTime() < deadline) {
      Thread.sleep(1); // bounded poll: nothing signals the committer turning idle
    }
    assertThat(committer.isIdle()).isTrue();
  }

  @Test
  void aBadAppendInAGroup_failsAloneAndStoresNothing() throws Exception {
    // Hold the committer busy with a first append so the next three land in one group.
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(4);
    List<String> outcomes = Collections.synchronizedList(new ArrayList<>());
    committer.append(
        append("a", 1, 1),
        outcome -> {
          StoreException failure = failure(outcome);
          awaitQuietly(release);
          outcomes.add("a1 " + (failure == null));
          done.countDown();
        });
    committer.append(append("b", 1, 1), o -> record(outcomes, "b1", failure(o), done));
    committer.append(
        append("a", 5, 2), o -> record(outcomes, "a-stale", failure(o), done)); // head is 1
    committer.append(append("a", 2, 3), o -> record(outcomes, "a2", failure(o), done));
    release.countDown();
    assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(outcomes)
        .containsExactly("a1 true", "b1 true", "a-stale not at revision 4", "a2 true");
    assertThat(store.documents().find("a").orElseThrow().head()).isEqualTo(2);
    assertThat(store.documents().find("b").orElseThrow().head()).isEqualTo(1);
    assertThat(store.history().findBatchAtOrAfter("a", "alice", "c", 2))
        .get()
        .extracting(HistoryStore.StoredBatch::batchSeq)
        .isEqualTo(3L); // batch 2 (the stale one) was never stored
    assertThat(store.history().page("a", 0, 100)).hasSize(2);
  }

  @Test
  void tryAppendNow_commitsOnTheCallersThreadOnlyWhenTheCommitterIsIdle() throws Exception {
    List<String> told = Collections.synchronizedList(new ArrayList<>());
    boolean done =
        committer.tryAppendNow(
            append("a", 1, 1), o -> told.add(Thread.currentThread().getName() + " " + failure(o)));
    assertThat(done).isTrue();
    assertThat(told).containsExactly(Thread.currentThread().getName() + " null");
    assertThat(store.documents().find("a").orElseThrow().head()).isEqualTo(1);

    // While a group is being committed (its outcome handler holds the committer), it declines.
    CountDownLatch inGroup = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    committer.append(
        append("b", 1, 1),
        f -> {
          inGroup.countDown();
          awaitQuietly(release);
        });
    assertThat(inGroup.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(committer.tryAppendNow(append("a", 2, 2), f -> told.add("should not run")))
        .isFalse();
    release.countDown();
    assertThat(told).hasSize(1);
    assertThat(store.documents().find("a").orElseThrow().head()).isEqualTo(1);
  }

  @Test
  void aJournalThatCannotBeWritten_failsTheAppend_andStoresNothing() throws Exception {
    store.journal().close(); // every write now fails, as on a disk that went away
    CountDownLatch done = new CountDownLatch(1);
    List<StoreException> failures = Collections.synchronizedList(new ArrayList<>());
    committer.append(
        append("a", 1, 1),
        o -> {
          failures.add(failure(o));
          done.countDown();
        });
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(failures)
        .singleElement()
        .satisfies(f -> assertThat(f).hasMessageContaining("journal"));
    assertThat(store.documents().find("a").orElseThrow().head()).isZero();
    assertThat(store.history().page("a", 0, 10)).isEmpty();
  }

  @Test
  void acknowledgedAppends_areReadableAtOnce_evenBeforeH2IsDone() throws Exception {
    // A read waits for H2 to hold every append acknowledged before it: 500 appends, each read
    // right after its outcome, never miss one.
    for (int i = 1; i <= 500; i++) {
      CountDownLatch done = new CountDownLatch(1);
      committer.append(append("a", i, i), f -> done.countDown());
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(store.history().page("a", i - 1, 10)).hasSize(1);
    }
  }

  @Test
  void aReadOfOneDocument_doesNotWaitForAnotherDocumentsPendingAppends() throws Exception {
    // The journal thread is held in the outcome of a's first append, so a's second append stays
    // pending (given, not yet in the journal nor in H2) until the test lets it go.
    CountDownLatch inOutcome = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    committer.append(
        append("a", 1, 1),
        outcome -> {
          inOutcome.countDown();
          try {
            release.await(25, TimeUnit.SECONDS); // longer than any read below may take
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertThat(inOutcome.await(10, TimeUnit.SECONDS)).isTrue();
    CountDownLatch secondDone = new CountDownLatch(1);
    committer.append(append("a", 2, 2), outcome -> secondDone.countDown());
    try {
      // Another document's history, users, roles: answered while a's append is pending.
      CompletableFuture<Integer> otherDocument =
          CompletableFuture.supplyAsync(() -> store.history().page("b", 0, 10).size());
      assertThat(otherDocument.get(5, TimeUnit.SECONDS)).isZero();
      CompletableFuture<Boolean> user =
          CompletableFuture.supplyAsync(() -> store.users().isActive("alice"));
      assertThat(user.get(5, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Boolean> role =
          CompletableFuture.supplyAsync(() -> store.documents().role("a", "alice").isPresent());
      assertThat(role.get(5, TimeUnit.SECONDS)).isTrue();

      // a's own history waits for it: it cannot be read before the append is let go.
      CompletableFuture<Integer> sameDocument =
          CompletableFuture.supplyAsync(() -> store.history().page("a", 0, 10).size());
      assertThat(sameDocument).isNotDone();
      release.countDown();
      assertThat(sameDocument.get(10, TimeUnit.SECONDS)).isEqualTo(2);
      assertThat(secondDone.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      release.countDown();
    }
  }

  /**
   * The failure an outcome reports, or null when committed: this committer reports nothing else.
   */
  private static StoreException failure(AppendOutcome outcome) {
    if (outcome == AppendOutcome.COMMITTED) {
      return null;
    }
    assertThat(outcome).isInstanceOf(AppendOutcome.Failed.class);
    return ((AppendOutcome.Failed) outcome).cause();
  }

  private static void record(List<String> out, String name, StoreException f, CountDownLatch l) {
    out.add(
        f == null
            ? name + " true"
            : name + " " + f.getMessage().replaceAll(".*(not at revision \\d+).*", "$1"));
    l.countDown();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
