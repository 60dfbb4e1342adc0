package dev.quire.editor.cli;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.RelayAddresses;
import dev.quire.editor.store.Settings;
import dev.quire.editor.sync.SyncEngine;
import java.net.URI;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --relay URL[,URL...] --token T --name N --colour C}: given ones are remembered. */
final class RelayOptions {
  @Option(
      names = "--relay",
      paramLabel = "URL[,URL...]",
      description =
          "the relay, ws://host:port; several, comma-separated, are tried in order, moving to the"
              + " next when one is gone")
  String relay;

  @Option(names = "--token", paramLabel = "T", description = "your token on that relay")
  String token;

  @Option(names = "--name", paramLabel = "NAME", description = "the name others see")
  String name;

  @Option(names = "--colour", paramLabel = "#RRGGBB", description = "your caret's colour")
  String colour;

  boolean given() {
    return relay != null;
  }

  /**
   * The relays given with {@code --relay}, checked, or null when not given.
   *
   * @throws CliException naming the bad address, before anything is saved
   */
  List<URI> relays() {
    return relay == null ? null : parse(relay);
  }

  /**
   * The addresses in a {@code --relay} value.
   *
   * @throws CliException naming the bad address
   */
  static List<URI> parse(String text) {
    try {
      return RelayAddresses.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, "--relay: " + e.getMessage());
    }
  }

  /** The engine configuration from these options over the saved settings, which it updates. */
  SyncEngine.Config config(LocalStore store, boolean required) {
    List<URI> given = relays();
    Settings saved = ProfileCommand.await(store.settings());
    Settings s =
        new Settings(
            given != null ? given : saved.relays(),
            token != null ? token : saved.token(),
            name != null ? name : saved.displayName(),
            colour != null ? colour : saved.colour());
    if (s.relays().isEmpty()) {
      if (required) {
        throw new CliException(ExitCodes.USAGE, "no relay: give --relay ws://HOST:PORT");
      }
      return null;
    }
    if (!s.equals(saved)) {
      ProfileCommand.await(store.saveSettings(s));
    }
    String display = s.displayName().isEmpty() ? System.getProperty("user.name") : s.displayName();
    return SyncEngine.Config.of(s.relays(), s.token(), display, s.colour());
  }
}
