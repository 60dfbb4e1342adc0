package dev.quire.relay;

import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.SequencerState.ClientKey;
import dev.quire.relay.store.HistoryStore.StoredBatch;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * One document's revision numbers and deduplication, as plain state: the head, and each client's
 * latest batch, to tell a new batch from a resend. It decides and remembers; it reads and writes
 * nothing else, so it is tested without sockets, threads or storage (as Apache Wave's {@code
 * ConcurrencyControlCore} is). Confined to the document's executor.
 *
 * <p>A batch is given the revisions after the head ({@link #assign}) before it is stored. When
 * another writer took them, the document reads its sequencer again at the new head.
 */
final class Sequencer {
  private long head;
  private final Map<ClientKey, StoredBatch> latest;

  /**
   * @param head the document's head revision
   * @param latest each client's latest batch at {@code head} (kept and updated: not copied)
   */
  Sequencer(long head, Map<ClientKey, StoredBatch> latest) {
    if (head < 0) {
      throw new IllegalArgumentException("head < 0: " + head);
    }
    this.head = head;
    this.latest = Objects.requireNonNull(latest, "latest == null");
  }

  long head() {
    return head;
  }

  /**
   * The latest batch of {@code client} when {@code batchSeq} is not beyond it (the batch was sent
   * before: it is that one or an earlier one), or null when the batch is new.
   */
  StoredBatch repeated(ClientKey client, long batchSeq) {
    StoredBatch last = latest.get(client);
    return last != null && batchSeq <= last.batchSeq() ? last : null;
  }

  /**
   * Checks that a resent batch is the one stored as {@code earlier} (the batch of that sequence
   * number, or the first later one of its client when there is none), with the same content.
   *
   * @throws Refusal {@code BATCH_CONFLICT} when it was sent out of order or with other content
   */
  static void requireSameBatch(WireBatch wb, byte[] digest, StoredBatch earlier) {
    if (earlier.batchSeq() != wb.batchSeq()) {
      throw new Refusal(
          ErrorCode.BATCH_CONFLICT,
          "batch "
              + wb.batchSeq()
              + " of client "
              + wb.clientId()
              + " comes after its batch "
              + earlier.batchSeq()
              + ": batches must be sent in order");
    }
    if (!Arrays.equals(digest, earlier.digest())) {
      throw new Refusal(
          ErrorCode.BATCH_CONFLICT,
          "batch "
              + wb.batchSeq()
              + " of client "
              + wb.clientId()
              + " was sequenced before with other content");
    }
  }

  /**
   * Refuses a batch based on a revision the document does not have yet.
   *
   * @throws Refusal {@code BASE_AHEAD}
   */
  void requireKnownBase(WireBatch wb) {
    if (wb.baseRevision() > head) {
      throw new Refusal(
          ErrorCode.BASE_AHEAD,
          "batch base revision " + wb.baseRevision() + " is beyond the head revision " + head);
    }
  }

  /**
   * Gives a new batch the revisions after the head and remembers it as its client's latest: the
   * head moves past it at once, so the next batch can be given its revisions before this one is
   * stored.
   */
  WireSequenced assign(ClientKey client, WireBatch wb, byte[] digest, long nowMillis) {
    WireSequenced entry =
        new WireSequenced(
            head + 1, client.author(), nowMillis, wb.withMadeAt(madeAt(wb, nowMillis)));
    head = entry.lastRevision();
    latest.put(
        client,
        new StoredBatch(wb.batchSeq(), entry.firstRevision(), wb.size(), nowMillis, digest));
    return entry;
  }

  /** The latest batch of {@code client} given its revisions, or null. */
  StoredBatch latest(ClientKey client) {
    return latest.get(client);
  }

  /**
   * Takes back the last batch given its revisions ({@code entry}, of {@code client}), which was not
   * stored: the head returns to before it and the client's latest batch to {@code previous} (null:
   * none), as {@link #latest} said before {@link #assign}. Batches are taken back last first.
   *
   * @throws IllegalStateException when {@code entry} does not end at the head
   */
  void takeBack(WireSequenced entry, ClientKey client, StoredBatch previous) {
    if (entry.lastRevision() != head) {
      throw new IllegalStateException(
          "taking back revisions " + entry.firstRevision() + ".. at head " + head);
    }
    head = entry.firstRevision() - 1;
    if (previous == null) {
      latest.remove(client);
    } else {
      latest.put(client, previous);
    }
  }

  /**
   * Takes in a batch another writer stored right after the head, with its {@code digest}: the head
   * moves past it, and it is its client's latest batch unless a later one is known.
   *
   * @throws IllegalStateException when {@code entry} does not start right after the head
   */
  void takeIn(WireSequenced entry, byte[] digest) {
    if (entry.firstRevision() != head + 1) {
      throw new IllegalStateException(
          "taking in revisions " + entry.firstRevision() + ".. at head " + head);
    }
    head = entry.lastRevision();
    WireBatch wb = entry.batch();
    latest.merge(
        new ClientKey(entry.author(), wb.clientId()),
        new StoredBatch(
            wb.batchSeq(), entry.firstRevision(), wb.size(), entry.timestampMillis(), digest),
        (known, other) -> other.batchSeq() > known.batchSeq() ? other : known);
  }

  /** The most an author's clock may be ahead of the relay's before its time is not believed. */
  static final long MAX_MADE_AHEAD_MILLIS = 24L * 60 * 60 * 1000;

  /**
   * The author's time as stored: as sent, unless it is more than a day after the relay's clock (the
   * author's clock is wrong), when the relay's time stands instead.
   */
  static long madeAt(WireBatch wb, long nowMillis) {
    return wb.madeAt() > nowMillis + MAX_MADE_AHEAD_MILLIS ? nowMillis : wb.madeAt();
  }
}
