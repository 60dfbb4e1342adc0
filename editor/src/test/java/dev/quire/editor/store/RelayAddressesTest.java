package dev.quire.editor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class RelayAddressesTest {
  @Test
  void parse_oneAddress_asSingleAddressProfilesHaveIt() {
    assertThat(RelayAddresses.parse("ws://127.0.0.1:7070"))
        .containsExactly(URI.create("ws://127.0.0.1:7070"));
  }

  @Test
  void parse_severalAddresses_keepTheirOrder() {
    List<URI> relays = RelayAddresses.parse("ws://b:7070,wss://a.example.org,ws://c:1/relay");
    assertThat(relays)
        .containsExactly(
            URI.create("ws://b:7070"),
            URI.create("wss://a.example.org"),
            URI.create("ws://c:1/relay"));
    assertThat(RelayAddresses.format(relays))
        .isEqualTo("ws://b:7070,wss://a.example.org,ws://c:1/relay");
  }

  @Test
  void parse_blank_isNoRelay() {
    assertThat(RelayAddresses.parse("")).isEmpty();
    assertThat(RelayAddresses.parse("  ")).isEmpty();
  }

  @Test
  void parse_emptyEntry_isRefusedWithItsPosition() {
    assertThatThrownBy(() -> RelayAddresses.parse("ws://a:1,,ws://b:2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("relay address 2 in \"ws://a:1,,ws://b:2\" is empty");
    assertThatThrownBy(() -> RelayAddresses.parse("ws://a:1,"))
        .hasMessageContaining("relay address 2 in \"ws://a:1,\" is empty");
  }

  @Test
  void parse_spaces_areRefusedNamingTheEntry() {
    assertThatThrownBy(() -> RelayAddresses.parse("ws://a:1, ws://b:2"))
        .hasMessageContaining("\" ws://b:2\" contains a space");
  }

  @Test
  void parse_otherSchemes_areRefusedNamingTheEntry() {
    assertThatThrownBy(() -> RelayAddresses.parse("ws://a:1,http://b:2"))
        .hasMessageContaining("\"http://b:2\" does not start with ws:// or wss://");
    assertThatThrownBy(() -> RelayAddresses.parse("127.0.0.1:7070"))
        .hasMessageContaining("\"127.0.0.1:7070\" does not start with ws://");
  }

  @Test
  void parse_missingHostOrMalformed_isRefusedNamingTheEntry() {
    assertThatThrownBy(() -> RelayAddresses.parse("ws:///path"))
        .hasMessageContaining("\"ws:///path\" has no host");
    assertThatThrownBy(() -> RelayAddresses.parse("ws://a:1,ws://[x"))
        .hasMessageContaining("\"ws://[x\" is not an address");
  }

  @Test
  void parse_duplicates_areRefused_evenSpelledDifferently() {
    assertThatThrownBy(() -> RelayAddresses.parse("ws://a:7070,ws://b:1,ws://a:7070"))
        .hasMessageContaining("\"ws://a:7070\" is given twice");
    assertThatThrownBy(() -> RelayAddresses.parse("ws://relay,ws://RELAY:80/"))
        .hasMessageContaining("\"ws://RELAY:80/\" is given twice");
    assertThat(RelayAddresses.parse("ws://relay,wss://relay")).hasSize(2);
  }
}
