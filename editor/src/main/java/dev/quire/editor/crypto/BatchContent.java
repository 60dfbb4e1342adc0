package dev.quire.editor.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.ot.codec.CanonicalJson;
import dev.quire.ot.crypto.SealedBatch;
import dev.quire.ot.crypto.UnreadableBatchException;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch of an encrypted document as it travels: its operations and notes sealed in one element
 * ({@link SealedBatch}), followed by one placeholder {@code 0} for each further operation, so that
 * the relay gives it as many revisions as it has operations. The plaintext is the canonical JSON
 * {@code {"notes": [...], "operations": [...]}} ({@code notes} left out when there are none).
 */
public final class BatchContent {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  static final String PLACEHOLDER = "0";

  private BatchContent() {}

  /** {@code plain} sealed under {@code key} of {@code epoch} and signed by the device. */
  public static WireBatch seal(
      WireBatch plain, String doc, byte[] key, long epoch, PrivateKey signingKey) {
    Map<String, Object> content = new LinkedHashMap<>();
    if (plain.notes() != null) {
      content.put("notes", new CanonicalJson.Raw(plain.notes()));
    }
    List<Object> ops = new ArrayList<>();
    plain.operations().forEach(op -> ops.add(new CanonicalJson.Raw(op)));
    content.put("operations", ops);
    byte[] text = CanonicalJson.write(content).getBytes(StandardCharsets.UTF_8);
    SealedBatch sealed =
        SealedBatch.seal(
            key,
            epoch,
            signingKey,
            doc,
            plain.clientId(),
            plain.batchSeq(),
            plain.baseRevision(),
            text);
    List<String> elements = new ArrayList<>(plain.size());
    elements.add(sealed.toJson());
    for (int i = 1; i < plain.size(); i++) {
      elements.add(PLACEHOLDER);
    }
    return new WireBatch(
        plain.clientId(), plain.batchSeq(), plain.baseRevision(), elements, plain.madeAt());
  }

  /** The sealed element of a batch as it travels. */
  public static SealedBatch sealedOf(WireBatch wire) {
    try {
      return SealedBatch.parse(wire.operations().get(0));
    } catch (IllegalArgumentException e) {
      throw new UnreadableBatchException("not an encrypted batch: " + e.getMessage());
    }
  }

  /**
   * The plaintext batch of {@code ws}, once its signature verified with the sender's {@code
   * signingKey} and it decrypted with {@code key}, its operations as many as it took revisions.
   *
   * @throws UnreadableBatchException when any of it fails
   */
  public static WireSequenced open(WireSequenced ws, String doc, byte[] key, String signingKey) {
    WireBatch wire = ws.batch();
    SealedBatch sealed = sealedOf(wire);
    for (int i = 1; i < wire.size(); i++) {
      if (!PLACEHOLDER.equals(wire.operations().get(i))) {
        throw new UnreadableBatchException("operation " + i + " is not a placeholder");
      }
    }
    byte[] text =
        sealed.open(key, signingKey, doc, wire.clientId(), wire.batchSeq(), wire.baseRevision());
    JsonNode content;
    try {
      content = MAPPER.readTree(text);
    } catch (IOException e) {
      throw new UnreadableBatchException("the decrypted batch is not JSON");
    }
    JsonNode ops = content == null ? null : content.get("operations");
    if (ops == null || !ops.isArray() || ops.size() != wire.size()) {
      throw new UnreadableBatchException(
          "the decrypted batch does not hold " + wire.size() + " operation(s)");
    }
    List<String> plain = new ArrayList<>(ops.size());
    ops.forEach(op -> plain.add(op.toString()));
    JsonNode notes = content.get("notes");
    WireBatch batch =
        new WireBatch(
            wire.clientId(),
            wire.batchSeq(),
            wire.baseRevision(),
            plain,
            wire.madeAt(),
            notes == null ? null : notes.toString());
    return new WireSequenced(ws.firstRevision(), ws.author(), ws.timestampMillis(), batch);
  }
}
