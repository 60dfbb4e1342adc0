package dev.quire.ot.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.protocol.SealedTitle;
import org.junit.jupiter.api.Test;

class TitleCipherTest {
  private final byte[] key = BatchCipher.newKey();

  @Test
  void aSealedTitle_opensWithTheKeyOfItsDocumentAndEpoch() {
    SealedTitle s = TitleCipher.seal("plans-2027", 3, key, "Plans, 2027 \uD83D\uDCC5");
    assertThat(s.epoch()).isEqualTo(3);
    assertThat(s.sealed()).doesNotContain("Plans");
    assertThat(TitleCipher.open("plans-2027", key, s)).isEqualTo("Plans, 2027 \uD83D\uDCC5");
  }

  @Test
  void aSealedTitleMovedToAnotherDocumentOrEpoch_doesNotOpen() {
    SealedTitle s = TitleCipher.seal("plans-2027", 3, key, "Plans");
    assertThatThrownBy(() -> TitleCipher.open("other", key, s))
        .isInstanceOf(UnreadableBatchException.class);
    assertThatThrownBy(() -> TitleCipher.open("plans-2027", key, new SealedTitle(2, s.sealed())))
        .isInstanceOf(UnreadableBatchException.class);
    assertThatThrownBy(() -> TitleCipher.open("plans-2027", BatchCipher.newKey(), s))
        .isInstanceOf(UnreadableBatchException.class);
  }
}
