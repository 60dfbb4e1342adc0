package dev.quire.editor.history;

import dev.quire.ot.codec.CanonicalJson;
import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.history.HistoryChain;
import dev.quire.ot.note.Note;
import dev.quire.ot.note.NoteCodec;
import dev.quire.ot.operation.TextOperation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One record of a history file, without its chain members ({@code prev}, {@code hash}) and
 * signatures: {@link #body()} is what is hashed, together with {@code prev}.
 */
public sealed interface HistoryRecord {

  /** The record's members to hash (besides {@code prev}), in any order. */
  Map<String, Object> body();

  /**
   * The first record: what the file is and which document it holds.
   *
   * @param version the format version (1 or 2)
   * @param relayKey the key of the relay whose signatures the file carries ({@link RelayRecord}),
   *     X.509 DER in base64, or null (always null in version 1)
   */
  record Header(
      int version,
      String document,
      String title,
      long createdMillis,
      long exportedMillis,
      int checkpointEvery,
      @Nullable String relayKey)
      implements HistoryRecord {
    public Header {
      Objects.requireNonNull(document, "document == null");
      Objects.requireNonNull(title, "title == null");
      if (checkpointEvery < 1) {
        throw new IllegalArgumentException(
            "checkpointEvery must be positive, was " + checkpointEvery);
      }
      if (version < HistoryFormat.FIRST_VERSION || version > HistoryFormat.VERSION) {
        throw new IllegalArgumentException("version " + version + " is not one Quire knows");
      }
      if (relayKey != null && version < 2) {
        throw new IllegalArgumentException("a version 1 header names no relay key");
      }
    }

    /** A header of the version this build writes, naming no relay key. */
    public Header(
        String document,
        String title,
        long createdMillis,
        long exportedMillis,
        int checkpointEvery) {
      this(
          HistoryFormat.VERSION,
          document,
          title,
          createdMillis,
          exportedMillis,
          checkpointEvery,
          null);
    }

    /** This header naming {@code key} as the relay's. */
    public Header withRelayKey(@Nullable String key) {
      return new Header(
          version, document, title, createdMillis, exportedMillis, checkpointEvery, key);
    }

    @Override
    public Map<String, Object> body() {
      Map<String, Object> m = new TreeMap<>();
      m.put("type", "header");
      m.put("format", HistoryFormat.NAME);
      m.put("version", version);
      m.put("document", document);
      m.put("title", title);
      m.put("created", createdMillis);
      m.put("exported", exportedMillis);
      m.put("checkpointEvery", checkpointEvery);
      if (relayKey != null) {
        m.put("relayKey", relayKey);
      }
      return m;
    }
  }

  /**
   * One revision of the canonical log.
   *
   * @param baseRevision the base revision of the batch it came in
   * @param batchFirst the first revision of that batch
   * @param batchSeq the batch's sequence number at its client
   * @param timeMillis when the relay sequenced it
   * @param madeAtMillis when its batch's first edit was made, by its author's clock (in version 1
   *     files, which do not hold it: {@code timeMillis})
   * @param operation the canonical operation
   * @param sent the operation as its author sent it, or null when it is {@code operation} (version
   *     3: it differs when the batch was concurrent with others)
   * @param notes the notes of its batch when it is the batch's last revision, else none (version 3)
   */
  record RevisionRecord(
      long revision,
      long baseRevision,
      long batchFirst,
      String author,
      String clientId,
      long batchSeq,
      long timeMillis,
      long madeAtMillis,
      TextOperation operation,
      @Nullable TextOperation sent,
      List<Note> notes)
      implements HistoryRecord {
    public RevisionRecord {
      Objects.requireNonNull(author, "author == null");
      Objects.requireNonNull(clientId, "clientId == null");
      Objects.requireNonNull(operation, "operation == null");
      notes = List.copyOf(notes);
      if (operation.equals(sent)) {
        sent = null; // written only when it differs
      }
      if (revision < 1 || baseRevision < 0 || baseRevision >= batchFirst || batchFirst > revision) {
        throw new IllegalArgumentException(
            "revision "
                + revision
                + ", batchFirst "
                + batchFirst
                + " and baseRevision "
                + baseRevision
                + " do not fit together (0 <= base < batchFirst <= revision)");
      }
      if (batchSeq < 1) {
        throw new IllegalArgumentException("batch must be at least 1, was " + batchSeq);
      }
    }

    /** A revision as its author sent it, without notes. */
    public RevisionRecord(
        long revision,
        long baseRevision,
        long batchFirst,
        String author,
        String clientId,
        long batchSeq,
        long timeMillis,
        long madeAtMillis,
        TextOperation operation) {
      this(
          revision,
          baseRevision,
          batchFirst,
          author,
          clientId,
          batchSeq,
          timeMillis,
          madeAtMillis,
          operation,
          null,
          List.of());
    }

    /** The operation as its author sent it. */
    public TextOperation original() {
      return sent != null ? sent : operation;
    }

    /**
     * True when the record holds members a version 2 record cannot ({@code notes}, {@code sent}).
     */
    public boolean hasVersion3Members() {
      return sent != null || !notes.isEmpty();
    }

    /** A revision whose author's time is the relay's (version 1 files, tests). */
    public RevisionRecord(
        long revision,
        long baseRevision,
        long batchFirst,
        String author,
        String clientId,
        long batchSeq,
        long timeMillis,
        TextOperation operation) {
      this(
          revision,
          baseRevision,
          batchFirst,
          author,
          clientId,
          batchSeq,
          timeMillis,
          timeMillis,
          operation);
    }

    /** What the chain covers of it: every member but the chain's own. */
    public HistoryChain.Revision chained() {
      return new HistoryChain.Revision(
          revision,
          baseRevision,
          batchFirst,
          author,
          clientId,
          batchSeq,
          timeMillis,
          madeAtMillis,
          OperationCodec.toJson(operation));
    }

    @Override
    public Map<String, Object> body() {
      Map<String, Object> m = new TreeMap<>();
      m.put("type", "revision");
      m.put("madeAt", madeAtMillis);
      m.put("revision", revision);
      m.put("baseRevision", baseRevision);
      m.put("batchFirst", batchFirst);
      m.put("author", author);
      m.put("client", clientId);
      m.put("batch", batchSeq);
      m.put("time", timeMillis);
      m.put("operation", new CanonicalJson.Raw(OperationCodec.toJson(operation)));
      if (sent != null) {
        m.put("sent", new CanonicalJson.Raw(OperationCodec.toJson(sent)));
      }
      if (!notes.isEmpty()) {
        StringBuilder json = new StringBuilder();
        CanonicalJson.append(json, NoteCodec.toTree(notes));
        m.put("notes", new CanonicalJson.Raw(json.toString()));
      }
      return m;
    }
  }

  /**
   * The hash of the text at a revision: every N revisions ({@code checkpoint}) and after the last
   * ({@code end}, which closes the file).
   *
   * @param end true for the end record
   * @param length the text's length in code points
   * @param textHash SHA-256 of the text's UTF-8 bytes, in hex
   */
  record TextCheck(
      boolean end, long revision, int length, String textHash, List<Signature> signatures)
      implements HistoryRecord {
    public TextCheck {
      Objects.requireNonNull(textHash, "textHash == null");
      signatures = List.copyOf(signatures);
      if (revision < 0 || length < 0) {
        throw new IllegalArgumentException("revision and length must not be negative");
      }
    }

    /** The same check with {@code s} added to its signatures. */
    public TextCheck signedBy(Signature s) {
      List<Signature> more = new ArrayList<>(signatures);
      more.add(s);
      return new TextCheck(end, revision, length, textHash, more);
    }

    @Override
    public Map<String, Object> body() {
      Map<String, Object> m = new TreeMap<>();
      m.put("type", end ? "end" : "checkpoint");
      m.put("revision", revision);
      m.put("length", length);
      m.put("textHash", textHash);
      return m;
    }
  }

  /**
   * The relay's signature of the history up to {@code revision} (version 2): outside the file's
   * chain, like a checkpoint's signatures, and checked against the relay's own chain over the
   * revision records ({@link HistoryChain}).
   *
   * @param document the document's id on the relay that signed
   * @param chain the relay's chain hash at {@code revision}
   * @param textHash SHA-256 of the text at {@code revision}
   * @param key the relay's public key, X.509 DER in base64
   * @param signature the Ed25519 signature of {@link HistoryChain#relayStatement}, base64
   */
  record RelayRecord(
      long revision, String document, String chain, String textHash, String key, String signature)
      implements HistoryRecord {
    public RelayRecord {
      Objects.requireNonNull(document, "document == null");
      Objects.requireNonNull(chain, "chain == null");
      Objects.requireNonNull(textHash, "textHash == null");
      Objects.requireNonNull(key, "key == null");
      Objects.requireNonNull(signature, "signature == null");
    }

    @Override
    public Map<String, Object> body() {
      Map<String, Object> m = new TreeMap<>();
      m.put("type", "relay");
      m.put("revision", revision);
      m.put("document", document);
      m.put("chain", chain);
      m.put("textHash", textHash);
      m.put("key", key);
      m.put("signature", signature);
      return m;
    }
  }

  /**
   * An Ed25519 signature over a checkpoint's hash (see {@link Signatures}).
   *
   * @param key the public key, X.509 SubjectPublicKeyInfo DER in base64 (what {@code openssl pkey
   *     -pubout -outform DER} writes)
   * @param signature the 64-byte signature in base64
   */
  record Signature(String key, String signature) {
    public Signature {
      Objects.requireNonNull(key, "key == null");
      Objects.requireNonNull(signature, "signature == null");
    }

    Map<String, Object> json() {
      return Map.of("key", key, "signature", signature);
    }
  }
}
