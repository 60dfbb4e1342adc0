package dev.quire.relay;

import dev.quire.ot.protocol.Ids;
import dev.quire.ot.protocol.Role;
import dev.quire.relay.store.DocumentStore.DocumentRow;
import dev.quire.relay.store.RelayStorage;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ./quire relay grant DOC USER ROLE}: what an owner's {@code share} does, from the shell.
 */
@Command(
    name = "grant",
    mixinStandardHelpOptions = true,
    description =
        "Gives USER the ROLE (editor, viewer, or none to remove) on document DOC; works while the"
            + " relay runs and while it is stopped.")
final class GrantCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DOC")
  String doc;

  @Parameters(index = "1", paramLabel = "USER")
  String user;

  @Parameters(index = "2", paramLabel = "ROLE", description = "editor, viewer or none")
  String role;

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
    return AdminAccess.run(live, data != null ? data : relay.data, spec, this::grant);
  }

  private void grant(RelayStorage store) {
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
    spec.commandLine().getErr().println(user + " is now " + role + " of " + doc);
    if (r == null && row.encrypted() && store.keys().rotationDue(doc)) {
      spec.commandLine()
          .getErr()
          .println(
              doc
                  + " is encrypted: its key rotates when its owner's client next connects;"
                  + " until then "
                  + user
                  + "'s devices hold the current key");
    }
  }
}
