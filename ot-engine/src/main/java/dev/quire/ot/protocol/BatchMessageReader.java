package dev.quire.ot.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.operation.CodePoints;
import dev.quire.ot.operation.TextOperation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads {@code history} and {@code sequenced} messages exactly as the relay writes them, straight
 * off Jackson's streaming parser: each operation's text is cut from the message as it stands
 * instead of being built into a tree and written out again. These two messages carry nearly every
 * byte a client receives (a page of history is 2,000 operations).
 *
 * <p>Returns null for anything it does not expect, in any way: a field out of place, unknown or
 * repeated, a value of the wrong type or out of range, an operation not in the codec's compact
 * form. {@link ProtocolCodec#decodeServer} then reads the message the strict, slower way, which
 * accepts or refuses it with the exact reason; so this changes no outcome, only the cost.
 */
final class BatchMessageReader {
  private static final JsonFactory FACTORY = new JsonFactory();
  // Thrown by every helper at the first surprise and caught by read: no stack trace, it is routine.
  private static final IllegalArgumentException UNEXPECTED =
      new IllegalArgumentException("not as the relay writes it") {
        @Override
        public synchronized Throwable fillInStackTrace() {
          return this;
        }
      };

  private BatchMessageReader() {}

  /** The message and the request id it answers, or null: then read it the general way. */
  static @Nullable Reply read(String json) {
    try (JsonParser p = FACTORY.createParser(json)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      expect(p.nextToken(), JsonToken.FIELD_NAME);
      if (!"type".equals(p.currentName())) {
        throw UNEXPECTED;
      }
      p.nextToken();
      boolean history =
          switch (string(p)) {
            case "history" -> true;
            case "sequenced" -> false;
            default -> throw UNEXPECTED;
          };
      String id = null;
      String doc = null;
      List<WireSequenced> batches = null;
      long head = -1;
      Boolean complete = null;
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        expect(t, JsonToken.FIELD_NAME);
        String name = p.currentName();
        p.nextToken();
        if (name.equals("id") && id == null) {
          id = Ids.requireRequestId(string(p));
        } else if (name.equals("doc") && doc == null) {
          doc = string(p);
        } else if (name.equals("batches") && batches == null) {
          batches = batches(p, json);
        } else if (history && name.equals("head") && head < 0) {
          head = number(p, 0);
        } else if (history && name.equals("complete") && complete == null) {
          complete = bool(p);
        } else {
          throw UNEXPECTED; // unknown, repeated, or not of this type of message
        }
      }
      if (p.nextToken() != null || doc == null || batches == null) {
        return null;
      }
      if (history) {
        return head < 0 || complete == null
            ? null
            : new Reply(id, new ServerMessage.History(doc, batches, head, complete));
      }
      return new Reply(id, new ServerMessage.Sequenced(doc, batches));
    } catch (IOException | RuntimeException e) {
      return null; // the general way says what is wrong
    }
  }

  private static List<WireSequenced> batches(JsonParser p, String json) throws IOException {
    expect(p.currentToken(), JsonToken.START_ARRAY);
    List<WireSequenced> out = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      expect(t, JsonToken.START_OBJECT);
      long first = -1;
      String author = null;
      Long timestamp = null;
      WireBatch batch = null;
      for (JsonToken f = p.nextToken(); f != JsonToken.END_OBJECT; f = p.nextToken()) {
        expect(f, JsonToken.FIELD_NAME);
        String name = p.currentName();
        p.nextToken();
        if (name.equals("firstRevision") && first < 0) {
          first = number(p, 1);
        } else if (name.equals("author") && author == null) {
          author = string(p);
        } else if (name.equals("timestamp") && timestamp == null) {
          timestamp = number(p, Long.MIN_VALUE);
        } else if (name.equals("batch") && batch == null) {
          batch = batch(p, json);
        } else {
          throw UNEXPECTED;
        }
      }
      if (first < 0 || author == null || timestamp == null || batch == null) {
        throw UNEXPECTED;
      }
      out.add(new WireSequenced(first, author, timestamp, batch));
    }
    return out;
  }

  private static WireBatch batch(JsonParser p, String json) throws IOException {
    expect(p.currentToken(), JsonToken.START_OBJECT);
    String clientId = null;
    long seq = -1;
    long base = -1;
    List<String> ops = null;
    for (JsonToken f = p.nextToken(); f != JsonToken.END_OBJECT; f = p.nextToken()) {
      expect(f, JsonToken.FIELD_NAME);
      String name = p.currentName();
      p.nextToken();
      if (name.equals("clientId") && clientId == null) {
        clientId = string(p);
      } else if (name.equals("batchSeq") && seq < 0) {
        seq = number(p, 1);
      } else if (name.equals("baseRevision") && base < 0) {
        base = number(p, 0);
      } else if (name.equals("operations") && ops == null) {
        ops = operations(p, json);
      } else {
        throw UNEXPECTED;
      }
    }
    if (clientId == null || seq < 0 || base < 0 || ops == null || ops.isEmpty()) {
      throw UNEXPECTED;
    }
    return new WireBatch(clientId, seq, base, ops);
  }

  /** Each operation's text as it stands in {@code json}, if it is exactly the codec's form. */
  private static List<String> operations(JsonParser p, String json) throws IOException {
    expect(p.currentToken(), JsonToken.START_ARRAY);
    List<String> ops = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      expect(t, JsonToken.START_ARRAY);
      long start = p.currentTokenLocation().getCharOffset();
      p.skipChildren();
      long end = p.currentTokenLocation().getCharOffset() + 1;
      if (start < 0 || end > json.length()) {
        throw UNEXPECTED;
      }
      String text = json.substring((int) start, (int) end);
      // Kept only if it is the very text the general way would keep: the codec's own form.
      TextOperation op = OperationCodec.readCompact(text);
      if (op == null || !OperationCodec.toJson(op).equals(text)) {
        throw UNEXPECTED;
      }
      ops.add(text);
    }
    return ops;
  }

  private static void expect(JsonToken actual, JsonToken expected) {
    if (actual != expected) {
      throw UNEXPECTED;
    }
  }

  /** A well-formed string. */
  private static String string(JsonParser p) throws IOException {
    expect(p.currentToken(), JsonToken.VALUE_STRING);
    String s = p.getText();
    CodePoints.requireWellFormed(s);
    return s;
  }

  private static boolean bool(JsonParser p) {
    JsonToken t = p.currentToken();
    if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
      throw UNEXPECTED;
    }
    return t == JsonToken.VALUE_TRUE;
  }

  /** An integer of at least {@code min}. */
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
}
