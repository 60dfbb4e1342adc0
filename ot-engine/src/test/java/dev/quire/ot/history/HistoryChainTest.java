package dev.quire.ot.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.codec.OperationCodec;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;

class HistoryChainTest {
  // What Python's json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False) writes for
  // the same record: an RFC 8785 implementation independent of this one.
  private static final String EXPECTED =
      "{\"author\":\"alice\",\"baseRevision\":4,\"batch\":7,\"batchFirst\":5,"
          + "\"client\":\"laptop-7f3a\",\"madeAt\":1794990000000,"
          + "\"operation\":[3,\"a\\u000bb\u2028\uD83D\uDE00\\\"\\\\\u007f\",-2,1],"
          + "\"prev\":\"0000000000000000000000000000000000000000000000000000000000000000\","
          + "\"revision\":6,\"time\":1795000120000,\"type\":\"revision\"}";

  private static final String EXPECTED_HASH =
      "30b0ef36cb73cc56f98ab68422bcf71e215caeed37597758770a5f4cf9009f79";

  private static HistoryChain.Revision sample() {
    String op =
        OperationCodec.toJson(
            OperationCodec.fromJson("[3,\"a\\u000Bb\u2028\uD83D\uDE00\\\"\\\\\u007f\",-2,1]"));
    return new HistoryChain.Revision(
        6, 4, 5, "alice", "laptop-7f3a", 7, 1795000120000L, 1794990000000L, op);
  }

  @Test
  void appendRecord_writesTheRfc8785FormByteForByte() {
    StringBuilder b = new StringBuilder();
    int hashAt = HistoryChain.appendRecord(b, sample(), HistoryChain.GENESIS);
    assertThat(b.toString()).isEqualTo(EXPECTED);
    assertThat(b.substring(hashAt)).startsWith(",\"madeAt\":");
  }

  @Test
  void next_isTheSha256OfTheRecordChainedToPrev() {
    assertThat(HistoryChain.next(HistoryChain.GENESIS, sample())).isEqualTo(EXPECTED_HASH);
    assertThat(HistoryChain.next(EXPECTED_HASH, sample())).isNotEqualTo(EXPECTED_HASH);
  }

  @Test
  void relayStatement_isCanonicalJsonAndLeavesOutAMissingTextHash() {
    String hash = "ab".repeat(32);
    assertThat(
            new String(
                HistoryChain.relayStatement("notes-2026-11", 6, EXPECTED_HASH, hash),
                StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"chain\":\""
                + EXPECTED_HASH
                + "\",\"document\":\"notes-2026-11\",\"revision\":6,\"textHash\":\""
                + hash
                + "\",\"type\":\"quire-relay-checkpoint\"}");
    assertThat(
            new String(
                HistoryChain.relayStatement("d", 6, EXPECTED_HASH, null), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"chain\":\""
                + EXPECTED_HASH
                + "\",\"document\":\"d\",\"revision\":6,\"type\":\"quire-relay-checkpoint\"}");
  }

  @Test
  void isHash_acceptsOnly64LowerCaseHexDigits() {
    assertThat(HistoryChain.isHash(EXPECTED_HASH)).isTrue();
    assertThat(HistoryChain.isHash(EXPECTED_HASH.toUpperCase())).isFalse();
    assertThat(HistoryChain.isHash(EXPECTED_HASH.substring(1))).isFalse();
    assertThat(HistoryChain.isHash(null)).isFalse();
  }

  @Test
  void ed25519_signsVerifiesAndRebuildsAPairFromItsPrivateKey() {
    KeyPair pair = Ed25519.generate();
    byte[] message = "m".getBytes(StandardCharsets.UTF_8);
    String signature = Ed25519.sign(pair.getPrivate(), message);
    String key = Ed25519.publicKey(pair);
    assertThat(Ed25519.verify(key, message, signature)).isTrue();
    assertThat(Ed25519.verify(key, "n".getBytes(StandardCharsets.UTF_8), signature)).isFalse();
    assertThat(Ed25519.verify(Ed25519.publicKey(Ed25519.generate()), message, signature)).isFalse();
    assertThat(Ed25519.verify(key, message, signature.substring(4))).isFalse();
    assertThat(Ed25519.verify("not base64!", message, signature)).isFalse();
    KeyPair again = Ed25519.fromPrivate(pair.getPrivate().getEncoded());
    assertThat(Ed25519.publicKey(again)).isEqualTo(key);
    assertThat(Ed25519.sign(again.getPrivate(), message)).isEqualTo(signature); // deterministic
    assertThat(Ed25519.isPublicKey(key)).isTrue();
    assertThat(Ed25519.isPublicKey("AAAA")).isFalse();
    assertThat(Ed25519.fingerprint(key)).matches("ed25519:[0-9a-f]{16}");
  }
}
