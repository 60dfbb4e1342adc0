package dev.quire.editor.cli;

import dev.quire.editor.store.ProfileBackups;
import dev.quire.editor.store.StoreException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code quire restore}: lists a profile's backups, or brings one back as a new profile. */
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description = {
      "Without BACKUP: lists the profile's backups, oldest first, one a line, tab-separated: N,"
          + " TIME (UTC), BYTES, FILE. Works on a profile in use.",
      "With BACKUP (its N, or a backup file) and --to DIR: restores it as a new profile in DIR,"
          + " which must not exist or be empty; the profile itself is not touched."
    })
final class RestoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ProfileOption profileOption;

  @Parameters(paramLabel = "BACKUP", arity = "0..1", description = "N from the list, or a file")
  String backup;

  @Option(names = "--to", paramLabel = "DIR", description = "the new profile's directory")
  Path to;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      List<ProfileBackups.Backup> all = ProfileBackups.list(profileOption.dir());
      if (backup == null) {
        for (int i = 0; i < all.size(); i++) {
          ProfileBackups.Backup b = all.get(i);
          out.println((i + 1) + "\t" + b.taken() + "\t" + b.bytes() + "\t" + b.file());
        }
        return ExitCodes.OK;
      }
      if (to == null) {
        throw new CliException(ExitCodes.USAGE, "--to DIR is needed: restore makes a new profile");
      }
      Path file = chosen(all);
      ProfileBackups.restore(file, to);
      out.println(to);
      return ExitCodes.OK;
    } catch (CliException e) {
      err.println("quire restore: " + e.getMessage());
      return e.exitCode();
    } catch (StoreException e) {
      err.println("quire restore: " + e.getMessage());
      return ExitCodes.FAILED;
    }
  }

  private Path chosen(List<ProfileBackups.Backup> all) {
    if (backup.matches("[0-9]{1,9}")) {
      int n = Integer.parseInt(backup);
      if (n < 1 || n > all.size()) {
        throw new CliException(
            ExitCodes.USAGE,
            "no backup " + n + ": the profile has " + all.size() + " (quire restore lists them)");
      }
      return all.get(n - 1).file();
    }
    Path file = Path.of(backup);
    if (!Files.isRegularFile(file)) {
      throw new CliException(ExitCodes.USAGE, backup + ": no such backup file");
    }
    return file;
  }
}
