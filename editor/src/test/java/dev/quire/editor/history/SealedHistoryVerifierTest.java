package dev.quire.editor.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.editor.crypto.BatchContent;
import dev.quire.ot.codec.CanonicalJson;
import dev.quire.ot.crypto.BatchCipher;
import dev.quire.ot.history.Ed25519;
import dev.quire.ot.history.HistoryChain;
import dev.quire.ot.protocol.RelaySignature;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The ciphertext chain of an encrypted document (format version 4): written from the batches as the
 * relay sequenced them, checked without the key (chain, device signatures, relay signatures) and
 * with it (decrypted and replayed), and every kind of tampering named at its record.
 */
class SealedHistoryVerifierTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DOC = "secret";

  private final KeyPair alice = Ed25519.generate();
  private final KeyPair bob = Ed25519.generate();
  private final KeyPair relay = Ed25519.generate();
  private final byte[] key1 = BatchCipher.newKey();
  private final byte[] key2 = BatchCipher.newKey();

  private WireSequenced batch(
      long first, String author, KeyPair device, long seq, long base, long epoch, String... ops) {
    String client = author + "-device";
    WireBatch plain = new WireBatch(client, seq, base, List.of(ops), 1_000 * first);
    WireBatch sealed =
        BatchContent.seal(plain, DOC, epoch == 1 ? key1 : key2, epoch, device.getPrivate());
    return new WireSequenced(first, author, 2_000 * first, sealed);
  }

  /** Four revisions in three batches, the last under epoch 2: "> hello world!". */
  private List<WireSequenced> batches() {
    if (sealed == null) { // sealed once: each sealing takes a new nonce
      sealed = sealAll();
    }
    return sealed;
  }

  private List<WireSequenced> sealed;

  private List<WireSequenced> sealAll() {
    return List.of(
        batch(1, "alice", alice, 1, 0, 1, "[\"hello\"]"),
        batch(2, "bob", bob, 1, 1, 1, "[5,\" world\"]", "[11,\"!\"]"),
        batch(4, "alice", alice, 2, 3, 2, "[\"> \",12]"));
  }

  /** The relay's signatures of the chain at {@code revisions}, by {@code key}. */
  private Map<Long, RelaySignature> relaySigned(KeyPair key, long... revisions) {
    Map<Long, RelaySignature> out = new HashMap<>();
    String chain = HistoryChain.GENESIS;
    for (WireSequenced w : batches()) {
      for (int i = 0; i < w.batch().size(); i++) {
        long r = w.firstRevision() + i;
        StringBuilder op = new StringBuilder();
        try {
          CanonicalJson.append(op, JSON.readTree(w.batch().operations().get(i)));
        } catch (Exception e) {
          throw new AssertionError(e);
        }
        chain =
            HistoryChain.next(
                chain,
                new HistoryChain.Revision(
                    r,
                    w.batch().baseRevision(),
                    w.firstRevision(),
                    w.author(),
                    w.batch().clientId(),
                    w.batch().batchSeq(),
                    w.timestampMillis(),
                    w.batch().madeAt(),
                    op.toString()));
        for (long s : revisions) {
          if (s == r) {
            byte[] statement = HistoryChain.relayStatement(DOC, r, chain, null);
            out.put(
                r, new RelaySignature(r, chain, null, Ed25519.sign(key.getPrivate(), statement)));
          }
        }
      }
    }
    return out;
  }

  private List<String> file(List<WireSequenced> batches) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SealedHistoryWriter w =
        new SealedHistoryWriter(
            out,
            DOC,
            "Plans",
            5,
            6,
            Ed25519.publicKey(relay),
            relaySigned(relay, 2, 4),
            List.of(
                new SealedHistoryWriter.Device("alice", "alice-device", Ed25519.publicKey(alice)),
                new SealedHistoryWriter.Device("bob", "bob-device", Ed25519.publicKey(bob))));
    batches.forEach(w::batch);
    w.finish();
    return new ArrayList<>(out.toString(StandardCharsets.UTF_8).lines().toList());
  }

  private static SealedHistoryVerifier.Result verify(
      List<String> lines, SealedHistoryVerifier.Keys keys) {
    String text = String.join("\n", lines) + "\n";
    return new SealedHistoryVerifier(keys)
        .verify(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  private SealedHistoryVerifier.Keys keys() {
    return epoch -> Optional.ofNullable(epoch == 1 ? key1 : epoch == 2 ? key2 : null);
  }

  private static int lineOf(List<String> lines, String type, long revision) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("\"type\":\"" + type + "\"")
          && lines.get(i).contains("\"revision\":" + revision + ",")) {
        return i;
      }
    }
    throw new AssertionError("no " + type + " of revision " + revision);
  }

  /** Recomputes every record's prev and hash: what a forger who rewrote the file would do. */
  private static List<String> rehashed(List<String> lines) throws Exception {
    List<String> out = new ArrayList<>();
    String prev = null;
    for (String line : lines) {
      ObjectNode o = (ObjectNode) JSON.readTree(line);
      if (o.get("type").asText().equals("relay")) {
        out.add(line);
        continue;
      }
      o.remove("hash");
      if (prev != null) {
        o.put("prev", prev);
      }
      StringBuilder b = new StringBuilder();
      CanonicalJson.append(b, o);
      prev = HistoryFormat.sha256(b.toString());
      o.put("hash", prev);
      StringBuilder w = new StringBuilder();
      CanonicalJson.append(w, o);
      out.add(w.toString());
    }
    return out;
  }

  private static HistoryFileException failure(List<String> lines) {
    try {
      verify(lines, null);
    } catch (HistoryFileException e) {
      return e;
    }
    throw new AssertionError("the file verified");
  }

  @Test
  void aWrittenChain_verifiesWithoutAKey_andWithTheKeysReplaysTheText() {
    List<String> lines = file(batches());
    assertThat(lines.get(0)).contains("\"version\":4");
    assertThat(String.join("\n", lines)).doesNotContain("hello");
    SealedHistoryVerifier.Result r = verify(lines, null);
    assertThat(r.head()).isEqualTo(4);
    assertThat(r.batches()).isEqualTo(3);
    assertThat(r.devices()).isEqualTo(2);
    assertThat(r.relaySignatures()).isEqualTo(2);
    assertThat(r.relaySignedUpTo()).isEqualTo(4);
    assertThat(r.text()).isNull();
    assertThat(verify(lines, keys()).text()).isEqualTo("> hello world!");
  }

  @Test
  void aChangedRecord_isNamed() {
    List<String> lines = file(batches());
    int at = lineOf(lines, "revision", 3);
    lines.set(at, lines.get(at).replace("\"time\":4000", "\"time\":4001"));
    HistoryFileException e = failure(lines);
    assertThat(e.revision()).isEqualTo(3);
    assertThat(e.getMessage()).contains("line " + (at + 1)).contains("does not match its hash");
  }

  @Test
  void aChangedRecordWithItsHashRecomputed_breaksTheNextOnesChain() throws Exception {
    List<String> lines = file(batches());
    int at = lineOf(lines, "revision", 1);
    lines.set(at, rehashOne(lines.get(at).replace("\"madeAt\":1000", "\"madeAt\":999")));
    HistoryFileException e = failure(lines);
    assertThat(e.getMessage())
        .contains("line " + (at + 2))
        .contains("does not chain to the record before it");
    assertThat(e.revision()).isEqualTo(2);
  }

  /** One record's hash recomputed over what it holds, its prev kept. */
  private static String rehashOne(String line) throws Exception {
    ObjectNode o = (ObjectNode) JSON.readTree(line);
    o.remove("hash");
    StringBuilder b = new StringBuilder();
    CanonicalJson.append(b, o);
    o.put("hash", HistoryFormat.sha256(b.toString()));
    StringBuilder w = new StringBuilder();
    CanonicalJson.append(w, o);
    return w.toString();
  }

  @Test
  void aRemovedRecord_isNamed() {
    List<String> lines = file(batches());
    lines.remove(lineOf(lines, "revision", 3));
    HistoryFileException e = failure(lines);
    assertThat(e.revision()).isEqualTo(3);
    assertThat(e.getMessage()).contains("is revision 4 where revision 3 belongs");
  }

  @Test
  void reorderedRecords_areNamed() {
    List<String> lines = file(batches());
    int two = lineOf(lines, "revision", 2);
    int three = lineOf(lines, "revision", 3);
    Collections.swap(lines, two, three);
    lines.remove(lineOf(lines, "relay", 2)); // now out of place anyway
    HistoryFileException e = failure(lines);
    assertThat(e.revision()).isEqualTo(2);
    assertThat(e.getMessage()).contains("is revision 3 where revision 2 belongs");
  }

  @Test
  void anAddedRecord_isNamed_evenWithEveryHashRecomputed() throws Exception {
    List<String> lines = file(batches());
    int one = lineOf(lines, "revision", 1);
    lines.add(one + 1, lines.get(one));
    HistoryFileException e = failure(lines);
    assertThat(e.revision()).isEqualTo(2);
    assertThat(e.getMessage()).contains("is revision 1 where revision 2 belongs");

    // A batch copied to the end, the chain recomputed: its signature holds, its number does not.
    List<String> clean = file(batches());
    int end = clean.size() - 1;
    String copy =
        clean
            .get(lineOf(clean, "revision", 1))
            .replace("\"revision\":1,", "\"revision\":5,")
            .replace("\"batchFirst\":1,", "\"batchFirst\":5,");
    clean.add(end, copy);
    clean.set(
        clean.size() - 1, clean.get(clean.size() - 1).replace("\"revision\":4", "\"revision\":5"));
    HistoryFileException added = failure(rehashed(clean));
    assertThat(added.revision()).isEqualTo(5);
    assertThat(added.getMessage())
        .contains("is batch 1 of device alice-device of alice, after its batch 2");
  }

  @Test
  void aSealedBatchChangedWithEveryHashRecomputed_failsItsDeviceSignature() throws Exception {
    List<String> lines = file(batches());
    int at = lineOf(lines, "revision", 2);
    ObjectNode o = (ObjectNode) JSON.readTree(lines.get(at));
    ObjectNode op = (ObjectNode) o.get("operation");
    String sealed = op.get("sealed").asText();
    op.put("sealed", (sealed.charAt(0) == 'A' ? "B" : "A") + sealed.substring(1));
    lines.set(at, o.toString());
    HistoryFileException e = failure(rehashed(lines));
    assertThat(e.revision()).isEqualTo(2);
    assertThat(e.getMessage()).contains("is not signed by device bob-device of bob");
  }

  @Test
  void aWrongDeviceKey_failsTheFirstBatchOfThatDevice() throws Exception {
    List<String> lines = file(batches());
    int bobs = 2; // header, alice's device, bob's device
    lines.set(
        bobs,
        lines.get(bobs).replace(Ed25519.publicKey(bob), Ed25519.publicKey(Ed25519.generate())));
    HistoryFileException e = failure(rehashed(lines));
    assertThat(e.revision()).isEqualTo(2);
    assertThat(e.getMessage()).contains("is not signed by device bob-device of bob");
  }

  @Test
  void aRelaySignatureFromAnUnknownKey_isNamed() throws Exception {
    List<String> lines = file(batches());
    KeyPair other = Ed25519.generate();
    RelaySignature forged = relaySigned(other, 2).get(2L);
    int at = lineOf(lines, "relay", 2);
    ObjectNode o = (ObjectNode) JSON.readTree(lines.get(at));
    o.put("key", Ed25519.publicKey(other));
    o.put("signature", forged.signature());
    lines.set(at, o.toString());
    HistoryFileException e = failure(lines);
    assertThat(e.getMessage()).contains("line " + (at + 1)).contains("by an unknown key");
    assertThat(e.revision()).isEqualTo(2);
  }

  @Test
  void aRelaySignatureOverAnotherChain_doesNotMatch() throws Exception {
    List<String> lines = file(batches());
    int at = lineOf(lines, "revision", 1);
    lines.set(at, lines.get(at).replace("\"time\":2000", "\"time\":2001"));
    HistoryFileException e = failure(rehashed(lines));
    assertThat(e.getMessage()).contains("chain does not match");
    assertThat(e.revision()).isEqualTo(2);
  }

  @Test
  void aTruncatedFile_isNamed() {
    List<String> lines = file(batches());
    String whole = String.join("\n", lines) + "\n";
    String cut = whole.substring(0, whole.length() - 20);
    assertThatThrownBy(
            () ->
                new SealedHistoryVerifier(null)
                    .verify(new ByteArrayInputStream(cut.getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(HistoryFileException.class)
        .hasMessageContaining("truncated");
    List<String> noEnd = lines.subList(0, lines.size() - 1);
    HistoryFileException e = failure(noEnd);
    assertThat(e.getMessage()).contains("without its end record").contains("after revision 4");
  }

  @Test
  void withAWrongKey_theBatchDoesNotDecrypt_andIsNamed() {
    List<String> lines = file(batches());
    SealedHistoryVerifier.Keys wrong =
        epoch -> Optional.of(epoch == 1 ? key1 : BatchCipher.newKey());
    assertThatThrownBy(() -> verify(lines, wrong))
        .isInstanceOf(HistoryFileException.class)
        .hasMessageContaining("revision 4 does not decrypt with the key of epoch 2");
    assertThatThrownBy(() -> verify(lines, epoch -> Optional.ofNullable(epoch == 1 ? key1 : null)))
        .hasMessageContaining("sealed under epoch 2, whose key is not given");
  }

  @Test
  void hostileRecords_areRefusedNamingTheLine() {
    List<String> lines = file(batches());
    lines.set(
        3,
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]");
    assertThat(failure(lines).getMessage()).startsWith("line 4: ").contains("not a JSON record");
    List<String> other = file(batches());
    other.set(
        3, other.get(3).replace("\"type\":\"revision\"", "\"type\":\"revision\",\"extra\":1"));
    assertThat(failure(other).getMessage()).contains("unknown member 'extra'");
  }
}
