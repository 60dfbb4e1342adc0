package dev.quire.relay.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokensTest {
  @Test
  void tokensAreDistinctBase64url_andNeverStartWithADash() {
    // One base64url character in 64 is '-': without the rule, about 156 of these would start
    // with it, and `quire sync --token -h...` reads such a token as options.
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String token = Tokens.generate();
      assertThat(token).matches("[A-Za-z0-9_-]{43}").doesNotStartWith("-");
      seen.add(token);
    }
    assertThat(seen).hasSize(10_000);
  }
}
