package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.WireBatch;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchDigestTest {

  @Test
  void escapeCase_doesNotChangeTheDigest() {
    // The same batch as written before (Jackson, upper case) and now (RFC 8785, lower case).
    WireBatch before = new WireBatch("c-1", 1, 0, List.of("[\"a\\u000Bb\\u001F\"]"), 1_000L);
    WireBatch now = new WireBatch("c-1", 1, 0, List.of("[\"a\\u000bb\\u001f\"]"), 1_000L);
    assertThat(BatchDigest.of(now)).isEqualTo(BatchDigest.of(before));
  }

  @Test
  void differentContent_changesTheDigest() {
    WireBatch a = new WireBatch("c-1", 1, 0, List.of("[\"a\\u000bb\"]"), 1_000L);
    WireBatch b = new WireBatch("c-1", 1, 0, List.of("[\"a\\u000cb\"]"), 1_000L);
    WireBatch c = new WireBatch("c-1", 1, 0, List.of("[\"a\\\\u000bb\"]"), 1_000L);
    assertThat(BatchDigest.of(a)).isNotEqualTo(BatchDigest.of(b)).isNotEqualTo(BatchDigest.of(c));
  }

  @Test
  void anEscapedBackslash_isNotTheStartOfAnEscape() {
    assertThat(BatchDigest.withUpperCaseEscapes("[\"\\\\u00ab\\u00ab\"]"))
        .isEqualTo("[\"\\\\u00ab\\u00AB\"]");
  }

  @Test
  void theAuthorsTime_isNotPartOfTheDigest() {
    WireBatch first = new WireBatch("c-1", 1, 0, List.of("[\"a\"]"), 5_000L);
    assertThat(BatchDigest.of(first.withMadeAt(9_000L))).isEqualTo(BatchDigest.of(first));
  }
}
