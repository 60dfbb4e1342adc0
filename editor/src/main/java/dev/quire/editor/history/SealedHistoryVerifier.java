package dev.quire.editor.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.ot.codec.CanonicalJson;
import dev.quire.ot.codec.MalformedMessageException;
import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.crypto.SealedBatch;
import dev.quire.ot.crypto.UnreadableBatchException;
import dev.quire.ot.history.Ed25519;
import dev.quire.ot.history.HistoryChain;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.text.GapBuffer;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Checks the ciphertext chain of an encrypted document (format version {@link
 * HistoryFormat#SEALED_VERSION}) a record at a time, without the key: every record's hash and the
 * chain between them, the revision numbers and the batches' shape, each batch's signature by the
 * device that sealed it (whose key the file's device records give), and the relay's signatures over
 * the chain. Given the document's keys, it also decrypts each batch and replays its operations from
 * the empty text. The first failure is a {@link HistoryFileException} naming the line and the first
 * bad revision.
 */
public final class SealedHistoryVerifier {
  private static final Set<String> HEADER =
      Set.of("type", "format", "version", "document", "title", "created", "exported", "relayKey");
  private static final Set<String> DEVICE = Set.of("type", "user", "client", "signingKey");
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
          "operation");
  private static final Set<String> RELAY =
      Set.of("type", "revision", "document", "chain", "key", "signature");
  private static final Set<String> END = Set.of("type", "revision");
  private static final Set<String> CHAINED = Set.of("prev", "hash");
  private static final ObjectMapper PLAIN = new ObjectMapper();

  /** The document's keys by epoch, to decrypt with. */
  public interface Keys {
    Optional<byte[]> key(long epoch);
  }

  /**
   * What a file that verified holds.
   *
   * @param text the text at the head, when the batches were decrypted; else null
   * @param relaySignedUpTo the last revision a relay signature covers, 0 for none
   */
  public record Result(
      String document,
      String title,
      long head,
      int devices,
      long batches,
      @Nullable String relayKey,
      int relaySignatures,
      long relaySignedUpTo,
      @Nullable String text) {}

  private final @Nullable Keys keys;
  private final int maxRecordBytes;
  private final ObjectMapper mapper;

  /**
   * True when the file's first line is the header of a ciphertext chain (its version is {@link
   * HistoryFormat#SEALED_VERSION}); false for anything else, which the plaintext reader then checks
   * and names.
   */
  public static boolean isSealed(InputStream in) {
    try (RecordLines lines = new RecordLines(in, 1 << 20)) {
      String first = lines.next();
      JsonNode v = first == null ? null : PLAIN.readTree(first).get("version");
      return v != null && v.isIntegralNumber() && v.longValue() == HistoryFormat.SEALED_VERSION;
    } catch (HistoryFileException | IOException e) {
      return false;
    }
  }

  /** Checks without a key when {@code keys} is null. */
  public SealedHistoryVerifier(@Nullable Keys keys) {
    this(keys, HistoryFormat.MAX_RECORD_BYTES);
  }

  SealedHistoryVerifier(@Nullable Keys keys, int maxRecordBytes) {
    this.keys = keys;
    this.maxRecordBytes = maxRecordBytes;
    this.mapper = HistoryReader.mapper(maxRecordBytes);
  }

  /**
   * Verifies the file.
   *
   * @throws HistoryFileException at the first record that does not verify
   */
  public Result verify(InputStream in) {
    try (RecordLines lines = new RecordLines(in, maxRecordBytes)) {
      return new Pass(lines).run();
    }
  }

  /** One verification: the state between records. */
  private final class Pass {
    private final RecordLines lines;
    private final Map<String, String> devices = new HashMap<>();
    private final Map<String, Long> lastBatchOf = new HashMap<>();
    private String document;
    private String title;
    private String relayKey;
    private String prev;
    private String relayChain = HistoryChain.GENESIS;
    private long head;
    private long batches;
    private int relaySignatures;
    private long relaySignedUpTo;
    // the batch being read
    private ObjectNode batch;
    private List<String> operations; // decrypted, when there are keys
    private final GapBuffer text = new GapBuffer("");

    Pass(RecordLines lines) {
      this.lines = lines;
    }

    Result run() {
      ObjectNode h = next();
      if (h == null) {
        throw bad(-1, "is missing: the file is empty");
      }
      header(h);
      while (true) {
        ObjectNode o = next();
        if (o == null) {
          throw new HistoryFileException(
              lines.line(),
              head + 1,
              "the file ends after line "
                  + lines.line()
                  + " without its end record: it is truncated after revision "
                  + head
                  + " (first bad revision: "
                  + (head + 1)
                  + ")");
        }
        String type = string(o, "type", -1);
        switch (type) {
          case "device" -> device(o);
          case "revision" -> revision(o);
          case "relay" -> relay(o);
          case "end" -> {
            end(o);
            if (next() != null) {
              throw bad(head + 1, "follows the end record: a record was added after it");
            }
            return new Result(
                document,
                title,
                head,
                devices.size(),
                batches,
                relayKey,
                relaySignatures,
                relaySignedUpTo,
                keys == null ? null : text.toString());
          }
          case "header" -> throw bad(head + 1, "is a second header");
          default -> throw bad(head + 1, "has an unknown type '" + type + "'");
        }
      }
    }

    private ObjectNode next() {
      String line = lines.next();
      if (line == null) {
        return null;
      }
      JsonNode tree;
      try {
        tree = mapper.readTree(line);
      } catch (JsonProcessingException e) {
        throw bad(head + 1, "is not a JSON record: " + e.getOriginalMessage());
      }
      if (!(tree instanceof ObjectNode o)) {
        throw bad(head + 1, "is not a JSON object");
      }
      return o;
    }

    private void header(ObjectNode o) {
      if (!"header".equals(o.path("type").textValue())) {
        throw bad(-1, "is not a header: the first line must be one");
      }
      members(o, HEADER, true, -1);
      if (!HistoryFormat.NAME.equals(string(o, "format", -1))) {
        throw bad(-1, "is not a Quire history header (format is not '" + HistoryFormat.NAME + "')");
      }
      long v = integer(o, "version", -1);
      if (v != HistoryFormat.SEALED_VERSION) {
        throw bad(-1, "has format version " + v + ", not a ciphertext chain's " + 4);
      }
      document = string(o, "document", -1);
      title = string(o, "title", -1);
      integer(o, "created", -1);
      integer(o, "exported", -1);
      relayKey = o.has("relayKey") ? string(o, "relayKey", -1) : null;
      if (relayKey != null && !Ed25519.isPublicKey(relayKey)) {
        throw bad(-1, "names a relay key that is not an Ed25519 public key");
      }
      chained(o, -1, true);
    }

    private void device(ObjectNode o) {
      if (head > 0) {
        throw bad(head + 1, "is a device record after the revisions began");
      }
      members(o, DEVICE, true, 1);
      String user = string(o, "user", 1);
      String client = string(o, "client", 1);
      String key = string(o, "signingKey", 1);
      if (!Ed25519.isPublicKey(key)) {
        throw bad(1, "of device " + client + " of " + user + " holds no Ed25519 public key");
      }
      if (devices.putIfAbsent(user + "\n" + client, key) != null) {
        throw bad(1, "repeats device " + client + " of " + user);
      }
      chained(o, 1, false);
    }

    private void revision(ObjectNode o) {
      long r = integer(o, "revision", head + 1);
      if (r != head + 1) {
        throw bad(
            head + 1,
            "is revision "
                + r
                + " where revision "
                + (head + 1)
                + " belongs: a revision was removed, added or reordered");
      }
      members(o, REVISION, true, r);
      chained(o, r, false);
      long base = integer(o, "baseRevision", r);
      long first = integer(o, "batchFirst", r);
      String author = string(o, "author", r);
      String client = string(o, "client", r);
      long seq = integer(o, "batch", r);
      long time = integer(o, "time", r);
      long madeAt = integer(o, "madeAt", r);
      JsonNode op = o.get("operation");
      if (r == first) {
        endBatch(r);
        startBatch(o, r, base, author, client, seq, op);
      } else if (batch == null
          || first != batch.get("batchFirst").longValue()
          || !sameBatch(o, batch)) {
        throw bad(r, "does not belong to the batch before it (its batch members differ)");
      } else if (!(op.isIntegralNumber() && op.longValue() == 0)) {
        throw bad(r, "is not the first of its batch but holds an operation other than 0");
      }
      if (operations != null) {
        apply(r, first);
      }
      relayChain =
          HistoryChain.next(
              relayChain,
              new HistoryChain.Revision(
                  r, base, first, author, client, seq, time, madeAt, canonical(op)));
      head = r;
    }

    private boolean sameBatch(ObjectNode a, ObjectNode b) {
      for (String m : List.of("baseRevision", "author", "client", "batch", "time", "madeAt")) {
        if (!a.get(m).equals(b.get(m))) {
          return false;
        }
      }
      return true;
    }

    private void startBatch(
        ObjectNode o, long r, long base, String author, String client, long seq, JsonNode op) {
      if (base < 0 || base >= r) {
        throw bad(r, "has base revision " + base + ", not below its own");
      }
      SealedBatch sealed;
      try {
        sealed = SealedBatch.parse(op.toString());
      } catch (MalformedMessageException e) {
        throw bad(r, "does not hold a sealed batch: " + e.getMessage());
      }
      String key = devices.get(author + "\n" + client);
      if (key == null) {
        throw bad(
            r,
            "is by device "
                + client
                + " of "
                + author
                + ", whose key the file's device records do not hold");
      }
      if (!sealed.verify(key, document, client, seq, base)) {
        throw bad(
            r,
            "is not signed by device "
                + client
                + " of "
                + author
                + ": the sealed batch or its context was changed");
      }
      // A device numbers its batches in the order it sends them, and the relay sequences each
      // once: so a batch copied to another place (its signature still holds) is caught here.
      Long before = lastBatchOf.put(author + "\n" + client, seq);
      if (before != null && seq <= before) {
        throw bad(
            r,
            "is batch "
                + seq
                + " of device "
                + client
                + " of "
                + author
                + ", after its batch "
                + before
                + ": a batch was added, repeated or reordered");
      }
      batch = o;
      batches++;
      operations = keys == null ? null : decrypt(sealed, r, key, client, seq, base);
    }

    private List<String> decrypt(
        SealedBatch sealed, long r, String signingKey, String client, long seq, long base) {
      Optional<byte[]> key = keys.key(sealed.epoch());
      if (key.isEmpty()) {
        throw bad(r, "is sealed under epoch " + sealed.epoch() + ", whose key is not given");
      }
      JsonNode content;
      try {
        content = PLAIN.readTree(sealed.open(key.get(), signingKey, document, client, seq, base));
      } catch (UnreadableBatchException | IOException e) {
        throw bad(r, "does not decrypt with the key of epoch " + sealed.epoch());
      }
      JsonNode ops = content == null ? null : content.get("operations");
      if (ops == null || !ops.isArray()) {
        throw bad(r, "decrypts to something other than a batch's operations");
      }
      List<String> out = new ArrayList<>(ops.size());
      ops.forEach(n -> out.add(n.toString()));
      return out;
    }

    private void apply(long r, long first) {
      int i = (int) (r - first);
      if (i >= operations.size()) {
        throw bad(r, "is beyond the " + operations.size() + " operation(s) its batch decrypts to");
      }
      TextOperation op;
      try {
        op = OperationCodec.fromJson(operations.get(i));
      } catch (IllegalArgumentException e) { // a MalformedOperationException among them
        throw bad(r, "decrypts to a malformed operation: " + e.getMessage());
      }
      if (op.baseLength() != text.length()) {
        throw bad(
            r,
            "decrypts to an operation for a text of "
                + op.baseLength()
                + " code points, but the text has "
                + text.length());
      }
      text.apply(op);
    }

    /** The batch before revision {@code r} ended: it must have taken all its operations. */
    private void endBatch(long r) {
      if (operations != null && batch != null) {
        long taken = r - batch.get("batchFirst").longValue();
        if (taken != operations.size()) {
          throw bad(
              r - 1,
              "ends a batch of "
                  + taken
                  + " revision(s) that decrypts to "
                  + operations.size()
                  + " operation(s)");
        }
      }
    }

    private void relay(ObjectNode o) {
      long r = integer(o, "revision", head + 1);
      members(o, RELAY, false, r);
      if (r != head || head == 0) {
        throw bad(head + 1, "is a relay signature of revision " + r + " after revision " + head);
      }
      String key = string(o, "key", r);
      if (relayKey == null || !relayKey.equals(key)) {
        throw bad(
            r,
            "is a relay signature by an unknown key (not the relay key the header names): "
                + Ed25519.fingerprint(key));
      }
      String chain = string(o, "chain", r);
      String doc = string(o, "document", r);
      if (!chain.equals(relayChain)) {
        throw bad(
            r,
            "is a relay signature whose chain does not match: a revision up to "
                + r
                + " is not as the relay sequenced it");
      }
      byte[] statement = HistoryChain.relayStatement(doc, r, chain, null);
      if (!doc.equals(document) || !Ed25519.verify(key, statement, string(o, "signature", r))) {
        throw bad(r, "is a relay signature that does not verify");
      }
      relaySignatures++;
      relaySignedUpTo = r;
    }

    private void end(ObjectNode o) {
      long r = integer(o, "revision", -1);
      members(o, END, true, -1);
      if (r != head) {
        throw bad(head + 1, "is the end of revision " + r + " after revision " + head);
      }
      chained(o, -1, false);
      endBatch(head + 1);
    }

    /** Checks the record's own hash, then that it chains to the record before it. */
    private void chained(ObjectNode o, long revision, boolean first) {
      String hash = string(o, "hash", revision);
      StringBuilder canonical = new StringBuilder(256);
      try {
        HistoryReader.appendHashed(canonical, o);
      } catch (IllegalArgumentException e) {
        throw bad(revision, "has no canonical form: " + e.getMessage());
      }
      if (!HistoryFormat.sha256(canonical.toString()).equals(hash)) {
        throw bad(revision, "does not match its hash: it was changed");
      }
      if (first) {
        if (o.has("prev")) {
          throw bad(revision, "has an unknown member 'prev'");
        }
      } else if (!prev.equals(string(o, "prev", revision))) {
        throw bad(
            revision,
            "does not chain to the record before it: a record before it was changed, removed or"
                + " added");
      }
      prev = hash;
    }

    private String canonical(JsonNode op) {
      StringBuilder b = new StringBuilder(op.isObject() ? 512 : 1);
      CanonicalJson.append(b, op);
      return b.toString();
    }

    private void members(ObjectNode o, Set<String> allowed, boolean chained, long revision) {
      for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (!allowed.contains(name) && !(chained && CHAINED.contains(name))) {
          throw bad(revision, "has an unknown member '" + name + "'");
        }
      }
      for (String name : allowed) {
        if (!o.has(name) && !name.equals("relayKey")) {
          throw bad(revision, "has no member '" + name + "'");
        }
      }
    }

    private String string(ObjectNode o, String name, long revision) {
      JsonNode v = o.get(name);
      if (v == null || !v.isTextual()) {
        throw bad(revision, "needs '" + name + "' as a string");
      }
      return v.textValue();
    }

    private long integer(ObjectNode o, String name, long revision) {
      JsonNode v = o.get(name);
      if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
        throw bad(revision, "needs '" + name + "' as a non-negative integer");
      }
      return v.longValue();
    }

    /** A failure of the record just read; {@code revision} is the first bad one, or -1. */
    private HistoryFileException bad(long revision, String what) {
      long line = lines.line();
      String where =
          revision >= 1 && revision <= head + 1 && line > 1
              ? "line " + line + ": the record at revision " + revision + " "
              : "line " + line + ": the record ";
      return new HistoryFileException(
          line,
          revision,
          where + what + (revision >= 1 ? " (first bad revision: " + revision + ")" : ""));
    }
  }
}
