package dev.quire.ot.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.ot.note.Note;
import dev.quire.ot.note.NoteCodec;
import dev.quire.ot.operation.CodePoints;
import dev.quire.ot.operation.MalformedOperationException;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.sync.Batch;
import dev.quire.ot.sync.ClientState;
import dev.quire.ot.sync.SequencedBatch;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The JSON forms of the sync values: {@link Batch} and {@link SequencedBatch} on the wire shared by
 * relay and editor, and {@link ClientState} for persisting a client across restarts. Operations use
 * {@link OperationCodec}'s ot.js array form.
 *
 * <pre>
 * batch:          {"clientId": "c1", "batchSeq": 3, "baseRevision": 41,
 *                  "operations": [[5, "abc", -3, 2], [8, "!"]], "notes": [...] (optional)}
 * sequencedBatch: {"firstRevision": 44, "author": "alice", "timestamp": 1700000000000,
 *                  "batch": {...batch...}}
 * clientState:    {"clientId": "c1", "revision": 43, "nextBatchSeq": 4,
 *                  "inFlight": {...batch...} or null,
 *                  "inFlightOperations": [[...], ...], "queued": [[...], ...]}
 * </pre>
 *
 * <p>Decoding is strict, as {@link OperationCodec}'s is: text that is not one JSON value, duplicate
 * or unknown fields, missing fields, nulls (except {@code inFlight}), a wrong type (a string where
 * a number belongs, a float, an object where an array belongs), numbers out of range, blank client
 * ids, malformed operations and operations that do not chain are all refused with a {@link
 * MalformedMessageException} whose message names the field by its path, such as {@code
 * sequencedBatch.batch.operations[1]}. Unknown fields are refused rather than ignored so that a
 * misspelt field in a persisted state cannot silently drop data; a message envelope around these
 * values (message type, document id) is the transport's, not this codec's.
 *
 * <p>A decoded {@link ClientState} is also checked for consistency between its fields, everything
 * that can be checked without the log it goes with: the in-flight batch is this client's, was sent
 * before {@code nextBatchSeq} and at or before {@code revision}, and the in-flight and queued
 * operations chain one after another.
 */
public final class SyncCodec {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final Set<String> BATCH_FIELDS =
      Set.of("clientId", "batchSeq", "baseRevision", "operations", "notes");
  private static final Set<String> SEQUENCED_FIELDS =
      Set.of("firstRevision", "author", "timestamp", "batch");
  private static final Set<String> STATE_FIELDS =
      Set.of(
          "clientId",
          "revision",
          "nextBatchSeq",
          "inFlight",
          "inFlightOperations",
          "queued",
          "notes");

  private SyncCodec() {}

  // ---- encoding ----

  /** The JSON text of {@code batch}. */
  public static String toJson(Batch batch) {
    return toTree(batch).toString();
  }

  /** The JSON text of {@code sequenced}. */
  public static String toJson(SequencedBatch sequenced) {
    return toTree(sequenced).toString();
  }

  /** The JSON text of {@code state}. */
  public static String toJson(ClientState state) {
    return toTree(state).toString();
  }

  /** The JSON tree of {@code batch}. */
  public static ObjectNode toTree(Batch batch) {
    Objects.requireNonNull(batch, "batch == null");
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("clientId", batch.clientId());
    o.put("batchSeq", batch.batchSeq());
    o.put("baseRevision", batch.baseRevision());
    o.set("operations", operationsTree(batch.operations()));
    if (!batch.notes().isEmpty()) {
      o.set("notes", NoteCodec.toTree(batch.notes()));
    }
    return o;
  }

  /** The JSON tree of {@code sequenced}. */
  public static ObjectNode toTree(SequencedBatch sequenced) {
    Objects.requireNonNull(sequenced, "sequenced == null");
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("firstRevision", sequenced.firstRevision());
    o.put("author", sequenced.author());
    o.put("timestamp", sequenced.timestampMillis());
    o.set("batch", toTree(sequenced.batch()));
    return o;
  }

  /** The JSON tree of {@code state}. */
  public static ObjectNode toTree(ClientState state) {
    Objects.requireNonNull(state, "state == null");
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("clientId", state.clientId());
    o.put("revision", state.revision());
    o.put("nextBatchSeq", state.nextBatchSeq());
    if (state.inFlight() == null) {
      o.putNull("inFlight");
    } else {
      o.set("inFlight", toTree(state.inFlight()));
    }
    o.set("inFlightOperations", operationsTree(state.inFlightOperations()));
    o.set("queued", operationsTree(state.queued()));
    if (!state.notes().isEmpty()) {
      o.set("notes", NoteCodec.toTree(state.notes()));
    }
    return o;
  }

  private static ArrayNode operationsTree(List<TextOperation> ops) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode(ops.size());
    for (TextOperation op : ops) {
      array.add(OperationCodec.toTree(op));
    }
    return array;
  }

  // ---- decoding ----

  /**
   * Parses JSON text into a batch.
   *
   * @throws MalformedMessageException naming the offending field
   */
  public static Batch batchFromJson(String json) {
    return batchFromTree(parse(json, "batch"));
  }

  /**
   * Parses JSON text into a sequenced batch.
   *
   * @throws MalformedMessageException naming the offending field
   */
  public static SequencedBatch sequencedBatchFromJson(String json) {
    return sequencedBatchFromTree(parse(json, "sequencedBatch"));
  }

  /**
   * Parses JSON text into a client state.
   *
   * @throws MalformedMessageException naming the offending field
   */
  public static ClientState clientStateFromJson(String json) {
    return clientStateFromTree(parse(json, "clientState"));
  }

  /** Reads a batch from a JSON tree; see {@link #batchFromJson}. */
  public static Batch batchFromTree(JsonNode tree) {
    return readBatch(tree, "batch");
  }

  /** Reads a sequenced batch from a JSON tree; see {@link #sequencedBatchFromJson}. */
  public static SequencedBatch sequencedBatchFromTree(JsonNode tree) {
    String path = "sequencedBatch";
    JsonNode o = object(tree, path, SEQUENCED_FIELDS);
    long firstRevision = longField(o, path, "firstRevision", 1);
    String author = stringField(o, path, "author");
    long timestamp = longField(o, path, "timestamp", Long.MIN_VALUE);
    Batch batch = readBatch(field(o, path, "batch"), path + ".batch");
    if (batch.baseRevision() >= firstRevision) {
      throw new MalformedMessageException(
          path
              + ".firstRevision "
              + firstRevision
              + " must come after "
              + path
              + ".batch.baseRevision "
              + batch.baseRevision());
    }
    return build(path, () -> new SequencedBatch(firstRevision, author, timestamp, batch));
  }

  /** Reads a client state from a JSON tree; see {@link #clientStateFromJson}. */
  public static ClientState clientStateFromTree(JsonNode tree) {
    String path = "clientState";
    JsonNode o = object(tree, path, STATE_FIELDS);
    String clientId = clientIdField(o, path);
    long revision = longField(o, path, "revision", 0);
    long nextBatchSeq = longField(o, path, "nextBatchSeq", 1);
    JsonNode inFlightNode = field(o, path, "inFlight");
    Batch inFlight = inFlightNode.isNull() ? null : readBatch(inFlightNode, path + ".inFlight");
    List<TextOperation> inFlightOps = operationsField(o, path, "inFlightOperations");
    List<TextOperation> queued = operationsField(o, path, "queued");
    List<Note> notes =
        o.has("notes") ? NoteCodec.fromTree(o.get("notes"), path + ".notes") : List.of();

    if (inFlight == null) {
      if (!inFlightOps.isEmpty()) {
        throw new MalformedMessageException(
            path + ".inFlightOperations must be empty when " + path + ".inFlight is null");
      }
    } else {
      if (!inFlight.clientId().equals(clientId)) {
        throw new MalformedMessageException(
            path
                + ".inFlight.clientId \""
                + inFlight.clientId()
                + "\" is not "
                + path
                + ".clientId \""
                + clientId
                + "\"");
      }
      if (inFlight.batchSeq() >= nextBatchSeq) {
        throw new MalformedMessageException(
            path
                + ".inFlight.batchSeq "
                + inFlight.batchSeq()
                + " must be below "
                + path
                + ".nextBatchSeq "
                + nextBatchSeq);
      }
      if (inFlight.baseRevision() > revision) {
        throw new MalformedMessageException(
            path
                + ".inFlight.baseRevision "
                + inFlight.baseRevision()
                + " is beyond "
                + path
                + ".revision "
                + revision);
      }
      if (inFlightOps.size() != inFlight.size()) {
        throw new MalformedMessageException(
            path
                + ".inFlightOperations has "
                + inFlightOps.size()
                + " operations but "
                + path
                + ".inFlight has "
                + inFlight.size());
      }
    }
    requireChain(inFlightOps, path + ".inFlightOperations");
    requireChain(queued, path + ".queued");
    if (!inFlightOps.isEmpty() && !queued.isEmpty()) {
      int leaves = inFlightOps.get(inFlightOps.size() - 1).targetLength();
      if (queued.get(0).baseLength() != leaves) {
        throw new MalformedMessageException(
            path
                + ".queued[0] expects a document of "
                + queued.get(0).baseLength()
                + " code points but the last of "
                + path
                + ".inFlightOperations leaves "
                + leaves);
      }
    }
    return build(
        path,
        () ->
            new ClientState(
                clientId, revision, nextBatchSeq, inFlight, inFlightOps, queued, notes));
  }

  private static Batch readBatch(JsonNode tree, String path) {
    JsonNode o = object(tree, path, BATCH_FIELDS);
    String clientId = clientIdField(o, path);
    long batchSeq = longField(o, path, "batchSeq", 1);
    long baseRevision = longField(o, path, "baseRevision", 0);
    List<TextOperation> ops = operationsField(o, path, "operations");
    if (ops.isEmpty()) {
      throw new MalformedMessageException(path + ".operations must not be empty");
    }
    requireChain(ops, path + ".operations");
    List<Note> notes =
        o.has("notes") ? NoteCodec.fromTree(o.get("notes"), path + ".notes") : List.of();
    return build(path, () -> new Batch(clientId, batchSeq, baseRevision, ops, notes));
  }

  // ---- field readers ----

  private static JsonNode parse(String json, String path) {
    Objects.requireNonNull(json, "json == null");
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException(
          path + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static JsonNode object(JsonNode node, String path, Set<String> known) {
    if (node == null || !node.isObject()) {
      throw new MalformedMessageException(path + " must be a JSON object, was " + describe(node));
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new MalformedMessageException(path + "." + name + " is not a known field");
      }
    }
    return node;
  }

  private static JsonNode field(JsonNode o, String path, String name) {
    JsonNode v = o.get(name);
    if (v == null) {
      throw new MalformedMessageException(path + "." + name + " is missing");
    }
    return v;
  }

  private static long longField(JsonNode o, String path, String name, long min) {
    JsonNode v = field(o, path, name);
    String p = path + "." + name;
    if (!v.isIntegralNumber()) {
      throw new MalformedMessageException(p + " must be an integer, was " + describe(v));
    }
    if (!v.canConvertToLong()) {
      throw new MalformedMessageException(p + " is out of range: " + v.asText());
    }
    long value = v.longValue();
    if (value < min) {
      throw new MalformedMessageException(p + " must be at least " + min + ", was " + value);
    }
    return value;
  }

  private static String stringField(JsonNode o, String path, String name) {
    JsonNode v = field(o, path, name);
    String p = path + "." + name;
    if (!v.isTextual()) {
      throw new MalformedMessageException(p + " must be a string, was " + describe(v));
    }
    try {
      CodePoints.requireWellFormed(v.textValue());
    } catch (MalformedOperationException e) {
      throw new MalformedMessageException(p + ": " + e.getMessage(), e);
    }
    return v.textValue();
  }

  private static String clientIdField(JsonNode o, String path) {
    String clientId = stringField(o, path, "clientId");
    if (clientId.isBlank()) {
      throw new MalformedMessageException(path + ".clientId must not be blank");
    }
    return clientId;
  }

  private static List<TextOperation> operationsField(JsonNode o, String path, String name) {
    JsonNode v = field(o, path, name);
    String p = path + "." + name;
    if (!v.isArray()) {
      throw new MalformedMessageException(
          p + " must be an array of operations, was " + describe(v));
    }
    List<TextOperation> ops = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      try {
        ops.add(OperationCodec.fromTree(v.get(i)));
      } catch (MalformedOperationException e) {
        throw new MalformedMessageException(p + "[" + i + "]: " + e.getMessage(), e);
      }
    }
    return ops;
  }

  private static void requireChain(List<TextOperation> ops, String path) {
    for (int i = 1; i < ops.size(); i++) {
      if (ops.get(i).baseLength() != ops.get(i - 1).targetLength()) {
        throw new MalformedMessageException(
            path
                + "["
                + i
                + "] expects a document of "
                + ops.get(i).baseLength()
                + " code points but "
                + path
                + "["
                + (i - 1)
                + "] leaves "
                + ops.get(i - 1).targetLength());
      }
    }
  }

  /** Runs a value's constructor, naming {@code path} if it still refuses what was read. */
  private static <T> T build(String path, java.util.function.Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException(path + ": " + e.getMessage(), e);
    }
  }

  private static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case NUMBER -> "the number " + node.asText();
      case STRING -> "a string";
      default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
