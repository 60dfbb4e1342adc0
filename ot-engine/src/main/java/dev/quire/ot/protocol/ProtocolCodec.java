package dev.quire.ot.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.quire.ot.codec.MalformedMessageException;
import dev.quire.ot.cursor.Selection;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
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
 * read (see {@link WireBatch}). {@code MessageReader} does the reading, by each message's {@code
 * Shape}.
 */
public final class ProtocolCodec {
  /**
   * The protocol version this codec speaks; {@code hello} and {@code welcome} carry it. Version 8:
   * {@code devices} answers may carry {@code rotationDue}, for the owner's client; {@code
   * myDevices} and {@code revokeDevice} list and revoke a user's devices. Version 7: {@code upload}
   * may carry {@code encrypted}, to bring an encrypted document back. Version 5 (among others):
   * batches may carry {@code notes} (comments and named versions); {@code welcome} carries the
   * relay's signing key and {@code signatures} asks for its signed checkpoints of a history.
   * Version 4: batches carry {@code madeAt}, the author's time; {@code welcome} names the relay;
   * {@code members} lists who has a role on a document. Version 3: every request carries an {@code
   * id} and every answer and error the id it answers. Version 2: {@code sequenced} carries several
   * batches and includes the subscriber's own.
   */
  public static final int VERSION = 8;

  private static final JsonFactory FACTORY = new JsonFactory();

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

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
      if (c.encrypted()) {
        o.put("encrypted", true);
      }
      putSealedTitle(o, c.sealedTitle());
    } else if (m instanceof ClientMessage.RegisterDevice d) {
      o.put("signingKey", d.keys().signingKey()).put("agreementKey", d.keys().agreementKey());
    } else if (m instanceof ClientMessage.Seal se) {
      o.put("doc", se.doc()).put("epoch", se.epoch());
      if (se.rotate()) {
        o.put("rotate", true);
      }
      ArrayNode list = o.putArray("envelopes");
      se.envelopes().forEach(e -> list.add(envelopeTree(e)));
    } else if (m instanceof ClientMessage.RevokeDevice rv) {
      o.put("clientId", rv.clientId());
    } else if (m instanceof ClientMessage.ListDocuments l) {
      if (l.after() != null) {
        o.put("after", l.after());
      }
    } else if (m instanceof ClientMessage.Trash t) {
      if (t.after() != null) {
        o.put("after", t.after());
      }
    } else if (m instanceof ClientMessage.Rename r) {
      o.put("doc", r.doc()).put("title", r.title());
      putSealedTitle(o, r.sealedTitle());
    } else if (m instanceof ClientMessage.Share s) {
      o.put("doc", s.doc()).put("user", s.user()).put("role", roleName(s.role()));
    } else if (m instanceof ClientMessage.Members mb) {
      o.put("doc", mb.doc());
    } else if (m instanceof ClientMessage.Signatures sg) {
      o.put("doc", sg.doc()).put("fromRevision", sg.fromRevision());
    } else if (m instanceof ClientMessage.Open op) {
      o.put("doc", op.doc()).put("fromRevision", op.fromRevision());
      o.put("snapshot", op.snapshot());
    } else if (m instanceof ClientMessage.Submit s) {
      o.put("doc", s.doc()).set("batch", batchTree(s.batch()));
    } else if (m instanceof ClientMessage.Upload u) {
      o.put("doc", u.doc()).put("title", u.title()).put("created", u.created());
      o.put("head", u.head());
      if (u.encrypted()) {
        o.put("encrypted", true);
      }
      putSealedTitle(o, u.sealedTitle());
      ArrayNode members = o.putArray("members");
      u.members()
          .forEach(x -> members.addObject().put("user", x.user()).put("role", x.role().wireName()));
      ArrayNode batches = o.putArray("batches");
      for (WireSequenced b : u.batches()) {
        ObjectNode e = batches.addObject();
        e.put("firstRevision", b.firstRevision()).put("author", b.author());
        e.put("timestamp", b.timestampMillis()).set("batch", batchTree(b.batch()));
      }
    } else if (m instanceof ClientMessage.Presence p) {
      o.put("doc", p.doc()).put("revision", p.revision());
      o.set("selection", selectionTree(p.selection()));
      o.put("name", p.name()).put("colour", p.colour());
    } else if (m.doc() != null) { // Delete, Unsubscribe, Restore, Purge
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
    return MessageReader.request(json);
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
            case "type" -> type = MessageReader.CLIENT.containsKey(text) ? text : null;
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
    if (m instanceof ServerMessage.Sequenced || m instanceof ServerMessage.History) {
      return encodeBatches(m, id);
    }
    ObjectNode o = NODES.objectNode();
    o.put("type", m.type());
    if (id != null) {
      o.put("id", Ids.requireRequestId(id));
    }
    if (m instanceof ServerMessage.Welcome w) {
      o.put("protocol", w.protocol()).put("user", w.user()).put("session", w.session());
      o.put("mode", w.opaque() ? "opaque" : "readable");
      o.set("limits", limitsTree(w.limits()));
      o.put("relay", w.relay());
      putIfNotNull(o, "signingKey", w.signingKey());
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
      putSealedTitle(o, r.sealedTitle());
    } else if (m instanceof ServerMessage.Deleted d) {
      o.put("doc", d.doc());
    } else if (m instanceof ServerMessage.Trash t) {
      ArrayNode docs = o.putArray("documents");
      t.documents().forEach(d -> docs.add(trashedTree(d)));
      o.put("complete", t.complete());
    } else if (m instanceof ServerMessage.Restored r) {
      o.set("document", documentTree(r.document()));
    } else if (m instanceof ServerMessage.Purged p) {
      o.put("doc", p.doc());
    } else if (m instanceof ServerMessage.TrashEmptied e) {
      o.put("purged", e.purged());
    } else if (m instanceof ServerMessage.Shared s) {
      o.put("doc", s.doc()).put("user", s.user()).put("role", roleName(s.role()));
    } else if (m instanceof ServerMessage.Members mb) {
      o.put("doc", mb.doc());
      ArrayNode members = o.putArray("members");
      mb.members()
          .forEach(x -> members.addObject().put("user", x.user()).put("role", x.role().wireName()));
    } else if (m instanceof ServerMessage.Signatures sg) {
      o.put("doc", sg.doc()).put("key", sg.key()).put("interval", sg.interval());
      ArrayNode list = o.putArray("signatures");
      for (RelaySignature r : sg.signatures()) {
        ObjectNode e = list.addObject().put("revision", r.revision()).put("chain", r.chain());
        putIfNotNull(e, "textHash", r.textHash());
        e.put("signature", r.signature());
      }
      o.put("complete", sg.complete());
    } else if (m instanceof ServerMessage.Snapshot s) {
      o.put("doc", s.doc()).put("revision", s.revision()).put("text", s.text());
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
    } else if (m instanceof ServerMessage.DeviceRegistered d) {
      o.put("user", d.user()).put("clientId", d.clientId());
      o.put("signingKey", d.keys().signingKey()).put("agreementKey", d.keys().agreementKey());
    } else if (m instanceof ServerMessage.Devices d) {
      o.put("doc", d.doc()).put("epoch", d.epoch());
      ArrayNode list = o.putArray("devices");
      for (Device x : d.devices()) {
        list.addObject()
            .put("user", x.user())
            .put("clientId", x.clientId())
            .put("signingKey", x.keys().signingKey())
            .put("agreementKey", x.keys().agreementKey())
            .put("sealed", x.sealed())
            .put("member", x.member());
      }
      if (d.rotationDue()) {
        o.put("rotationDue", true); // optional: left out when false
      }
    } else if (m instanceof ServerMessage.UserDevices u) {
      ArrayNode list = o.putArray("devices");
      for (UserDevice x : u.devices()) {
        list.addObject().put("clientId", x.clientId()).put("registered", x.registeredMillis());
      }
    } else if (m instanceof ServerMessage.DeviceRevoked r) {
      o.put("clientId", r.clientId()).put("documents", r.documents());
    } else if (m instanceof ServerMessage.Keys k) {
      o.put("doc", k.doc()).put("epoch", k.epoch());
      ArrayNode list = o.putArray("envelopes");
      k.envelopes().forEach(e -> list.add(envelopeTree(e)));
    } else if (m instanceof ServerMessage.Sealed se) {
      o.put("doc", se.doc()).put("epoch", se.epoch());
    } else if (m instanceof ServerMessage.Uploaded u) {
      o.put("doc", u.doc()).put("head", u.head()).put("complete", u.complete());
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
    return MessageReader.reply(json);
  }

  private static ObjectNode batchTree(WireBatch b) {
    ObjectNode o = NODES.objectNode();
    o.put("clientId", b.clientId()).put("batchSeq", b.batchSeq());
    o.put("baseRevision", b.baseRevision());
    ArrayNode ops = o.putArray("operations");
    b.operations().forEach(op -> ops.addRawValue(new RawValue(op)));
    o.put("madeAt", b.madeAt());
    if (b.notes() != null) {
      o.putRawValue("notes", new RawValue(b.notes()));
    }
    return o;
  }

  /**
   * {@code sequenced} and {@code history}, written straight out rather than built as a tree first:
   * the relay sends one for every batch it takes, and its pages of history hold thousands. The same
   * text the tree gives, field for field.
   */
  private static String encodeBatches(ServerMessage m, String id) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("type", m.type());
      if (id != null) {
        g.writeStringField("id", Ids.requireRequestId(id));
      }
      if (m instanceof ServerMessage.Sequenced s) {
        g.writeStringField("doc", s.doc());
        writeBatches(g, s.batches());
      } else {
        ServerMessage.History h = (ServerMessage.History) m;
        g.writeStringField("doc", h.doc());
        writeBatches(g, h.batches());
        g.writeNumberField("head", h.head());
        g.writeBooleanField("complete", h.complete());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  private static void writeBatches(JsonGenerator g, List<WireSequenced> batches)
      throws IOException {
    g.writeArrayFieldStart("batches");
    for (WireSequenced s : batches) {
      g.writeStartObject();
      g.writeNumberField("firstRevision", s.firstRevision());
      g.writeStringField("author", s.author());
      g.writeNumberField("timestamp", s.timestampMillis());
      WireBatch b = s.batch();
      g.writeObjectFieldStart("batch");
      g.writeStringField("clientId", b.clientId());
      g.writeNumberField("batchSeq", b.batchSeq());
      g.writeNumberField("baseRevision", b.baseRevision());
      g.writeArrayFieldStart("operations");
      for (String op : b.operations()) {
        g.writeRawValue(op);
      }
      g.writeEndArray();
      g.writeNumberField("madeAt", b.madeAt());
      if (b.notes() != null) {
        g.writeFieldName("notes");
        g.writeRawValue(b.notes());
      }
      g.writeEndObject();
      g.writeEndObject();
    }
    g.writeEndArray();
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
    if (d.encrypted()) {
      o.put("encrypted", true);
    }
    putSealedTitle(o, d.sealedTitle());
    return o;
  }

  private static void putSealedTitle(ObjectNode o, SealedTitle t) {
    if (t != null) {
      o.putObject("sealedTitle").put("epoch", t.epoch()).put("sealed", t.sealed());
    }
  }

  private static ObjectNode envelopeTree(KeyEnvelope e) {
    ObjectNode o = NODES.objectNode();
    o.put("epoch", e.epoch()).put("user", e.user()).put("clientId", e.clientId());
    o.put("envelope", e.envelope());
    return o;
  }

  private static ObjectNode trashedTree(TrashedDocument d) {
    ObjectNode o = NODES.objectNode();
    o.put("doc", d.doc()).put("title", d.title()).put("head", d.head());
    o.put("deleted", d.deletedMillis()).put("purgeAt", d.purgeAtMillis());
    putSealedTitle(o, d.sealedTitle());
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
