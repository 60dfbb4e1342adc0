package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.OutboxChange;
import dev.quire.editor.store.Revision;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.ot.sync.Batch;
import dev.quire.ot.sync.Canonicaliser;
import dev.quire.ot.sync.MemoryLog;
import dev.quire.ot.sync.SequencedBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch based on a revision older than the log held in memory (a collaborator's batch formed long
 * ago and resent): the older revisions are read from the store and it is canonicalised exactly as
 * every other replica does.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OldBaseTest {
  @TempDir Path dir;

  @Test
  void batchBasedBeforeTheLoadedWindow_isCanonicalisedFromTheStore() throws Exception {
    int n = 1500;
    MemoryLog reference = new MemoryLog();
    List<Revision> revs = new ArrayList<>();
    List<LocalStore.Checkpoint> cps = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (int r = 1; r <= n; r++) {
      TextOperation op = TextOperation.splice(text.length(), 0, 0, "x"); // prepend
      SequencedBatch sb = new SequencedBatch(r, "bob", r, new Batch("cb", r, r - 1, List.of(op)));
      reference.append(sb, Canonicaliser.canonicalise(reference, sb.batch()));
      revs.add(new Revision(r, r - 1, r, "bob", "cb", r, r, op, op));
      text.insert(0, 'x');
      if (r % LocalStore.CHECKPOINT_INTERVAL == 0) {
        cps.add(new LocalStore.Checkpoint(r, text.toString()));
      }
    }
    // Carol's batch was made at revision 500, inserting at its end.
    TextOperation old = TextOperation.splice(500, 500, 0, "!");
    SequencedBatch late =
        new SequencedBatch(n + 1, "carol", 9, new Batch("cc", 1, 500, List.of(old)));
    List<TextOperation> expected = Canonicaliser.canonicalise(reference, late.batch());
    String expectedText = expected.get(0).apply(text.toString());

    FakeRelay fake =
        FakeRelay.begin(
            (m, conn) -> {
              if (m instanceof ClientMessage.Hello) {
                return List.of(
                    ProtocolCodec.encode(
                        new ServerMessage.Welcome(
                            1, "alice", "s", false, TestRelay.LIMITS, "fake-relay")));
              }
              if (m instanceof ClientMessage.Open) {
                return List.of(
                    FakeRelay.encode(
                        new ServerMessage.History(
                            "doc", List.of(WireSequenced.of(late)), n + 1, true)));
              }
              return List.of();
            });
    try (TestClient c = new TestClient(dir.resolve("p"), fake.uri(), "t", "alice")) {
      c.addRemoteDocument("doc");
      c.store.received("doc", revs, cps, new OutboxChange.Unchanged()).get();
      DocumentSession s = c.open("doc");
      assertThat(c.onOwner(() -> s.log().firstHeld())).isEqualTo(1001L);
      c.start();
      TestClient.await("taken", () -> c.onOwner(s::revision) == n + 1);
      assertThat(c.text(s)).isEqualTo(expectedText);
      c.store.flush().get();
      assertThat(c.store.revisions("doc", n + 1, n + 1).get().get(0).operation())
          .isEqualTo(expected.get(0));
      assertThat(c.problems).isEmpty();
    } finally {
      fake.shutDown();
    }
  }
}
