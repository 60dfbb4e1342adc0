package dev.quire.ot.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads a trace file, plain JSON or gzipped (recognised by its magic bytes, not its name), with a
 * streaming parser so a 260,000-transaction trace never exists as a JSON tree. Every structural
 * problem is reported with the JSON path where it was found.
 */
public final class TraceReader {
  private static final JsonFactory JSON = new JsonFactory();

  private TraceReader() {}

  public static Trace read(Path file) throws IOException {
    try (InputStream in = open(file)) {
      return read(in);
    }
  }

  public static Trace read(InputStream in) throws IOException {
    try (JsonParser p = JSON.createParser(in)) {
      return readTrace(p);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new TraceFormatException("not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static InputStream open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    return b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
  }

  private static Trace readTrace(JsonParser p) throws IOException {
    expect(p, p.nextToken(), JsonToken.START_OBJECT, "the trace");
    String start = "";
    String end = null;
    boolean concurrent = false;
    int agents = 1;
    List<Trace.Txn> txns = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "startContent" -> start = string(p, value, "startContent");
        case "endContent" -> end = string(p, value, "endContent");
        case "kind" -> concurrent = "concurrent".equals(string(p, value, "kind"));
        case "numAgents" -> agents = nonNegative(p, value, "numAgents");
        case "txns" -> txns = readTxns(p, value);
        default -> p.skipChildren();
      }
    }
    if (end == null || txns == null) {
      throw new TraceFormatException("a trace needs \"endContent\" and \"txns\"");
    }
    return new Trace(concurrent, Math.max(agents, 1), start, end, txns);
  }

  private static List<Trace.Txn> readTxns(JsonParser p, JsonToken token) throws IOException {
    expect(p, token, JsonToken.START_ARRAY, "txns");
    List<Trace.Txn> txns = new ArrayList<>();
    while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
      txns.add(readTxn(p, token, "txns[" + txns.size() + "]"));
    }
    return txns;
  }

  private static Trace.Txn readTxn(JsonParser p, JsonToken token, String where) throws IOException {
    expect(p, token, JsonToken.START_OBJECT, where);
    int[] parents = new int[0];
    int agent = 0;
    List<Trace.Patch> patches = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "parents" -> parents = readInts(p, value, where + ".parents");
        case "agent" -> agent = nonNegative(p, value, where + ".agent");
        case "patches" -> patches = readPatches(p, value, where + ".patches");
        default -> p.skipChildren();
      }
    }
    if (patches == null) {
      throw new TraceFormatException(where + " has no \"patches\"");
    }
    return new Trace.Txn(parents, agent, patches);
  }

  private static List<Trace.Patch> readPatches(JsonParser p, JsonToken token, String where)
      throws IOException {
    expect(p, token, JsonToken.START_ARRAY, where);
    List<Trace.Patch> patches = new ArrayList<>(1);
    while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
      String at = where + "[" + patches.size() + "]";
      expect(p, token, JsonToken.START_ARRAY, at);
      int position = nonNegative(p, p.nextToken(), at + "[0]");
      int delete = nonNegative(p, p.nextToken(), at + "[1]");
      String text = string(p, p.nextToken(), at + "[2]");
      expect(p, p.nextToken(), JsonToken.END_ARRAY, at + " (a patch has 3 elements)");
      patches.add(new Trace.Patch(position, delete, text));
    }
    return patches;
  }

  private static int[] readInts(JsonParser p, JsonToken token, String where) throws IOException {
    expect(p, token, JsonToken.START_ARRAY, where);
    int[] values = new int[2];
    int n = 0;
    while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
      if (n == values.length) {
        values = java.util.Arrays.copyOf(values, n * 2);
      }
      values[n] = nonNegative(p, token, where + "[" + n + "]");
      n++;
    }
    return java.util.Arrays.copyOf(values, n);
  }

  private static int nonNegative(JsonParser p, JsonToken token, String where) throws IOException {
    if (token != JsonToken.VALUE_NUMBER_INT
        || p.getNumberType() != JsonParser.NumberType.INT
        || p.getIntValue() < 0) {
      throw new TraceFormatException(
          where + " must be a non-negative integer, was " + describe(p, token));
    }
    return p.getIntValue();
  }

  private static String string(JsonParser p, JsonToken token, String where) throws IOException {
    if (token != JsonToken.VALUE_STRING) {
      throw new TraceFormatException(where + " must be a string, was " + describe(p, token));
    }
    return p.getText();
  }

  private static void expect(JsonParser p, JsonToken actual, JsonToken wanted, String where)
      throws IOException {
    if (actual != wanted) {
      String shape = wanted == JsonToken.START_ARRAY ? "an array" : "an object";
      if (wanted == JsonToken.END_ARRAY) {
        shape = "the end of the array";
      }
      throw new TraceFormatException(where + " must be " + shape + ", was " + describe(p, actual));
    }
  }

  private static String describe(JsonParser p, JsonToken token) throws IOException {
    if (token == null) {
      return "the end of the file";
    }
    return switch (token) {
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      case VALUE_NULL -> "null";
      case VALUE_STRING -> "a string";
      default -> p.getText();
    };
  }
}
