package dev.quire.relay;

import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.sync.CanonicalLog;
import dev.quire.ot.sync.SequencedBatch;
import dev.quire.ot.text.GapBuffer;
import dev.quire.relay.store.HistoryStore;
import java.util.ArrayList;
import java.util.List;

/**
 * What a relay that reads payloads keeps of a document: the head text and a window of recent
 * canonical operations, backed by the stored log for older ones. It is the {@link CanonicalLog} the
 * relay canonicalises submitted batches against. Confined to the document's executor.
 */
final class DocumentText implements CanonicalLog {
  private final String doc;
  private final HistoryStore history;

  /** The most recent revisions kept in memory; grows when a batch's base was further back. */
  private int retain;

  /** A client far behind (a base long ago) must not make the relay hold its whole log. */
  private static final int MAX_RETAIN = 100_000;

  private final GapBuffer text;
  private final List<TextOperation> window = new ArrayList<>();
  private long windowStart; // revision of window.get(0)
  private long head; // of text and window
  // Canonical operations placed after head but not yet stored (several writers: they may be taken
  // back). Batches are canonicalised against them, and they reach the text once stored.
  private final List<TextOperation> pending = new ArrayList<>();
  // The latest checkpoint at or before head, and the size of the operations after it up to head
  // (CheckpointPolicy.size): what decides the next one.
  private long checkpointAt;
  private long sizeSinceCheckpoint;
  // The revisions after head of checkpoints placed with pending batches, in order.
  private final List<Long> pendingCheckpoints = new ArrayList<>();

  private DocumentText(String doc, HistoryStore history, int keep, String text, long revision) {
    this.doc = doc;
    this.history = history;
    this.retain = keep;
    this.text = new GapBuffer(text);
    this.head = revision;
    this.windowStart = revision + 1;
    this.checkpointAt = revision;
  }

  /**
   * Loads the text at {@code head}: the latest checkpoint plus the canonical operations after it.
   *
   * @throws IllegalStateException when a revision lacks its canonical operation
   */
  static DocumentText load(String doc, HistoryStore history, long head, int keep) {
    long from = history.checkpointAtOrBefore(doc, head).orElse(0);
    String start = from == 0 ? "" : history.checkpoint(doc, from).orElseThrow().text();
    DocumentText t = new DocumentText(doc, history, keep, start, from);
    // In pages: the operations since the checkpoint may be many small ones (CheckpointPolicy
    // bounds their size, not their count); the window keeps the latest of them.
    for (long r = from + 1; r <= head; r += LOAD_PAGE) {
      t.apply(t.readCanonical(r, Math.min(head, r + LOAD_PAGE - 1)));
    }
    return t;
  }

  /** How many revisions {@link #load} reads at a time. */
  private static final int LOAD_PAGE = 10_000;

  @Override
  public long head() {
    return head + pending.size();
  }

  @Override
  public TextOperation operation(long revision) {
    if (revision < 1 || revision > head()) {
      throw new IndexOutOfBoundsException("revision " + revision + " outside 1.." + head());
    }
    if (revision > head) {
      return pending.get((int) (revision - head - 1));
    }
    if (revision < windowStart) {
      List<TextOperation> older = readCanonical(revision, windowStart - 1);
      window.addAll(0, older);
      windowStart = revision;
      // Under load many authors' bases lag this far: keep them in memory rather than reading and
      // decoding them from the database for every batch.
      retain = (int) Math.min(MAX_RETAIN, Math.max(retain, head - revision + 1));
    }
    return window.get((int) (revision - windowStart));
  }

  @Override
  public void append(SequencedBatch sequenced, List<TextOperation> canonical) {
    throw new UnsupportedOperationException("use applied(...) after the batch is committed");
  }

  /**
   * The batch's canonical operations were committed at revisions head + 1 onwards.
   *
   * @throws IllegalStateException while operations are pending
   */
  void applied(List<TextOperation> canonical) {
    if (!pending.isEmpty()) {
      throw new IllegalStateException(pending.size() + " operations are pending");
    }
    apply(canonical);
  }

  /**
   * The batch's canonical operations were placed at revisions {@link #head()} + 1 onwards, not yet
   * stored: later batches are canonicalised after them; {@link #stored} or {@link #takeBackPending}
   * decides.
   */
  void placed(List<TextOperation> canonical) {
    pending.addAll(canonical);
  }

  /** The first {@code count} pending operations were stored: they reach the text. */
  void stored(int count) {
    if (count > pending.size()) {
      throw new IllegalStateException(count + " stored of " + pending.size() + " pending");
    }
    List<TextOperation> done = new ArrayList<>(pending.subList(0, count));
    pending.subList(0, count).clear();
    apply(done);
  }

  /** The pending operations were not stored: the head returns to the text's. */
  void takeBackPending() {
    pending.clear();
    pendingCheckpoints.clear();
  }

  /**
   * True when {@code policy} wants a checkpoint after {@code canonical}, placed at revisions {@link
   * #head()} + 1 onwards.
   */
  boolean checkpointDue(CheckpointPolicy policy, List<TextOperation> canonical) {
    long at = checkpointAt;
    long size = sizeSinceCheckpoint;
    long r = head;
    int next = 0; // the next pending checkpoint
    for (TextOperation op : pending) {
      r++;
      size += CheckpointPolicy.size(op);
      if (next < pendingCheckpoints.size() && pendingCheckpoints.get(next) == r) {
        at = r;
        size = 0;
        next++;
      }
    }
    for (TextOperation op : canonical) {
      size += CheckpointPolicy.size(op);
    }
    long length =
        !canonical.isEmpty()
            ? canonical.get(canonical.size() - 1).targetLength()
            : !pending.isEmpty() ? pending.get(pending.size() - 1).targetLength() : text.length();
    return policy.due(head() + canonical.size() - at, size, length);
  }

  /**
   * A checkpoint of the text at {@link #head()} goes with the batch just applied or placed: the
   * next one is counted from there.
   */
  void checkpointed() {
    if (pending.isEmpty()) {
      checkpointAt = head;
      sizeSinceCheckpoint = 0;
    } else {
      pendingCheckpoints.add(head());
    }
  }

  private void apply(List<TextOperation> canonical) {
    for (TextOperation op : canonical) {
      text.apply(op);
      window.add(op);
      head++;
      sizeSinceCheckpoint += CheckpointPolicy.size(op);
      if (!pendingCheckpoints.isEmpty() && pendingCheckpoints.get(0) == head) {
        pendingCheckpoints.remove(0);
        checkpointAt = head;
        sizeSinceCheckpoint = 0;
      }
    }
    if (window.size() > 2 * retain) {
      int drop = window.size() - retain;
      window.subList(0, drop).clear();
      windowStart += drop;
    }
  }

  /**
   * The text at {@link #head()} (pending operations included) followed by {@code canonical},
   * without changing anything.
   */
  String textAfter(List<TextOperation> canonical) {
    // A scratch buffer keeps this linear in the text plus the edits; applying each operation to a
    // String would copy the whole text once per operation.
    GapBuffer scratch = new GapBuffer(text.toString());
    for (TextOperation op : pending) {
      scratch.apply(op);
    }
    for (TextOperation op : canonical) {
      scratch.apply(op);
    }
    return scratch.toString();
  }

  String text() {
    return text.toString();
  }

  private List<TextOperation> readCanonical(long from, long to) {
    if (from > to) {
      return List.of();
    }
    List<String> json = history.canonical(doc, from, to);
    if (json.size() != to - from + 1) {
      throw new IllegalStateException(
          "document " + doc + " has " + json.size() + " log rows in " + from + ".." + to);
    }
    List<TextOperation> ops = new ArrayList<>(json.size());
    for (int i = 0; i < json.size(); i++) {
      if (json.get(i) == null) {
        throw new IllegalStateException(
            "document " + doc + " revision " + (from + i) + " has no canonical operation");
      }
      ops.add(OperationCodec.fromJson(json.get(i)));
    }
    return ops;
  }
}
