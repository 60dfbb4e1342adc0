package dev.quire.relay;

import dev.quire.relay.store.RelayBackup;
import dev.quire.relay.store.RelayStorage;
import dev.quire.relay.store.StorageBackups;
import dev.quire.relay.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ./quire relay backup --to FILE}: a verified backup on demand, taken by the relay running
 * on the data directory ({@link AdminAccess}) or from the directory when none runs; {@code --verify
 * FILE} checks an existing one ({@link RelayBackup}).
 */
@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a backup of the data directory to FILE (a zip; restore by unzipping it into an empty"
          + " directory) holding every batch acknowledged before the command, verified before it"
          + " is kept; works while the relay runs on it and while it is stopped.",
      "With --verify, only checks an existing backup.",
      "Prints one line: 'verified FILE: schema S, N documents, R revisions, U users'."
    })
final class BackupCommand implements Callable<Integer> {
  @Option(names = "--to", paramLabel = "FILE", description = "Where to write it; must not exist.")
  Path to;

  @Option(
      names = "--verify",
      paramLabel = "FILE",
      description = "Check the backup FILE instead: the zip, its database, its histories.")
  Path verify;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Data directory (default: the relay's --data, or QUIRE_RELAY_DATA).")
  Path data;

  @ParentCommand RelayMain relay;

  @Spec CommandSpec spec;

  /** The running relay's store when this runs inside it ({@link AdminEndpoint}), else null. */
  RelayStorage live;

  @Override
  public Integer call() {
    if ((to == null) == (verify == null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "give either --to FILE or --verify FILE");
    }
    if (verify != null) {
      try {
        print(verify, RelayBackup.verify(verify));
        return 0;
      } catch (StoreException e) {
        spec.commandLine().getErr().println("quire relay backup: " + e.getMessage());
        return 1;
      }
    }
    if (live == null && relay.onDatabase()) {
      spec.commandLine()
          .getErr()
          .println(
              "quire relay backup: the relay's data is in PostgreSQL; back it up with"
                  + " PostgreSQL's own tools (pg_dump); nothing was written");
      return 1;
    }
    Path dir = (data != null ? data : relay.data).toAbsolutePath();
    Path file = to.toAbsolutePath();
    if (live == null && !Files.exists(dir.resolve(RelayBackup.DATABASE_FILE))) {
      spec.commandLine()
          .getErr()
          .println("quire relay backup: " + dir + " holds no relay data; nothing was written");
      return 1;
    }
    // Absolute paths: the running relay resolves them, in its own working directory.
    List<String> args = List.of("backup", "--data", dir.toString(), "--to", file.toString());
    return AdminAccess.run(
        live, dir, spec, args, store -> print(file, backups(store).backupTo(file)));
  }

  private static StorageBackups backups(RelayStorage store) {
    return store
        .backups()
        .orElseThrow(
            () -> new IllegalStateException("the relay's storage does not make backups itself"));
  }

  private void print(Path file, RelayBackup.Summary s) {
    spec.commandLine()
        .getOut()
        .printf(
            "verified %s: schema %s, %d documents, %d revisions, %d users%n",
            file, s.schemaVersion(), s.documents(), s.revisions(), s.users());
  }
}
