package dev.quire.editor.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.editor.store.LocalStore;
import dev.quire.ot.crypto.BatchCipher;
import dev.quire.ot.crypto.UnreadableBatchException;
import dev.quire.ot.history.Ed25519;
import dev.quire.ot.protocol.DeviceKeys;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyEnvelopesTest {
  private final AgreementKeys alice = AgreementKeys.generate();
  private final AgreementKeys bob = AgreementKeys.generate();
  private final byte[] key = BatchCipher.newKey();

  private String sealedForBob() {
    return KeyEnvelopes.seal(key, "doc", 2, "bob", "desk", bob.publicKey(), alice);
  }

  @Test
  void theRecipientOpensItWithTheSendersKey() {
    assertThat(KeyEnvelopes.open(sealedForBob(), "doc", 2, "bob", "desk", bob, alice.publicKey()))
        .isEqualTo(key);
    AgreementKeys again = AgreementKeys.fromPrivate(bob.privateBytes());
    assertThat(again.publicKey()).isEqualTo(bob.publicKey());
    assertThat(KeyEnvelopes.open(sealedForBob(), "doc", 2, "bob", "desk", again, alice.publicKey()))
        .isEqualTo(key);
  }

  @Test
  void anotherRecipientSenderDocumentOrEpoch_doesNotOpenIt() {
    String e = sealedForBob();
    AgreementKeys mallory = AgreementKeys.generate();
    assertThatThrownBy(
            () -> KeyEnvelopes.open(e, "doc", 2, "bob", "desk", mallory, alice.publicKey()))
        .isInstanceOf(UnreadableBatchException.class);
    assertThatThrownBy(
            () -> KeyEnvelopes.open(e, "doc", 2, "bob", "desk", bob, mallory.publicKey()))
        .isInstanceOf(UnreadableBatchException.class);
    assertThatThrownBy(
            () -> KeyEnvelopes.open(e, "other", 2, "bob", "desk", bob, alice.publicKey()))
        .isInstanceOf(UnreadableBatchException.class);
    assertThatThrownBy(() -> KeyEnvelopes.open(e, "doc", 3, "bob", "desk", bob, alice.publicKey()))
        .isInstanceOf(UnreadableBatchException.class);
    assertThatThrownBy(() -> KeyEnvelopes.open(e, "doc", 2, "bob", "phone", bob, alice.publicKey()))
        .isInstanceOf(UnreadableBatchException.class);
    assertThatThrownBy(
            () -> KeyEnvelopes.open("@@", "doc", 2, "bob", "desk", bob, alice.publicKey()))
        .hasMessageContaining("not base64");
  }

  @Test
  void aBatchRoundTrips_withItsNotesAndOneRevisionPerOperation() {
    var device = Ed25519.generate();
    WireBatch plain =
        new WireBatch(
            "desk",
            4,
            10,
            List.of("[10,\"a\"]", "[11,\"b\"]"),
            5L,
            "[{\"kind\":\"version\",\"name\":\"v\"}]");
    WireBatch wire = BatchContent.seal(plain, "doc", key, 1, device.getPrivate());
    assertThat(wire.operations()).hasSize(2).element(1).isEqualTo("0");
    assertThat(wire.notes()).isNull();
    WireSequenced opened =
        BatchContent.open(
            new WireSequenced(11, "bob", 9, wire), "doc", key, Ed25519.publicKey(device));
    assertThat(opened.batch()).isEqualTo(plain);
    assertThatThrownBy(
            () ->
                BatchContent.open(
                    new WireSequenced(11, "bob", 9, wire),
                    "doc",
                    key,
                    Ed25519.publicKey(Ed25519.generate())))
        .hasMessageContaining("signature");
  }

  @Test
  void theKeyringPinsADeviceOnFirstSight_andRefusesAChangedKey(@TempDir Path dir) throws Exception {
    DeviceKeys first =
        new DeviceKeys(Ed25519.publicKey(Ed25519.generate()), AgreementKeys.generate().publicKey());
    DeviceKeys other =
        new DeviceKeys(Ed25519.publicKey(Ed25519.generate()), AgreementKeys.generate().publicKey());
    try (LocalStore store = LocalStore.open(dir.resolve("p"))) {
      Keyring k = Keyring.load(store).get();
      assertThat(k.pin("bob", "desk", first)).isEmpty();
      assertThat(k.pin("bob", "desk", first)).isEmpty();
      assertThat(k.pin("bob", "desk", other)).contains(first);
      k.newDocument("doc").get();
      store.flush().get();
    }
    try (LocalStore store = LocalStore.open(dir.resolve("p"))) {
      Keyring k = Keyring.load(store).get();
      assertThat(k.pinned("bob", "desk")).contains(first);
      assertThat(k.isEncrypted("doc")).isTrue();
      assertThat(k.key("doc", 1)).isPresent();
      assertThat(Keyring.fingerprint(first)).isNotEqualTo(Keyring.fingerprint(other));
    }
  }
}
