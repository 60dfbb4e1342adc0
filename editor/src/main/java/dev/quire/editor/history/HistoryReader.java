package dev.quire.editor.history;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.editor.history.HistoryRecord.Header;
import dev.quire.editor.history.HistoryRecord.RelayRecord;
import dev.quire.editor.history.HistoryRecord.RevisionRecord;
import dev.quire.editor.history.HistoryRecord.Signature;
import dev.quire.editor.history.HistoryRecord.TextCheck;
import dev.quire.ot.codec.CanonicalJson;
import dev.quire.ot.codec.MalformedMessageException;
import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.note.Note;
import dev.quire.ot.note.NoteCodec;
import dev.quire.ot.operation.MalformedOperationException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads a history file one record (line) at a time, holding one record at most: a line longer than
 * the limit is refused before it is read whole, JSON nested deeper than a record is refused by the
 * parser, and every record must be exactly one of the documented shapes. Each refusal is a {@link
 * HistoryFileException} naming the line. Checks no hash: {@link HistoryVerifier} does.
 */
public final class HistoryReader implements AutoCloseable {
  private static final Set<String> HEADER =
      Set.of(
          "type",
          "format",
          "version",
          "document",
          "title",
          "created",
          "exported",
          "checkpointEvery",
          "relayKey",
          "hash");
  private static final Set<String> REVISION =
      Set.of(
          "type",
          "revision",
          "baseRevision",
          "batchFirst",
          "author",
          "client",
          "batch",
          "time",
          "madeAt",
          "operation",
          "sent",
          "notes",
          "prev",
          "hash");
  private static final Set<String> RELAY =
      Set.of("type", "revision", "document", "chain", "textHash", "key", "signature");
  private static final Set<String> TEXT_CHECK =
      Set.of("type", "revision", "length", "textHash", "prev", "hash", "signatures");

  private final RecordLines lines;
  private final ObjectMapper mapper;
  private int version = HistoryFormat.VERSION; // the header's, once read

  /**
   * One record as read, with its claimed chain members and the hash of what it holds (all three
   * null for a relay record, which is outside the chain).
   */
  public record Entry(long line, HistoryRecord record, String prev, String hash, String computed) {}

  public HistoryReader(InputStream in) {
    this(in, HistoryFormat.MAX_RECORD_BYTES);
  }

  /** With a smaller record limit (tests). */
  public HistoryReader(InputStream in, int maxRecordBytes) {
    this.lines = new RecordLines(in, maxRecordBytes);
    this.mapper = mapper(maxRecordBytes);
  }

  /**
   * The strict JSON reader of records: nesting no deeper than a record's, strings no longer than a
   * record, no trailing tokens, no duplicate members.
   */
  static ObjectMapper mapper(int maxRecordBytes) {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(4) // a record, its signatures, one signature
                    .maxStringLength(maxRecordBytes)
                    .maxNumberLength(20)
                    .build())
            .build();
    return new ObjectMapper(factory)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  }

  /** The line number of the record last read (1 is the header). */
  public long line() {
    return lines.line();
  }

  /** The next record, or null at the end of the file. */
  public Entry next() {
    String text = lines.next();
    if (text == null) {
      return null;
    }
    JsonNode tree;
    try {
      tree = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw bad("is not a JSON record: " + e.getOriginalMessage());
    }
    if (!(tree instanceof ObjectNode o)) {
      throw bad("is not a JSON object");
    }
    return entry(o);
  }

  private Entry entry(ObjectNode o) {
    String type = string(o, "type");
    HistoryRecord record =
        switch (type) {
          case "header" -> header(o);
          case "revision" -> revision(o);
          case "checkpoint", "end" -> textCheck(o, type.equals("end"));
          case "relay" -> relay(o);
          default -> throw bad("has an unknown type '" + type + "'");
        };
    if (record instanceof RelayRecord) {
      return new Entry(lines.line(), record, null, null, null);
    }
    String hash = hex(o, "hash");
    String prev = o.has("prev") ? hex(o, "prev") : null;
    StringBuilder canonical = new StringBuilder(256);
    try {
      appendHashed(canonical, o);
    } catch (IllegalArgumentException e) {
      throw bad("has no canonical form: " + e.getMessage());
    }
    return new Entry(lines.line(), record, prev, hash, HistoryFormat.sha256(canonical.toString()));
  }

  /** The canonical JSON of {@code o} without its {@code hash} and {@code signatures}. */
  static void appendHashed(StringBuilder out, ObjectNode o) {
    List<String> names = new ArrayList<>(o.size());
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!name.equals("hash") && !name.equals("signatures")) {
        names.add(name);
      }
    }
    names.sort(null);
    out.append('{');
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      CanonicalJson.appendString(out, names.get(i));
      out.append(':');
      CanonicalJson.append(out, o.get(names.get(i)));
    }
    out.append('}');
  }

  private Header header(ObjectNode o) {
    members(o, HEADER);
    if (!HistoryFormat.NAME.equals(string(o, "format"))) {
      throw bad("is not a Quire history header (format is not '" + HistoryFormat.NAME + "')");
    }
    long v = integer(o, "version");
    if (v == HistoryFormat.SEALED_VERSION) {
      throw bad(
          "is the header of an encrypted document's ciphertext chain (version "
              + v
              + "): 'quire verify' checks it; a plaintext history (export --history FILE"
              + " --plaintext) is what this reads");
    }
    if (v < HistoryFormat.FIRST_VERSION || v > HistoryFormat.VERSION) {
      throw bad(
          "has format version "
              + v
              + "; this Quire reads versions "
              + HistoryFormat.FIRST_VERSION
              + " to "
              + HistoryFormat.VERSION
              + (v > HistoryFormat.VERSION ? " (the file is from a newer Quire)" : ""));
    }
    version = (int) v;
    String relayKey = o.has("relayKey") ? string(o, "relayKey") : null;
    try {
      return new Header(
          version,
          string(o, "document"),
          string(o, "title"),
          integer(o, "created"),
          integer(o, "exported"),
          (int) Math.min(Integer.MAX_VALUE, integer(o, "checkpointEvery")),
          relayKey);
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage());
    }
  }

  private RevisionRecord revision(ObjectNode o) {
    members(o, REVISION);
    long revision = integer(o, "revision");
    JsonNode op = o.get("operation");
    if (op == null) {
      throw bad(revision, "has no member 'operation'");
    }
    long time = integer(o, "time");
    long madeAt;
    if (version >= 2) {
      madeAt = integer(o, "madeAt");
    } else if (o.has("madeAt")) {
      throw bad(revision, "has 'madeAt', which version 1 records do not");
    } else {
      madeAt = time; // version 1 kept only the relay's time
    }
    if (version < 3 && (o.has("sent") || o.has("notes"))) {
      throw bad(revision, "has 'sent' or 'notes', which version 1 and 2 records do not");
    }
    List<Note> notes;
    try {
      notes = o.has("notes") ? NoteCodec.fromTree(o.get("notes"), "notes") : List.of();
    } catch (MalformedMessageException e) {
      throw bad(revision, "has malformed notes: " + e.getMessage());
    }
    try {
      return new RevisionRecord(
          revision,
          integer(o, "baseRevision"),
          integer(o, "batchFirst"),
          string(o, "author"),
          string(o, "client"),
          integer(o, "batch"),
          time,
          madeAt,
          OperationCodec.fromTree(op),
          o.has("sent") ? OperationCodec.fromTree(o.get("sent")) : null,
          notes);
    } catch (MalformedOperationException e) {
      throw bad(revision, "has a malformed operation: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw bad(revision, e.getMessage());
    }
  }

  private RelayRecord relay(ObjectNode o) {
    members(o, RELAY);
    long revision = integer(o, "revision");
    if (version < 2) {
      throw bad(revision, "is a relay signature, which version 1 files do not hold");
    }
    if (revision < 1) {
      throw bad("has a revision below 1");
    }
    return new RelayRecord(
        revision,
        string(o, "document"),
        hex(o, "chain"),
        hex(o, "textHash"),
        string(o, "key"),
        string(o, "signature"));
  }

  private TextCheck textCheck(ObjectNode o, boolean end) {
    members(o, TEXT_CHECK);
    long revision = integer(o, "revision");
    long length = integer(o, "length");
    List<Signature> sigs = new ArrayList<>();
    JsonNode s = o.get("signatures");
    if (s != null) {
      if (!s.isArray()) {
        throw bad(revision, "has 'signatures' that is not an array");
      }
      for (JsonNode e : s) {
        if (!(e instanceof ObjectNode so) || so.size() != 2) {
          throw bad(revision, "has a signature that is not {\"key\", \"signature\"}");
        }
        sigs.add(new Signature(string(so, "key"), string(so, "signature")));
      }
    }
    if (length > Integer.MAX_VALUE || revision < 0 || length < 0) {
      throw bad(revision, "has a revision or length out of range");
    }
    return new TextCheck(end, revision, (int) length, hex(o, "textHash"), sigs);
  }

  // ---- members ----

  private void members(ObjectNode o, Set<String> allowed) {
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        throw bad("has an unknown member '" + name + "'");
      }
    }
  }

  private String string(ObjectNode o, String name) {
    JsonNode v = o.get(name);
    if (v == null || !v.isTextual()) {
      throw bad("needs '" + name + "' as a string");
    }
    return v.textValue();
  }

  private long integer(ObjectNode o, String name) {
    JsonNode v = o.get(name);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
      throw bad("needs '" + name + "' as an integer");
    }
    return v.longValue();
  }

  private String hex(ObjectNode o, String name) {
    String s = string(o, name);
    if (!isHex64(s)) {
      throw bad("needs '" + name + "' as 64 lower-case hex digits (a SHA-256)");
    }
    return s;
  }

  private static boolean isHex64(String s) {
    if (s.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = s.charAt(i);
      if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
        return false;
      }
    }
    return true;
  }

  private HistoryFileException bad(String what) {
    long line = lines.line();
    return new HistoryFileException(line, -1, "line " + line + ": the record " + what);
  }

  private HistoryFileException bad(long revision, String what) {
    long line = lines.line();
    return new HistoryFileException(
        line, revision, "line " + line + ": the record of revision " + revision + " " + what);
  }

  @Override
  public void close() {
    lines.close();
  }
}
