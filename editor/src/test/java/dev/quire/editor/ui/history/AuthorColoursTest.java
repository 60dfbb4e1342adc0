package dev.quire.editor.ui.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import org.junit.jupiter.api.Test;

class AuthorColoursTest {

  @Test
  void colour_dependsOnTheNameAloneAndIsTranslucent() {
    assertThat(AuthorColours.opaque("alice")).isEqualTo(AuthorColours.opaque("alice"));
    Color alice = AuthorColours.opaque("alice");
    assertThat(AuthorColours.background(alice, false).getAlpha()).isBetween(40, 160);
    assertThat(AuthorColours.background(alice, true).getAlpha()).isBetween(40, 160);
    assertThat(AuthorColours.background(alice, false).getRGB() & 0xffffff)
        .isEqualTo(alice.getRGB() & 0xffffff);
    assertThat(AuthorColours.opaque("alice")).isNotEqualTo(AuthorColours.opaque("bob"));
    assertThat(AuthorColours.opaque("bob").getAlpha()).isEqualTo(255);
  }

  @Test
  void isDark_byLuminance() {
    assertThat(AuthorColours.isDark(new Color(0x2b2b2b))).isTrue();
    assertThat(AuthorColours.isDark(new Color(0xf2f2f2))).isFalse();
    assertThat(AuthorColours.isDark(null)).isFalse();
  }
}
