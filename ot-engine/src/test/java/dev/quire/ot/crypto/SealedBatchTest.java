package dev.quire.ot.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.codec.MalformedMessageException;
import dev.quire.ot.history.Ed25519;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;

class SealedBatchTest {
  private final KeyPair device = Ed25519.generate();
  private final String devicePublic = Ed25519.publicKey(device);
  private final byte[] key = BatchCipher.newKey();
  private final byte[] text = "[[\"secret marker\"]]".getBytes(StandardCharsets.UTF_8);

  private SealedBatch sealed() {
    return SealedBatch.seal(key, 2, device.getPrivate(), "doc", "laptop", 7, 40, text);
  }

  @Test
  void sealsAndOpensInItsContext() {
    SealedBatch b = SealedBatch.parse(sealed().toJson());
    assertThat(b.epoch()).isEqualTo(2);
    assertThat(b.open(key, devicePublic, "doc", "laptop", 7, 40)).isEqualTo(text);
    assertThat(new String(b.sealed(), StandardCharsets.ISO_8859_1)).doesNotContain("secret");
  }

  @Test
  void eachSealHasItsOwnNonce() {
    assertThat(sealed().sealed()).isNotEqualTo(sealed().sealed());
  }

  @Test
  void anotherContextIsRefused() {
    SealedBatch b = sealed();
    assertThatThrownBy(() -> b.open(key, devicePublic, "doc", "laptop", 7, 41))
        .isInstanceOf(UnreadableBatchException.class);
    assertThatThrownBy(() -> b.open(key, devicePublic, "other", "laptop", 7, 40))
        .isInstanceOf(UnreadableBatchException.class);
    // The signature holds, but the ciphertext is bound to its context by the associated data.
    byte[] aad = SealedBatch.context("doc", 2, "laptop", 8, 40);
    assertThatThrownBy(() -> BatchCipher.open(key, aad, b.sealed()))
        .isInstanceOf(UnreadableBatchException.class);
  }

  @Test
  void aChangedCiphertextOrAnotherKeyIsRefused() {
    SealedBatch b = sealed();
    byte[] changed = b.sealed();
    changed[changed.length - 1] ^= 1;
    SealedBatch tampered = new SealedBatch(2, changed, b.signature());
    assertThat(tampered.verify(devicePublic, "doc", "laptop", 7, 40)).isFalse();
    assertThatThrownBy(() -> tampered.open(key, devicePublic, "doc", "laptop", 7, 40))
        .hasMessageContaining("signature");
    byte[] aad = SealedBatch.context("doc", 2, "laptop", 7, 40);
    assertThatThrownBy(() -> BatchCipher.open(key, aad, changed))
        .hasMessageContaining("does not decrypt");
    assertThatThrownBy(() -> b.open(BatchCipher.newKey(), devicePublic, "doc", "laptop", 7, 40))
        .isInstanceOf(UnreadableBatchException.class);
  }

  @Test
  void anotherDevicesSignatureIsRefused() {
    String other = Ed25519.publicKey(Ed25519.generate());
    assertThat(sealed().verify(other, "doc", "laptop", 7, 40)).isFalse();
  }

  @Test
  void badElementsAreRefusedByName() {
    assertThatThrownBy(() -> SealedBatch.parse("[5]"))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("object");
    assertThatThrownBy(() -> SealedBatch.parse("{\"epoch\":0,\"sealed\":\"\",\"signature\":\"\"}"))
        .hasMessageContaining("at least 1");
    assertThatThrownBy(
            () -> SealedBatch.parse("{\"epoch\":1,\"sealed\":\"@@\",\"signature\":\"\"}"))
        .hasMessageContaining("sealed is not base64");
    assertThatThrownBy(() -> SealedBatch.parse("{\"epoch\":1,\"sealed\":\"\"}"))
        .hasMessageContaining("signature must be a string");
    assertThatThrownBy(
            () -> SealedBatch.parse("{\"epoch\":1,\"sealed\":\"\",\"signature\":\"\",\"x\":1}"))
        .hasMessageContaining("unknown field x");
    assertThatThrownBy(
            () -> SealedBatch.parse("{\"epoch\":\"1\",\"sealed\":\"\",\"signature\":\"\"}"))
        .hasMessageContaining("epoch must be an integer");
  }

  @Test
  void theSignedBytesAreCanonicalJson() {
    SealedBatch b = sealed();
    String signed = new String(b.signed("doc", "laptop", 7, 40), StandardCharsets.UTF_8);
    assertThat(signed)
        .startsWith(
            "{\"baseRevision\":40,\"batchSeq\":7,\"clientId\":\"laptop\",\"document\":\"doc\",")
        .contains("\"epoch\":2,\"sealed\":\"")
        .endsWith("\",\"type\":\"quire-encrypted-batch\"}");
  }
}
