package dev.quire.ot.codec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * RFC 8785 (JSON Canonicalization Scheme) for the JSON values Quire hashes and signs: objects,
 * arrays, strings, integers, booleans and null. Object members are sorted by their names' UTF-16
 * code units, nothing is indented, strings are escaped as ECMAScript's {@code JSON.stringify}
 * escapes them (lower-case <code>&#92;u000b</code>), and integers are written in decimal. Numbers
 * with a fraction or beyond 2<sup>53</sup> are refused rather than written in a form another
 * canonicaliser would write differently, and so are strings with an unpaired surrogate (I-JSON, RFC
 * 7493).
 *
 * <p>Values are {@link Map} (names are strings), {@link List}, {@link String}, {@link Long}, {@link
 * Integer}, {@link Boolean}, {@code null}, or a {@link Raw} text already in canonical form.
 */
public final class CanonicalJson {
  /** The largest integer every JSON reader (IEEE 754 doubles) holds exactly: 2^53 - 1. */
  public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private CanonicalJson() {}

  /** JSON text that is already canonical (for example {@link OperationCodec#toJson}'s). */
  public record Raw(String json) {
    public Raw {
      Objects.requireNonNull(json, "json == null");
    }
  }

  /** The canonical JSON text of {@code value}. */
  public static String write(@Nullable Object value) {
    StringBuilder out = new StringBuilder();
    append(out, value);
    return out.toString();
  }

  /** Appends the canonical JSON text of {@code value}. */
  public static void append(StringBuilder out, @Nullable Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      appendString(out, s);
    } else if (value instanceof Long || value instanceof Integer) {
      appendInteger(out, ((Number) value).longValue());
    } else if (value instanceof Boolean b) {
      out.append(b.booleanValue());
    } else if (value instanceof Raw r) {
      out.append(r.json());
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        append(out, list.get(i));
      }
      out.append(']');
    } else if (value instanceof Map<?, ?> map) {
      appendObject(out, map);
    } else {
      throw new IllegalArgumentException(
          "no canonical JSON form for a " + value.getClass().getSimpleName());
    }
  }

  /**
   * Appends the canonical JSON text of a parsed tree, so that a text read back hashes as it was
   * written whatever its spacing, member order or escapes.
   *
   * @throws IllegalArgumentException for a number with a fraction or exponent, or beyond 2^53 - 1,
   *     and for a string with an unpaired surrogate
   */
  public static void append(StringBuilder out, JsonNode node) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        List<String> names = new ArrayList<>(node.size());
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
          names.add(it.next());
        }
        names.sort(null);
        out.append('{');
        for (int i = 0; i < names.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          appendString(out, names.get(i));
          out.append(':');
          append(out, node.get(names.get(i)));
        }
        out.append('}');
      }
      case ARRAY -> {
        out.append('[');
        for (int i = 0; i < node.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          append(out, node.get(i));
        }
        out.append(']');
      }
      case STRING -> appendString(out, node.textValue());
      case BOOLEAN -> out.append(node.booleanValue());
      case NULL -> out.append("null");
      case NUMBER -> {
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
          throw new IllegalArgumentException(
              "number " + node.asText() + " is not an integer of at most 2^53 - 1");
        }
        appendInteger(out, node.longValue());
      }
      default ->
          throw new IllegalArgumentException("no canonical JSON form for " + node.getNodeType());
    }
  }

  private static void appendObject(StringBuilder out, Map<?, ?> map) {
    List<String> names = new ArrayList<>(map.size());
    for (Object name : map.keySet()) {
      if (!(name instanceof String s)) {
        throw new IllegalArgumentException("object member names must be strings, was " + name);
      }
      names.add(s);
    }
    names.sort(null); // String.compareTo compares UTF-16 code units, as RFC 8785 section 3.2.3 asks
    out.append('{');
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      appendString(out, names.get(i));
      out.append(':');
      append(out, map.get(names.get(i)));
    }
    out.append('}');
  }

  /**
   * Appends {@code v} in decimal.
   *
   * @throws IllegalArgumentException beyond +-(2^53 - 1), where readers lose precision
   */
  public static void appendInteger(StringBuilder out, long v) {
    if (v > MAX_SAFE_INTEGER || v < -MAX_SAFE_INTEGER) {
      throw new IllegalArgumentException(
          "integer " + v + " is beyond 2^53 - 1, which JSON numbers do not hold exactly");
    }
    out.append(v);
  }

  /**
   * Appends {@code s} as a JSON string literal the way RFC 8785 and ECMAScript write it: {@code "}
   * and <code>&#92;</code> escaped, <code>&#92;b &#92;f &#92;n &#92;r &#92;t</code> in their short
   * forms, every other control character below U+0020 as <code>&#92;u00xx</code> in lower case, and
   * everything else as it is.
   *
   * @throws IllegalArgumentException when {@code s} holds an unpaired surrogate
   */
  public static void appendString(StringBuilder out, String s) {
    out.append('"');
    int start = 0;
    for (int i = 0, n = s.length(); i < n; i++) {
      char ch = s.charAt(i);
      if (Character.isSurrogate(ch)) {
        if (Character.isHighSurrogate(ch)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        throw new IllegalArgumentException(
            "string has an unpaired surrogate at UTF-16 index " + i + ": not canonical JSON");
      }
      if (ch >= 0x20 && ch != '"' && ch != '\\') {
        continue;
      }
      appendEscape(out.append(s, start, i), ch);
      start = i + 1;
    }
    out.append(s, start, s.length()).append('"');
  }

  /**
   * Appends the escape of {@code ch}, a quote, a backslash or a control character, as RFC 8785 (and
   * ot.js) write it: the short forms where JSON has one, otherwise {@code \\u00xx} in lower case.
   */
  static void appendEscape(StringBuilder out, char ch) {
    out.append('\\');
    switch (ch) {
      case '"', '\\' -> out.append(ch);
      case '\b' -> out.append('b');
      case '\t' -> out.append('t');
      case '\n' -> out.append('n');
      case '\f' -> out.append('f');
      case '\r' -> out.append('r');
      default -> out.append("u00").append(HEX[ch >> 4]).append(HEX[ch & 0xF]);
    }
  }
}
