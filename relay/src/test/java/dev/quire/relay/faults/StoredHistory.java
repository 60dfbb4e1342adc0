package dev.quire.relay.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.ot.text.GapBuffer;
import dev.quire.relay.store.EmbeddedStorage;
import dev.quire.relay.store.RelayStorage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A document's history as the relay stored it, read from its data directory once the relay is
 * stopped: every sequenced batch, and the head text rebuilt from the relay's own canonical
 * operations.
 */
record StoredHistory(String doc, long head, List<WireSequenced> batches, String headText) {

  static StoredHistory read(Path data, String doc) {
    try (EmbeddedStorage store = EmbeddedStorage.open(data, 2)) {
      return read(store, doc);
    }
  }

  /** The history of {@code doc} as {@code store} holds it (PostgreSQL's, say, while relays run). */
  static StoredHistory read(RelayStorage store, String doc) {
    {
      long head = store.documents().find(doc).orElseThrow().head();
      List<WireSequenced> batches = new ArrayList<>();
      long after = 0;
      while (after < head) {
        List<WireSequenced> page = store.history().page(doc, after, 2000);
        assertThat(page).as("history of %s after %d", doc, after).isNotEmpty();
        batches.addAll(page);
        after = page.get(page.size() - 1).lastRevision();
      }
      GapBuffer text = new GapBuffer();
      List<String> canonical = store.history().canonical(doc, 1, head);
      assertThat(canonical).as("canonical operations of %s", doc).hasSize((int) head);
      for (String op : canonical) {
        assertThat(op).as("canonical operation").isNotNull();
        text.apply(OperationCodec.fromJson(op));
      }
      return new StoredHistory(doc, head, batches, text.toString());
    }
  }

  /**
   * Revisions 1..head, each exactly once, and no batch (author, client id, batch seq) stored twice.
   */
  void assertContiguousAndUnique() {
    long expected = 1;
    Map<String, WireSequenced> seen = new HashMap<>();
    for (WireSequenced b : batches) {
      assertThat(b.firstRevision()).as("first revision of the next batch").isEqualTo(expected);
      expected = b.lastRevision() + 1;
      String key = key(b.author(), b.batch().clientId(), b.batch().batchSeq());
      assertThat(seen.put(key, b)).as("batch %s stored once", key).isNull();
    }
    assertThat(expected - 1).as("last stored revision").isEqualTo(head);
  }

  /**
   * Every batch {@code client} had acknowledged is stored once at the revision the ack gave, its
   * batches are numbered 1, 2, 3... with none missing, and they hold exactly as many operations as
   * it made edits: nothing lost, nothing applied twice.
   */
  void assertHoldsExactlyOnce(SyncClient client) {
    Map<Long, WireSequenced> mine = new HashMap<>();
    int ops = 0;
    for (WireSequenced b : batches) {
      if (b.author().equals(client.user) && b.batch().clientId().equals(client.clientId)) {
        mine.put(b.batch().batchSeq(), b);
        ops += b.batch().size();
      }
    }
    for (long seq = 1; seq <= mine.size(); seq++) {
      assertThat(mine).as("%s's batches", client.clientId).containsKey(seq);
    }
    client.acks.forEach(
        (seq, first) ->
            assertThat(mine.get(seq))
                .as("%s's acknowledged batch %d", client.clientId, seq)
                .isNotNull()
                .extracting(WireSequenced::firstRevision)
                .isEqualTo(first));
    assertThat(client.acks.keySet())
        .as("every batch of %s acknowledged", client.clientId)
        .containsExactlyInAnyOrderElementsOf(mine.keySet());
    assertThat(ops).as("operations stored for %s", client.clientId).isEqualTo(client.editsMade);
    assertThat(client.text).as("text of %s", client.clientId).isEqualTo(headText);
    assertThat(client.sync.revision()).as("revision of %s", client.clientId).isEqualTo(head);
  }

  /**
   * Every batch {@code client} had acknowledged is stored at the revision its ack gave; for a
   * client stopped mid-stream, whose last batches may never have been acknowledged.
   */
  void assertHoldsEveryAck(SyncClient client) {
    Map<Long, Long> stored = new HashMap<>();
    for (WireSequenced b : batches) {
      if (b.author().equals(client.user) && b.batch().clientId().equals(client.clientId)) {
        stored.put(b.batch().batchSeq(), b.firstRevision());
      }
    }
    assertThat(stored)
        .as("%s's acknowledged batches (batch seq -> first revision)", client.clientId)
        .containsAllEntriesOf(client.acks);
  }

  private static String key(String author, String clientId, long seq) {
    return author + "/" + clientId + "/" + seq;
  }
}
