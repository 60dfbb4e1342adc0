package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.WireBatch;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchDigestTest {

  @Test
  void escapeCase_doesNotChangeTheDigest() {
    // The same batch as written before (Jackson, upper case) and now (RFC 8785, lower case).
    WireBatch before = new WireBatch("c-1", 1, 0, List.of("[\"a\\u000Bb\\u001F\"]"));
    WireBatch now = new WireBatch("c-1", 1, 0, List.of("[\"a\\u000bb\\u001f\"]"));
    assertThat(BatchDigest.of(now)).isEqualTo(BatchDigest.of(before));
  }

  @Test
  void differentContent_changesTheDigest() {
    WireBatch a = new WireBatch("c-1", 1, 0, List.of("[\"a\\u000bb\"]"));
    WireBatch b = new WireBatch("c-1", 1, 0, List.of("[\"a\\u000cb\"]"));
    WireBatch c = new WireBatch("c-1", 1, 0, List.of("[\"a\\\\u000bb\"]"));
    assertThat(BatchDigest.of(a)).isNotEqualTo(BatchDigest.of(b)).isNotEqualTo(BatchDigest.of(c));
  }

  @Test
  void anEscapedBackslash_isNotTheStartOfAnEscape() {
    assertThat(BatchDigest.withUpperCaseEscapes("[\"\\\\u00ab\\u00ab\"]"))
        .isEqualTo("[\"\\\\u00ab\\u00AB\"]");
  }
}
