package dev.quire.editor.cli;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.ProfileBackups;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code quire backup}: a backup of the profile now, or how often they are taken. */
@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    description = {
      "Takes a consistent backup of the profile now (into DIR/backups/) and prints its path.",
      "With --every or --keep: sets how often backups are taken on their own and how many are"
          + " kept, instead."
    })
final class BackupCommand extends ProfileCommand {
  @Option(
      names = "--every",
      paramLabel = "MINUTES",
      description = "back up at most every MINUTES while something changed (0: never on its own)")
  Long everyMinutes;

  @Option(names = "--keep", paramLabel = "N", description = "keep the newest N backups")
  Integer keep;

  @Override
  int run(LocalStore store, PrintWriter out) {
    if (everyMinutes == null && keep == null) {
      ProfileBackups.Backup b = store.backups().backupNow();
      out.println(b.file());
      return ExitCodes.OK;
    }
    ProfileBackups.Policy now = store.backups().policy();
    ProfileBackups.Policy p;
    try {
      p =
          new ProfileBackups.Policy(
              everyMinutes == null ? now.every() : Duration.ofMinutes(everyMinutes),
              keep == null ? now.keep() : keep);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, "--every must be 0 or more and --keep 1 or more");
    }
    await(store.saveBackupPolicy(p));
    out.println(
        (p.every().isZero()
                ? "backups: never on their own ('quire backup' takes one)"
                : "backups: every " + p.every().toMinutes() + " minute(s) while changed")
            + ", keep "
            + p.keep());
    return ExitCodes.OK;
  }
}
