package dev.quire.relay;

import dev.quire.ot.codec.MalformedMessageException;
import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.operation.OperationMismatchException;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.sync.Batch;
import dev.quire.ot.sync.Canonicaliser;
import dev.quire.relay.store.PayloadKind;
import java.util.ArrayList;
import java.util.List;

/**
 * What the relay does with a document's operations, by the document's {@link PayloadKind}: readable
 * documents have each batch validated and canonicalised against the head text, with a checkpoint of
 * the text when {@link CheckpointPolicy} says so; opaque ones are stored and served as sent.
 * Stateless.
 */
abstract class PayloadPolicy {

  /** What to store with a batch besides its operations as sent. */
  record Prepared(List<TextOperation> canonical, List<String> canonicalJson, String checkpoint) {
    static final Prepared AS_SENT = new Prepared(null, null, null);
  }

  static final PayloadPolicy OPAQUE = new Opaque();

  /**
   * The policy for {@code kind}, readable ones keeping checkpoints at least {@code
   * checkpointInterval} revisions apart unless the operations since outgrow the text ({@link
   * CheckpointPolicy}).
   */
  static PayloadPolicy of(PayloadKind kind, int checkpointInterval) {
    return kind.opaque() ? OPAQUE : new Readable(new CheckpointPolicy(checkpointInterval));
  }

  /** True when the relay reads the document's operations (and keeps its head text). */
  abstract boolean readsPayloads();

  /**
   * Checks a batch to be placed after revision {@code head} and prepares what is stored with it.
   *
   * @throws Refusal when the batch cannot be placed ({@code MALFORMED}, {@code OPERATION_MISMATCH},
   *     {@code UNREADABLE_DOCUMENT})
   */
  abstract Prepared prepare(SequencerState state, long head, WireBatch wb);

  /** The prepared batch was given its revisions: the head text moves on. */
  abstract void placed(SequencerState state, Prepared prepared);

  /**
   * The prepared batch was given its revisions but may yet be taken back (other writers share the
   * document): later batches are placed after it, and the head text moves on once it is {@link
   * #stored}.
   */
  void placedPending(SequencerState state, Prepared prepared) {}

  /** The oldest pending batch, of {@code operations} operations, is stored. */
  void stored(SequencerState state, int operations) {}

  /** The pending batches were not stored. */
  void takeBackPending(SequencerState state) {}

  /**
   * Another writer's batch, stored right after the head, with its canonical operations (null when
   * they were not computed): the head text moves past it.
   *
   * @return false when it cannot (no canonical operations): the state must be read again
   */
  boolean takeIn(SequencerState state, List<String> canonical) {
    return true;
  }

  private static final class Opaque extends PayloadPolicy {
    @Override
    boolean readsPayloads() {
      return false;
    }

    @Override
    Prepared prepare(SequencerState state, long head, WireBatch wb) {
      return Prepared.AS_SENT;
    }

    @Override
    void placed(SequencerState state, Prepared prepared) {}
  }

  private static final class Readable extends PayloadPolicy {
    private final CheckpointPolicy checkpoints;

    Readable(CheckpointPolicy checkpoints) {
      this.checkpoints = checkpoints;
    }

    @Override
    boolean readsPayloads() {
      return true;
    }

    @Override
    Prepared prepare(SequencerState state, long head, WireBatch wb) {
      if (state.unreadable() != null) {
        throw new Refusal(ErrorCode.UNREADABLE_DOCUMENT, state.unreadable());
      }
      DocumentText t = state.text();
      List<TextOperation> canonical = canonicalise(t, wb);
      List<String> json = new ArrayList<>(canonical.size());
      for (TextOperation op : canonical) {
        json.add(OperationCodec.toJson(op));
      }
      String checkpoint = t.checkpointDue(checkpoints, canonical) ? t.textAfter(canonical) : null;
      return new Prepared(canonical, json, checkpoint);
    }

    @Override
    void placed(SequencerState state, Prepared prepared) {
      state.text().applied(prepared.canonical());
      if (prepared.checkpoint() != null) {
        state.text().checkpointed();
      }
    }

    @Override
    void placedPending(SequencerState state, Prepared prepared) {
      state.text().placed(prepared.canonical());
      if (prepared.checkpoint() != null) {
        state.text().checkpointed();
      }
    }

    @Override
    void stored(SequencerState state, int operations) {
      if (state.text() != null) {
        state.text().stored(operations);
      }
    }

    @Override
    void takeBackPending(SequencerState state) {
      if (state.text() != null) {
        state.text().takeBackPending();
      }
    }

    @Override
    boolean takeIn(SequencerState state, List<String> canonical) {
      if (state.text() == null) {
        return true; // unreadable: nothing is placed in it
      }
      if (canonical == null) {
        return false;
      }
      List<TextOperation> ops = new ArrayList<>(canonical.size());
      try {
        for (String json : canonical) {
          ops.add(OperationCodec.fromJson(json));
        }
        state.text().applied(ops);
      } catch (RuntimeException e) { // not operations that fit: read the document again
        return false;
      }
      return true;
    }

    private static List<TextOperation> canonicalise(DocumentText text, WireBatch wb) {
      Batch batch;
      try {
        batch = wb.toBatch();
      } catch (MalformedMessageException e) {
        throw new Refusal(ErrorCode.MALFORMED, e.getMessage());
      }
      try {
        return Canonicaliser.canonicalise(text, batch);
      } catch (OperationMismatchException e) {
        throw new Refusal(ErrorCode.OPERATION_MISMATCH, e.getMessage());
      }
    }
  }
}
