package dev.quire.editor.sync;

import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.operation.OperationSplitter;
import dev.quire.ot.operation.TextOperation;
import java.util.List;

/**
 * How large a document's next batch may be: the relay's limits (operations per batch, bytes per
 * message) as its {@code welcome} says, and, after the relay refused a batch as too large anyway,
 * half the refused batch's size, so that the next batches are smaller whatever the relay's figures.
 * Owner thread only.
 */
final class BatchLimits {
  /** Bytes a submit message takes besides its operations: type, ids, numbers, time. */
  static final int ENVELOPE_BYTES = 1024;

  /** The smallest byte budget for operations that a refusal brings it down to. */
  static final int MIN_OPERATION_BYTES = 256;

  private int maxOperations;
  private long maxMessageBytes = Long.MAX_VALUE;
  private int refusedOperations = Integer.MAX_VALUE;
  private long refusedOperationBytes = Long.MAX_VALUE;

  BatchLimits(int maxOperations) {
    this.maxOperations = maxOperations;
  }

  /** The relay's limits, from its {@code welcome}. */
  void relay(int maxOperations, int maxMessageBytes) {
    this.maxOperations = maxOperations;
    this.maxMessageBytes = maxMessageBytes;
  }

  /** The most operations in a batch. */
  int operations() {
    return Math.max(1, Math.min(maxOperations, refusedOperations));
  }

  /** The most bytes the operations of one batch may take on the wire. */
  long operationBytes() {
    long relay =
        maxMessageBytes == Long.MAX_VALUE ? Long.MAX_VALUE : maxMessageBytes - ENVELOPE_BYTES;
    return Math.max(1, Math.min(relay, refusedOperationBytes));
  }

  /** The bytes {@code op} takes in a batch's operations: its JSON in UTF-8 and a separator. */
  static long wireBytes(TextOperation op) {
    return utf8Bytes(OperationCodec.toJson(op)) + 1;
  }

  /** The bytes {@code s} takes in UTF-8. */
  static long utf8Bytes(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
    }
    return n;
  }

  /** {@code op} cut into parts that each fit a batch alone, or {@code op} when it does. */
  List<TextOperation> fit(TextOperation op) {
    return OperationSplitter.split(op, operationBytes(), BatchLimits::wireBytes);
  }

  /**
   * The relay refused a batch of {@code ops} as too large: for its operation count when {@code
   * tooManyOperations}, else for its bytes. Later batches take at most half as much. False when the
   * batch cannot be sent smaller: one operation that cannot be cut, or a few hundred bytes, which
   * no relay refuses unless something else is wrong.
   */
  boolean refused(List<TextOperation> ops, boolean tooManyOperations) {
    if (tooManyOperations) {
      if (ops.size() <= 1) {
        return false;
      }
      refusedOperations = Math.min(refusedOperations, ops.size() / 2);
      return true;
    }
    long bytes = 0;
    for (TextOperation op : ops) {
      bytes += wireBytes(op);
    }
    if (bytes <= MIN_OPERATION_BYTES) {
      return false; // the relay refuses what any relay takes: smaller would not help
    }
    refusedOperationBytes =
        Math.min(refusedOperationBytes, Math.max(MIN_OPERATION_BYTES, bytes / 2));
    return true;
  }
}
