package dev.quire.ot.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.ot.codec.CanonicalJson;
import dev.quire.ot.codec.MalformedMessageException;
import dev.quire.ot.history.Ed25519;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The one operation element of an encrypted document's batch: {@code {"epoch": 2, "sealed":
 * "<base64 of nonce || AES-256-GCM ciphertext>", "signature": "<base64 Ed25519>"}}, written as
 * canonical JSON. The ciphertext holds the batch's operations and notes; its associated data is
 * {@link #context}, which binds it to the document, epoch, client id, batch sequence and base
 * revision, and the signature (by the sending device's Ed25519 key) covers {@link #signed}: that
 * context with the ciphertext. The relay checks the signature and the epoch without a key.
 *
 * @param epoch the document key's epoch it was sealed under (at least 1)
 * @param sealed nonce || ciphertext || tag
 * @param signature the device's signature of {@link #signed}, base64
 */
public record SealedBatch(long epoch, byte[] sealed, String signature) {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> FIELDS = Set.of("epoch", "sealed", "signature");

  public SealedBatch {
    if (epoch < 1) {
      throw new IllegalArgumentException("epoch must be at least 1, was " + epoch);
    }
    sealed = sealed.clone();
  }

  @Override
  public byte[] sealed() {
    return sealed.clone();
  }

  /** The batch's context, as canonical JSON bytes: the ciphertext's associated data. */
  public static byte[] context(
      String doc, long epoch, String clientId, long batchSeq, long baseRevision) {
    return CanonicalJson.write(contextMap(doc, epoch, clientId, batchSeq, baseRevision))
        .getBytes(StandardCharsets.UTF_8);
  }

  /** What the signature signs: the context with the ciphertext in base64, canonical JSON bytes. */
  public byte[] signed(String doc, String clientId, long batchSeq, long baseRevision) {
    return signedBytes(doc, epoch, clientId, batchSeq, baseRevision, sealed);
  }

  private static byte[] signedBytes(
      String doc, long epoch, String clientId, long batchSeq, long baseRevision, byte[] sealed) {
    Map<String, Object> m = contextMap(doc, epoch, clientId, batchSeq, baseRevision);
    m.put("sealed", Base64.getEncoder().encodeToString(sealed));
    return CanonicalJson.write(m).getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, Object> contextMap(
      String doc, long epoch, String clientId, long batchSeq, long baseRevision) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("baseRevision", baseRevision);
    m.put("batchSeq", batchSeq);
    m.put("clientId", clientId);
    m.put("document", doc);
    m.put("epoch", epoch);
    m.put("type", "quire-encrypted-batch");
    return m;
  }

  /**
   * Seals {@code plaintext} under {@code key} for the context, and signs it with the device's
   * {@code signingKey}.
   */
  public static SealedBatch seal(
      byte[] key,
      long epoch,
      PrivateKey signingKey,
      String doc,
      String clientId,
      long batchSeq,
      long baseRevision,
      byte[] plaintext) {
    byte[] aad = context(doc, epoch, clientId, batchSeq, baseRevision);
    byte[] sealed = BatchCipher.seal(key, aad, plaintext);
    String signature =
        Ed25519.sign(signingKey, signedBytes(doc, epoch, clientId, batchSeq, baseRevision, sealed));
    return new SealedBatch(epoch, sealed, signature);
  }

  /** True when the signature is {@code publicKey}'s (Ed25519, X.509 DER in base64). */
  public boolean verify(
      String publicKey, String doc, String clientId, long batchSeq, long baseRevision) {
    return Ed25519.verify(publicKey, signed(doc, clientId, batchSeq, baseRevision), signature);
  }

  /**
   * The plaintext, once the signature verified with {@code publicKey} and the ciphertext decrypted
   * with {@code key} for this context.
   *
   * @throws UnreadableBatchException when either fails
   */
  public byte[] open(
      byte[] key, String publicKey, String doc, String clientId, long batchSeq, long baseRevision) {
    if (!verify(publicKey, doc, clientId, batchSeq, baseRevision)) {
      throw new UnreadableBatchException("the signature does not verify with the sender's key");
    }
    return BatchCipher.open(key, context(doc, epoch, clientId, batchSeq, baseRevision), sealed);
  }

  /** The element's JSON text, canonical. */
  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epoch", epoch);
    m.put("sealed", Base64.getEncoder().encodeToString(sealed));
    m.put("signature", signature);
    return CanonicalJson.write(m);
  }

  /**
   * Reads an operation element as a sealed batch.
   *
   * @throws MalformedMessageException naming what is wrong: not an object, a field missing, unknown
   *     or of the wrong type, an epoch below 1, text that is not base64
   */
  public static SealedBatch parse(String json) {
    JsonNode n;
    try {
      n = MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      throw new MalformedMessageException("an encrypted batch's operation is not JSON");
    }
    if (n == null || !n.isObject()) {
      throw new MalformedMessageException(
          "an encrypted batch's operation must be an object with epoch, sealed and signature");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new MalformedMessageException("encrypted batch: unknown field " + f);
      }
    }
    JsonNode epoch = n.get("epoch");
    if (epoch == null || !epoch.canConvertToLong() || !epoch.isIntegralNumber()) {
      throw new MalformedMessageException("encrypted batch: epoch must be an integer");
    }
    if (epoch.asLong() < 1) {
      throw new MalformedMessageException("encrypted batch: epoch must be at least 1");
    }
    byte[] sealed = base64(n, "sealed");
    base64(n, "signature");
    return new SealedBatch(epoch.asLong(), sealed, n.get("signature").asText());
  }

  private static byte[] base64(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new MalformedMessageException("encrypted batch: " + field + " must be a string");
    }
    try {
      return Base64.getDecoder().decode(v.asText());
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("encrypted batch: " + field + " is not base64");
    }
  }
}
