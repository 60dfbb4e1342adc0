package dev.quire.editor.history;

import dev.quire.editor.history.HistoryRecord.Header;
import dev.quire.editor.history.HistoryRecord.RelayRecord;
import dev.quire.editor.history.HistoryRecord.RevisionRecord;
import dev.quire.editor.history.HistoryRecord.TextCheck;
import dev.quire.ot.codec.CanonicalJson;
import dev.quire.ot.history.HistoryChain;
import dev.quire.ot.text.GapBuffer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a history file as it goes: the header, then each revision in order (with a checkpoint
 * every N revisions), then the end record. Holds only the document's text, to hash it at the
 * checkpoints; never the history.
 */
public final class HistoryWriter {
  private final Writer out;
  private final int checkpointEvery;
  private final Signatures.Signer signer;
  private final GapBuffer text = new GapBuffer("");
  private final StringBuilder line = new StringBuilder(256);
  private String prev;
  private long head;
  private boolean ended;

  /**
   * Writes {@code header} at once.
   *
   * @param signer signs every checkpoint and the end, or null for none
   */
  public HistoryWriter(OutputStream out, Header header, Signatures.Signer signer) {
    this.out =
        new BufferedWriter(
            new OutputStreamWriter(
                Objects.requireNonNull(out, "out == null"), StandardCharsets.UTF_8),
            1 << 16);
    this.checkpointEvery = header.checkpointEvery();
    this.signer = signer;
    write(header, null);
  }

  /**
   * Appends the next revision.
   *
   * @throws IllegalArgumentException when it is not the next one or does not apply to the text
   */
  public void revision(RevisionRecord r) {
    if (ended) {
      throw new IllegalStateException("the history is finished");
    }
    if (r.revision() != head + 1) {
      throw new IllegalArgumentException("revision " + r.revision() + " after " + head);
    }
    text.apply(r.operation());
    head = r.revision();
    if (r.hasVersion3Members()) {
      write(r, prev); // the rare record with notes or a sent operation: by its map
    } else {
      writeRevision(r);
    }
    if (head % checkpointEvery == 0) {
      check(false);
    }
  }

  /** Writes the end record and flushes; the stream stays open. */
  public void finish() {
    if (!ended) {
      check(true);
      ended = true;
    }
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The head revision written so far. */
  public long head() {
    return head;
  }

  private void check(boolean end) {
    String s = text.toString();
    write(new TextCheck(end, head, text.length(), HistoryFormat.sha256(s), List.of()), prev);
  }

  /**
   * Writes a revision record: the same line as {@link #write} would, written straight by the
   * canonical form the relay's chain shares ({@link HistoryChain#appendRecord}; a map per record
   * cost most of writing it).
   */
  private void writeRevision(RevisionRecord r) {
    StringBuilder b = line;
    b.setLength(0);
    int hashAt = HistoryChain.appendRecord(b, r.chained(), prev);
    String hash = HistoryFormat.sha256(b.toString());
    b.insert(hashAt, ",\"hash\":\"" + hash + "\"").append('\n');
    try {
      out.append(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    prev = hash;
  }

  /**
   * Writes the relay's signature of the history up to the revision just written (after its
   * checkpoint, if it has one). Outside the chain: the next record chains to the one before it.
   *
   * @throws IllegalArgumentException when it is not about the revision just written
   */
  public void relay(RelayRecord r) {
    if (ended || r.revision() != head) {
      throw new IllegalArgumentException(
          "a relay signature of revision " + r.revision() + " after revision " + head);
    }
    line.setLength(0);
    CanonicalJson.append(line, r.body());
    line.append('\n');
    try {
      out.append(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes {@code r} chained to {@code previous}, signed when it is a check and a signer is set.
   */
  private void write(HistoryRecord r, String previous) {
    Map<String, Object> m = r.body(); // encoded once: the line repeats the hashed members
    if (previous != null) {
      m.put("prev", previous);
    }
    String hash = HistoryFormat.sha256(CanonicalJson.write(m));
    m.put("hash", hash);
    if (signer != null && r instanceof TextCheck) {
      m.put("signatures", List.of(signer.sign(hash).json()));
    }
    line.setLength(0);
    CanonicalJson.append(line, m);
    line.append('\n');
    try {
      out.append(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    prev = hash;
  }
}
