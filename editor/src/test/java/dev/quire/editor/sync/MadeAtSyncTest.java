package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.Revision;
import dev.quire.ot.operation.TextOperation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Edits made offline keep the time they were made when they are synced later (protocol 4). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MadeAtSyncTest {
  private static final long NINE_AM = 1_767_258_000_000L; // 2026-01-01T09:00:00Z
  private static final long STEP = 36_000; // 1,000 edits over ten hours

  @TempDir Path dir;
  private TestRelay relay;
  private TestClient alice;

  @AfterEach
  void tearDown() {
    if (alice != null) {
      alice.close();
    }
    if (relay != null) {
      relay.close();
    }
  }

  @Test
  void thousandOfflineEdits_syncedLater_keepTheTimesTheyWereMade() throws Exception {
    relay = TestRelay.start(dir.resolve("relay"));
    String token = relay.user("alice");
    relay.document("doc", "alice");
    alice = new TestClient(dir.resolve("alice"), relay.uri(), token, "alice");
    alice.addRemoteDocument("doc");
    List<TextOperation> ops = new ArrayList<>();
    List<Long> madeAt = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      ops.add(TextOperation.builder().retain(i).insert("x").build());
      madeAt.add(NINE_AM + i * STEP); // the simulated clock of the offline edits
    }
    alice.store.localEdits("doc", ops, madeAt).get();

    long syncStarted = System.currentTimeMillis();
    DocumentSession a = alice.open("doc");
    alice.start();
    TestClient.await("all synced", () -> alice.onOwner(a::revision) == 1000L);
    alice.awaitSettled();

    List<Revision> revs = alice.store.revisions("doc", 1, 1000).get();
    assertThat(revs).hasSize(1000);
    for (int i = 0; i < 1000; i++) {
      Revision r = revs.get(i);
      long made = NINE_AM + i * STEP;
      // a batch carries its first edit's time, and holds edits made within five minutes of it
      assertThat(r.madeAtMillis())
          .as("revision %d", r.revision())
          .isBetween(made - DocumentSession.BATCH_TIME_SPAN_MILLIS, made);
      assertThat(r.timestampMillis()).as("synced now").isGreaterThanOrEqualTo(syncStarted);
    }
    assertThat(revs.get(999).madeAtMillis() - revs.get(0).madeAtMillis())
        .isGreaterThan(9 * 3_600_000L);
    assertThat(alice.problems).isEmpty();
  }
}
