package dev.quire.editor.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.ot.codec.SyncCodec;
import dev.quire.ot.note.NoteCodec;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.sync.Batch;
import java.util.List;

/**
 * The {@code documents.in_flight} column: the batch sent and not yet acknowledged, exactly as sent.
 * When it is formed, its operations are the outbox's first ones, so it is stored then as its header
 * and a count ({@code outboxOperations}) instead of a second copy of operations that may take a
 * megabyte; once the outbox is rewritten past remote revisions (the operations then differ from
 * those sent), it is stored whole ({@link SyncCodec} JSON).
 */
final class InFlightColumn {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OUTBOX_OPERATIONS = "outboxOperations";
  private static final String NOTES = "notes";

  private InFlightColumn() {}

  /**
   * The column's value for a batch whose operations are the outbox's first ones. A batch of notes
   * alone holds an operation that changes nothing and is not in the outbox: it is stored whole.
   */
  static String headerOf(Batch b) {
    if (b.carriesOnlyNotes()) {
      return whole(b);
    }
    ObjectNode header = JSON.createObjectNode();
    header.put("clientId", b.clientId());
    header.put("batchSeq", b.batchSeq());
    header.put("baseRevision", b.baseRevision());
    header.put(OUTBOX_OPERATIONS, b.size());
    if (!b.notes().isEmpty()) {
      header.set(NOTES, NoteCodec.toTree(b.notes()));
    }
    return header.toString();
  }

  /** The column's value for a batch stored whole. */
  static String whole(Batch b) {
    return SyncCodec.toJson(b);
  }

  /** The operations the batch holds, read from {@code json} or from the outbox's first ones. */
  static int size(String json) {
    JsonNode tree = tree(json);
    JsonNode n = tree.get(OUTBOX_OPERATIONS);
    return n != null ? n.asInt() : tree.get("operations").size();
  }

  /** The batch {@code json} holds; a header takes its operations from {@code outbox}'s first. */
  static Batch read(String json, List<TextOperation> outbox) {
    JsonNode tree = tree(json);
    JsonNode n = tree.get(OUTBOX_OPERATIONS);
    if (n == null) {
      return SyncCodec.batchFromJson(json);
    }
    int count = n.asInt();
    if (count > outbox.size()) {
      throw new StoreException(
          "in-flight batch of " + count + " operations but the outbox holds " + outbox.size());
    }
    return new Batch(
        tree.get("clientId").asText(),
        tree.get("batchSeq").asLong(),
        tree.get("baseRevision").asLong(),
        outbox.subList(0, count),
        tree.has(NOTES)
            ? NoteCodec.fromTree(tree.get(NOTES), "documents.in_flight.notes")
            : List.of());
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new StoreException("in-flight batch is not JSON: " + e.getOriginalMessage());
    }
  }
}
