package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks behind the settings dialog and File > Import, without windows. */
class SettingsAndFilesTest {
  @TempDir Path dir;

  @Test
  void relayAddressesAreCheckedWithAReason() {
    assertThat(SettingsDialog.checkRelay("")).isNull(); // offline
    assertThat(SettingsDialog.checkRelay("ws://127.0.0.1:7070")).isNull();
    assertThat(SettingsDialog.checkRelay("wss://relay.example.org")).isNull();
    assertThat(SettingsDialog.checkRelay("http://127.0.0.1:7070")).contains("ws://");
    assertThat(SettingsDialog.checkRelay("ws:///path")).contains("host");
    assertThat(SettingsDialog.checkRelay("ws://a b")).contains("\"ws://a b\"", "space");
    assertThat(SettingsDialog.checkRelay("ws://a:1,ws://b:2")).isNull();
    assertThat(SettingsDialog.checkRelay("ws://a:1,http://b:2"))
        .startsWith("Relay address \"http://b:2\"")
        .contains("ws://");
  }

  @Test
  void importReadsUtf8AndRefusesAnythingElse() throws Exception {
    Path good = dir.resolve("good.md");
    Files.writeString(good, "héllo 😀\n");
    assertThat(DocumentFiles.readUtf8(good.toFile())).isEqualTo("héllo 😀\n");

    Path latin1 = dir.resolve("latin1.txt");
    Files.write(latin1, new byte[] {'c', 'a', 'f', (byte) 0xE9});
    assertThatThrownBy(() -> DocumentFiles.readUtf8(latin1.toFile()))
        .hasMessage("latin1.txt is not UTF-8 text");

    File missing = dir.resolve("missing.txt").toFile();
    assertThatThrownBy(() -> DocumentFiles.readUtf8(missing)).hasMessageContaining("Cannot read");
  }

  @Test
  void colourNamesRoundTripAndTextStaysReadable() {
    assertThat(Colours.format(Colours.parse("#e11d48"))).isEqualTo("#e11d48");
    assertThat(Colours.parse("red")).isEqualTo(java.awt.Color.GRAY);
    assertThat(Colours.readableOn(Colours.parse("#fde68a"))).isEqualTo(java.awt.Color.BLACK);
    assertThat(Colours.readableOn(Colours.parse("#1e3a8a"))).isEqualTo(java.awt.Color.WHITE);
  }
}
