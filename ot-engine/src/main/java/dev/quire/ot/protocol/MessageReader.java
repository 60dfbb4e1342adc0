package dev.quire.ot.protocol;

import static dev.quire.ot.protocol.Shape.array;
import static dev.quire.ot.protocol.Shape.arrayReadLast;
import static dev.quire.ot.protocol.Shape.bool;
import static dev.quire.ot.protocol.Shape.intValue;
import static dev.quire.ot.protocol.Shape.longValue;
import static dev.quire.ot.protocol.Shape.object;
import static dev.quire.ot.protocol.Shape.operations;
import static dev.quire.ot.protocol.Shape.optionalBool;
import static dev.quire.ot.protocol.Shape.optionalObject;
import static dev.quire.ot.protocol.Shape.optionalRawArray;
import static dev.quire.ot.protocol.Shape.optionalString;
import static dev.quire.ot.protocol.Shape.role;
import static dev.quire.ot.protocol.Shape.string;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.quire.ot.codec.MalformedMessageException;
import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.cursor.Selection;
import dev.quire.ot.operation.CodePoints;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Reads every protocol message by its {@link Shape}, the one definition of its fields.
 *
 * <p>A message is read once, straight off Jackson's streaming parser: each field checked as it
 * comes, each operation of a batch written out as its compact text as its tokens go by. That is the
 * whole cost for the messages the relay and the codec write. At the first thing out of the ordinary
 * (invalid JSON, a field unknown, repeated, missing or of the wrong type, a value out of range,
 * {@code type} not the first field, an operation that is not an array of strings and integers) the
 * text is read again, as a Jackson tree, by the same shapes in their order, which refuses it with
 * the exact reason (the field by its path, as {@link ProtocolCodec} documents) or, when it was only
 * unusual, reads it to the same message.
 */
final class MessageReader {
  /** Tree reading: duplicate fields and trailing tokens are refused as invalid JSON. */
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** Streaming reading: finds repeated fields by itself, so the parser need not. */
  private static final JsonFactory FACTORY = new JsonFactory();

  // Thrown at the first surprise of the streaming read and caught by it: then read the tree.
  private static final IllegalStateException UNEXPECTED =
      new IllegalStateException("not as the codec writes it") {
        private static final long serialVersionUID = 1L;

        @Override
        public synchronized Throwable fillInStackTrace() {
          return this;
        }
      };

  // ---- the shapes ----

  private static final Shape BATCH =
      Shape.of(
          v ->
              new WireBatch(
                  str(v[0]), (Long) v[1], (Long) v[2], list(v[3]), (Long) v[4], str(v[5])),
          string("clientId"),
          longValue("batchSeq", 1),
          longValue("baseRevision", 0),
          operations("operations"),
          longValue("madeAt", 0),
          optionalRawArray("notes"));

  private static final Shape SEQUENCED =
      Shape.of(
          v -> new WireSequenced((Long) v[0], str(v[1]), (Long) v[2], (WireBatch) v[3]),
          longValue("firstRevision", 1),
          string("author"),
          longValue("timestamp", Long.MIN_VALUE),
          object("batch", BATCH));

  private static final Shape SELECTION =
      Shape.of(
          v -> new Selection((Integer) v[0], (Integer) v[1]),
          intValue("anchor", 0),
          intValue("head", 0));

  private static final Shape LIMITS =
      Shape.of(
          v ->
              new Limits(
                  (Integer) v[0], (Integer) v[1], (Integer) v[2], (Integer) v[3], (Integer) v[4]),
          intValue("maxMessageBytes", 1),
          intValue("maxBatchOperations", 1),
          intValue("pageSize", 1),
          intValue("ratePerSecond", 1),
          intValue("rateBurst", 1));

  private static final Shape SEALED_TITLE =
      Shape.of(
          v -> new SealedTitle((Long) v[0], str(v[1])), longValue("epoch", 1), string("sealed"));

  private static final Shape DOCUMENT =
      Shape.of(
          v ->
              new DocumentInfo(
                  str(v[0]),
                  str(v[1]),
                  (Long) v[2],
                  (Long) v[3],
                  (Long) v[4],
                  (Role) v[5],
                  (Boolean) v[6],
                  (SealedTitle) v[7]),
          string("doc"),
          string("title"),
          longValue("created", Long.MIN_VALUE),
          longValue("head", 0),
          longValue("lastChange", Long.MIN_VALUE),
          role("role", false),
          optionalBool("encrypted", false),
          optionalObject("sealedTitle", SEALED_TITLE));

  private static final Shape RELAY_SIGNATURE =
      Shape.of(
          v -> new RelaySignature((Long) v[0], str(v[1]), str(v[2]), str(v[3])),
          longValue("revision", 1),
          string("chain"),
          optionalString("textHash"),
          string("signature"));

  private static final Shape TRASHED =
      Shape.of(
          v ->
              new TrashedDocument(
                  str(v[0]), str(v[1]), (Long) v[2], (Long) v[3], (Long) v[4], (SealedTitle) v[5]),
          string("doc"),
          string("title"),
          longValue("head", 0),
          longValue("deleted", Long.MIN_VALUE),
          longValue("purgeAt", Long.MIN_VALUE),
          optionalObject("sealedTitle", SEALED_TITLE));

  private static final Shape ENVELOPE =
      Shape.of(
          v -> new KeyEnvelope((Long) v[0], str(v[1]), str(v[2]), str(v[3])),
          longValue("epoch", 1),
          string("user"),
          string("clientId"),
          string("envelope"));

  private static final Shape USER_DEVICE =
      Shape.of(
          v -> new UserDevice(str(v[0]), (Long) v[1]),
          string("clientId"),
          longValue("registered", Long.MIN_VALUE));

  private static final Shape DEVICE =
      Shape.of(
          v ->
              new Device(
                  str(v[0]),
                  str(v[1]),
                  new DeviceKeys(str(v[2]), str(v[3])),
                  (Boolean) v[4],
                  (Boolean) v[5]),
          string("user"),
          string("clientId"),
          string("signingKey"),
          string("agreementKey"),
          bool("sealed"),
          bool("member"));

  private static final Shape MEMBER =
      Shape.of(v -> new Member(str(v[0]), (Role) v[1]), string("user"), role("role", false));

  /** Client messages by type. */
  static final Map<String, Shape> CLIENT =
      Map.ofEntries(
          Map.entry(
              "hello",
              Shape.of(
                  v -> new ClientMessage.Hello((Integer) v[0], str(v[1]), str(v[2])),
                  intValue("protocol", 0),
                  string("token"),
                  string("clientId"))),
          Map.entry(
              "create",
              Shape.of(
                  v ->
                      new ClientMessage.Create(
                          str(v[0]), str(v[1]), (Boolean) v[2], (SealedTitle) v[3]),
                  optionalString("doc"),
                  string("title"),
                  optionalBool("encrypted", false),
                  optionalObject("sealedTitle", SEALED_TITLE))),
          Map.entry(
              "list",
              Shape.of(v -> new ClientMessage.ListDocuments(str(v[0])), optionalString("after"))),
          Map.entry(
              "rename",
              Shape.of(
                  v -> new ClientMessage.Rename(str(v[0]), str(v[1]), (SealedTitle) v[2]),
                  string("doc"),
                  string("title"),
                  optionalObject("sealedTitle", SEALED_TITLE))),
          Map.entry("delete", Shape.of(v -> new ClientMessage.Delete(str(v[0])), string("doc"))),
          Map.entry(
              "trash", Shape.of(v -> new ClientMessage.Trash(str(v[0])), optionalString("after"))),
          Map.entry("restore", Shape.of(v -> new ClientMessage.Restore(str(v[0])), string("doc"))),
          Map.entry("purge", Shape.of(v -> new ClientMessage.Purge(str(v[0])), string("doc"))),
          Map.entry("emptyTrash", Shape.of(v -> new ClientMessage.EmptyTrash())),
          Map.entry("myDevices", Shape.of(v -> new ClientMessage.UserDevices())),
          Map.entry(
              "revokeDevice",
              Shape.of(v -> new ClientMessage.RevokeDevice(str(v[0])), string("clientId"))),
          Map.entry(
              "share",
              Shape.of(
                  v -> new ClientMessage.Share(str(v[0]), str(v[1]), (Role) v[2]),
                  string("doc"),
                  string("user"),
                  role("role", true))),
          Map.entry(
              "open",
              Shape.of(
                  v -> new ClientMessage.Open(str(v[0]), (Long) v[1], (Boolean) v[2]),
                  string("doc"),
                  longValue("fromRevision", 0),
                  optionalBool("snapshot", false))),
          Map.entry(
              "unsubscribe",
              Shape.of(v -> new ClientMessage.Unsubscribe(str(v[0])), string("doc"))),
          Map.entry(
              "submit",
              Shape.of(
                  v -> new ClientMessage.Submit(str(v[0]), (WireBatch) v[1]),
                  string("doc"),
                  object("batch", BATCH))),
          Map.entry(
              "presence",
              Shape.of(
                  v ->
                      new ClientMessage.Presence(
                          str(v[0]), (Long) v[1], (Selection) v[2], str(v[3]), str(v[4])),
                  string("doc"),
                  longValue("revision", 0),
                  object("selection", SELECTION),
                  string("name"),
                  string("colour"))),
          Map.entry("members", Shape.of(v -> new ClientMessage.Members(str(v[0])), string("doc"))),
          Map.entry(
              "device",
              Shape.of(
                  v -> new ClientMessage.RegisterDevice(new DeviceKeys(str(v[0]), str(v[1]))),
                  string("signingKey"),
                  string("agreementKey"))),
          Map.entry("devices", Shape.of(v -> new ClientMessage.Devices(str(v[0])), string("doc"))),
          Map.entry("keys", Shape.of(v -> new ClientMessage.Keys(str(v[0])), string("doc"))),
          Map.entry(
              "seal",
              Shape.of(
                  v -> new ClientMessage.Seal(str(v[0]), (Long) v[1], (Boolean) v[2], list(v[3])),
                  string("doc"),
                  longValue("epoch", 1),
                  optionalBool("rotate", false),
                  array("envelopes", ENVELOPE))),
          Map.entry(
              "upload",
              Shape.of(
                  v ->
                      new ClientMessage.Upload(
                          str(v[0]),
                          str(v[1]),
                          (Long) v[2],
                          (Long) v[3],
                          list(v[4]),
                          list(v[5]),
                          (Boolean) v[6],
                          (SealedTitle) v[7]),
                  string("doc"),
                  string("title"),
                  longValue("created", Long.MIN_VALUE),
                  longValue("head", 0),
                  array("members", MEMBER),
                  array("batches", SEQUENCED),
                  optionalBool("encrypted", false),
                  optionalObject("sealedTitle", SEALED_TITLE))),
          Map.entry(
              "signatures",
              Shape.of(
                  v -> new ClientMessage.Signatures(str(v[0]), (Long) v[1]),
                  string("doc"),
                  longValue("fromRevision", 0))));

  /** Server messages by type. */
  static final Map<String, Shape> SERVER =
      Map.ofEntries(
          Map.entry(
              "welcome",
              Shape.of(
                  v ->
                      new ServerMessage.Welcome(
                          (Integer) v[0],
                          str(v[1]),
                          str(v[2]),
                          (Boolean) v[3],
                          (Limits) v[4],
                          str(v[5]),
                          str(v[6])),
                  intValue("protocol", 0),
                  string("user"),
                  string("session"),
                  string("mode", MessageReader::opaqueMode),
                  object("limits", LIMITS),
                  string("relay"),
                  optionalString("signingKey"))),
          Map.entry(
              "error",
              Shape.of(
                  v ->
                      new ServerMessage.Error(
                          (ErrorCode) v[0], str(v[1]), (Boolean) v[2], str(v[3]), str(v[4])),
                  string("code", MessageReader::errorCode),
                  string("message"),
                  bool("retry"),
                  optionalString("doc"),
                  optionalString("request"))),
          Map.entry(
              "created",
              Shape.of(
                  v -> new ServerMessage.Created((DocumentInfo) v[0]),
                  object("document", DOCUMENT))),
          Map.entry(
              "available",
              Shape.of(
                  v -> new ServerMessage.Available((DocumentInfo) v[0]),
                  object("document", DOCUMENT))),
          Map.entry(
              "unavailable",
              Shape.of(v -> new ServerMessage.Unavailable(str(v[0])), string("doc"))),
          Map.entry(
              "documents",
              Shape.of(
                  v -> new ServerMessage.Documents(list(v[0]), (Boolean) v[1]),
                  arrayReadLast("documents", DOCUMENT),
                  bool("complete"))),
          Map.entry(
              "renamed",
              Shape.of(
                  v -> new ServerMessage.Renamed(str(v[0]), str(v[1]), (SealedTitle) v[2]),
                  string("doc"),
                  string("title"),
                  optionalObject("sealedTitle", SEALED_TITLE))),
          Map.entry("deleted", Shape.of(v -> new ServerMessage.Deleted(str(v[0])), string("doc"))),
          Map.entry(
              "trash",
              Shape.of(
                  v -> new ServerMessage.Trash(list(v[0]), (Boolean) v[1]),
                  arrayReadLast("documents", TRASHED),
                  bool("complete"))),
          Map.entry(
              "restored",
              Shape.of(
                  v -> new ServerMessage.Restored((DocumentInfo) v[0]),
                  object("document", DOCUMENT))),
          Map.entry("purged", Shape.of(v -> new ServerMessage.Purged(str(v[0])), string("doc"))),
          Map.entry(
              "trashEmptied",
              Shape.of(v -> new ServerMessage.TrashEmptied((Long) v[0]), longValue("purged", 0))),
          Map.entry(
              "shared",
              Shape.of(
                  v -> new ServerMessage.Shared(str(v[0]), str(v[1]), (Role) v[2]),
                  string("doc"),
                  string("user"),
                  role("role", true))),
          Map.entry(
              "members",
              Shape.of(
                  v -> new ServerMessage.Members(str(v[0]), list(v[1])),
                  string("doc"),
                  array("members", MEMBER))),
          Map.entry(
              "signatures",
              Shape.of(
                  v ->
                      new ServerMessage.Signatures(
                          str(v[0]), str(v[1]), (Integer) v[2], list(v[3]), (Boolean) v[4]),
                  string("doc"),
                  string("key"),
                  intValue("interval", 1),
                  array("signatures", RELAY_SIGNATURE),
                  bool("complete"))),
          Map.entry(
              "snapshot",
              Shape.of(
                  v -> new ServerMessage.Snapshot(str(v[0]), (Long) v[1], str(v[2])),
                  string("doc"),
                  longValue("revision", 0),
                  string("text"))),
          Map.entry(
              "history",
              Shape.of(
                  v ->
                      new ServerMessage.History(str(v[0]), list(v[1]), (Long) v[2], (Boolean) v[3]),
                  string("doc"),
                  array("batches", SEQUENCED),
                  longValue("head", 0),
                  bool("complete"))),
          Map.entry(
              "sequenced",
              Shape.of(
                  v -> new ServerMessage.Sequenced(str(v[0]), list(v[1])),
                  string("doc"),
                  array("batches", SEQUENCED))),
          Map.entry(
              "ack",
              Shape.of(
                  v -> new ServerMessage.Ack(str(v[0]), (Long) v[1], (Long) v[2], (Long) v[3]),
                  string("doc"),
                  longValue("batchSeq", 1),
                  longValue("firstRevision", 1),
                  longValue("timestamp", Long.MIN_VALUE))),
          Map.entry(
              "presence",
              Shape.of(
                  v ->
                      new ServerMessage.PresenceOf(
                          str(v[0]),
                          str(v[1]),
                          str(v[2]),
                          (Long) v[3],
                          (Selection) v[4],
                          str(v[5]),
                          str(v[6])),
                  string("doc"),
                  string("session"),
                  string("user"),
                  longValue("revision", 0),
                  object("selection", SELECTION),
                  string("name"),
                  string("colour"))),
          Map.entry(
              "leave",
              Shape.of(
                  v -> new ServerMessage.Leave(str(v[0]), str(v[1]), str(v[2])),
                  string("doc"),
                  string("session"),
                  string("user"))),
          Map.entry(
              "unsubscribed",
              Shape.of(v -> new ServerMessage.Unsubscribed(str(v[0])), string("doc"))),
          Map.entry(
              "device",
              Shape.of(
                  v ->
                      new ServerMessage.DeviceRegistered(
                          str(v[0]), str(v[1]), new DeviceKeys(str(v[2]), str(v[3]))),
                  string("user"),
                  string("clientId"),
                  string("signingKey"),
                  string("agreementKey"))),
          Map.entry(
              "devices",
              Shape.of(
                  v ->
                      new ServerMessage.Devices(str(v[0]), (Long) v[1], list(v[2]), (Boolean) v[3]),
                  string("doc"),
                  longValue("epoch", 1),
                  array("devices", DEVICE),
                  optionalBool("rotationDue", false))),
          Map.entry(
              "myDevices",
              Shape.of(
                  v -> new ServerMessage.UserDevices(list(v[0])), array("devices", USER_DEVICE))),
          Map.entry(
              "deviceRevoked",
              Shape.of(
                  v -> new ServerMessage.DeviceRevoked(str(v[0]), (Long) v[1]),
                  string("clientId"),
                  longValue("documents", 0))),
          Map.entry(
              "keys",
              Shape.of(
                  v -> new ServerMessage.Keys(str(v[0]), (Long) v[1], list(v[2])),
                  string("doc"),
                  longValue("epoch", 1),
                  array("envelopes", ENVELOPE))),
          Map.entry(
              "sealed",
              Shape.of(
                  v -> new ServerMessage.Sealed(str(v[0]), (Long) v[1]),
                  string("doc"),
                  longValue("epoch", 1))),
          Map.entry(
              "uploaded",
              Shape.of(
                  v -> new ServerMessage.Uploaded(str(v[0]), (Long) v[1], (Boolean) v[2]),
                  string("doc"),
                  longValue("head", 0),
                  bool("complete"))));

  private static Object opaqueMode(String path, String mode) {
    if (!mode.equals("opaque") && !mode.equals("readable")) {
      throw new MalformedMessageException(path + " must be readable or opaque");
    }
    return mode.equals("opaque");
  }

  private static Object errorCode(String path, String wire) {
    ErrorCode code = ErrorCode.fromWire(wire);
    if (code == null) {
      throw new MalformedMessageException(
          path + " \"" + Ids.abbreviate(wire) + "\" is not a known code");
    }
    return code;
  }

  private static @Nullable String str(@Nullable Object value) {
    return (String) value;
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T> list(Object value) {
    return (List<T>) value;
  }

  private MessageReader() {}

  // ---- entry points ----

  /** A request: its id is required and read before its fields. */
  static Request request(String json) {
    Request r = streamRequest(json);
    return r != null ? r : requestFromTree(json);
  }

  /** The request read by streaming only, or null: then the tree decides. */
  static @Nullable Request streamRequest(String json) {
    Objects.requireNonNull(json, "json == null");
    Object[] read = stream(json, CLIENT, true);
    return read == null ? null : new Request((String) read[0], (ClientMessage) read[1]);
  }

  /** {@link #request} by the tree only: for tests holding the streaming read to it. */
  static Request requestFromTree(String json) {
    JsonNode tree = parse(json);
    String type = typeOf(tree);
    Shape shape = CLIENT.get(type);
    if (shape == null) {
      throw new UnknownTypeException(type);
    }
    JsonNode id = tree.get("id");
    if (id == null) {
      throw new MalformedMessageException(type + ".id is missing: every request carries an id");
    }
    String requestId = requestId(id, type);
    return new Request(requestId, (ClientMessage) fromTree(tree, type, shape));
  }

  /** A reply: its id is optional and read before its type is looked up. */
  static Reply reply(String json) {
    Reply r = streamReply(json);
    return r != null ? r : replyFromTree(json);
  }

  /** The reply read by streaming only, or null: then the tree decides. */
  static @Nullable Reply streamReply(String json) {
    Objects.requireNonNull(json, "json == null");
    Object[] read = stream(json, SERVER, false);
    return read == null ? null : new Reply((String) read[0], (ServerMessage) read[1]);
  }

  /** {@link #reply} by the tree only: for tests holding the streaming read to it. */
  static Reply replyFromTree(String json) {
    JsonNode tree = parse(json);
    String type = typeOf(tree);
    JsonNode idNode = tree.get("id");
    String id = idNode == null ? null : requestId(idNode, type);
    Shape shape = SERVER.get(type);
    if (shape == null) {
      throw new UnknownTypeException(type);
    }
    return new Reply(id, (ServerMessage) fromTree(tree, type, shape));
  }

  // ---- the streaming read ----

  /** {id, message}, or null when the text is anything but what the codec writes. */
  private static Object @Nullable [] stream(
      String json, Map<String, Shape> shapes, boolean idRequired) {
    try (JsonParser p = FACTORY.createParser(json)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      expect(p.nextToken(), JsonToken.FIELD_NAME);
      if (!"type".equals(p.currentName())) {
        return null;
      }
      expect(p.nextToken(), JsonToken.VALUE_STRING);
      Shape shape = shapes.get(p.getText());
      if (shape == null) {
        return null;
      }
      String[] id = new String[1];
      Object message = readObject(p, shape, id);
      if (p.nextToken() != null || (idRequired && id[0] == null)) {
        return null;
      }
      return new Object[] {id[0], message};
    } catch (IOException | RuntimeException e) {
      return null; // the tree says what is wrong
    }
  }

  /** The object at the current token; at the top level, {@code id[0]} receives its id. */
  private static Object readObject(JsonParser p, Shape shape, String @Nullable [] id)
      throws IOException {
    int n = shape.fields.size();
    Object[] values = new Object[n];
    boolean[] seen = new boolean[n];
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      expect(t, JsonToken.FIELD_NAME);
      String name = p.currentName();
      p.nextToken();
      int i = shape.indexOf(name);
      if (i >= 0 && !seen[i]) {
        seen[i] = true;
        values[i] = value(p, shape.fields.get(i));
      } else if (id != null && id[0] == null && name.equals("id")) {
        id[0] = Ids.requireRequestId(readString(p));
      } else {
        throw UNEXPECTED; // unknown or repeated
      }
    }
    for (int i = 0; i < n; i++) {
      Shape.Field f = shape.fields.get(i);
      if (!seen[i]) {
        if (!f.optional()) {
          throw UNEXPECTED;
        }
        values[i] = f.kind() == Shape.Kind.BOOL ? f.absent() : null;
      }
    }
    return shape.build.apply(values);
  }

  private static @Nullable Object value(JsonParser p, Shape.Field f) throws IOException {
    return switch (f.kind()) {
      case STRING -> {
        String s = readString(p);
        yield f.convert() == null ? s : f.convert().apply(f.name(), s);
      }
      case LONG -> number(p, f.min());
      case INT -> {
        long v = number(p, f.min());
        if (v > Integer.MAX_VALUE) {
          throw UNEXPECTED;
        }
        yield (int) v;
      }
      case BOOL -> {
        JsonToken t = p.currentToken();
        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
          throw UNEXPECTED;
        }
        yield t == JsonToken.VALUE_TRUE;
      }
      case ROLE -> {
        String wire = readString(p);
        if (f.noneAllowed() && wire.equals("none")) {
          yield null;
        }
        Role role = Role.fromWire(wire);
        if (role == null) {
          throw UNEXPECTED;
        }
        yield role;
      }
      case OBJECT -> {
        expect(p.currentToken(), JsonToken.START_OBJECT);
        yield readObject(p, f.shape(), null);
      }
      case ARRAY, ARRAY_LAST -> {
        expect(p.currentToken(), JsonToken.START_ARRAY);
        List<Object> items = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          expect(t, JsonToken.START_OBJECT);
          items.add(readObject(p, f.shape(), null));
        }
        yield items;
      }
      case OPERATIONS -> readOperations(p);
      case RAW_ARRAY -> throw UNEXPECTED; // rare: the tree read keeps its text
    };
  }

  /**
   * Each operation's compact text, written as its tokens are read: what {@link
   * OperationCodec#compactText} writes of its tree, which is also {@link OperationCodec#toJson}.
   */
  private static List<String> readOperations(JsonParser p) throws IOException {
    expect(p.currentToken(), JsonToken.START_ARRAY);
    List<String> ops = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      expect(t, JsonToken.START_ARRAY);
      text.setLength(0);
      text.append('[');
      for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
        if (text.length() > 1) {
          text.append(',');
        }
        if (e == JsonToken.VALUE_STRING) {
          OperationCodec.appendString(
              text, p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        } else if (e == JsonToken.VALUE_NUMBER_INT
            && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
          text.append(p.getLongValue());
        } else {
          throw UNEXPECTED; // not an operation: the tree keeps its text
        }
      }
      ops.add(text.append(']').toString());
    }
    if (ops.isEmpty()) {
      throw UNEXPECTED;
    }
    return ops;
  }

  private static void expect(@Nullable JsonToken actual, JsonToken expected) {
    if (actual != expected) {
      throw UNEXPECTED;
    }
  }

  /** A well-formed string. */
  private static String readString(JsonParser p) throws IOException {
    expect(p.currentToken(), JsonToken.VALUE_STRING);
    String s = p.getText();
    CodePoints.requireWellFormed(s);
    return s;
  }

  /** An integer that fits a long, of at least {@code min}. */
  private static long number(JsonParser p, long min) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT
        || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw UNEXPECTED;
    }
    long v = p.getLongValue();
    if (v < min) {
      throw UNEXPECTED;
    }
    return v;
  }

  // ---- the tree read: the exact reason ----

  private static JsonNode parse(String json) {
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

  private static String requestId(JsonNode id, String type) {
    if (!id.isTextual()) {
      throw new MalformedMessageException(
          type + ".id must be a string, was " + JsonObjectReader.describe(id));
    }
    return build(type, () -> Ids.requireRequestId(id.textValue()));
  }

  private static Object fromTree(JsonNode tree, String type, Shape shape) {
    return fromTree(JsonObjectReader.of(tree, type, shape.topLevelNames), shape);
  }

  /** The object {@code r} holds, its fields read in the shape's order. */
  private static Object fromTree(JsonObjectReader r, Shape shape) {
    int n = shape.fields.size();
    Object[] values = new Object[n];
    for (int i = 0; i < n; i++) {
      Shape.Field f = shape.fields.get(i);
      String name = f.name();
      values[i] =
          switch (f.kind()) {
            case STRING -> {
              String s = f.optional() ? r.optionalString(name) : r.string(name);
              yield f.convert() == null ? s : f.convert().apply(r.path() + "." + name, s);
            }
            case LONG -> r.longValue(name, f.min());
            case INT -> r.intValue(name, (int) f.min());
            case BOOL -> f.optional() ? r.optionalBool(name, f.absent()) : r.bool(name);
            case ROLE -> r.role(name, f.noneAllowed());
            case OBJECT ->
                f.optional() && !r.has(name)
                    ? null
                    : fromTree(r.object(name, f.shape().names), f.shape());
            case ARRAY -> items(r, f);
            case ARRAY_LAST -> r.array(name); // checked now, its items read below
            case OPERATIONS -> treeOperations(r, name);
            case RAW_ARRAY -> r.has(name) ? rawArray(r, name) : null;
          };
    }
    for (int i = 0; i < n; i++) {
      if (shape.fields.get(i).kind() == Shape.Kind.ARRAY_LAST) {
        values[i] = items(r, shape.fields.get(i));
      }
    }
    return build(r.path(), () -> shape.build.apply(values));
  }

  private static List<Object> items(JsonObjectReader r, Shape.Field f) {
    JsonNode array = r.array(f.name());
    List<Object> items = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      String path = r.path() + "." + f.name() + "[" + i + "]";
      items.add(fromTree(JsonObjectReader.of(array.get(i), path, f.shape().names), f.shape()));
    }
    return items;
  }

  /**
   * Each operation's text: compact for arrays of strings and integers, else as Jackson writes it.
   */
  private static List<String> treeOperations(JsonObjectReader r, String name) {
    JsonNode ops = r.array(name);
    if (ops.isEmpty()) {
      throw new MalformedMessageException(r.path() + "." + name + " must not be empty");
    }
    List<String> texts = new ArrayList<>(ops.size());
    for (int i = 0; i < ops.size(); i++) {
      JsonNode op = ops.get(i);
      if (op.isNull()) {
        throw new MalformedMessageException(r.path() + "." + name + "[" + i + "] must not be null");
      }
      String text = OperationCodec.compactText(op);
      texts.add(text != null ? text : op.toString());
    }
    return texts;
  }

  /** An array's JSON text, as Jackson writes it (compact). */
  private static String rawArray(JsonObjectReader r, String name) {
    return r.array(name).toString();
  }

  /** Runs a record's constructor, turning its refusal into a message naming {@code path}. */
  static <T> T build(String path, Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (MalformedMessageException e) {
      throw e;
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new MalformedMessageException(path + ": " + e.getMessage(), e);
    }
  }
}
