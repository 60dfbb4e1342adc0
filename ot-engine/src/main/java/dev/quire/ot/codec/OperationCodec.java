package dev.quire.ot.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.quire.ot.operation.Component;
import dev.quire.ot.operation.MalformedOperationException;
import dev.quire.ot.operation.TextOperation;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The JSON form of a {@link TextOperation}, exactly as ot.js and Firepad write it: an array where a
 * positive integer retains, a string inserts and a negative integer deletes, e.g. {@code [5, "abc",
 * -3, 2]}. Decoding is strict: anything else is refused with a {@link MalformedOperationException}
 * that names the offending element.
 *
 * <p>{@link #toJson} writes the canonical form: the RFC 8785 text of the array, which is also what
 * ot.js ({@code JSON.stringify}) writes, so a control character in an insert is <code>&#92;u000b
 * </code>, in lower case. Readers accept either case (<code>&#92;u000B</code> is what Jackson, and
 * Quire before the history file, wrote).
 */
public final class OperationCodec {
  // Without FAIL_ON_TRAILING_TOKENS, readTree stops after the first value and "[1] [2]" decodes.
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private OperationCodec() {}

  /**
   * The canonical JSON text of {@code op} (RFC 8785, as ot.js writes it): {@code
   * toTree(op).toString()} except that control characters are escaped in lower case, written
   * directly (the store and the wire encode every operation, and a tree per operation was most of
   * that).
   */
  public static String toJson(TextOperation op) {
    StringBuilder out = new StringBuilder(16 * op.componentCount() + 2).append('[');
    for (int i = 0, n = op.componentCount(); i < n; i++) {
      if (i > 0) {
        out.append(',');
      }
      Component c = op.component(i);
      if (c instanceof Component.Retain r) {
        out.append(r.count());
      } else if (c instanceof Component.Insert ins) {
        appendString(out, ins.text());
      } else {
        out.append(-c.length());
      }
    }
    return out.append(']').toString();
  }

  /**
   * The compact JSON text of an operation's tree, as {@link #toJson} writes it (Jackson's {@code
   * tree.toString()} but with lower-case control-character escapes), or null when the tree is not
   * an array of integers and strings (then use {@code toString()}). The protocol's reader keeps an
   * operation read from a tree as this text, the same text it writes when it streams one.
   */
  public static @Nullable String compactText(JsonNode tree) {
    if (!tree.isArray()) {
      return null;
    }
    StringBuilder out = new StringBuilder(16 * tree.size() + 2).append('[');
    for (int i = 0, n = tree.size(); i < n; i++) {
      JsonNode e = tree.get(i);
      if (i > 0) {
        out.append(',');
      }
      if (e.isTextual()) {
        appendString(out, e.textValue());
      } else if (e.isInt() || e.isLong()) {
        out.append(e.longValue());
      } else {
        return null;
      }
    }
    return out.append(']').toString();
  }

  /**
   * A JSON string literal escaped as RFC 8785 and ot.js escape it: quote, backslash and controls
   * only, <code>&#92;u00xx</code> in lower case. Unlike {@link CanonicalJson#appendString} it takes
   * any string (an opaque payload may hold an unpaired surrogate); an operation's inserts never do.
   */
  private static void appendString(StringBuilder out, String s) {
    out.append('"');
    int start = 0;
    for (int i = 0, n = s.length(); i < n; i++) {
      char ch = s.charAt(i);
      if (ch >= 0x20 && ch != '"' && ch != '\\') {
        continue;
      }
      CanonicalJson.appendEscape(out.append(s, start, i), ch);
      start = i + 1;
    }
    out.append(s, start, s.length()).append('"');
  }

  /**
   * {@code text[offset, offset + length)} as a JSON string literal, escaped as {@link #toJson}
   * escapes inserts: for readers that hold a string as a parser's characters, not yet a String.
   */
  public static void appendString(StringBuilder out, char[] text, int offset, int length) {
    out.append('"');
    int start = offset;
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      char ch = text[i];
      if (ch >= 0x20 && ch != '"' && ch != '\\') {
        continue;
      }
      CanonicalJson.appendEscape(out.append(text, start, i - start), ch);
      start = i + 1;
    }
    out.append(text, start, end - start).append('"');
  }

  /** The JSON tree of {@code op}. */
  public static ArrayNode toTree(TextOperation op) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode(op.componentCount());
    for (int i = 0, n = op.componentCount(); i < n; i++) {
      Component c = op.component(i);
      if (c instanceof Component.Retain r) {
        array.add(r.count());
      } else if (c instanceof Component.Insert ins) {
        array.add(ins.text());
      } else {
        array.add(-c.length());
      }
    }
    return array;
  }

  /** Parses JSON text into an operation. */
  public static TextOperation fromJson(String json) {
    Objects.requireNonNull(json, "json == null");
    TextOperation op = readCompact(json);
    if (op != null) {
      return op;
    }
    JsonNode tree;
    try {
      tree = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new MalformedOperationException(
          "operation is not valid JSON: " + e.getOriginalMessage());
    }
    return fromTree(tree);
  }

  /**
   * Reads an operation in the exact form {@link #toJson} writes ({@code [5,"ab",-2]}: no spaces,
   * plain integers), which is how every stored and relayed operation looks, with a scan of the
   * characters: a Jackson parser per operation costs about as much again as reading the history
   * page that carried it. Returns null for anything else, which {@link #fromJson} then reads as a
   * tree, accepting it or refusing it with the exact reason.
   */
  public static @Nullable TextOperation readCompact(String json) {
    int n = json.length();
    if (n < 3 || json.charAt(0) != '[' || json.charAt(n - 1) != ']') {
      return null;
    }
    TextOperation.Builder b = TextOperation.builder();
    @Nullable StringBuilder text = null;
    int i = 1;
    try {
      while (true) {
        char c = json.charAt(i);
        if (c == '"') {
          int start = ++i;
          boolean escaped = false;
          while ((c = json.charAt(i)) != '"') {
            if (c == '\\') {
              escaped = true;
              i += 2;
            } else if (c < 0x20) {
              return null; // JSON forbids raw control characters in strings
            } else {
              i++;
            }
          }
          if (i == start) {
            return null; // an empty insert
          }
          String insert;
          if (escaped) {
            if (text == null) {
              text = new StringBuilder();
            }
            insert = unescape(json, start, i, text);
            if (insert == null) {
              return null;
            }
          } else {
            insert = json.substring(start, i);
          }
          b.insert(insert);
          i++;
        } else {
          boolean negative = c == '-';
          if (negative) {
            c = json.charAt(++i);
          }
          if (c < '1' || c > '9') {
            return null; // 0, a leading zero, or not a number
          }
          long v = 0;
          while (c >= '0' && c <= '9') {
            v = v * 10 + (c - '0');
            if (v > Integer.MAX_VALUE) {
              return null;
            }
            c = json.charAt(++i);
          }
          if (negative) {
            b.delete((int) v);
          } else {
            b.retain((int) v);
          }
        }
        c = json.charAt(i);
        if (c == ']') {
          return i == n - 1 ? b.build() : null;
        }
        if (c != ',') {
          return null;
        }
        i++;
      }
    } catch (IndexOutOfBoundsException | MalformedOperationException e) {
      return null;
    }
  }

  /** The string between {@code start} and {@code end} with its JSON escapes read, or null. */
  private static @Nullable String unescape(String json, int start, int end, StringBuilder out) {
    out.setLength(0);
    for (int i = start; i < end; i++) {
      char c = json.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = json.charAt(++i);
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (i + 4 >= end) {
            return null;
          }
          int v = 0;
          for (int k = 1; k <= 4; k++) {
            int d = Character.digit(json.charAt(i + k), 16);
            if (d < 0) {
              return null;
            }
            v = v * 16 + d;
          }
          out.append((char) v);
          i += 4;
        }
        default -> {
          return null;
        }
      }
    }
    return out.toString();
  }

  /**
   * Reads an operation from a JSON tree. Adjacent components of one kind are merged, as ot.js does;
   * anything that is not a component is refused.
   */
  public static TextOperation fromTree(JsonNode tree) {
    if (tree == null || !tree.isArray()) {
      throw new MalformedOperationException(
          "operation must be a JSON array, was " + describe(tree));
    }
    TextOperation.Builder b = TextOperation.builder();
    for (int i = 0; i < tree.size(); i++) {
      JsonNode e = tree.get(i);
      if (e.isTextual()) {
        String text = e.textValue();
        if (text.isEmpty()) {
          throw new MalformedOperationException("operation element " + i + " is an empty insert");
        }
        try {
          b.insert(text);
        } catch (MalformedOperationException bad) {
          throw new MalformedOperationException("operation element " + i + ": " + bad.getMessage());
        }
      } else if (e.isIntegralNumber() && e.canConvertToInt()) {
        int n = e.intValue();
        if (n == 0) {
          throw new MalformedOperationException("operation element " + i + " is 0");
        } else if (n > 0) {
          b.retain(n);
        } else if (n == Integer.MIN_VALUE) {
          throw new MalformedOperationException(
              "operation element " + i + " is out of range: " + n);
        } else {
          b.delete(-n);
        }
      } else if (e.isIntegralNumber()) {
        throw new MalformedOperationException(
            "operation element " + i + " is out of range: " + e.asText());
      } else {
        throw new MalformedOperationException(
            "operation element "
                + i
                + " must be a non-zero integer or a non-empty string, was "
                + describe(e));
      }
    }
    return b.build();
  }

  private static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    String type =
        switch (node.getNodeType()) {
          case ARRAY -> "an array";
          case OBJECT, POJO -> "an object";
          case BOOLEAN -> "a boolean";
          case NULL -> "null";
          case NUMBER -> "the number " + node.asText();
          case STRING -> "a string";
          default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    return type;
  }
}
