package dev.quire.relay;

import dev.quire.ot.protocol.Ids;
import dev.quire.ot.protocol.Role;
import dev.quire.relay.store.DocumentStore.DocumentRow;
import dev.quire.relay.store.RelayStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./quire relay grant DOC USER ROLE}: what an owner's {@code share} does, from the shell.
 */
@Command(
    name = "grant",
    mixinStandardHelpOptions = true,
    description =
        "Gives USER the ROLE (editor, viewer, or none to remove) on document DOC. The relay must be"
            + " stopped.")
final class GrantCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DOC")
  String doc;

  @Parameters(index = "1", paramLabel = "USER")
  String user;

  @Parameters(index = "2", paramLabel = "ROLE", description = "editor, viewer or none")
  String role;

  @Option(
      names = "--data",
      defaultValue = "${env:QUIRE_RELAY_DATA:-${sys:user.home}/.quire/relay}",
      description = "Data directory (default ${DEFAULT-VALUE}) [QUIRE_RELAY_DATA].")
  Path data;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    try (RelayStore store = RelayStore.open(data, 2)) {
      Role r = role.equals("none") ? null : Role.fromWire(role);
      if ((r == null && !role.equals("none")) || r == Role.OWNER) {
        throw new IllegalArgumentException("ROLE must be editor, viewer or none, was " + role);
      }
      Ids.requireDocumentId(doc);
      DocumentRow row =
          store
              .documents()
              .find(doc)
              .filter(d -> !d.deleted())
              .orElseThrow(() -> new IllegalArgumentException("no document " + doc));
      if (row.owner().equals(user)) {
        throw new IllegalArgumentException(
            user + " owns " + doc + "; the owner's role cannot change");
      }
      if (!store.users().isActive(user)) {
        throw new IllegalArgumentException("no active user named " + user);
      }
      store.documents().setRole(doc, user, r);
      err.println(user + " is now " + role + " of " + doc);
      return 0;
    } catch (RuntimeException e) {
      err.println("quire relay grant: " + e.getMessage());
      return 1;
    } finally {
      err.flush();
    }
  }
}
