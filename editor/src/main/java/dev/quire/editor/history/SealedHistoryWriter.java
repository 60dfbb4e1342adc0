package dev.quire.editor.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.ot.codec.CanonicalJson;
import dev.quire.ot.history.HistoryChain;
import dev.quire.ot.protocol.RelaySignature;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes the ciphertext chain of an encrypted document (format version {@link
 * HistoryFormat#SEALED_VERSION}, docs/history-format.md): the header, one {@code device} record per
 * device that sealed a batch (its public signing key), each revision as the relay sequenced it (the
 * batch's sealed element on its first revision, the placeholder {@code 0} on the others), the
 * relay's signatures of that chain, and the end. Needs no key: it copies what the relay stored.
 */
public final class SealedHistoryWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A device whose batches the file holds, with its Ed25519 public key (X.509 DER, base64). */
  public record Device(String user, String client, String signingKey) {}

  private final Writer out;
  private final String document;
  private final Map<Long, RelaySignature> relaySignatures;
  private final @Nullable String relayKey;
  private final StringBuilder line = new StringBuilder(512);
  private String prev;
  private long head;

  /**
   * Writes the header and the device records at once.
   *
   * @param relayKey the relay key of {@code relaySignatures}, or null when there are none
   * @param relaySignatures the relay's signatures of the chain, by revision (no text hash)
   */
  public SealedHistoryWriter(
      OutputStream out,
      String document,
      String title,
      long created,
      long exported,
      @Nullable String relayKey,
      Map<Long, RelaySignature> relaySignatures,
      List<Device> devices) {
    this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    this.document = document;
    this.relayKey = relaySignatures.isEmpty() ? null : relayKey;
    this.relaySignatures = relaySignatures;
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("type", "header");
    header.put("format", HistoryFormat.NAME);
    header.put("version", HistoryFormat.SEALED_VERSION);
    header.put("document", document);
    header.put("title", title);
    header.put("created", created);
    header.put("exported", exported);
    if (this.relayKey != null) {
      header.put("relayKey", this.relayKey);
    }
    write(header);
    for (Device d : devices) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", "device");
      m.put("user", d.user());
      m.put("client", d.client());
      m.put("signingKey", d.signingKey());
      write(m);
    }
  }

  /**
   * Appends a batch's revisions, each followed by the relay's signature of it when there is one.
   *
   * @throws IllegalArgumentException when it does not start right after the revisions written
   */
  public void batch(WireSequenced w) {
    if (w.firstRevision() != head + 1) {
      throw new IllegalArgumentException(
          "a batch at revision " + w.firstRevision() + " after revision " + head);
    }
    WireBatch b = w.batch();
    for (int i = 0; i < b.size(); i++) {
      long r = w.firstRevision() + i;
      HistoryChain.Revision rev =
          new HistoryChain.Revision(
              r,
              b.baseRevision(),
              w.firstRevision(),
              w.author(),
              b.clientId(),
              b.batchSeq(),
              w.timestampMillis(),
              b.madeAt(),
              canonical(b.operations().get(i)));
      line.setLength(0);
      int hashAt = HistoryChain.appendRecord(line, rev, prev);
      String hash = HistoryFormat.sha256(line.toString());
      line.insert(hashAt, ",\"hash\":\"" + hash + "\"").append('\n');
      append(line);
      prev = hash;
      head = r;
      RelaySignature s = relaySignatures.get(r);
      if (s != null) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "relay");
        m.put("revision", r);
        m.put("document", document);
        m.put("chain", s.chain());
        m.put("key", relayKey);
        m.put("signature", s.signature());
        line.setLength(0);
        CanonicalJson.append(line, m);
        append(line.append('\n'));
      }
    }
  }

  /** Writes the end record and flushes; the stream stays open. */
  public void finish() {
    Map<String, Object> end = new LinkedHashMap<>();
    end.put("type", "end");
    end.put("revision", head);
    write(end);
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An operation element as the relay's chain covers it: its canonical JSON. */
  private static String canonical(String element) {
    try {
      StringBuilder b = new StringBuilder(element.length());
      CanonicalJson.append(b, JSON.readTree(element));
      return b.toString();
    } catch (IOException e) {
      throw new IllegalArgumentException("a kept sealed batch is not JSON", e);
    }
  }

  /** Writes {@code m} chained to the record before, with its hash. */
  private void write(Map<String, Object> m) {
    if (prev != null) {
      m.put("prev", prev);
    }
    String hash = HistoryFormat.sha256(CanonicalJson.write(m));
    m.put("hash", hash);
    line.setLength(0);
    CanonicalJson.append(line, m);
    append(line.append('\n'));
    prev = hash;
  }

  private void append(CharSequence s) {
    try {
      out.append(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
