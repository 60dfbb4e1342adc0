package dev.quire.ot.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.ot.codec.MalformedMessageException;
import dev.quire.ot.cursor.Selection;
import dev.quire.ot.operation.CodePoints;
import dev.quire.ot.operation.MalformedOperationException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Strict reads from one JSON object: every field of the expected JSON type, no unknown fields, no
 * nulls, numbers integral and in range. Errors name the field by its path, e.g. {@code
 * submit.batch.batchSeq}.
 */
final class JsonObjectReader {
  private final JsonNode node;
  private final String path;

  private JsonObjectReader(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /** Reads {@code node} as an object whose fields are all among {@code known}. */
  static JsonObjectReader of(JsonNode node, String path, Set<String> known) {
    if (node == null || !node.isObject()) {
      throw new MalformedMessageException(path + " must be a JSON object, was " + describe(node));
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new MalformedMessageException(
            path + "." + Ids.abbreviate(name) + " is not a known field");
      }
    }
    return new JsonObjectReader(node, path);
  }

  String path() {
    return path;
  }

  boolean has(String name) {
    return node.has(name);
  }

  JsonNode required(String name) {
    JsonNode v = node.get(name);
    if (v == null) {
      throw new MalformedMessageException(path + "." + name + " is missing");
    }
    if (v.isNull()) {
      throw new MalformedMessageException(path + "." + name + " must not be null");
    }
    return v;
  }

  String string(String name) {
    JsonNode v = required(name);
    if (!v.isTextual()) {
      throw new MalformedMessageException(
          path + "." + name + " must be a string, was " + describe(v));
    }
    try {
      CodePoints.requireWellFormed(v.textValue());
    } catch (MalformedOperationException e) {
      throw new MalformedMessageException(path + "." + name + ": " + e.getMessage(), e);
    }
    return v.textValue();
  }

  /** The string, or null when the field is absent (a present null is still refused). */
  @Nullable String optionalString(String name) {
    return node.has(name) ? string(name) : null;
  }

  long longValue(String name, long min) {
    JsonNode v = required(name);
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

  int intValue(String name, int min) {
    long value = longValue(name, min);
    if (value > Integer.MAX_VALUE) {
      throw new MalformedMessageException(path + "." + name + " is out of range: " + value);
    }
    return (int) value;
  }

  boolean bool(String name) {
    JsonNode v = required(name);
    if (!v.isBoolean()) {
      throw new MalformedMessageException(
          path + "." + name + " must be true or false, was " + describe(v));
    }
    return v.booleanValue();
  }

  boolean optionalBool(String name, boolean absent) {
    return node.has(name) ? bool(name) : absent;
  }

  JsonNode array(String name) {
    JsonNode v = required(name);
    if (!v.isArray()) {
      throw new MalformedMessageException(
          path + "." + name + " must be an array, was " + describe(v));
    }
    return v;
  }

  JsonObjectReader object(String name, Set<String> known) {
    return of(required(name), path + "." + name, known);
  }

  Selection selection(String name) {
    JsonObjectReader s = object(name, Set.of("anchor", "head"));
    return new Selection(s.intValue("anchor", 0), s.intValue("head", 0));
  }

  @Nullable Role role(String name, boolean noneAllowed) {
    String wire = string(name);
    if (noneAllowed && wire.equals("none")) {
      return null;
    }
    Role role = Role.fromWire(wire);
    if (role == null) {
      throw new MalformedMessageException(
          path
              + "."
              + name
              + " must be one of owner, editor, viewer"
              + (noneAllowed ? ", none" : "")
              + ", was \""
              + Ids.abbreviate(wire)
              + "\"");
    }
    return role;
  }

  static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case NUMBER -> "the number " + Ids.abbreviate(node.asText());
      case STRING -> "a string";
      default -> node.getNodeType().toString().toLowerCase(Locale.ROOT);
    };
  }
}
