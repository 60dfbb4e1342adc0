package dev.quire.editor.cli;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.StoreOpenException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --profile DIR}, shared by every command that works on a profile. */
final class ProfileOption {
  @Option(
      names = "--profile",
      paramLabel = "DIR",
      description = "the profile directory (default: ~/.quire/profiles/default)")
  Path profile;

  Path dir() {
    return profile != null ? profile : LocalStore.defaultProfile();
  }

  /**
   * Opens the profile's store.
   *
   * @throws CliException with {@link ExitCodes#PROFILE} when it cannot be opened
   */
  LocalStore open() {
    try {
      return LocalStore.open(dir());
    } catch (StoreOpenException e) {
      throw new CliException(ExitCodes.PROFILE, e.getMessage());
    }
  }
}
