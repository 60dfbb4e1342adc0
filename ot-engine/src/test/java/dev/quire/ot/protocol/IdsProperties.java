package dev.quire.ot.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Document ids and user names are checked without a regular expression; the check accepts exactly
 * what the published patterns ({@link Ids#DOCUMENT_ID}, {@link Ids#USER_NAME}) accept.
 */
class IdsProperties {

  @Provide
  Arbitrary<String> names() {
    // Mostly near the allowed alphabet and lengths, where a difference would show.
    return Arbitraries.strings()
        .withChars("aZz09._-A/ é")
        .withCharRange('\u0000', '\u007f')
        .ofMinLength(0)
        .ofMaxLength(70);
  }

  @Property(tries = 5000)
  void documentIdsAreThePatternsOnes(@ForAll("names") String s) {
    boolean pattern = Ids.DOCUMENT_ID.matcher(s).matches();
    assertThat(Ids.isName(s, 64, true)).as(s).isEqualTo(pattern);
    if (pattern) {
      assertThat(Ids.requireDocumentId(s)).isSameAs(s);
    } else {
      assertThatThrownBy(() -> Ids.requireDocumentId(s))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("does not match " + Ids.DOCUMENT_ID.pattern());
    }
  }

  @Property(tries = 5000)
  void userNamesAreThePatternsOnes(@ForAll("names") String s) {
    boolean pattern = Ids.USER_NAME.matcher(s).matches();
    assertThat(Ids.isName(s, 32, false)).as(s).isEqualTo(pattern);
    if (pattern) {
      assertThat(Ids.requireUserName(s)).isSameAs(s);
    } else {
      assertThatThrownBy(() -> Ids.requireUserName(s))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("does not match " + Ids.USER_NAME.pattern());
    }
  }

  @Example
  void theLimitsAreTheOnesDocumented() {
    assertThat(Ids.isName("a".repeat(64), 64, true)).isTrue();
    assertThat(Ids.isName("a".repeat(65), 64, true)).isFalse();
    assertThat(Ids.isName("-a", 64, true)).isFalse();
    assertThat(Ids.isName("a-._", 64, true)).isTrue();
    assertThat(Ids.isName("Alice", 32, false)).isFalse();
    assertThat(Ids.isName("", 32, false)).isFalse();
  }
}
