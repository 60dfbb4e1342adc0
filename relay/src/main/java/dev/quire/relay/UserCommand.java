package dev.quire.relay;

import dev.quire.relay.store.RelayStore;
import dev.quire.relay.store.UserStore.UserInfo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ./quire relay user add|token|revoke|list}: manages users while the relay is stopped. */
@Command(
    name = "user",
    mixinStandardHelpOptions = true,
    description =
        "Manages users in the data directory. The relay must be stopped (the database is opened"
            + " exclusively).")
final class UserCommand {

  @Option(
      names = "--data",
      defaultValue = "${env:QUIRE_RELAY_DATA:-${sys:user.home}/.quire/relay}",
      scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "Data directory (default ${DEFAULT-VALUE}) [QUIRE_RELAY_DATA].")
  Path data;

  @Spec CommandSpec spec;

  @Command(name = "add", description = "Adds a user and prints their token, once.")
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

  @Command(name = "token", description = "Prints a new, additional token for a user, once.")
  int token(@Parameters(paramLabel = "NAME") String name) {
    return withStore(store -> out().println(store.users().issueToken(name)));
  }

  @Command(name = "revoke", description = "Revokes a user and all their tokens.")
  int revoke(@Parameters(paramLabel = "NAME") String name) {
    return withStore(
        store -> {
          store.users().revoke(name);
          err().println("Revoked user " + name + " and their tokens.");
        });
  }

  @Command(name = "list", description = "Lists users.")
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

  interface StoreWork {
    void run(RelayStore store);
  }

  /** Opens the store, runs {@code work}, prints a refusal as one line; returns the exit code. */
  int withStore(StoreWork work) {
    try (RelayStore store = RelayStore.open(data, 2)) {
      work.run(store);
      return 0;
    } catch (RuntimeException e) {
      err().println("quire relay " + spec.name() + ": " + e.getMessage());
      return 1;
    } finally {
      out().flush();
      err().flush();
    }
  }
}
