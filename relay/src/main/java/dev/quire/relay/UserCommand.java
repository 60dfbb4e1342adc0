package dev.quire.relay;

import dev.quire.relay.store.RelayStorage;
import dev.quire.relay.store.UserStore.UserInfo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ./quire relay user add|token|revoke|list}: manages users, through the relay when it runs
 * on the data directory ({@link AdminAccess}).
 */
@Command(
    name = "user",
    mixinStandardHelpOptions = true,
    description =
        "Manages users in the data directory; works while the relay runs on it (the command is"
            + " handed to the relay) and while it is stopped.")
final class UserCommand {

  @Option(
      names = "--data",
      paramLabel = "DIR",
      scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "Data directory (default: the relay's --data, or QUIRE_RELAY_DATA).")
  Path data;

  @ParentCommand RelayMain relay;

  @Spec CommandSpec spec;

  /** The running relay's store when this runs inside it ({@link AdminEndpoint}), else null. */
  RelayStorage live;

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Adds a user and prints their token, once.")
  int add(@Parameters(paramLabel = "NAME", description = "a-z 0-9 . _ -, up to 32") String name) {
    return withStore(
        store -> {
          String token = store.users().add(name);
          out().println(token);
          err()
              .println(
                  "Added user "
                      + name
                      + ". The line above is their token: it is shown only"
                      + " now and stored only as a hash.");
        });
  }

  @Command(
      name = "token",
      mixinStandardHelpOptions = true,
      description = "Prints a new, additional token for a user, once.")
  int token(@Parameters(paramLabel = "NAME") String name) {
    return withStore(store -> out().println(store.users().issueToken(name)));
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revokes a user and all their tokens.")
  int revoke(@Parameters(paramLabel = "NAME") String name) {
    return withStore(
        store -> {
          store.users().revoke(name);
          err().println("Revoked user " + name + " and their tokens.");
        });
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists users.")
  int list() {
    return withStore(
        store -> {
          for (UserInfo u : store.users().list()) {
            out()
                .printf(
                    "%-32s %s  %d active token(s)%s%n",
                    u.name(),
                    Instant.ofEpochMilli(u.createdMillis()),
                    u.activeTokens(),
                    u.revoked() ? "  REVOKED" : "");
          }
        });
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }

  private PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Runs {@code work} on the relay's users and documents; returns the exit code. */
  int withStore(AdminAccess.Work work) {
    return AdminAccess.run(live, data != null ? data : relay.data, spec, work);
  }
}
