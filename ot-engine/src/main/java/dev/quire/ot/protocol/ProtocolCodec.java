package dev.quire.ot.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.quire.ot.codec.MalformedMessageException;
import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.cursor.Selection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The JSON text of every protocol message, both ways. Each message is one JSON object with a {@code
 * "type"}; fields are as {@code docs/protocol.md} lists them.
 *
 * <p>Decoding is strict: text that is not exactly one JSON object, duplicate or unknown fields,
 * missing fields, nulls, wrong JSON types (a number in a string, a string where a number belongs, a
 * float, an object where a string belongs), numbers out of range and values the records refuse are
 * all refused with a {@link MalformedMessageException} naming the field by its path, such as {@code
 * submit.batch.baseRevision}; an unknown {@code type} with an {@link UnknownTypeException}.
 * Optional fields may be left out, never sent as null. Batch operations are kept as JSON text, not
 * read (see {@link WireBatch}).
 */
public final class ProtocolCodec {
  /**
   * The protocol version this codec speaks; {@code hello} and {@code welcome} carry it. Version 3:
   * every request carries an {@code id} and every answer and error the id it answers. Version 2:
   * {@code sequenced} carries several batches and includes the subscriber's own.
   */
  public static final int VERSION = 3;

  /** The {@code type} of every client message. */
  static final Set<String> CLIENT_TYPES =
      Set.of(
          "hello",
          "create",
          "list",
          "rename",
          "delete",
          "share",
          "open",
          "unsubscribe",
          "submit",
          "presence");

  private static final JsonFactory FACTORY = new JsonFactory();

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final Set<String> BATCH =
      Set.of("clientId", "batchSeq", "baseRevision", "operations");
  private static final Set<String> SEQUENCED =
      Set.of("firstRevision", "author", "timestamp", "batch");
  private static final Set<String> LIMITS =
      Set.of("maxMessageBytes", "maxBatchOperations", "pageSize", "ratePerSecond", "rateBurst");
  private static final Set<String> DOCUMENT =
      Set.of("doc", "title", "created", "head", "lastChange", "role");

  private ProtocolCodec() {}

  // ---- client messages ----

  /** The JSON text of a request: {@code m} with the id {@code id}. */
  public static String encode(String id, ClientMessage m) {
    return encode(new Request(id, m));
  }

  /** The JSON text of a request. */
  public static String encode(Request request) {
    ClientMessage m = request.message();
    ObjectNode o = NODES.objectNode();
    o.put("type", m.type()).put("id", request.id());
    if (m instanceof ClientMessage.Hello h) {
      o.put("protocol", h.protocol()).put("token", h.token()).put("clientId", h.clientId());
    } else if (m instanceof ClientMessage.Create c) {
      if (c.doc() != null) {
        o.put("doc", c.doc());
      }
      o.put("title", c.title());
    } else if (m instanceof ClientMessage.ListDocuments l) {
      if (l.after() != null) {
        o.put("after", l.after());
      }
    } else if (m instanceof ClientMessage.Rename r) {
      o.put("doc", r.doc()).put("title", r.title());
    } else if (m instanceof ClientMessage.Share s) {
      o.put("doc", s.doc()).put("user", s.user()).put("role", roleName(s.role()));
    } else if (m instanceof ClientMessage.Open op) {
      o.put("doc", op.doc()).put("fromRevision", op.fromRevision());
      o.put("snapshot", op.snapshot());
    } else if (m instanceof ClientMessage.Submit s) {
      o.put("doc", s.doc()).set("batch", batchTree(s.batch()));
    } else if (m instanceof ClientMessage.Presence p) {
      o.put("doc", p.doc()).put("revision", p.revision());
      o.set("selection", selectionTree(p.selection()));
      o.put("name", p.name()).put("colour", p.colour());
    } else if (m.doc() != null) { // Delete, Unsubscribe
      o.put("doc", m.doc());
    }
    return o.toString();
  }

  /**
   * Reads a request: a client message and its id. When this throws, {@link #peekRequest} tells what
   * of the request was readable.
   *
   * @throws UnknownTypeException when the type is not a client message type
   * @throws MalformedMessageException naming the offending field otherwise
   */
  public static Request decodeRequest(String json) {
    JsonNode tree = parse(json);
    String type = typeOf(tree);
    if (!CLIENT_TYPES.contains(type)) {
      throw new UnknownTypeException(type);
    }
    String id = requestId(tree, type);
    return new Request(id, decodeClient(tree, type));
  }

  private static String requestId(JsonNode tree, String type) {
    JsonNode id = tree.get("id");
    if (id == null) {
      throw new MalformedMessageException(type + ".id is missing: every request carries an id");
    }
    if (!id.isTextual()) {
      throw new MalformedMessageException(
          type + ".id must be a string, was " + JsonObjectReader.describe(id));
    }
    return build(type, () -> Ids.requireRequestId(id.textValue()));
  }

  /**
   * What can be read of a request that may be malformed, without reading all of it: its id, type
   * and document, each only when present at the top level and valid, else null. For refusals, which
   * name whatever of these was readable.
   */
  public static RequestHeader peekRequest(String json) {
    String id = null;
    String type = null;
    String doc = null;
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return RequestHeader.NONE;
      }
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (v == JsonToken.VALUE_STRING) {
          String text = p.getText();
          switch (name) {
            case "id" -> id = valid(text, Ids::requireRequestId);
            case "type" -> type = CLIENT_TYPES.contains(text) ? text : null;
            case "doc" -> doc = valid(text, Ids::requireDocumentId);
            default -> {}
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException | RuntimeException e) {
      // what was read before the damage stands
    }
    return new RequestHeader(id, type, doc);
  }

  private static String valid(String value, UnaryOperator<String> check) {
    try {
      return check.apply(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static ClientMessage decodeClient(JsonNode tree, String type) {
    return switch (type) {
      case "hello" -> {
        JsonObjectReader r = reader(tree, type, "protocol", "token", "clientId");
        int protocol = r.intValue("protocol", 0);
        String token = r.string("token");
        String clientId = r.string("clientId");
        yield build(type, () -> new ClientMessage.Hello(protocol, token, clientId));
      }
      case "create" -> {
        JsonObjectReader r = reader(tree, type, "doc", "title");
        String doc = r.optionalString("doc");
        String title = r.string("title");
        yield build(type, () -> new ClientMessage.Create(doc, title));
      }
      case "list" -> {
        String after = reader(tree, type, "after").optionalString("after");
        yield build(type, () -> new ClientMessage.ListDocuments(after));
      }
      case "rename" -> {
        JsonObjectReader r = reader(tree, type, "doc", "title");
        String doc = r.string("doc");
        String title = r.string("title");
        yield build(type, () -> new ClientMessage.Rename(doc, title));
      }
      case "delete" -> {
        String doc = reader(tree, type, "doc").string("doc");
        yield build(type, () -> new ClientMessage.Delete(doc));
      }
      case "share" -> {
        JsonObjectReader r = reader(tree, type, "doc", "user", "role");
        String doc = r.string("doc");
        String user = r.string("user");
        Role role = r.role("role", true);
        yield build(type, () -> new ClientMessage.Share(doc, user, role));
      }
      case "open" -> {
        JsonObjectReader r = reader(tree, type, "doc", "fromRevision", "snapshot");
        String doc = r.string("doc");
        long from = r.longValue("fromRevision", 0);
        boolean snapshot = r.optionalBool("snapshot", false);
        yield build(type, () -> new ClientMessage.Open(doc, from, snapshot));
      }
      case "unsubscribe" -> {
        String doc = reader(tree, type, "doc").string("doc");
        yield build(type, () -> new ClientMessage.Unsubscribe(doc));
      }
      case "submit" -> {
        JsonObjectReader r = reader(tree, type, "doc", "batch");
        String doc = r.string("doc");
        WireBatch batch = readBatch(r.object("batch", BATCH));
        yield build(type, () -> new ClientMessage.Submit(doc, batch));
      }
      case "presence" -> {
        JsonObjectReader r = reader(tree, type, "doc", "revision", "selection", "name", "colour");
        String doc = r.string("doc");
        long revision = r.longValue("revision", 0);
        Selection selection = r.selection("selection");
        String name = r.string("name");
        String colour = r.string("colour");
        yield build(type, () -> new ClientMessage.Presence(doc, revision, selection, name, colour));
      }
      default -> throw new UnknownTypeException(type);
    };
  }

  // ---- server messages ----

  /** The JSON text of a server message that answers no request (a live or broadcast message). */
  public static String encode(ServerMessage m) {
    return encode(m, null);
  }

  /** The JSON text of a reply. */
  public static String encode(Reply r) {
    return encode(r.message(), r.id());
  }

  /** The JSON text of a server message answering the request {@code id} (null: none). */
  public static String encode(ServerMessage m, String id) {
    Objects.requireNonNull(m, "message == null");
    ObjectNode o = NODES.objectNode();
    o.put("type", m.type());
    if (id != null) {
      o.put("id", Ids.requireRequestId(id));
    }
    if (m instanceof ServerMessage.Welcome w) {
      o.put("protocol", w.protocol()).put("user", w.user()).put("session", w.session());
      o.put("mode", w.opaque() ? "opaque" : "readable");
      o.set("limits", limitsTree(w.limits()));
    } else if (m instanceof ServerMessage.Error e) {
      o.put("code", e.code().wireName()).put("message", e.message()).put("retry", e.retry());
      putIfNotNull(o, "doc", e.doc());
      putIfNotNull(o, "request", e.request());
    } else if (m instanceof ServerMessage.Created c) {
      o.set("document", documentTree(c.document()));
    } else if (m instanceof ServerMessage.Available a) {
      o.set("document", documentTree(a.document()));
    } else if (m instanceof ServerMessage.Unavailable u) {
      o.put("doc", u.doc());
    } else if (m instanceof ServerMessage.Documents d) {
      ArrayNode docs = o.putArray("documents");
      d.documents().forEach(info -> docs.add(documentTree(info)));
      o.put("complete", d.complete());
    } else if (m instanceof ServerMessage.Renamed r) {
      o.put("doc", r.doc()).put("title", r.title());
    } else if (m instanceof ServerMessage.Deleted d) {
      o.put("doc", d.doc());
    } else if (m instanceof ServerMessage.Shared s) {
      o.put("doc", s.doc()).put("user", s.user()).put("role", roleName(s.role()));
    } else if (m instanceof ServerMessage.Snapshot s) {
      o.put("doc", s.doc()).put("revision", s.revision()).put("text", s.text());
    } else if (m instanceof ServerMessage.History h) {
      o.put("doc", h.doc());
      ArrayNode batches = o.putArray("batches");
      h.batches().forEach(b -> batches.add(sequencedTree(b)));
      o.put("head", h.head()).put("complete", h.complete());
    } else if (m instanceof ServerMessage.Sequenced s) {
      o.put("doc", s.doc());
      ArrayNode batches = o.putArray("batches");
      s.batches().forEach(b -> batches.add(sequencedTree(b)));
    } else if (m instanceof ServerMessage.Ack a) {
      o.put("doc", a.doc()).put("batchSeq", a.batchSeq());
      o.put("firstRevision", a.firstRevision()).put("timestamp", a.timestampMillis());
    } else if (m instanceof ServerMessage.PresenceOf p) {
      o.put("doc", p.doc()).put("session", p.session()).put("user", p.user());
      o.put("revision", p.revision()).set("selection", selectionTree(p.selection()));
      o.put("name", p.name()).put("colour", p.colour());
    } else if (m instanceof ServerMessage.Leave l) {
      o.put("doc", l.doc()).put("session", l.session()).put("user", l.user());
    } else if (m instanceof ServerMessage.Unsubscribed u) {
      o.put("doc", u.doc());
    }
    return o.toString();
  }

  /** {@link #decodeReply}'s message, for readers that do not need the request id. */
  public static ServerMessage decodeServer(String json) {
    return decodeReply(json).message();
  }

  /**
   * Reads a relay message and the id of the request it answers, as strictly as {@link
   * #decodeRequest}.
   *
   * @throws UnknownTypeException when the type is not a server message type
   * @throws MalformedMessageException naming the offending field otherwise
   */
  public static Reply decodeReply(String json) {
    Objects.requireNonNull(json, "json == null");
    if (json.startsWith("{\"type\":\"history\"") || json.startsWith("{\"type\":\"sequenced\"")) {
      Reply r = BatchMessageReader.read(json); // the bulk of the traffic, read cheaply
      if (r != null) {
        return r;
      }
    }
    return decodeReplyTree(json);
  }

  /** {@link #decodeReply} the general way only: for tests holding the fast path to it. */
  static Reply decodeReplyTree(String json) {
    JsonNode tree = parse(json);
    String type = typeOf(tree);
    String id = null;
    JsonNode idNode = tree.get("id");
    if (idNode != null) {
      if (!idNode.isTextual()) {
        throw new MalformedMessageException(
            type + ".id must be a string, was " + JsonObjectReader.describe(idNode));
      }
      id = build(type, () -> Ids.requireRequestId(idNode.textValue()));
    }
    return new Reply(id, decodeServerTree(tree, type));
  }

  private static ServerMessage decodeServerTree(JsonNode tree, String type) {
    return switch (type) {
      case "welcome" -> {
        JsonObjectReader r = reader(tree, type, "protocol", "user", "session", "mode", "limits");
        int protocol = r.intValue("protocol", 0);
        String user = r.string("user");
        String session = r.string("session");
        String mode = r.string("mode");
        if (!mode.equals("opaque") && !mode.equals("readable")) {
          throw new MalformedMessageException("welcome.mode must be readable or opaque");
        }
        Limits limits = readLimits(r.object("limits", LIMITS));
        yield build(
            type,
            () ->
                new ServerMessage.Welcome(protocol, user, session, mode.equals("opaque"), limits));
      }
      case "error" -> {
        JsonObjectReader r = reader(tree, type, "code", "message", "retry", "doc", "request");
        String wire = r.string("code");
        ErrorCode code = ErrorCode.fromWire(wire);
        if (code == null) {
          throw new MalformedMessageException(
              "error.code \"" + Ids.abbreviate(wire) + "\" is not a known code");
        }
        String message = r.string("message");
        boolean retry = r.bool("retry");
        String doc = r.optionalString("doc");
        String request = r.optionalString("request");
        yield new ServerMessage.Error(code, message, retry, doc, request);
      }
      case "created" -> {
        JsonObjectReader r = reader(tree, type, "document");
        DocumentInfo info = readDocument(r.object("document", DOCUMENT));
        yield new ServerMessage.Created(info);
      }
      case "available" -> {
        JsonObjectReader r = reader(tree, type, "document");
        DocumentInfo info = readDocument(r.object("document", DOCUMENT));
        yield new ServerMessage.Available(info);
      }
      case "unavailable" -> {
        String doc = reader(tree, type, "doc").string("doc");
        yield build(type, () -> new ServerMessage.Unavailable(doc));
      }
      case "documents" -> {
        JsonObjectReader r = reader(tree, type, "documents", "complete");
        JsonNode array = r.array("documents");
        boolean complete = r.bool("complete");
        List<DocumentInfo> docs = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
          docs.add(
              readDocument(
                  JsonObjectReader.of(array.get(i), "documents.documents[" + i + "]", DOCUMENT)));
        }
        yield build(type, () -> new ServerMessage.Documents(docs, complete));
      }
      case "renamed" -> {
        JsonObjectReader r = reader(tree, type, "doc", "title");
        String doc = r.string("doc");
        String title = r.string("title");
        yield build(type, () -> new ServerMessage.Renamed(doc, title));
      }
      case "deleted" -> {
        String doc = reader(tree, type, "doc").string("doc");
        yield build(type, () -> new ServerMessage.Deleted(doc));
      }
      case "shared" -> {
        JsonObjectReader r = reader(tree, type, "doc", "user", "role");
        String doc = r.string("doc");
        String user = r.string("user");
        Role role = r.role("role", true);
        yield build(type, () -> new ServerMessage.Shared(doc, user, role));
      }
      case "snapshot" -> {
        JsonObjectReader r = reader(tree, type, "doc", "revision", "text");
        String doc = r.string("doc");
        long revision = r.longValue("revision", 0);
        String text = r.string("text");
        yield build(type, () -> new ServerMessage.Snapshot(doc, revision, text));
      }
      case "history" -> {
        JsonObjectReader r = reader(tree, type, "doc", "batches", "head", "complete");
        String doc = r.string("doc");
        List<WireSequenced> batches = readSequencedArray(r.array("batches"), "history.batches");
        long head = r.longValue("head", 0);
        boolean complete = r.bool("complete");
        yield build(type, () -> new ServerMessage.History(doc, batches, head, complete));
      }
      case "sequenced" -> {
        JsonObjectReader r = reader(tree, type, "doc", "batches");
        String doc = r.string("doc");
        List<WireSequenced> batches = readSequencedArray(r.array("batches"), "sequenced.batches");
        yield build(type, () -> new ServerMessage.Sequenced(doc, batches));
      }
      case "ack" -> {
        JsonObjectReader r = reader(tree, type, "doc", "batchSeq", "firstRevision", "timestamp");
        String doc = r.string("doc");
        long batchSeq = r.longValue("batchSeq", 1);
        long first = r.longValue("firstRevision", 1);
        long timestamp = r.longValue("timestamp", Long.MIN_VALUE);
        yield build(type, () -> new ServerMessage.Ack(doc, batchSeq, first, timestamp));
      }
      case "presence" -> {
        JsonObjectReader r =
            reader(tree, type, "doc", "session", "user", "revision", "selection", "name", "colour");
        String doc = r.string("doc");
        String session = r.string("session");
        String user = r.string("user");
        long revision = r.longValue("revision", 0);
        Selection selection = r.selection("selection");
        String name = r.string("name");
        String colour = r.string("colour");
        yield build(
            type,
            () ->
                new ServerMessage.PresenceOf(
                    doc, session, user, revision, selection, name, colour));
      }
      case "leave" -> {
        JsonObjectReader r = reader(tree, type, "doc", "session", "user");
        String doc = r.string("doc");
        String session = r.string("session");
        String user = r.string("user");
        yield build(type, () -> new ServerMessage.Leave(doc, session, user));
      }
      case "unsubscribed" -> {
        String doc = reader(tree, type, "doc").string("doc");
        yield build(type, () -> new ServerMessage.Unsubscribed(doc));
      }
      default -> throw new UnknownTypeException(type);
    };
  }

  // ---- shared parts ----

  private static JsonNode parse(String json) {
    Objects.requireNonNull(json, "json == null");
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException("message is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static String typeOf(JsonNode tree) {
    if (tree == null || !tree.isObject()) {
      throw new MalformedMessageException(
          "message must be a JSON object, was " + JsonObjectReader.describe(tree));
    }
    JsonNode type = tree.get("type");
    if (type == null) {
      throw new MalformedMessageException("message.type is missing");
    }
    if (!type.isTextual()) {
      throw new MalformedMessageException(
          "message.type must be a string, was " + JsonObjectReader.describe(type));
    }
    return type.textValue();
  }

  private static JsonObjectReader reader(JsonNode tree, String type, String... fields) {
    Set<String> known = new java.util.HashSet<>(List.of(fields));
    known.add("type");
    known.add("id"); // read on its own: required in requests, optional in replies
    return JsonObjectReader.of(tree, type, known);
  }

  /** Runs a record's constructor, turning its refusal into a message naming {@code type}. */
  private static <T> T build(String type, Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (MalformedMessageException e) {
      throw e;
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new MalformedMessageException(type + ": " + e.getMessage(), e);
    }
  }

  private static WireBatch readBatch(JsonObjectReader r) {
    String clientId = r.string("clientId");
    long batchSeq = r.longValue("batchSeq", 1);
    long baseRevision = r.longValue("baseRevision", 0);
    JsonNode ops = r.array("operations");
    if (ops.isEmpty()) {
      throw new MalformedMessageException(r.path() + ".operations must not be empty");
    }
    List<String> texts = new ArrayList<>(ops.size());
    for (int i = 0; i < ops.size(); i++) {
      JsonNode op = ops.get(i);
      if (op.isNull()) {
        throw new MalformedMessageException(r.path() + ".operations[" + i + "] must not be null");
      }
      String text = OperationCodec.compactText(op);
      texts.add(text != null ? text : op.toString());
    }
    return build(r.path(), () -> new WireBatch(clientId, batchSeq, baseRevision, texts));
  }

  private static List<WireSequenced> readSequencedArray(JsonNode array, String path) {
    List<WireSequenced> batches = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      batches.add(
          readSequenced(JsonObjectReader.of(array.get(i), path + "[" + i + "]", SEQUENCED)));
    }
    return batches;
  }

  private static WireSequenced readSequenced(JsonObjectReader r) {
    long first = r.longValue("firstRevision", 1);
    String author = r.string("author");
    long timestamp = r.longValue("timestamp", Long.MIN_VALUE);
    WireBatch batch = readBatch(r.object("batch", BATCH));
    return build(r.path(), () -> new WireSequenced(first, author, timestamp, batch));
  }

  private static Limits readLimits(JsonObjectReader r) {
    int maxMessageBytes = r.intValue("maxMessageBytes", 1);
    int maxBatchOperations = r.intValue("maxBatchOperations", 1);
    int pageSize = r.intValue("pageSize", 1);
    int ratePerSecond = r.intValue("ratePerSecond", 1);
    int rateBurst = r.intValue("rateBurst", 1);
    return new Limits(maxMessageBytes, maxBatchOperations, pageSize, ratePerSecond, rateBurst);
  }

  private static DocumentInfo readDocument(JsonObjectReader r) {
    String doc = r.string("doc");
    String title = r.string("title");
    long created = r.longValue("created", Long.MIN_VALUE);
    long head = r.longValue("head", 0);
    long lastChange = r.longValue("lastChange", Long.MIN_VALUE);
    Role role = r.role("role", false);
    return build(r.path(), () -> new DocumentInfo(doc, title, created, head, lastChange, role));
  }

  private static ObjectNode batchTree(WireBatch b) {
    ObjectNode o = NODES.objectNode();
    o.put("clientId", b.clientId()).put("batchSeq", b.batchSeq());
    o.put("baseRevision", b.baseRevision());
    ArrayNode ops = o.putArray("operations");
    b.operations().forEach(op -> ops.addRawValue(new RawValue(op)));
    return o;
  }

  private static ObjectNode sequencedTree(WireSequenced s) {
    ObjectNode o = NODES.objectNode();
    o.put("firstRevision", s.firstRevision()).put("author", s.author());
    o.put("timestamp", s.timestampMillis()).set("batch", batchTree(s.batch()));
    return o;
  }

  private static ObjectNode limitsTree(Limits l) {
    ObjectNode o = NODES.objectNode();
    o.put("maxMessageBytes", l.maxMessageBytes()).put("maxBatchOperations", l.maxBatchOperations());
    o.put("pageSize", l.pageSize()).put("ratePerSecond", l.ratePerSecond());
    o.put("rateBurst", l.rateBurst());
    return o;
  }

  private static ObjectNode documentTree(DocumentInfo d) {
    ObjectNode o = NODES.objectNode();
    o.put("doc", d.doc()).put("title", d.title()).put("created", d.createdMillis());
    o.put("head", d.head()).put("lastChange", d.lastChangeMillis());
    o.put("role", d.role().wireName());
    return o;
  }

  private static ObjectNode selectionTree(Selection s) {
    return NODES.objectNode().put("anchor", s.anchor()).put("head", s.head());
  }

  private static String roleName(Role role) {
    return role == null ? "none" : role.wireName();
  }

  private static void putIfNotNull(ObjectNode o, String name, String value) {
    if (value != null) {
      o.put(name, value);
    }
  }
}
