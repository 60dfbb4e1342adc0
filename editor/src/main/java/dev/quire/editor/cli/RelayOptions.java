package dev.quire.editor.cli;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.Settings;
import dev.quire.editor.sync.SyncEngine;
import java.net.URI;
import java.net.URISyntaxException;
import picocli.CommandLine.Option;

/** {@code --relay URL --token T --name N --colour C}: given ones are remembered in the profile. */
final class RelayOptions {
  @Option(names = "--relay", paramLabel = "URL", description = "the relay, ws://host:port")
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

  /** The engine configuration from these options over the saved settings, which it updates. */
  SyncEngine.Config config(LocalStore store, boolean required) {
    Settings saved = ProfileCommand.await(store.settings());
    Settings s =
        new Settings(
            relay != null ? relay : saved.relayUrl(),
            token != null ? token : saved.token(),
            name != null ? name : saved.displayName(),
            colour != null ? colour : saved.colour());
    if (s.relayUrl().isEmpty()) {
      if (required) {
        throw new CliException(ExitCodes.USAGE, "no relay: give --relay ws://HOST:PORT");
      }
      return null;
    }
    URI uri;
    try {
      uri = new URI(s.relayUrl());
    } catch (URISyntaxException e) {
      throw new CliException(ExitCodes.USAGE, "--relay " + s.relayUrl() + ": " + e.getMessage());
    }
    if (!"ws".equals(uri.getScheme()) && !"wss".equals(uri.getScheme())) {
      throw new CliException(
          ExitCodes.USAGE, "--relay " + s.relayUrl() + ": expected ws://HOST:PORT");
    }
    if (!s.equals(saved)) {
      ProfileCommand.await(store.saveSettings(s));
    }
    String display = s.displayName().isEmpty() ? System.getProperty("user.name") : s.displayName();
    return SyncEngine.Config.of(uri, s.token(), display, s.colour());
  }
}
