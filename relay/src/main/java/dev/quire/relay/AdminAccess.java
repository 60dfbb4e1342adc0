package dev.quire.relay;

import dev.quire.relay.postgres.PostgresStorage;
import dev.quire.relay.store.EmbeddedStorage;
import dev.quire.relay.store.RelayStorage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Where {@code user}, {@code grant} and {@code backup} find the users and documents: inside a
 * running relay its own store; with {@code --database}, that database, which the relays share;
 * elsewhere the relay running on the data directory, through its {@link AdminEndpoint}; when none
 * runs, the data directory opened directly.
 */
final class AdminAccess {
  private AdminAccess() {}

  /** Work on the store; a refusal is an exception whose message is printed as one line. */
  interface Work {
    void run(RelayStorage store);
  }

  /**
   * Runs {@code work} for the command {@code spec} and returns its exit code.
   *
   * @param live the running relay's store when the command runs inside it, else null
   */
  static int run(RelayStorage live, Path dataDir, CommandSpec spec, Work work) {
    return run(
        live, dataDir, spec, spec.root().commandLine().getParseResult().originalArgs(), work);
  }

  /**
   * Runs {@code work} as {@link #run(RelayStorage, Path, CommandSpec, Work)} does, handing a
   * running relay {@code args} instead of the command's own arguments.
   */
  static int run(RelayStorage live, Path dataDir, CommandSpec spec, List<String> args, Work work) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      if (live != null) {
        work.run(live);
        return 0;
      }
      RelayMain relay = (RelayMain) spec.root().userObject();
      if (relay.onDatabase()) { // shared by every relay on it: no need to go through one
        try (RelayStorage store = PostgresStorage.open(relay.databaseUrl(), 2)) {
          work.run(store);
          return 0;
        }
      }
      Optional<Integer> forwarded = AdminClient.forward(dataDir, args, out, err);
      if (forwarded.isPresent()) {
        return forwarded.get();
      }
      try (RelayStorage store = EmbeddedStorage.open(dataDir, 2)) {
        work.run(store);
        return 0;
      }
    } catch (RuntimeException e) {
      err.println(spec.qualifiedName() + ": " + e.getMessage());
      return 1;
    } finally {
      out.flush();
      err.flush();
    }
  }
}
