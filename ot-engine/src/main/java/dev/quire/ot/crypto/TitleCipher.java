package dev.quire.ot.crypto;

import dev.quire.ot.protocol.Ids;
import dev.quire.ot.protocol.SealedTitle;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Seals and opens an encrypted document's title (protocol 8) with the same AES-256-GCM as its
 * batches ({@link BatchCipher}). The associated data is the canonical JSON {@code {"document",
 * "epoch", "type": "quire-sealed-title"}}, so a sealed title moved to another document or epoch
 * does not open.
 */
public final class TitleCipher {
  private TitleCipher() {}

  /** {@code title} sealed under the document's key of {@code epoch}. */
  public static SealedTitle seal(String doc, long epoch, byte[] key, String title) {
    Ids.requireTitle(title);
    byte[] sealed =
        BatchCipher.seal(key, associatedData(doc, epoch), title.getBytes(StandardCharsets.UTF_8));
    return new SealedTitle(epoch, Base64.getEncoder().encodeToString(sealed));
  }

  /**
   * The title inside {@code sealed}, opened with the document's key of its epoch.
   *
   * @throws UnreadableBatchException when it does not decrypt (another key, document or epoch, or
   *     changed bytes) or holds no valid title
   */
  public static String open(String doc, byte[] key, SealedTitle sealed) {
    byte[] plain = BatchCipher.open(key, associatedData(doc, sealed.epoch()), sealed.bytes());
    String title;
    try {
      title =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(plain))
              .toString();
    } catch (CharacterCodingException e) {
      throw new UnreadableBatchException("the sealed title is not UTF-8");
    }
    try {
      return Ids.requireTitle(title);
    } catch (IllegalArgumentException e) {
      throw new UnreadableBatchException("the sealed title is not a title: " + e.getMessage());
    }
  }

  /** The associated data: the canonical JSON of the document and epoch (ids need no escaping). */
  static byte[] associatedData(String doc, long epoch) {
    Ids.requireDocumentId(doc);
    return ("{\"document\":\""
            + doc
            + "\",\"epoch\":"
            + epoch
            + ",\"type\":\"quire-sealed-title\"}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
