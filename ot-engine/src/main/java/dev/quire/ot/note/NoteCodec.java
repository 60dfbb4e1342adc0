package dev.quire.ot.note;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.ot.codec.MalformedMessageException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The JSON form of a batch's notes: an array of objects, each with a {@code kind}.
 *
 * <pre>
 * {"kind": "comment", "id": "c1", "from": 3, "to": 9, "text": "Is this right?"}
 * {"kind": "reply", "id": "r1", "comment": "c1", "text": "Yes."}
 * {"kind": "resolve", "comment": "c1"}      {"kind": "reopen", "comment": "c1"}
 * {"kind": "edit", "id": "r1", "text": "Yes, checked."}
 * {"kind": "delete", "id": "r1"}
 * {"kind": "version", "name": "sent to the client"}  (optional "revision": 12)
 * {"kind": "removeVersion", "name": "sent to the client", "revision": 12}
 * </pre>
 *
 * <p>Decoding is strict, as the protocol's is: unknown, missing, repeated or null fields, wrong
 * types, an empty array, more than {@link #MAX_NOTES} notes and values the {@link Note} records
 * refuse are all refused with a {@link MalformedMessageException} naming the field, such as {@code
 * notes[2].text}.
 */
public final class NoteCodec {
  /** The most notes one batch carries. */
  public static final int MAX_NOTES = 100;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final Map<String, Set<String>> FIELDS =
      Map.of(
          "comment", Set.of("kind", "id", "from", "to", "text"),
          "reply", Set.of("kind", "id", "comment", "text"),
          "resolve", Set.of("kind", "comment"),
          "reopen", Set.of("kind", "comment"),
          "edit", Set.of("kind", "id", "text"),
          "delete", Set.of("kind", "id"),
          "version", Set.of("kind", "name", "revision"),
          "removeVersion", Set.of("kind", "name", "revision"));

  private NoteCodec() {}

  /** The compact JSON text of {@code notes}. */
  public static String toJson(List<Note> notes) {
    return toTree(notes).toString();
  }

  /** The JSON tree of {@code notes}. */
  public static ArrayNode toTree(List<Note> notes) {
    Objects.requireNonNull(notes, "notes == null");
    ArrayNode array = JsonNodeFactory.instance.arrayNode(notes.size());
    for (Note n : notes) {
      ObjectNode o = array.addObject().put("kind", n.kind());
      if (n instanceof Note.Comment c) {
        o.put("id", c.id()).put("from", c.from()).put("to", c.to()).put("text", c.text());
      } else if (n instanceof Note.Reply r) {
        o.put("id", r.id()).put("comment", r.comment()).put("text", r.text());
      } else if (n instanceof Note.Resolve r) {
        o.put("comment", r.comment());
      } else if (n instanceof Note.Edit e) {
        o.put("id", e.id()).put("text", e.text());
      } else if (n instanceof Note.Delete d) {
        o.put("id", d.id());
      } else if (n instanceof Note.Version v) {
        o.put("name", v.name());
        if (v.revision() != null) {
          o.put("revision", v.revision());
        }
      } else if (n instanceof Note.RemoveVersion r) {
        o.put("name", r.name()).put("revision", r.revision());
      }
    }
    return array;
  }

  /**
   * Reads notes from JSON text.
   *
   * @throws MalformedMessageException naming the offending field under {@code path}
   */
  public static List<Note> fromJson(String json, String path) {
    Objects.requireNonNull(json, "json == null");
    try {
      return fromTree(MAPPER.readTree(json), path);
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException(path + " is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /** Reads notes from a JSON tree; see {@link #fromJson}. */
  public static List<Note> fromTree(JsonNode tree, String path) {
    if (tree == null || !tree.isArray()) {
      throw new MalformedMessageException(path + " must be an array of notes");
    }
    if (tree.isEmpty()) {
      throw new MalformedMessageException(path + " must not be empty (leave it out instead)");
    }
    if (tree.size() > MAX_NOTES) {
      throw new MalformedMessageException(
          path + " holds " + tree.size() + " notes, more than " + MAX_NOTES);
    }
    List<Note> notes = new ArrayList<>(tree.size());
    for (int i = 0; i < tree.size(); i++) {
      notes.add(note(tree.get(i), path + "[" + i + "]"));
    }
    return List.copyOf(notes);
  }

  private static Note note(JsonNode o, String path) {
    if (!o.isObject()) {
      throw new MalformedMessageException(path + " must be an object");
    }
    String kind = string(o, path, "kind");
    Set<String> known = FIELDS.get(kind);
    if (known == null) {
      throw new MalformedMessageException(path + ".kind \"" + kind + "\" is not a note kind");
    }
    for (Iterator<String> names = o.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new MalformedMessageException(path + "." + name + " is not a field of a " + kind);
      }
    }
    try {
      return switch (kind) {
        case "comment" ->
            new Note.Comment(
                string(o, path, "id"),
                integer(o, path, "from"),
                integer(o, path, "to"),
                string(o, path, "text"));
        case "reply" ->
            new Note.Reply(
                string(o, path, "id"), string(o, path, "comment"), string(o, path, "text"));
        case "resolve", "reopen" ->
            new Note.Resolve(string(o, path, "comment"), kind.equals("resolve"));
        case "edit" -> new Note.Edit(string(o, path, "id"), string(o, path, "text"));
        case "delete" -> new Note.Delete(string(o, path, "id"));
        case "removeVersion" -> new Note.RemoveVersion(string(o, path, "name"), revision(o, path));
        default ->
            new Note.Version(string(o, path, "name"), o.has("revision") ? revision(o, path) : null);
      };
    } catch (MalformedMessageException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException(path + ": " + e.getMessage(), e);
    }
  }

  private static JsonNode field(JsonNode o, String path, String name) {
    JsonNode v = o.get(name);
    if (v == null || v.isNull()) {
      throw new MalformedMessageException(path + "." + name + " is missing");
    }
    return v;
  }

  private static String string(JsonNode o, String path, String name) {
    JsonNode v = field(o, path, name);
    if (!v.isTextual()) {
      throw new MalformedMessageException(path + "." + name + " must be a string");
    }
    return v.textValue();
  }

  private static int integer(JsonNode o, String path, String name) {
    JsonNode v = field(o, path, name);
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
      throw new MalformedMessageException(
          path + "." + name + " must be an integer from 0 to " + Integer.MAX_VALUE);
    }
    return v.intValue();
  }

  private static long revision(JsonNode o, String path) {
    JsonNode v = field(o, path, "revision");
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
      throw new MalformedMessageException(path + ".revision must be an integer of at least 0");
    }
    return v.longValue();
  }
}
