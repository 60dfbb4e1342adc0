package dev.quire.relay.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.HistoryStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The commit point on a real PostgreSQL: what one group of appends decides, append by append. */
class PgAppendGroupTest {
  private PostgresStorage storage;

  @BeforeEach
  void open() {
    storage = PostgresStorage.open(PgUrl.of(PostgresServer.freshDatabase(), Map.of()), 4);
    storage.users().add("alice");
    storage.documents().create("d1", "One", "alice", 1);
    storage.documents().create("d2", "Two", "alice", 1);
  }

  @AfterEach
  void close() {
    storage.close();
  }

  static HistoryStore.Append append(
      String doc, long first, String client, long seq, String... ops) {
    WireSequenced e =
        new WireSequenced(
            first, "alice", 1000 + first, new WireBatch(client, seq, first - 1, List.of(ops)));
    byte[] digest = new byte[32];
    byte[] text = (doc + client + seq + String.join(",", ops)).getBytes(StandardCharsets.UTF_8);
    System.arraycopy(text, 0, digest, 0, Math.min(32, text.length));
    return new HistoryStore.Append(doc, e, null, digest, null);
  }

  private PgAppendGroup.Result append(HistoryStore.Append a) throws Exception {
    CompletableFuture<PgAppendGroup.Result> r = new CompletableFuture<>();
    storage.appender().append(a, r::complete);
    return r.get(30, TimeUnit.SECONDS);
  }

  @Test
  void commitsAtTheHeadAndRefusesAStaleHead() throws Exception {
    assertThat(append(append("d1", 1, "c1", 1, "[\"a\"]")))
        .isInstanceOf(PgAppendGroup.Committed.class);
    assertThat(append(append("d1", 2, "c1", 2, "[1,\"b\"]", "[2,\"c\"]")))
        .isInstanceOf(PgAppendGroup.Committed.class);
    assertThat(append(append("d1", 2, "c2", 1, "[\"x\"]")))
        .isEqualTo(new PgAppendGroup.Conflict(3));
    assertThat(storage.documents().find("d1").orElseThrow().head()).isEqualTo(3);
    assertThat(storage.history().page("d1", 0, 100, Long.MAX_VALUE))
        .extracting(WireSequenced::firstRevision)
        .containsExactly(1L, 2L);
  }

  @Test
  void aResendIsAnsweredWithItsOriginalRevisions() throws Exception {
    append(append("d1", 1, "c1", 1, "[\"a\"]"));
    append(append("d1", 2, "c2", 1, "[\"b\"]"));
    // c1 resends its batch 1, sequenced by another relay at revision 3.
    PgAppendGroup.Result r = append(append("d1", 3, "c1", 1, "[\"a\"]"));
    assertThat(r).isInstanceOf(PgAppendGroup.Duplicate.class);
    assertThat(((PgAppendGroup.Duplicate) r).original().firstRevision()).isEqualTo(1);
    assertThat(storage.documents().find("d1").orElseThrow().head()).isEqualTo(2);
  }
}
